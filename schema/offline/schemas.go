package offline

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"
	"github.com/pgshift/pgshift/schema"
)

func (b *offline) createSchema(cs *pg_query.CreateSchemaStmt) {
	name := cs.Schemaname
	if name == "" && cs.Authrole != nil {
		name = cs.Authrole.Rolename
	}
	if b.s.Namespaces[schema.QuoteIdent(name)] != nil {
		return
	}
	ns := &schema.Namespace{Name: name}
	if cs.Authrole != nil {
		ns.Owner = cs.Authrole.Rolename
	}
	b.s.Namespaces[ns.Key()] = ns
	if len(cs.SchemaElts) > 0 {
		b.gap("unsupported-statement")
	}
}

func (b *offline) createExtension(ce *pg_query.CreateExtensionStmt) {
	if b.s.Extensions[schema.QuoteIdent(ce.Extname)] != nil {
		return
	}
	e := &schema.Extension{Name: ce.Extname}
	for _, o := range ce.Options {
		d := o.GetDefElem()
		switch d.GetDefname() {
		case "schema":
			e.Schema = defString(d)
		case "new_version":
			e.Version = defString(d)
		}
	}
	if e.Schema == "" {
		e.Schema = b.creationSchema("")
	}
	b.gap("extension-version")
	b.s.Extensions[e.Key()] = e
	for _, t := range extensionTypes[ce.Extname] {
		b.extTypes[t] = ce.Extname
	}
}

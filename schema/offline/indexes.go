package offline

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"github.com/pgshift/pgshift/schema"
	"google.golang.org/protobuf/proto"
)

// createIndex models CREATE INDEX.
func (b *offline) createIndex(is *pg_query.IndexStmt) error {
	t := b.table(is.Relation)
	var v *schema.View
	if t == nil {
		v = b.view(is.Relation)
		if v == nil {
			b.gap("unresolved-reference")
			return nil
		}
	}
	var sc, relName, relKey string
	var colTable *schema.Table
	if t != nil {
		sc, relName, relKey, colTable = t.Schema, t.Name, t.Key(), t
	} else {
		sc, relName, relKey = v.Schema, v.Name, v.Key()
		b.gap("view")
	}
	var names []string
	var deps []string
	is = proto.Clone(is).(*pg_query.IndexStmt)
	for _, p := range append(append([]*pg_query.Node(nil), is.IndexParams...), is.IndexIncludingParams...) {
		ie := p.GetIndexElem()
		if ie == nil {
			continue
		}
		switch {
		case ie.Indexcolname != "":
			names = append(names, ie.Indexcolname)
		case ie.Name != "":
			names = append(names, ie.Name)
		default:
			names = append(names, "expr")
		}
		if ie.Name != "" && colTable != nil {
			deps = append(deps, b.colID(colTable, ie.Name))
		}
		if ie.Expr != nil {
			b.qualify(ie.Expr, colTable, &deps)
		}
		if len(ie.Opclass) > 0 {
			b.gap("index-opclass")
		}
		if am := strings.ToLower(is.AccessMethod); (am == "gist" && b.s.Extensions["btree_gist"] != nil) || (am == "gin" && b.s.Extensions["btree_gin"] != nil) {
			b.gap("extension-opclass")
		}
	}
	b.qualify(is.WhereClause, colTable, &deps)
	simple := false
	for _, p := range is.IndexParams {
		if p.GetIndexElem().GetName() != "" {
			simple = true
		}
	}
	if !simple && colTable != nil {
		// index_create: an index without a plain column depends on the whole table
		deps = append(deps, schema.ID(schema.KindTable, colTable.Key()))
	}
	name := is.Idxname
	if name == "" {
		name = b.chooseRelationName(sc, relName, nameAddition(indexColumnNames(names)), "idx", false)
	}
	if b.relExists(sc, name) {
		if is.IfNotExists {
			return nil
		}
	}
	b.addRel(sc, name, "i")
	is.Idxname = name
	is.Relation = &pg_query.RangeVar{Schemaname: sc, Relname: relName, Inh: t == nil || t.Kind != schema.TablePartitioned, Relpersistence: "p"}
	if is.AccessMethod == "" {
		is.AccessMethod = "btree"
	}
	is.Concurrent, is.IfNotExists, is.TableSpace = false, false, ""
	def := canonStatement(deparseWithPrefix("", &pg_query.Node{Node: &pg_query.Node_IndexStmt{IndexStmt: is}}))
	x := &schema.Index{Schema: sc, Name: name, Table: relKey, Definition: def, Unique: is.Unique, Valid: true, Deps: deps}
	if t != nil {
		t.Indexes = append(t.Indexes, x)
		if is.Unique && is.WhereClause == nil {
			var cols []string
			ok := true
			for _, p := range is.IndexParams {
				if n := p.GetIndexElem().GetName(); n != "" {
					cols = append(cols, n)
				} else {
					ok = false
				}
			}
			if ok {
				b.uniques[t.Key()] = append(b.uniques[t.Key()], uniqueKey{cols: cols, id: schema.ID(schema.KindIndex, x.Key())})
			}
		}
	} else {
		v.Indexes = append(v.Indexes, x)
	}
	return nil
}

// findIndex finds an index (not implementing a constraint) by name.
func (b *offline) findIndex(nsp, name string) (*schema.Index, *schema.Table, *schema.View) {
	for _, k := range schema.SortedKeys(b.s.Tables) {
		t := b.s.Tables[k]
		for _, x := range t.Indexes {
			if x.Name == name && (nsp == "" && b.inPath(x.Schema) || x.Schema == nsp) {
				return x, t, nil
			}
		}
	}
	for _, k := range schema.SortedKeys(b.s.Views) {
		v := b.s.Views[k]
		for _, x := range v.Indexes {
			if x.Name == name && (nsp == "" && b.inPath(x.Schema) || x.Schema == nsp) {
				return x, nil, v
			}
		}
	}
	return nil, nil, nil
}

// findConstraintIndex finds the constraint implemented by the index named name.
func (b *offline) findConstraintIndex(nsp, name string) (*schema.Constraint, *schema.Table) {
	for _, k := range schema.SortedKeys(b.s.Tables) {
		t := b.s.Tables[k]
		for _, c := range t.Constraints {
			if c.Index != "" && c.Name == name && (nsp == "" && b.inPath(t.Schema) || t.Schema == nsp) {
				return c, t
			}
		}
	}
	return nil, nil
}

func (b *offline) inPath(nsp string) bool {
	for _, s := range b.sp {
		if s == nsp {
			return true
		}
	}
	return false
}

// alterIndex handles ALTER INDEX ... ATTACH PARTITION (the child index, or the
// constraint it implements, belongs to the parent from then on) and SET options.
func (b *offline) alterIndex(at *pg_query.AlterTableStmt) error {
	for _, cn := range at.Cmds {
		cmd := cn.GetAlterTableCmd()
		switch cmd.GetSubtype() {
		case pg_query.AlterTableType_AT_AttachPartition:
			child := cmd.Def.GetPartitionCmd().GetName()
			if x, t, _ := b.findIndex(child.Schemaname, child.Relname); x != nil && t != nil {
				for i, y := range t.Indexes {
					if y == x {
						t.Indexes = append(t.Indexes[:i], t.Indexes[i+1:]...)
						break
					}
				}
			} else if c, t := b.findConstraintIndex(child.Schemaname, child.Relname); c != nil {
				for i, y := range t.Constraints {
					if y == c {
						t.Constraints = append(t.Constraints[:i], t.Constraints[i+1:]...)
						break
					}
				}
			}
			b.gap("partition")
		default:
			b.gap("unsupported-statement")
		}
	}
	return nil
}

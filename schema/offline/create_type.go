package offline

import (
	"fmt"
	"sort"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"github.com/pgshift/pgshift/schema"
	"google.golang.org/protobuf/proto"
)

func (b *offline) newType(names []*pg_query.Node, kind schema.TypeKind) *schema.Type {
	sc, name := nameList(names)
	sc = b.creationSchema(sc)
	t := &schema.Type{Schema: sc, Name: name, Kind: kind, ACL: []string{"PUBLIC=USAGE"}}
	t.Deps = []string{schema.ID(schema.KindSchema, schema.QuoteIdent(sc))}
	b.s.Types[t.Key()] = t
	return t
}

func (b *offline) createEnum(ce *pg_query.CreateEnumStmt) {
	t := b.newType(ce.TypeName, schema.TypeEnum)
	for _, v := range ce.Vals {
		t.Labels = append(t.Labels, v.GetString_().GetSval())
	}
}

func (b *offline) findType(names []*pg_query.Node) *schema.Type {
	sc, name := nameList(names)
	k, _, ok := b.lookupType(sc, name)
	if !ok {
		return nil
	}
	return b.s.Types[k]
}

func (b *offline) alterEnum(ae *pg_query.AlterEnumStmt) error {
	t := b.findType(ae.TypeName)
	if t == nil || t.Kind != schema.TypeEnum {
		b.gap("unresolved-reference")
		return nil
	}
	if ae.OldVal != "" {
		for i, l := range t.Labels {
			if l == ae.OldVal {
				t.Labels[i] = ae.NewVal
			}
		}
		return nil
	}
	for _, l := range t.Labels {
		if l == ae.NewVal {
			return nil
		}
	}
	if ae.NewValNeighbor == "" {
		t.Labels = append(t.Labels, ae.NewVal)
		return nil
	}
	for i, l := range t.Labels {
		if l == ae.NewValNeighbor {
			at := i
			if ae.NewValIsAfter {
				at = i + 1
			}
			t.Labels = append(t.Labels[:at], append([]string{ae.NewVal}, t.Labels[at:]...)...)
			return nil
		}
	}
	return fmt.Errorf("enum label %q does not exist", ae.NewValNeighbor)
}

func (b *offline) createDomain(cd *pg_query.CreateDomainStmt) {
	t := b.newType(cd.Domainname, schema.TypeDomain)
	var dep string
	t.BaseType, dep = b.formatType(cd.TypeName)
	if dep != "" {
		t.Deps = append(t.Deps, dep)
	}
	if cd.CollClause != nil {
		t.Collation = b.collation(cd.CollClause.Collname)
	}
	for _, c := range cd.Constraints {
		b.domainConstraint(t, c.GetConstraint())
	}
}

func (b *offline) domainConstraint(t *schema.Type, c *pg_query.Constraint) {
	if c == nil {
		return
	}
	switch c.Contype {
	case pg_query.ConstrType_CONSTR_NOTNULL:
		t.NotNull = true
	case pg_query.ConstrType_CONSTR_NULL:
		t.NotNull = false
	case pg_query.ConstrType_CONSTR_DEFAULT:
		t.Default = b.expr(c.RawExpr, nil, &t.Deps)
	case pg_query.ConstrType_CONSTR_CHECK:
		name := c.Conname
		if name == "" {
			name = b.chooseConstraintName(t.Schema, t.Name, "", "check")
		}
		b.addCon(t.Schema, name)
		cc := proto.Clone(c).(*pg_query.Constraint)
		cc.Conname = "c"
		b.qualify(cc.RawExpr, nil, &t.Deps)
		def := deparseWithPrefix("ALTER DOMAIN d ADD ", &pg_query.Node{Node: &pg_query.Node_AlterDomainStmt{AlterDomainStmt: &pg_query.AlterDomainStmt{
			Subtype: "C", TypeName: []*pg_query.Node{strNode("d")}, Def: &pg_query.Node{Node: &pg_query.Node_Constraint{Constraint: cc}}}}})
		def = strings.TrimPrefix(def, "CONSTRAINT c ")
		t.Constraints = append(t.Constraints, &schema.DomainConstraint{Name: name, Definition: canonDomainConstraintDef(def)})
		sort.Slice(t.Constraints, func(i, j int) bool { return t.Constraints[i].Name < t.Constraints[j].Name })
	default:
		b.gap("unsupported-statement")
	}
}

func (b *offline) alterDomain(ad *pg_query.AlterDomainStmt) {
	t := b.findType(ad.TypeName)
	if t == nil {
		b.gap("unresolved-reference")
		return
	}
	switch ad.Subtype {
	case "T":
		t.Default = ""
		if ad.Def != nil {
			t.Default = b.expr(ad.Def, nil, &t.Deps)
		}
	case "N":
		t.NotNull = false
	case "O":
		t.NotNull = true
	case "C":
		b.domainConstraint(t, ad.Def.GetConstraint())
	case "X":
		for i, c := range t.Constraints {
			if c.Name == ad.Name {
				t.Constraints = append(t.Constraints[:i], t.Constraints[i+1:]...)
				break
			}
		}
	case "V":
		for _, c := range t.Constraints {
			if c.Name == ad.Name {
				c.Definition = strings.TrimSuffix(c.Definition, " NOT VALID")
			}
		}
	}
}

func (b *offline) createComposite(ct *pg_query.CompositeTypeStmt) {
	sc, name := b.rangeVar(ct.Typevar)
	t := &schema.Type{Schema: sc, Name: name, Kind: schema.TypeComposite, ACL: []string{"PUBLIC=USAGE"}, Deps: []string{schema.ID(schema.KindSchema, schema.QuoteIdent(sc))}}
	b.s.Types[t.Key()] = t
	b.addRel(sc, name, "c")
	for _, e := range ct.Coldeflist {
		cd := e.GetColumnDef()
		if cd == nil {
			continue
		}
		typ, dep := b.formatType(cd.TypeName)
		if dep != "" {
			t.Deps = append(t.Deps, dep)
		}
		a := &schema.Attribute{Name: cd.Colname, Type: typ}
		if cd.CollClause != nil {
			a.Collation = b.collation(cd.CollClause.Collname)
		}
		t.Attributes = append(t.Attributes, a)
	}
}

func (b *offline) createRange(cr *pg_query.CreateRangeStmt) {
	t := b.newType(cr.TypeName, schema.TypeRange)
	for _, p := range cr.Params {
		d := p.GetDefElem()
		switch d.GetDefname() {
		case "subtype":
			var dep string
			t.Subtype, dep = b.formatType(d.Arg.GetTypeName())
			if dep != "" {
				t.Deps = append(t.Deps, dep)
			}
		case "subtype_opclass":
			b.gap("range-options")
			t.SubtypeOpclass = schema.QualName("pg_catalog", defString(d))
		case "collation":
			t.Collation = schema.QualName("pg_catalog", defString(d))
		case "canonical", "subtype_diff":
			fn := b.funcName(d.Arg)
			if d.Defname == "canonical" {
				t.Canonical = fn
			} else {
				t.SubtypeDiff = fn
			}
		case "multirange_type_name":
			sc, name := "", defString(d)
			if l := d.Arg.GetList(); l != nil {
				sc, name = nameList(l.Items)
			}
			mr := schema.QualName(b.creationSchema(sc), name)
			if mr != schema.DefaultMultirangeName(t.Schema, t.Name) {
				t.Multirange = mr
			}
		}
	}
}

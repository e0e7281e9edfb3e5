package offline

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"github.com/pgshift/pgshift/schema"
	"google.golang.org/protobuf/proto"
)

// constraintDef deparses a table constraint into its normal form.
func constraintDef(c *pg_query.Constraint) string {
	cc := proto.Clone(c).(*pg_query.Constraint)
	cc.Conname = "c"
	cc.Indexspace = ""
	at := &pg_query.AlterTableStmt{
		Relation: &pg_query.RangeVar{Relname: "t", Inh: true, Relpersistence: "p"},
		Objtype:  pg_query.ObjectType_OBJECT_TABLE,
		Cmds: []*pg_query.Node{{Node: &pg_query.Node_AlterTableCmd{AlterTableCmd: &pg_query.AlterTableCmd{
			Subtype: pg_query.AlterTableType_AT_AddConstraint, Def: &pg_query.Node{Node: &pg_query.Node_Constraint{Constraint: cc}}, Behavior: pg_query.DropBehavior_DROP_RESTRICT}}}},
	}
	const prefix = "ALTER TABLE t ADD CONSTRAINT c "
	out := deparseWithPrefix(prefix, &pg_query.Node{Node: &pg_query.Node_AlterTableStmt{AlterTableStmt: at}})
	return CanonConstraintDef(out)
}

// addConstraint adds a CHECK, PRIMARY KEY, UNIQUE, EXCLUDE or FOREIGN KEY
// constraint to t; col is the column of a column constraint.
func (b *offline) addConstraint(t *schema.Table, c *pg_query.Constraint, col string) {
	c = proto.Clone(c).(*pg_query.Constraint)
	con := &schema.Constraint{Name: c.Conname, Validated: !c.SkipValidation}
	sc := t.Schema
	switch c.Contype {
	case pg_query.ConstrType_CONSTR_CHECK:
		con.Type = schema.ConstraintCheck
		if con.Name == "" {
			cols := exprColumns(c.RawExpr)
			one := ""
			if len(cols) == 1 {
				one = cols[0]
			}
			con.Name = b.chooseConstraintName(sc, t.Name, one, "check")
		}
		b.qualify(c.RawExpr, t, &con.Deps)
	case pg_query.ConstrType_CONSTR_PRIMARY, pg_query.ConstrType_CONSTR_UNIQUE:
		con.Type = schema.ConstraintUnique
		label := "key"
		if c.Contype == pg_query.ConstrType_CONSTR_PRIMARY {
			con.Type, label = schema.ConstraintPrimaryKey, "pkey"
		}
		keys := stringsOf(c.Keys)
		if len(keys) == 0 && col != "" {
			keys = []string{col}
			c.Keys = strNodes(keys)
		}
		if c.Indexname != "" {
			b.gap("unsupported-statement") // ADD CONSTRAINT ... USING INDEX
		}
		if con.Name == "" {
			add := ""
			if con.Type == schema.ConstraintUnique {
				add = nameAddition(indexColumnNames(append(append([]string(nil), keys...), stringsOf(c.Including)...)))
			}
			con.Name = b.chooseRelationName(sc, t.Name, add, label, true)
		}
		for _, k := range append(append([]string(nil), keys...), stringsOf(c.Including)...) {
			con.Deps = append(con.Deps, b.colID(t, k))
		}
		if con.Type == schema.ConstraintPrimaryKey {
			for _, k := range keys {
				if cc := t.Column(k); cc != nil {
					cc.NotNull = true
				}
			}
		}
		con.Index = schema.QualName(sc, con.Name)
		b.addRel(sc, con.Name, "i")
		b.uniques[t.Key()] = append(b.uniques[t.Key()], uniqueKey{cols: keys, isPK: con.Type == schema.ConstraintPrimaryKey, isCon: true,
			id: schema.ID(schema.KindConstraint, t.Key()+"."+schema.QuoteIdent(con.Name))})
		if c.WhereClause != nil {
			b.qualify(c.WhereClause, t, &con.Deps)
		}
	case pg_query.ConstrType_CONSTR_EXCLUSION:
		con.Type = schema.ConstraintExclusion
		var names []string
		for _, ex := range c.Exclusions {
			l := ex.GetList()
			if l == nil || len(l.Items) == 0 {
				continue
			}
			ie := l.Items[0].GetIndexElem()
			switch {
			case ie.GetIndexcolname() != "":
				names = append(names, ie.Indexcolname)
			case ie.GetName() != "":
				names = append(names, ie.Name)
				con.Deps = append(con.Deps, b.colID(t, ie.Name))
			default:
				names = append(names, "expr")
				b.qualify(ie.GetExpr(), t, &con.Deps)
			}
		}
		if con.Name == "" {
			con.Name = b.chooseRelationName(sc, t.Name, nameAddition(indexColumnNames(names)), "excl", true)
		}
		if c.AccessMethod == "" {
			c.AccessMethod = "btree"
		}
		if c.WhereClause != nil {
			b.qualify(c.WhereClause, t, &con.Deps)
		}
		con.Index = schema.QualName(sc, con.Name)
		b.addRel(sc, con.Name, "i")
	case pg_query.ConstrType_CONSTR_FOREIGN:
		con.Type = schema.ConstraintForeignKey
		fk := stringsOf(c.FkAttrs)
		if len(fk) == 0 && col != "" {
			fk = []string{col}
			c.FkAttrs = strNodes(fk)
		}
		ref := b.table(c.Pktable)
		pk := stringsOf(c.PkAttrs)
		if ref == nil {
			b.gap("unresolved-reference")
			rsc, _ := b.lookupRel(c.Pktable.Schemaname, c.Pktable.Relname)
			con.ReferencedTable = schema.QualName(rsc, c.Pktable.Relname)
			c.Pktable.Schemaname = rsc
		} else {
			con.ReferencedTable = ref.Key()
			c.Pktable.Schemaname = ref.Schema
			var uk *uniqueKey
			for i, u := range b.uniques[ref.Key()] {
				if len(pk) == 0 && u.isPK || len(pk) > 0 && sameSet(pk, u.cols) {
					uk = &b.uniques[ref.Key()][i]
					break
				}
			}
			if uk != nil {
				if len(pk) == 0 {
					pk = uk.cols
				}
				con.Deps = append(con.Deps, uk.id)
			} else {
				b.gap("unresolved-reference")
			}
			for _, k := range pk {
				con.Deps = append(con.Deps, b.colID(ref, k))
			}
		}
		c.PkAttrs = strNodes(pk)
		for _, k := range fk {
			con.Deps = append(con.Deps, b.colID(t, k))
		}
		if con.Name == "" {
			con.Name = b.chooseConstraintName(sc, t.Name, nameAddition(fk), "fkey")
		}
		if c.FkMatchtype == "s" {
			c.FkMatchtype = ""
		}
		if c.FkUpdAction == "a" {
			c.FkUpdAction = ""
		}
		if c.FkDelAction == "a" {
			c.FkDelAction = ""
		}
	default:
		return
	}
	if t.Constraint(con.Name) != nil {
		return
	}
	b.addCon(sc, con.Name)
	con.Definition = constraintDef(c)
	con.Deps = withoutIDs(con.Deps, schema.ID(schema.KindConstraint, t.Key()+"."+schema.QuoteIdent(con.Name)))
	t.Constraints = append(t.Constraints, con)
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]bool{}
	for _, x := range a {
		m[x] = true
	}
	for _, x := range b {
		if !m[x] {
			return false
		}
	}
	return true
}

// constTypes handles `column op constant`: a string constant compared with a
// column of a user type (an enum, a domain) becomes a constant of that type,
// which the expression then depends on; a constant compared with a
// date/time column is a known gap (the server re-spells it).
func (b *offline) constTypes(e *pg_query.A_Expr, t *schema.Table, add func(string)) {
	if t == nil || e.Lexpr == nil || e.Rexpr == nil {
		return
	}
	side := func(col, other *pg_query.Node) {
		cr := col.GetColumnRef()
		if cr == nil || len(cr.Fields) == 0 {
			return
		}
		c := t.Column(cr.Fields[len(cr.Fields)-1].GetString_().GetSval())
		if c == nil {
			return
		}
		hasConst := false
		schema.WalkNodes(other.ProtoReflect(), func(x *pg_query.Node) {
			if k := x.GetAConst(); k != nil && k.GetSval() != nil {
				hasConst = true
			}
		})
		if !hasConst {
			return
		}
		typ := strings.TrimSuffix(c.Type, "[]")
		if i := strings.IndexByte(typ, '('); i >= 0 {
			typ = strings.TrimSpace(typ[:i] + typ[strings.IndexByte(typ, ')')+1:])
		}
		if temporalTypes[typ] {
			b.gap("typed-literal")
		}
		if ut := b.s.Types[strings.TrimSuffix(c.Type, "[]")]; ut != nil {
			add(schema.ID(schema.KindType, ut.Key()))
		}
	}
	side(e.Lexpr, e.Rexpr)
	side(e.Rexpr, e.Lexpr)
}

package offline

import (
	pg_query "github.com/pganalyze/pg_query_go/v5"
	"github.com/pgshift/pgshift/schema"
	"google.golang.org/protobuf/proto"
)

// qualifyQuery qualifies the relations and functions a query refers to and
// collects dependencies (approximately: relations, not their columns).
func (b *offline) qualifyQuery(q *pg_query.Node, deps *[]string) {
	ctes := map[string]bool{}
	schema.WalkNodes(q.ProtoReflect(), func(x *pg_query.Node) {
		if cte := x.GetCommonTableExpr(); cte != nil {
			ctes[cte.Ctename] = true
		}
	})
	schema.WalkNodes(q.ProtoReflect(), func(x *pg_query.Node) {
		rv := x.GetRangeVar()
		if rv == nil || rv.Schemaname == "" && ctes[rv.Relname] {
			return
		}
		sc, ok := b.lookupRel(rv.Schemaname, rv.Relname)
		if !ok {
			return
		}
		rv.Schemaname = sc
		k := schema.QualName(sc, rv.Relname)
		switch {
		case b.s.Tables[k] != nil:
			*deps = append(*deps, schema.ID(schema.KindTable, k))
		case b.s.Views[k] != nil:
			*deps = append(*deps, schema.ID(schema.KindView, k))
		}
	})
	b.qualify(q, nil, deps)
}

// viewColumns names the output columns of a query (types are unknown offline).
func viewColumns(q *pg_query.Node, aliases []*pg_query.Node) []*schema.ViewColumn {
	sel := q.GetSelectStmt()
	for sel != nil && sel.Larg != nil {
		sel = sel.Larg
	}
	var cols []*schema.ViewColumn
	if sel != nil {
		for _, t := range sel.TargetList {
			rt := t.GetResTarget()
			name := rt.GetName()
			if name == "" && rt.GetVal() != nil {
				switch v := rt.Val.Node.(type) {
				case *pg_query.Node_ColumnRef:
					if f := v.ColumnRef.Fields; len(f) > 0 {
						name = f[len(f)-1].GetString_().GetSval()
					}
				case *pg_query.Node_FuncCall:
					_, name = nameList(v.FuncCall.Funcname)
				case *pg_query.Node_TypeCast:
					if cr := v.TypeCast.Arg.GetColumnRef(); cr != nil && len(cr.Fields) > 0 {
						name = cr.Fields[len(cr.Fields)-1].GetString_().GetSval()
					} else {
						_, name = typeNameParts(v.TypeCast.TypeName)
					}
				default:
					name = "?column?"
				}
			}
			cols = append(cols, &schema.ViewColumn{Name: name})
		}
	}
	for i, a := range aliases {
		if i < len(cols) {
			cols[i].Name = a.GetString_().GetSval()
		}
	}
	return cols
}

func (b *offline) createView(vs *pg_query.ViewStmt) {
	b.gap("view")
	sc, name := b.rangeVar(vs.View)
	v := &schema.View{Schema: sc, Name: name, Deps: []string{schema.ID(schema.KindSchema, schema.QuoteIdent(sc))}}
	q := proto.Clone(vs.Query).(*pg_query.Node)
	b.qualifyQuery(q, &v.Deps)
	v.Definition = canonStatement(deparseWithPrefix("", q))
	v.Columns = viewColumns(q, vs.Aliases)
	v.Options = relOptions(vs.Options)
	switch vs.WithCheckOption {
	case pg_query.ViewCheckOption_LOCAL_CHECK_OPTION:
		v.Options = schema.SortedSet(append(v.Options, "check_option=local"))
	case pg_query.ViewCheckOption_CASCADED_CHECK_OPTION:
		v.Options = schema.SortedSet(append(v.Options, "check_option=cascaded"))
	}
	v.Deps = withoutIDs(v.Deps, schema.ID(schema.KindView, v.Key()))
	b.s.Views[v.Key()] = v
	b.addRel(sc, name, "v")
}

func (b *offline) createMatView(ct *pg_query.CreateTableAsStmt) {
	if ct.Objtype != pg_query.ObjectType_OBJECT_MATVIEW {
		b.gap("unsupported-statement")
		return
	}
	b.gap("view")
	sc, name := b.rangeVar(ct.Into.Rel)
	if ct.IfNotExists && b.relExists(sc, name) {
		return
	}
	v := &schema.View{Schema: sc, Name: name, Materialized: true, WithData: !ct.Into.SkipData, Deps: []string{schema.ID(schema.KindSchema, schema.QuoteIdent(sc))}}
	q := proto.Clone(ct.Query).(*pg_query.Node)
	b.qualifyQuery(q, &v.Deps)
	v.Definition = canonStatement(deparseWithPrefix("", q))
	v.Columns = viewColumns(q, ct.Into.ColNames)
	v.Options = relOptions(ct.Into.Options)
	b.s.Views[v.Key()] = v
	b.addRel(sc, name, "m")
}

package schema

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// normalizeCheck returns the normal form of a CHECK constraint definition as
// pg_get_constraintdef prints it ("CHECK ((...))" with an optional
// " NOT VALID").
//
// Why: pg_get_constraintdef output is not always a fixpoint. A CHECK written
// as `col IN ('a', 'b')` on a varchar column is stored and printed as
// `(col)::text = ANY ((ARRAY['a'::character varying, ...])::text[])` (an
// implicit ArrayCoerceExpr); when that text is parsed again, PostgreSQL's
// parse analysis pushes the array cast down to the elements
// (transformArrayExpr) and stores `ARRAY[('a'::character varying)::text,
// ...]`, which a fresh load of the file never stores. Both spellings are one
// expression. The normal form is the one that reads back as what a fresh load
// stores: the array of ANY/ALL without the varchar-to-text cast
// (`= ANY (ARRAY['a'::character varying, ...])`; the server adds the same
// implicit coercion again, make_scalar_array_op), so that the text the
// planner emits gives the catalog of a fresh load, not only an equal model.
// Other array casts are pushed down to the elements, as parse analysis
// does. The rewrites work on the raw parse tree, deparsed with pg_query.
//
// Definitions that do not parse are returned unchanged.
func normalizeCheck(def string) string {
	if !strings.HasPrefix(def, "CHECK ") {
		return def
	}
	const prefix = "ALTER TABLE t ADD CONSTRAINT c "
	tree, err := pg_query.Parse(prefix + def)
	if err != nil {
		return def
	}
	WalkNodes(tree.ProtoReflect(), func(n *pg_query.Node) {
		dropVarcharArrayCoerce(n)
		PushDownArrayCast(n)
	})
	out, err := pg_query.Deparse(tree)
	if err != nil || !strings.HasPrefix(out, prefix) {
		return def
	}
	return strings.TrimPrefix(out, prefix)
}

// dropVarcharArrayCoerce rewrites the array operand of `x op ANY/ALL (...)`
// when it is an array of varchar-cast elements coerced to text[], in either
// spelling — `CAST(ARRAY[e1::varchar, ...] AS text[])` or
// `ARRAY[e1::varchar::text, ...]` — into `ARRAY[e1::varchar, ...]`, which
// parse analysis coerces to text[] again (varchar to text is binary
// coercible: PostgreSQL docs, "Type Conversion", operators).
func dropVarcharArrayCoerce(n *pg_query.Node) {
	ae := n.GetAExpr()
	if ae == nil || (ae.Kind != pg_query.A_Expr_Kind_AEXPR_OP_ANY && ae.Kind != pg_query.A_Expr_Kind_AEXPR_OP_ALL) || ae.Rexpr == nil {
		return
	}
	if tc := ae.Rexpr.GetTypeCast(); tc != nil && isTypeName(tc.TypeName, "text", 1) {
		if arr := tc.Arg.GetAArrayExpr(); arr != nil && len(arr.Elements) > 0 && allElems(arr, func(e *pg_query.Node) bool {
			return isTypeName(e.GetTypeCast().GetTypeName(), "varchar", 0)
		}) {
			ae.Rexpr = tc.Arg
		}
		return
	}
	arr := ae.Rexpr.GetAArrayExpr()
	if arr == nil || len(arr.Elements) == 0 || !allElems(arr, func(e *pg_query.Node) bool {
		tc := e.GetTypeCast()
		return isTypeName(tc.GetTypeName(), "text", 0) && isTypeName(tc.GetArg().GetTypeCast().GetTypeName(), "varchar", 0)
	}) {
		return
	}
	for i, e := range arr.Elements {
		arr.Elements[i] = e.GetTypeCast().Arg
	}
}

func allElems(arr *pg_query.A_ArrayExpr, ok func(*pg_query.Node) bool) bool {
	for _, e := range arr.Elements {
		if !ok(e) {
			return false
		}
	}
	return true
}

// isTypeName reports whether tn names the type name (last name part, e.g.
// "varchar" for pg_catalog.varchar / character varying) with dims array
// dimensions and no type modifier.
func isTypeName(tn *pg_query.TypeName, name string, dims int) bool {
	if tn == nil || len(tn.Names) == 0 || len(tn.ArrayBounds) != dims || len(tn.Typmods) > 0 {
		return false
	}
	return tn.Names[len(tn.Names)-1].GetString_().GetSval() == name
}

// PushDownArrayCast rewrites `CAST(ARRAY[e1, e2] AS t[])` into
// `ARRAY[CAST(e1 AS t), CAST(e2 AS t)]`, as PostgreSQL's parse analysis does.
func PushDownArrayCast(n *pg_query.Node) {
	tc := n.GetTypeCast()
	if tc == nil || tc.TypeName == nil || len(tc.TypeName.ArrayBounds) == 0 {
		return
	}
	arr := tc.Arg.GetAArrayExpr()
	if arr == nil {
		return
	}
	elemType := proto.Clone(tc.TypeName).(*pg_query.TypeName)
	elemType.ArrayBounds = elemType.ArrayBounds[1:]
	for i, e := range arr.Elements {
		arr.Elements[i] = &pg_query.Node{Node: &pg_query.Node_TypeCast{TypeCast: &pg_query.TypeCast{
			Arg:      e,
			TypeName: proto.Clone(elemType).(*pg_query.TypeName),
			Location: -1,
		}}}
	}
	n.Node = &pg_query.Node_AArrayExpr{AArrayExpr: arr}
}

// WalkNodes calls fn on every *pg_query.Node reachable from m, parents
// before children (fn may replace a node's content; the walk then descends
// into the new content).
func WalkNodes(m protoreflect.Message, fn func(*pg_query.Node)) { visitNodes(m, fn, nil) }

// RewriteNodes calls fn on every *pg_query.Node reachable from m, children
// before parents; fn may replace the node's content.
func RewriteNodes(m protoreflect.Message, fn func(*pg_query.Node)) { visitNodes(m, nil, fn) }

// visitNodes walks every *pg_query.Node reachable from m, calling pre (if
// set) before a node's children and post (if set) after them.
func visitNodes(m protoreflect.Message, pre, post func(*pg_query.Node)) {
	n, isNode := m.Interface().(*pg_query.Node)
	if isNode && pre != nil {
		pre(n)
		m = n.ProtoReflect()
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Message() != nil:
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				visitNodes(l.Get(i).Message(), pre, post)
			}
		case fd.Message() != nil && !fd.IsMap():
			visitNodes(v.Message(), pre, post)
		}
		return true
	})
	if isNode && post != nil {
		post(n)
	}
}

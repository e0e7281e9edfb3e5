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
// `(col)::text = ANY ((ARRAY['a'::character varying, ...])::text[])`; when
// that text is parsed again, PostgreSQL's parse analysis pushes the array
// cast down to the elements (transformArrayExpr) and stores
// `ARRAY[('a'::character varying)::text, ...]`. Both are one expression.
// The normal form applies the same push-down to the raw parse tree and
// deparses it with pg_query, so both spellings compare equal and the text
// the planner emits reads back as itself.
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
	WalkNodes(tree.ProtoReflect(), PushDownArrayCast)
	out, err := pg_query.Deparse(tree)
	if err != nil || !strings.HasPrefix(out, prefix) {
		return def
	}
	return strings.TrimPrefix(out, prefix)
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

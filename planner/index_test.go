package planner

import (
	"testing"

	"github.com/pgshift/pgshift/schema"
)

// TestIndexGet checks that sub-objects are found through their parent and
// that unknown IDs give nil.
func TestIndexGet(t *testing.T) {
	tb := &schema.Table{Schema: "public", Name: "Order Items",
		Columns:     []*schema.Column{{Name: "id", Type: "integer"}, {Name: "Qty", Type: "integer", Deps: []string{"type public.q"}}},
		Constraints: []*schema.Constraint{{Name: "pk", Type: schema.ConstraintPrimaryKey, Index: "public.pk", Deps: []string{"column public.\"Order Items\".id"}}},
		Triggers:    []*schema.Trigger{{Name: "trg"}},
		Policies:    []*schema.Policy{{Name: "p"}},
	}
	v := &schema.View{Schema: "public", Name: "v", Columns: []*schema.ViewColumn{{Name: "a"}}}
	s := &schema.Schema{Tables: map[string]*schema.Table{tb.Key(): tb}, Views: map[string]*schema.View{v.Key(): v}}
	x := newIndex(s)
	k := tb.Key()
	for id, want := range map[string]any{
		colID(k, "Qty"):              tb.Columns[1],
		conID(k, "pk"):               tb.Constraints[0],
		trgID(k, "trg"):              tb.Triggers[0],
		polID(k, "p"):                tb.Policies[0],
		colID(v.Key(), "a"):          v.Columns[0],
		"index public.pk":            tb.Constraints[0],
		"table " + k:                 tb,
		colID(k, "missing"):          nil,
		"column public.nosuch.c":     nil,
		"function public.f()":        nil,
		trgID(v.Key(), "missing"):    nil,
		conID("public.nosuch", "pk"): nil,
	} {
		e := x.get(id)
		switch {
		case want == nil && e != nil:
			t.Errorf("get(%q) = %T, want nil", id, e.obj)
		case want != nil && (e == nil || e.obj != want):
			t.Errorf("get(%q) = %v, want %T", id, e, want)
		}
	}
	if got := x.dependents("column public.\"Order Items\".id"); len(got) != 2 {
		t.Errorf("dependents of the key column = %v, want the constraint and its index", got)
	}
}

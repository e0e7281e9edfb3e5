package planner

import (
	"strings"
	"testing"

	"github.com/pgshift/pgshift/schema"
)

// TestRenameNotes: a declared rename the current state cannot take (neither
// column there, or both) is reported, never ignored in silence.
func TestRenameNotes(t *testing.T) {
	table := func(cols ...string) *schema.Table {
		tb := &schema.Table{Schema: "public", Name: "t", Kind: schema.TableOrdinary}
		for _, c := range cols {
			tb.Columns = append(tb.Columns, &schema.Column{Name: c, Type: "text", Statistics: -1})
		}
		return tb
	}
	ann := schema.Annotation{Kind: schema.AnnotationRenamedFrom, Table: "public.t", Column: "new", From: "old", Pos: "s.sql:3:9"}
	tests := []struct {
		name string
		from []string
		want string
	}{
		{"neither column", []string{"id"}, `s.sql:3:9: pgshift:renamed-from old: public.t has no column old in the current state; new is added without data`},
		{"both columns", []string{"id", "old", "new"}, `has both old and new`},
		{"to be renamed", []string{"id", "old"}, ""},
		{"already renamed", []string{"id", "new"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			from, to := schema.NewSchema(), schema.NewSchema()
			from.Tables["public.t"] = table(tc.from...)
			to.Tables["public.t"] = table("id", "new")
			to.Annotations = []schema.Annotation{ann}
			plan, err := Build(from, to, Options{AllowDrop: true})
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(plan.Notes, "\n")
			if tc.want == "" && strings.Contains(got, "renamed-from") || tc.want != "" && !strings.Contains(got, tc.want) {
				t.Errorf("notes = %q, want %q", got, tc.want)
			}
		})
	}
}

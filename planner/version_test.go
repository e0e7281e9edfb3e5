package planner

import (
	"strings"
	"testing"

	"github.com/pgshift/pgshift/schema"
)

func TestMajorOf(t *testing.T) {
	for in, want := range map[int]int{150018: 15, 180004: 18, 130023: 13, 14: 14, 0: 0} {
		if got := MajorOf(in); got != want {
			t.Errorf("MajorOf(%d) = %d, want %d", in, got, want)
		}
	}
}

// TestVersionGate: SQL a target major cannot run is never emitted; the
// change becomes an "unsupported" note naming the feature and majors.
func TestVersionGate(t *testing.T) {
	base := func(v int) *schema.Schema {
		s := schema.NewSchema()
		s.ServerVersionNum = v
		s.Tables["public.t"] = &schema.Table{Schema: "public", Name: "t", Kind: schema.TableOrdinary,
			Columns: []*schema.Column{{Name: "a", Type: "integer", Statistics: -1}, {Name: "b", Type: "text", Statistics: -1}}}
		return s
	}
	cases := []struct {
		name   string
		target int
		edit   func(s *schema.Schema)
		sql    string // must not appear when unsupported
		note   string
	}{
		{"compression", 13, func(s *schema.Schema) { s.Tables["public.t"].Columns[1].Compression = "p" },
			"COMPRESSION", "column compression (COMPRESSION / SET COMPRESSION) needs PostgreSQL 14"},
		{"unlogged sequence", 14, func(s *schema.Schema) {
			s.Sequences["public.s"] = &schema.Sequence{Schema: "public", Name: "s", DataType: "bigint", Start: 1, Increment: 1, Min: 1, Max: 9223372036854775807, Cache: 1, Unlogged: true}
		}, "UNLOGGED", "unlogged sequences need PostgreSQL 15"},
		{"virtual", 17, func(s *schema.Schema) {
			c := &schema.Column{Name: "v", Type: "integer", Generated: "(a * 2)", Virtual: true, Statistics: -1}
			s.Tables["public.t"].Columns = append(s.Tables["public.t"].Columns, c)
		}, "VIRTUAL", "VIRTUAL generated columns need PostgreSQL 18"},
		{"maintain", 16, func(s *schema.Schema) { s.Tables["public.t"].ACL = []string{"app=MAINTAIN"} },
			"MAINTAIN", "the MAINTAIN privilege needs PostgreSQL 17"},
		{"nulls not distinct", 14, func(s *schema.Schema) {
			s.Tables["public.t"].Indexes = []*schema.Index{{Schema: "public", Name: "t_a", Table: "public.t", Unique: true, Valid: true,
				Definition: "CREATE UNIQUE INDEX t_a ON public.t USING btree (a) NULLS NOT DISTINCT"}}
		}, "NULLS NOT DISTINCT", "NULLS NOT DISTINCT needs PostgreSQL 15"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			from, to := base(180000), base(180000)
			tc.edit(to)
			// Supported on 18.
			p, err := Build(from, to, Options{AllowDrop: true, Mode: ModeDirect})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(planSQL(p), tc.sql) {
				t.Errorf("target 18: plan lacks %q:\n%s", tc.sql, planSQL(p))
			}
			// Unsupported on the older target.
			p, err = Build(from, to, Options{AllowDrop: true, Mode: ModeDirect, TargetVersion: tc.target})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(planSQL(p), tc.sql) {
				t.Errorf("target %d: plan emits %q:\n%s", tc.target, tc.sql, planSQL(p))
			}
			found := false
			for _, n := range p.Notes {
				found = found || strings.HasPrefix(n, "unsupported: ") && strings.Contains(n, tc.note)
			}
			if !found {
				t.Errorf("target %d: no unsupported note with %q; notes: %q", tc.target, tc.note, p.Notes)
			}
		})
	}
}

func planSQL(p *Plan) string {
	var b strings.Builder
	for _, s := range p.Steps {
		b.WriteString(strings.Join(s.Up, "\n"))
		b.WriteString(strings.Join(s.Down, "\n"))
	}
	return b.String()
}

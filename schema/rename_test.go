package schema

import "testing"

// TestReplaceName: a qualified name is replaced only where it stands as a
// whole name, never inside a longer name or another schema's.
func TestReplaceName(t *testing.T) {
	tests := []struct{ in, old, new, want string }{
		{"CREATE INDEX i ON public.t USING btree (a)", "public.t", "public.u", "CREATE INDEX i ON public.u USING btree (a)"},
		{"FOREIGN KEY (a) REFERENCES public.t(id)", "public.t", "public.u", "FOREIGN KEY (a) REFERENCES public.u(id)"},
		{"REFERENCES public.t_other(id)", "public.t", "public.u", "REFERENCES public.t_other(id)"},
		{"REFERENCES xpublic.t(id)", "public.t", "public.u", "REFERENCES xpublic.t(id)"},
		{`REFERENCES "my public".t(id)`, "public.t", "public.u", `REFERENCES "my public".t(id)`},
		{`SELECT "T x".a FROM s."T x"`, `s."T x"`, "s.u", `SELECT "T x".a FROM s.u`},
		{"nextval('public.t_id_seq'::regclass)", "public.t_id_seq", "public.u_id_seq", "nextval('public.u_id_seq'::regclass)"},
		{" SELECT t.id, t.name FROM public.t WHERE (t.id > 1)", "t.", "u.", " SELECT u.id, u.name FROM public.t WHERE (u.id > 1)"},
		{"SELECT at.id FROM x at", "t.", "u.", "SELECT at.id FROM x at"},
	}
	for _, tc := range tests {
		if got := replaceName(tc.in, tc.old, tc.new); got != tc.want {
			t.Errorf("replaceName(%q, %q, %q) = %q, want %q", tc.in, tc.old, tc.new, got, tc.want)
		}
	}
}

// TestWithTableRenamed: the renamed table, its indexes, the foreign keys
// of other tables, owned and renamed sequences, view queries and
// dependencies follow the rename; the original model is untouched.
func TestWithTableRenamed(t *testing.T) {
	s := NewSchema()
	s.Tables["public.t"] = &Table{Schema: "public", Name: "t",
		Columns: []*Column{{Name: "id", Default: "nextval('public.t_id_seq'::regclass)", Deps: []string{"sequence public.t_id_seq"}}},
		Indexes: []*Index{{Schema: "public", Name: "t_idx", Table: "public.t", Definition: "CREATE INDEX t_idx ON public.t USING btree (id)"}}}
	s.Tables["public.o"] = &Table{Schema: "public", Name: "o", Constraints: []*Constraint{{Name: "o_fk", Type: ConstraintForeignKey,
		Definition: "FOREIGN KEY (tid) REFERENCES public.t(id)", ReferencedTable: "public.t", Deps: []string{"column public.t.id"}}}}
	s.Sequences["public.t_id_seq"] = &Sequence{Schema: "public", Name: "t_id_seq", OwnedBy: "public.t.id"}
	s.Views["public.v"] = &View{Schema: "public", Name: "v", Definition: " SELECT t.id\n   FROM public.t;", Deps: []string{"table public.t"}}

	r := s.WithTableRenamed("public.t", "u", map[string]string{"public.t_id_seq": "u_id_seq"})
	u := r.Tables["public.u"]
	switch {
	case u == nil || r.Tables["public.t"] != nil:
		t.Fatalf("tables = %v", SortedKeys(r.Tables))
	case u.Indexes[0].Table != "public.u" || u.Indexes[0].Definition != "CREATE INDEX t_idx ON public.u USING btree (id)":
		t.Errorf("index = %+v", u.Indexes[0])
	case u.Columns[0].Default != "nextval('public.u_id_seq'::regclass)" || u.Columns[0].Deps[0] != "sequence public.u_id_seq":
		t.Errorf("column = %+v", u.Columns[0])
	}
	if fk := r.Tables["public.o"].Constraints[0]; fk.Definition != "FOREIGN KEY (tid) REFERENCES public.u(id)" || fk.ReferencedTable != "public.u" || fk.Deps[0] != "column public.u.id" {
		t.Errorf("foreign key = %+v", fk)
	}
	if q := r.Sequences["public.u_id_seq"]; q == nil || q.Name != "u_id_seq" || q.OwnedBy != "public.u.id" {
		t.Errorf("sequences = %v, %+v", SortedKeys(r.Sequences), q)
	}
	if v := r.Views["public.v"]; v.Definition != " SELECT u.id\n   FROM public.u;" || v.Deps[0] != "table public.u" {
		t.Errorf("view = %+v", v)
	}
	if s.Tables["public.t"].Indexes[0].Table != "public.t" || s.Sequences["public.t_id_seq"].OwnedBy != "public.t.id" || s.Views["public.v"].Deps[0] != "table public.t" {
		t.Error("the original model was changed")
	}
}

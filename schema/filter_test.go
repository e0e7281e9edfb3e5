package schema

import (
	"reflect"
	"strings"
	"testing"
)

func TestParsePattern(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Pattern
		err  string
	}{
		{in: "river.*", want: Pattern{Schema: "river", Name: "*"}},
		{in: "public.events_2*", want: Pattern{Schema: "public", Name: "events_2*"}},
		{in: "!public.tmp_keep", want: Pattern{Schema: "public", Name: "tmp_keep", Negate: true}},
		{in: "function:public.tmp_*", want: Pattern{Kind: KindFunction, Schema: "public", Name: "tmp_*"}},
		{in: "views:Public.V", want: Pattern{Kind: KindView, Schema: "public", Name: "v"}},
		{in: `table:"Odd".x`, want: Pattern{Kind: KindTable, Schema: "Odd", Name: "x"}},
		{in: "tmp_*", want: Pattern{Name: "tmp_*"}},
		{in: "schema:river", want: Pattern{Kind: KindSchema, Name: "river"}},
		{in: "schema:a.b", err: "a schema pattern is a name"},
		{in: "widget:x", err: `unknown kind "widget"`},
		{in: "a.b.c", err: "want [schema.]name"},
		{in: "public.[", err: "syntax error in pattern"},
		{in: "!", err: "empty pattern"},
		{in: "public.", err: "empty name"},
	} {
		got, err := ParsePattern(tc.in, "--exclude")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), "--exclude: ") {
				t.Errorf("%q: err %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		tc.want.Source = "--exclude"
		if err != nil || got != tc.want {
			t.Errorf("%q: got %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseIgnore(t *testing.T) {
	src := "# comment\n[schemas]\nriver\n!river_keep\n\n[tables]\n  public.tmp_*\n!public.tmp_keep\n[functions]\npublic.f*\n[objects]\nview:x.y\n"
	ps, err := ParseIgnore(".pgshiftignore", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, p.String()+"@"+p.Source)
	}
	want := []string{"schema:river@.pgshiftignore:3:1", "!schema:river_keep@.pgshiftignore:4:1",
		"table:public.tmp_*@.pgshiftignore:7:3", "!table:public.tmp_keep@.pgshiftignore:8:1",
		"function:public.f*@.pgshiftignore:10:1", "view:x.y@.pgshiftignore:12:1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	for _, tc := range []struct{ src, want string }{
		{"[tables\n", ".pgshiftignore:1:1: section header \"[tables\": missing ]"},
		{"[tables]\n\n  [nope]\n", ".pgshiftignore:3:3: unknown section [nope]"},
		{"[tables]\nview:a.b\n", ".pgshiftignore:2:1: pattern \"view:a.b\" names kind view inside the [tables] section"},
		{"[schemas]\na.b\n", ".pgshiftignore:2:1: pattern \"a.b\": a schema pattern is a name"},
		{"[tables]\npublic.[\n", ".pgshiftignore:2:1: pattern \"public.[\": syntax error in pattern"},
	} {
		_, err := ParseIgnore(".pgshiftignore", []byte(tc.src))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want prefix %q", tc.src, err, tc.want)
		}
	}
}

// filterModel: public (users, a view on river.jobs, a FK to river.jobs,
// a partitioned table with two date-named partitions), river (a type, a
// table with a serial, a view on public.users).
func filterModel() *Schema {
	s := NewSchema()
	for _, n := range []string{"public", "river"} {
		s.Namespaces[n] = &Namespace{Name: n}
	}
	s.Extensions["plpgsql"] = &Extension{Name: "plpgsql", Schema: "pg_catalog"}
	s.Extensions["pgcrypto"] = &Extension{Name: "pgcrypto", Schema: "river"}
	s.Types["river.state"] = &Type{Schema: "river", Name: "state", Kind: TypeEnum}
	s.Tables["river.jobs"] = &Table{Schema: "river", Name: "jobs", Kind: TableOrdinary,
		Columns:     []*Column{{Name: "id", Deps: []string{"sequence river.jobs_id_seq"}}, {Name: "state", Deps: []string{"type river.state"}}},
		Constraints: []*Constraint{{Name: "jobs_pkey", Type: ConstraintPrimaryKey, Index: "river.jobs_pkey"}},
		Indexes:     []*Index{{Schema: "river", Name: "jobs_state_idx", Table: "river.jobs"}}}
	s.Sequences["river.jobs_id_seq"] = &Sequence{Schema: "river", Name: "jobs_id_seq", OwnedBy: "river.jobs.id"}
	s.Tables["public.users"] = &Table{Schema: "public", Name: "users", Kind: TableOrdinary,
		Columns: []*Column{{Name: "id"}, {Name: "job"}},
		Constraints: []*Constraint{{Name: "users_job_fkey", Type: ConstraintForeignKey, ReferencedTable: "river.jobs",
			Deps: []string{"column river.jobs.id", "index river.jobs_pkey"}}}}
	s.Tables["public.events"] = &Table{Schema: "public", Name: "events", Kind: TablePartitioned}
	for _, p := range []string{"events_20240101", "events_20240102"} {
		s.Tables["public."+p] = &Table{Schema: "public", Name: p, PartitionOf: "public.events", Deps: []string{"table public.events", "schema public"}}
	}
	s.Views["public.v"] = &View{Schema: "public", Name: "v", Deps: []string{"table river.jobs", "column river.jobs.state"}}
	s.Views["river.uv"] = &View{Schema: "river", Name: "uv", Deps: []string{"column public.users.id"}}
	s.Functions["public.gen()"] = &Function{Schema: "public", Name: "gen", Deps: []string{"extension pgcrypto"}}
	s.Unmanaged = []Unmanaged{{Kind: "collation", Name: "river.c"}, {Kind: "collation", Name: "public.c"}}
	return s
}

func TestFilterApply(t *testing.T) {
	keys := func(s *Schema) []string {
		var out []string
		for k := range s.Namespaces {
			out = append(out, "schema "+k)
		}
		for k := range s.Extensions {
			out = append(out, "extension "+k)
		}
		for k := range s.Types {
			out = append(out, "type "+k)
		}
		for k := range s.Tables {
			out = append(out, "table "+k)
		}
		for k := range s.Sequences {
			out = append(out, "sequence "+k)
		}
		for k := range s.Views {
			out = append(out, "view "+k)
		}
		for k := range s.Functions {
			out = append(out, "function "+k)
		}
		for _, u := range s.Unmanaged {
			out = append(out, u.Kind+" "+u.Name)
		}
		sortStrings(out)
		return out
	}
	pat := func(ss ...string) []Pattern {
		var out []Pattern
		for _, s := range ss {
			p, err := ParsePattern(s, "test")
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, p)
		}
		return out
	}
	publicOnly := []string{"collation public.c", "extension plpgsql", "function public.gen()", "schema public", "table public.events", "table public.users", "view public.v"}
	for _, tc := range []struct {
		name  string
		f     Filter
		want  []string
		notes []string
	}{
		{"exclude schema and partitions", Filter{Exclude: pat("schema:river", "public.events_2*")}, publicOnly, []string{
			"filter: constraint public.users.users_job_fkey uses column river.jobs.id, which is out of scope: pgshift neither creates nor changes it",
			"filter: constraint public.users.users_job_fkey uses index river.jobs_pkey, which is out of scope: pgshift neither creates nor changes it",
			"filter: constraint public.users.users_job_fkey uses table river.jobs, which is out of scope: pgshift neither creates nor changes it",
			"filter: function public.gen() uses extension pgcrypto, which is out of scope: pgshift neither creates nor changes it",
			"filter: partitions of table public.events out of scope: public.events_20240101, public.events_20240102; changes to table public.events apply to them too",
			"filter: view public.v uses column river.jobs.state, which is out of scope: pgshift neither creates nor changes it",
			"filter: view public.v uses table river.jobs, which is out of scope: pgshift neither creates nor changes it",
			"filter: view river.uv is out of scope but uses column public.users.id: a change to column public.users.id that needs it dropped or rewritten will fail or carry it along",
		}},
		{"river.* is the schema too", Filter{Exclude: pat("river.*", "public.events_2*")}, publicOnly, nil},
		{"only public", Filter{Schemas: []string{"public"}, Exclude: pat("table:public.events_2*")}, publicOnly, nil},
		{"negation keeps one partition", Filter{Exclude: pat("schema:river", "public.events_*", "!public.events_20240102")},
			append(append([]string(nil), publicOnly...), "table public.events_20240102"), nil},
		{"parent takes its partitions", Filter{Exclude: pat("table:public.events")},
			[]string{"collation public.c", "collation river.c", "extension pgcrypto", "extension plpgsql", "function public.gen()", "schema public", "schema river",
				"sequence river.jobs_id_seq", "table public.users", "table river.jobs", "type river.state", "view public.v", "view river.uv"}, nil},
		{"table takes its owned sequence", Filter{Exclude: pat("table:river.jobs", "view:river.uv")},
			[]string{"collation public.c", "collation river.c", "extension pgcrypto", "extension plpgsql", "function public.gen()", "schema public", "schema river",
				"table public.events", "table public.events_20240101", "table public.events_20240102", "table public.users", "type river.state", "view public.v"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := filterModel()
			notes := tc.f.Apply(s)
			sortStrings(tc.want)
			if got := keys(s); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("kept:\n%q\nwant:\n%q", got, tc.want)
			}
			if tc.notes != nil && !reflect.DeepEqual(notes, tc.notes) {
				t.Errorf("notes:\n%s\nwant:\n%s", strings.Join(notes, "\n"), strings.Join(tc.notes, "\n"))
			}
		})
	}
	if notes := (&Filter{}).Apply(filterModel()); notes != nil {
		t.Errorf("empty filter: notes %q", notes)
	}
}

func sortStrings(ss []string) {
	for i := 1; i < len(ss); i++ {
		for j := i; j > 0 && ss[j] < ss[j-1]; j-- {
			ss[j], ss[j-1] = ss[j-1], ss[j]
		}
	}
}

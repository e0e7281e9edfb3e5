package schema

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pgshift/pgshift/internal/pgtest"
)

// TestCheckDefinitionReadsBackAsFreshLoad: the CHECK definition pgshift
// models (and the planner emits) for `IN (...)` / `NOT IN (...)` over
// varchar, and for the spelling an earlier re-emission stored, makes the
// real server store what a fresh load of the written form stores
// (pg_get_constraintdef text equal), and is a fixpoint of normalizeCheck.
func TestCheckDefinitionReadsBackAsFreshLoad(t *testing.T) {
	ctx := context.Background()
	fresh := pgtest.Connect(t, pgtest.NewDB(t))
	again := pgtest.Connect(t, pgtest.NewDB(t))
	for _, c := range []*pgx.Conn{fresh, again} {
		if _, err := c.Exec(ctx, "CREATE TABLE t (id int, kind varchar(20), code char(2), n int)"); err != nil {
			t.Fatal(err)
		}
	}
	checks := map[string]string{
		"in_varchar":     "kind IN ('artist', 'label')",
		"not_in_varchar": "kind NOT IN ('x', 'y''z')",
		"in_int":         "n IN (1, 2, 3)",
		"in_char":        "code IN ('ab', 'cd')",
		"any_text":       "kind::text = ANY (ARRAY['a', 'b'])",
		"in_ab":          "kind IN ('a', 'b')",
		"pushed_down":    "kind::text = ANY (ARRAY[('a'::character varying)::text, ('b'::character varying)::text])",
	}
	// The last one is the spelling older pgshift versions emitted: the model
	// is the same as for a fresh `kind IN ('a', 'b')`.
	for name, expr := range checks {
		if _, err := fresh.Exec(ctx, "ALTER TABLE t ADD CONSTRAINT "+name+" CHECK ("+expr+")"); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	s, err := Introspect(ctx, fresh)
	if err != nil {
		t.Fatal(err)
	}
	defs := map[string]string{}
	for _, c := range s.Tables["public.t"].Constraints {
		defs[c.Name] = c.Definition
		if got := normalizeCheck(c.Definition); got != c.Definition {
			t.Errorf("%s: normalizeCheck(%q) = %q, not a fixpoint", c.Name, c.Definition, got)
		}
		if _, err := again.Exec(ctx, "ALTER TABLE t ADD CONSTRAINT "+c.Name+" "+c.Definition); err != nil {
			t.Fatalf("%s: re-emitted %q: %v", c.Name, c.Definition, err)
		}
	}
	stored := func(c *pgx.Conn, name string) string {
		var d string
		if err := c.QueryRow(ctx, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 't'::regclass AND conname = $1", name).Scan(&d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	for name := range checks {
		if name == "pushed_down" {
			continue // stored as written, which is not what a fresh `IN` stores; only its model is shared
		}
		if f, a := stored(fresh, name), stored(again, name); f != a {
			t.Errorf("%s: fresh load stores %q; the re-emitted %q stores %q", name, f, defs[name], a)
		}
	}
	if defs["pushed_down"] != defs["in_ab"] {
		t.Errorf("pushed_down %q and in_ab %q: want one model", defs["pushed_down"], defs["in_ab"])
	}
}

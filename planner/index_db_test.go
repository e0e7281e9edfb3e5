package planner

import (
	"context"
	"slices"
	"testing"

	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/schema"
)

// TestDependentsMatchReverseMap checks index.dependents, which finds a
// table's own objects through the table and keeps only the other edges in
// its reverse map, against a plain reverse map of every dependency edge,
// on a model introspected from the server.
func TestDependentsMatchReverseMap(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the test server")
	}
	conn := pgtest.Connect(t, pgtest.NewDB(t))
	pgtest.Exec(t, conn, `
CREATE TYPE mood AS ENUM ('a', 'b');
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE SCHEMA "Odd.Schema";
CREATE TABLE "Odd.Schema"."Parent Table" ("Id" integer PRIMARY KEY, code text UNIQUE, m mood);
CREATE TABLE child (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  parent_id integer REFERENCES "Odd.Schema"."Parent Table" ("Id"),
  parent_code text REFERENCES "Odd.Schema"."Parent Table" (code),
  qty posint CHECK (qty < 100),
  note text,
  CONSTRAINT qty_note CHECK (qty > 1 OR note IS NOT NULL)
);
CREATE INDEX child_note ON child (lower(note)) WHERE qty > 2;
CREATE VIEW v1 AS SELECT id, qty FROM child;
CREATE VIEW v2 AS SELECT v1.id, p.code FROM v1 JOIN child c USING (id) JOIN "Odd.Schema"."Parent Table" p ON p."Id" = c.parent_id;
CREATE MATERIALIZED VIEW mv AS SELECT id, qty FROM v1;
CREATE INDEX mv_qty ON mv (qty);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE FUNCTION qty_of(c child) RETURNS integer LANGUAGE sql RETURN c.qty;
CREATE TRIGGER child_touch BEFORE UPDATE OF note ON child FOR EACH ROW WHEN (NEW.qty > 0) EXECUTE FUNCTION touch();
CREATE FUNCTION v1_ins() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER v1_ins INSTEAD OF INSERT ON v1 FOR EACH ROW EXECUTE FUNCTION v1_ins();
ALTER TABLE child ENABLE ROW LEVEL SECURITY;
CREATE POLICY child_pol ON child USING (qty > 0 AND note <> '');
`)
	s, err := schema.Introspect(context.Background(), conn)
	if err != nil {
		t.Fatal(err)
	}
	x := newIndex(s)
	// The plain reverse map, over every object with its ID.
	want := map[string][]string{}
	targets := map[string]bool{}
	add := func(id string, deps []string) {
		for _, d := range deps {
			want[d] = append(want[d], id)
			targets[d] = true
		}
	}
	for k, f := range s.Functions {
		add(schema.ID(schema.KindFunction, k), f.Deps)
	}
	for k, ty := range s.Types {
		add(schema.ID(schema.KindType, k), ty.Deps)
	}
	for k, tb := range s.Tables {
		for _, c := range tb.Constraints {
			add(conID(k, c.Name), c.Deps)
			if c.Index != "" {
				add(schema.ID(schema.KindIndex, c.Index), c.Deps)
			}
		}
		for _, i := range tb.Indexes {
			add(schema.ID(schema.KindIndex, i.Key()), i.Deps)
		}
		for _, tr := range tb.Triggers {
			add(trgID(k, tr.Name), tr.Deps)
		}
		for _, p := range tb.Policies {
			add(polID(k, p.Name), p.Deps)
		}
		targets[schema.ID(schema.KindTable, k)] = true
		for _, c := range tb.Columns {
			targets[colID(k, c.Name)] = true
		}
	}
	for k, v := range s.Views {
		add(schema.ID(schema.KindView, k), v.Deps)
		for _, i := range v.Indexes {
			add(schema.ID(schema.KindIndex, i.Key()), i.Deps)
		}
		for _, tr := range v.Triggers {
			add(trgID(k, tr.Name), tr.Deps)
		}
		for _, c := range v.Columns {
			targets[colID(k, c.Name)] = true
		}
	}
	own := 0
	for id := range targets {
		got := slices.Sorted(slices.Values(x.dependents(id)))
		exp := slices.Sorted(slices.Values(want[id]))
		if !slices.Equal(got, exp) {
			t.Errorf("dependents(%q)\n got %q\nwant %q", id, got, exp)
		}
		if kind, key := schema.SplitID(id); kind == schema.KindColumn {
			if p, _, ok := schema.SplitSubKey(key); ok {
				own += len(x.ownDependents(nil, p, id))
			}
		}
	}
	if own == 0 {
		t.Error("no dependent found through its own table: the test model does not exercise ownDependents")
	}
}

package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
	"github.com/pgshift/pgshift/schema/offline"
)

// writeSQL writes src to name in a fresh temp dir and returns the path.
func writeSQL(t *testing.T, name, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestExtensionVersionChangeIsIrreversible: an extension update is planned
// and applies, and its step is marked irreversible because the down's
// UPDATE TO the old version has no path on the server (hstore ships
// upgrade scripts only) — which the test shows by running the down.
func TestExtensionVersionChangeIsIrreversible(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbA := loadDB(t, writeSQL(t, "from.sql", "CREATE EXTENSION hstore VERSION '1.7';"))
	dbB := loadDB(t, writeSQL(t, "to.sql", "CREATE EXTENSION hstore VERSION '1.8';"))
	plan, err := planner.Build(introspect(t, dbA), introspect(t, dbB), planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Steps) != 1 {
		t.Fatalf("want one step, got:\n%s", planText(plan))
	}
	s := plan.Steps[0]
	if !strings.Contains(s.Irreversible, "UPDATE TO '1.7'") {
		t.Errorf("step %q: Irreversible = %q, want the missing downgrade path explained", s.Summary, s.Irreversible)
	}
	found := false
	for _, h := range s.Hazards {
		found = found || h.Kind == planner.HazardIrreversible
	}
	if !found {
		t.Errorf("step %q has no %s hazard: %+v", s.Summary, planner.HazardIrreversible, s.Hazards)
	}
	ups, downs := writeMigrations(t, plan)
	if err := applyExec(ctx, dbA, ups); err != nil {
		t.Fatalf("up: %v", err)
	}
	if err := applyExec(ctx, dbA, downs); err == nil || !strings.Contains(err.Error(), "no update path") {
		t.Errorf("down: err = %v, want PostgreSQL's \"no update path\" (the reason the step is irreversible)", err)
	}
}

// applyUpDown applies the plan's golang-migrate files to db: ups, then
// downs in reverse; it fails the test on the first error.
func applyUpDown(t *testing.T, db string, plan *planner.Plan) {
	t.Helper()
	ctx := context.Background()
	ups, downs := writeMigrations(t, plan)
	if err := applyExec(ctx, db, ups); err != nil {
		t.Fatalf("apply up: %v\n%s", err, planText(plan))
	}
	if err := applyExec(ctx, db, downs); err != nil {
		t.Fatalf("apply down: %v\n%s", err, planText(plan))
	}
}

// TestSkippedDropTakesItsDependents: a primary key moves to a new column
// while the table whose foreign key uses the old key is gone from the
// target; without --allow-drop that drop is skipped, so the old key stays,
// and the plan must neither add a second users_pkey ("already exists") nor
// drop NOT NULL of the old key's column. Both are listed as not planned.
func TestSkippedDropTakesItsDependents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := loadDB(t, writeSQL(t, "from.sql", `
CREATE TABLE public.users (id int PRIMARY KEY, name text);
CREATE TABLE public.orders (id int PRIMARY KEY, user_id int REFERENCES public.users (id));`))
	to, err := schema.LoadSQL(ctx, pgtest.AdminURL(), writeSQL(t, "to.sql", `
CREATE TABLE public.users (id int, uid bigint PRIMARY KEY, name text);`))
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []planner.Mode{planner.ModeSafe, planner.ModeDirect} {
		t.Run(string(mode), func(t *testing.T) {
			plan, err := planner.Build(introspect(t, db), to, planner.Options{Mode: mode})
			if err != nil {
				t.Fatal(err)
			}
			text := planText(plan)
			for _, bad := range []string{"ADD CONSTRAINT users_pkey", "ALTER COLUMN id DROP NOT NULL"} {
				if strings.Contains(text, bad) {
					t.Errorf("plan has %q although the old primary key stays:\n%s", bad, text)
				}
			}
			for _, want := range []string{"skipped: drop table public.orders", "skipped: add constraint users_pkey", "skipped: drop NOT NULL of public.users.id"} {
				found := false
				for _, n := range plan.Unplanned {
					found = found || strings.Contains(n, want)
				}
				if !found {
					t.Errorf("Unplanned lacks %q: %q", want, plan.Unplanned)
				}
			}
			applyUpDown(t, db, plan)
		})
	}
}

// TestDeclaredRenameWithTypeChange: a declared rename together with a type
// change (`username varchar(100)` → `user_name text`) is a rename and an
// ALTER COLUMN TYPE, not a dependency cycle; with rows, up and down apply
// and keep the values.
func TestDeclaredRenameWithTypeChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := loadDB(t, writeSQL(t, "from.sql", `
CREATE TABLE public.users (id int PRIMARY KEY, username varchar(100));
INSERT INTO public.users VALUES (1, 'ann'), (2, NULL);`))
	to, err := schema.LoadSQL(ctx, pgtest.AdminURL(), writeSQL(t, "to.sql", `
CREATE TABLE public.users (
    id int PRIMARY KEY,
    user_name text -- pgshift:renamed-from username
);`))
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []planner.Mode{planner.ModeSafe, planner.ModeDirect} {
		t.Run(string(mode), func(t *testing.T) {
			plan, err := planner.Build(introspect(t, db), to, planner.Options{Mode: mode})
			if err != nil {
				t.Fatalf("plan: %v", err)
			}
			ups, downs := writeMigrations(t, plan)
			if err := applyExec(ctx, db, ups); err != nil {
				t.Fatalf("up: %v\n%s", err, planText(plan))
			}
			if got := queryString(t, db, "SELECT string_agg(coalesce(user_name, '-') || ':' || pg_typeof(user_name), ',' ORDER BY id) FROM public.users"); got != "ann:text,-:text" {
				t.Errorf("after up: %q", got)
			}
			if err := applyExec(ctx, db, downs); err != nil {
				t.Fatalf("down: %v\n%s", err, planText(plan))
			}
			if got := queryString(t, db, "SELECT string_agg(coalesce(username, '-') || ':' || pg_typeof(username), ',' ORDER BY id) FROM public.users"); got != "ann:character varying,-:character varying" {
				t.Errorf("after down: %q", got)
			}
		})
	}
}

// TestRenameAnnotationForms: each accepted form of a declared column rename
// binds to the column it follows and moves the data: the one-line
// `id bigint PRIMARY KEY, email_address text -- pgshift:renamed-from email`,
// psqldef's `-- @renamed from=old`, and a quoted old name with a space and
// a quote. Loaded on the dev server and offline, planned in safe mode,
// applied to a table with rows, and reversed.
func TestRenameAnnotationForms(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name, from, to, newCol string
	}{
		{name: "second column of a line",
			from:   `CREATE TABLE public.t (id bigint PRIMARY KEY, email text); INSERT INTO public.t VALUES (1, 'a@x'), (2, 'b@x');`,
			to:     "CREATE TABLE public.t (id bigint PRIMARY KEY, email_address text -- pgshift:renamed-from email\n);",
			newCol: "email_address"},
		{name: "psqldef alias",
			from:   `CREATE TABLE public.t (id bigint PRIMARY KEY, username text); INSERT INTO public.t VALUES (1, 'a@x'), (2, 'b@x');`,
			to:     "CREATE TABLE public.t (\n  id bigint PRIMARY KEY,\n  user_name text -- @renamed from=username\n);",
			newCol: "user_name"},
		{name: "quoted name with space and quote",
			from:   `CREATE TABLE public.t (id bigint PRIMARY KEY, "foo ""bar""" text); INSERT INTO public.t VALUES (1, 'a@x'), (2, 'b@x');`,
			to:     "CREATE TABLE public.t (\n  id bigint PRIMARY KEY,\n  foo_bar text -- pgshift:renamed-from \"foo \"\"bar\"\"\"\n);",
			newCol: "foo_bar"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := loadDB(t, writeSQL(t, "from.sql", tc.from))
			toPath := writeSQL(t, "schema.sql", tc.to)
			off, err := offline.LoadOfflineFile(toPath)
			if err != nil {
				t.Fatal(err)
			}
			if len(off.Schema.Annotations) != 1 || off.Schema.Annotations[0].Column != tc.newCol {
				t.Errorf("offline annotations = %+v", off.Schema.Annotations)
			}
			to, err := schema.LoadSQL(ctx, pgtest.AdminURL(), toPath)
			if err != nil {
				t.Fatal(err)
			}
			plan, err := planner.Build(introspect(t, db), to, planner.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(plan.Unplanned) > 0 {
				t.Fatalf("a declared rename must leave nothing unplanned: %q", plan.Unplanned)
			}
			ups, downs := writeMigrations(t, plan)
			if err := applyExec(ctx, db, ups); err != nil {
				t.Fatalf("up: %v\n%s", err, planText(plan))
			}
			q := "SELECT string_agg(" + tc.newCol + ", ',' ORDER BY id) FROM public.t"
			if got := queryString(t, db, q); got != "a@x,b@x" {
				t.Errorf("after up, %s = %q, want the old column's values", tc.newCol, got)
			}
			if err := applyExec(ctx, db, downs); err != nil {
				t.Fatalf("down: %v\n%s", err, planText(plan))
			}
		})
	}
}

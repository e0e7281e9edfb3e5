package e2e

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
)

const castBase = "CREATE TABLE public.c (id bigint PRIMARY KEY, code text, note text);\n"
const castTo = "CREATE TABLE public.c (id bigint PRIMARY KEY, code integer, note text);\n"

// castFiles plans text -> integer on db and writes the golang-migrate files.
func castFiles(t *testing.T, db string) (ups []migrationFile, plan *planner.Plan) {
	t.Helper()
	plan, err := planner.Build(introspect(t, db), loadModel(t, castTo), planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ups, _ = writeMigrations(t, plan)
	return ups, plan
}

// TestCastPreflightStopsBeforeAnyChange: text -> integer on a table with a
// row whose text is not a number: the first statement of the first file
// counts it and stops with a clear message; the catalog is unchanged.
func TestCastPreflightStopsBeforeAnyChange(t *testing.T) {
	t.Parallel()
	acquire(t)
	ctx := context.Background()
	db := pgtest.NewDB(t)
	if err := execOnce(ctx, db, castBase+"INSERT INTO public.c SELECT g, g::text, 'n' FROM generate_series(1, 200) g;\nINSERT INTO public.c VALUES (201, 'abc', 'bad'), (202, '9999999999', 'too big');"); err != nil {
		t.Fatal(err)
	}
	before := canon(introspect(t, db))
	ups, plan := castFiles(t, db)
	b, err := os.ReadFile(ups[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	first := string(b)
	if i := strings.Index(first, "DO $pgshift_check$"); i < 0 || strings.Contains(first[:i], "ALTER") || strings.Contains(first[:i], "CREATE") {
		t.Fatalf("the pre-flight check is not the first statement of the first file:\n%s", first)
	}
	hz, order := false, false
	for _, s := range plan.Steps {
		for _, h := range s.Hazards {
			if h.Kind == planner.HazardBackwardIncompatible && strings.Contains(h.Message, "does not cast") {
				hz = true
			}
			if h.Kind == planner.HazardColumnOrder && strings.HasPrefix(s.Summary, "swap:") {
				order = true
			}
		}
	}
	if !order {
		t.Errorf("the swap step has no column-order hazard:\n%s", planText(plan))
	}
	if !hz {
		t.Errorf("no hazard says that old code writing non-castable values fails after expand:\n%s", planText(plan))
	}
	err = applyPsql(ctx, db, ups[:1])
	if err == nil || !strings.Contains(err.Error(), "pgshift: 2 rows of public.c.code do not cast to integer; nothing was changed") {
		t.Fatalf("want the pre-flight to stop the first file with a count of 2, got %v", err)
	}
	if err := execOnce(ctx, db, string(mustRead(t, ups[0].Path))); err == nil || !strings.Contains(err.Error(), "do not cast") {
		t.Fatalf("golang-migrate (one Exec): want the pre-flight error, got %v", err)
	}
	if after := canon(introspect(t, db)); after != before {
		t.Errorf("the failed pre-flight changed the catalog:\n%s", schema.CanonicalDiff(before, after))
	}
}

// TestCastSyncOnlyWhenSourceChanges: without a non-castable row the expand
// phase applies; mid-rollout, old code that updates other columns keeps
// working even on a row whose text does not cast (written by a session
// that raced the pre-flight, simulated here with triggers disabled), a
// castable write is converted, and a non-castable write fails as the
// hazard says.
func TestCastSyncOnlyWhenSourceChanges(t *testing.T) {
	t.Parallel()
	acquire(t)
	ctx := context.Background()
	db := pgtest.NewDB(t)
	if err := execOnce(ctx, db, castBase+"INSERT INTO public.c SELECT g, g::text, 'n' FROM generate_series(1, 200) g;"); err != nil {
		t.Fatal(err)
	}
	ups, plan := castFiles(t, db)
	var expand []migrationFile
	for _, f := range ups {
		if c := string(mustRead(t, f.Path)); strings.Contains(c, "-- phase 1 ") {
			expand = append(expand, f)
		}
	}
	if len(expand) == 0 || len(expand) == len(ups) {
		t.Fatalf("want a first phase and a later one, got %d of %d files in phase 1:\n%s", len(expand), len(ups), planText(plan))
	}
	if err := applyPsql(ctx, db, expand); err != nil {
		t.Fatal(err)
	}
	if err := execOnce(ctx, db, "SET session_replication_role = replica; INSERT INTO public.c (id, code, note) VALUES (300, 'abc', 'raced'); SET session_replication_role = origin;"); err != nil {
		t.Fatal(err)
	}
	old := pgtest.Connect(t, db) // old code: the old column set only
	for _, q := range []string{
		"UPDATE public.c SET note = 'touched' WHERE id = 300",
		"UPDATE public.c SET note = 'all'",
		"INSERT INTO public.c (id, code, note) VALUES (301, '42', 'new')",
		"UPDATE public.c SET code = '7' WHERE id = 1",
	} {
		if _, err := old.Exec(ctx, q); err != nil {
			t.Errorf("old code mid-rollout: %s: %v", q, err)
		}
	}
	if got := queryString(t, db, "SELECT string_agg(code__pgshift_new::text, ',' ORDER BY id) FROM public.c WHERE id IN (1, 301)"); got != "7,42" {
		t.Errorf("the sync trigger did not convert written values: got %q, want 7,42", got)
	}
	if _, err := old.Exec(ctx, "INSERT INTO public.c (id, code, note) VALUES (302, 'xyz', 'bad')"); err == nil {
		t.Errorf("old code writing a non-castable value succeeded mid-rollout; the hazard says it fails")
	}
}

// TestNoCastIsRefused: bigint -> timestamp has no cast in PostgreSQL; the
// plan is refused with an error naming the column, in safe and direct mode.
func TestNoCastIsRefused(t *testing.T) {
	t.Parallel()
	from := loadModel(t, "CREATE TABLE public.e (id bigint PRIMARY KEY, at bigint);")
	to := loadModel(t, "CREATE TABLE public.e (id bigint PRIMARY KEY, at timestamp);")
	for _, mode := range []planner.Mode{planner.ModeSafe, planner.ModeDirect} {
		_, err := planner.Build(from, to, planner.Options{Mode: mode})
		if err == nil || !strings.Contains(err.Error(), "column public.e.at: PostgreSQL has no cast from bigint to timestamp without time zone") {
			t.Errorf("%s: want the no-cast error, got %v", mode, err)
		}
	}
	// A cast that exists is still planned.
	ok := loadModel(t, "CREATE TABLE public.e (id bigint PRIMARY KEY, at text);")
	if _, err := planner.Build(from, ok, planner.Options{}); err != nil {
		t.Errorf("bigint -> text: %v", err)
	}
}

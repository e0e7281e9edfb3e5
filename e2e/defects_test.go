package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
)

// hasHazard reports whether a step whose summary starts with prefix has a
// hazard of kind whose message contains text.
func hasHazard(plan *planner.Plan, prefix string, kind planner.HazardKind, text string) bool {
	for _, s := range plan.Steps {
		if !strings.HasPrefix(s.Summary, prefix) {
			continue
		}
		for _, h := range s.Hazards {
			if h.Kind == kind && strings.Contains(h.Message, text) {
				return true
			}
		}
	}
	return false
}

func hasNote(plan *planner.Plan, text string) bool {
	for _, n := range plan.Notes {
		if strings.Contains(n, text) {
			return true
		}
	}
	return false
}

// TestTypeChangeInPlaceSaysWhy: integer primary and foreign keys cannot go
// through the shadow-column recipe; the plan says why they are rewritten
// in place under ACCESS EXCLUSIVE.
func TestTypeChangeInPlaceSaysWhy(t *testing.T) {
	t.Parallel()
	from := loadModel(t, "CREATE TABLE public.a (id integer PRIMARY KEY);\nCREATE TABLE public.b (id bigint PRIMARY KEY, a_id integer REFERENCES public.a (id));")
	to := loadModel(t, "CREATE TABLE public.a (id bigint PRIMARY KEY);\nCREATE TABLE public.b (id bigint PRIMARY KEY, a_id bigint REFERENCES public.a (id));")
	plan, err := planner.Build(from, to, planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !hasNote(plan, "public.a.id: type integer → bigint is planned in place") || !hasNote(plan, "the column is the primary key") {
		t.Errorf("no note says why the primary key is rewritten in place: %q", plan.Notes)
	}
	if !hasNote(plan, "public.b.a_id: type integer → bigint is planned in place") || !hasNote(plan, "a foreign key too") {
		t.Errorf("no note says why the foreign key column is rewritten in place: %q", plan.Notes)
	}
}

// TestSwapNarrowSyncAndDownSayWhy: int -> bigint through a shadow column:
// the swap step says that values beyond integer fail until the contract
// (the old column is kept in sync for the swap back), and the contract's
// down path does not block: it re-creates the old column with its sync
// trigger and refills it in a batched, non-transactional step (no blocking
// hazard, no UPDATE of the whole table; TestDownPathUnderLoad measures it).
func TestSwapNarrowSyncAndDownSayWhy(t *testing.T) {
	t.Parallel()
	from := loadModel(t, "CREATE TABLE public.s (id bigint PRIMARY KEY, n integer);")
	to := loadModel(t, "CREATE TABLE public.s (id bigint PRIMARY KEY, n bigint);")
	plan, err := planner.Build(from, to, planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !hasHazard(plan, "swap:", planner.HazardBackwardIncompatible, "does not fit integer fails") {
		t.Errorf("the swap does not say that values above 2^31 fail until the contract:\n%s", planText(plan))
	}
	refill := false
	for _, s := range plan.Steps {
		down := strings.Join(s.Down, "\n")
		if strings.Contains(down, "UPDATE public.s SET n__pgshift_old") && s.Transactional {
			t.Errorf("step %q refills the old column in one transaction:\n%s", s.Summary, down)
		}
		for _, h := range s.Hazards {
			if h.Kind == planner.HazardBlockingLock {
				t.Errorf("step %q has a blocking-lock hazard: %s", s.Summary, h.Message)
			}
		}
		refill = refill || !s.Transactional && strings.Contains(down, "n__pgshift_old = n::integer")
	}
	if !refill {
		t.Errorf("no batched refill of n__pgshift_old on the down path:\n%s", planText(plan))
	}
}

// TestDirectModeHonoursBackfill: --mode direct with a `-- pgshift:backfill`
// NOT NULL column on a table with rows applies (ADD COLUMN nullable, UPDATE,
// SET NOT NULL) instead of failing on ADD COLUMN ... NOT NULL.
func TestDirectModeHonoursBackfill(t *testing.T) {
	t.Parallel()
	acquire(t)
	ctx := context.Background()
	db := pgtest.NewDB(t)
	base := "CREATE TABLE public.d (id bigint PRIMARY KEY, v text);\n"
	if err := execOnce(ctx, db, base+"INSERT INTO public.d SELECT g, 'v' FROM generate_series(1, 100) g;"); err != nil {
		t.Fatal(err)
	}
	to := loadModel(t, "CREATE TABLE public.d (id bigint PRIMARY KEY, v text,\n  flag integer NOT NULL -- pgshift:backfill 7\n);")
	plan, err := planner.Build(introspect(t, db), to, planner.Options{Mode: planner.ModeDirect})
	if err != nil {
		t.Fatal(err)
	}
	ups, _ := writeMigrations(t, plan)
	if err := applyPsql(ctx, db, ups); err != nil {
		t.Fatalf("direct mode: %v", err)
	}
	if got := queryString(t, db, "SELECT count(*)::text FROM public.d WHERE flag = 7"); got != "100" {
		t.Errorf("rows filled with the backfill expression: %s of 100", got)
	}
	if got, want := canon(introspect(t, db)), canon(to); got != want {
		t.Errorf("after up, schema differs from to:\n%s", schema.CanonicalDiff(got, want))
	}
}

// TestBackfillDoesNotWalkDroppedKey: the plan drops the primary key and
// adds a column with a volatile default: the safe-mode backfill must not
// walk the dropped key; the column is added in one step with a note, and
// the files apply.
func TestBackfillDoesNotWalkDroppedKey(t *testing.T) {
	t.Parallel()
	acquire(t)
	ctx := context.Background()
	db := pgtest.NewDB(t)
	if err := execOnce(ctx, db, "CREATE TABLE public.k (id bigint PRIMARY KEY, v text);\nINSERT INTO public.k SELECT g, 'v' FROM generate_series(1, 100) g;"); err != nil {
		t.Fatal(err)
	}
	to := loadModel(t, "CREATE TABLE public.k (id bigint NOT NULL, v text, token uuid DEFAULT gen_random_uuid() NOT NULL);")
	plan, err := planner.Build(introspect(t, db), to, planOpts)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range plan.Steps {
		if strings.Contains(s.Summary, "in batches") {
			t.Errorf("step %q walks the primary key the plan drops:\n%s", s.Summary, planText(plan))
		}
	}
	if !hasNote(plan, "public.k has no single-column primary key (kept by the plan)") {
		t.Errorf("no note says why the column is added in one step: %q", plan.Notes)
	}
	ups, _ := writeMigrations(t, plan)
	if err := applyPsql(ctx, db, ups); err != nil {
		t.Fatal(err)
	}
	if got, want := canon(introspect(t, db)), canon(to); got != want {
		t.Errorf("after up, schema differs from to:\n%s", schema.CanonicalDiff(got, want))
	}
}

// TestMatViewIndexConcurrently: an index added to a populated materialized
// view is built CONCURRENTLY, with its hazard, and the files apply with
// psql -f and go back down.
func TestMatViewIndexConcurrently(t *testing.T) {
	t.Parallel()
	acquire(t)
	ctx := context.Background()
	db := pgtest.NewDB(t)
	base := "CREATE TABLE public.m (id bigint PRIMARY KEY, v text);\nCREATE MATERIALIZED VIEW public.mv AS SELECT id, v FROM public.m;\n"
	if err := execOnce(ctx, db, base+"INSERT INTO public.m SELECT g, 'v' || g FROM generate_series(1, 500) g;\nREFRESH MATERIALIZED VIEW public.mv;"); err != nil {
		t.Fatal(err)
	}
	from := introspect(t, db)
	to := loadModel(t, base+"CREATE INDEX mv_v_idx ON public.mv (v);")
	plan, err := planner.Build(from, to, planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !hasHazard(plan, "create index public.mv_v_idx concurrently", planner.HazardTableScan, "materialized view public.mv") {
		t.Fatalf("the index on the populated materialized view is not built CONCURRENTLY with its hazard:\n%s", planText(plan))
	}
	ups, downs := writeMigrations(t, plan)
	if err := applyPsql(ctx, db, ups); err != nil {
		t.Fatal(err)
	}
	if got := queryString(t, db, "SELECT count(*)::text FROM pg_index WHERE indexrelid = 'public.mv_v_idx'::regclass AND indisvalid"); got != "1" {
		t.Errorf("index not built valid")
	}
	if err := applyPsql(ctx, db, downs); err != nil {
		t.Fatal(err)
	}
	if got, want := canon(introspect(t, db)), canon(from); got != want {
		t.Errorf("after down, schema differs from from:\n%s", schema.CanonicalDiff(got, want))
	}
}

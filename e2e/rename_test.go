package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgshift/pgshift/emit"
	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
)

// TestDeclaredRenameUnderLoad: a column declared renamed in schema.sql
// (`-- pgshift:renamed-from`) is renamed through expand / backfill /
// contract. Old code keeps writing the old name until the contract phase;
// writes through either name show in the other; the final schema equals
// schema.sql; the downs return to the old schema with the values intact.
func TestDeclaredRenameUnderLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	toSQL := filepath.Join(dir, "schema.sql")
	if err := os.WriteFile(toSQL, []byte(`
CREATE TABLE public.p (id bigint PRIMARY KEY);
CREATE TABLE public.t (
    id bigint PRIMARY KEY,
    email_address text, -- pgshift:renamed-from email
    n integer,
    parent_id bigint
);
`), 0o644); err != nil {
		t.Fatal(err)
	}
	dbA, dbF := pgtest.NewDB(t), pgtest.NewDB(t)
	for _, db := range []string{dbA, dbF} {
		if err := execOnce(ctx, db, safetyBase+safetySeed); err != nil {
			t.Fatal(err)
		}
	}
	to, err := schema.LoadSQL(ctx, pgtest.AdminURL(), toSQL)
	if err != nil {
		t.Fatal(err)
	}
	if len(to.Annotations) != 1 || to.Annotations[0].Table != "public.t" || to.Annotations[0].From != "email" {
		t.Fatalf("annotations = %+v", to.Annotations)
	}
	mA, mF := introspect(t, dbA), introspect(t, dbF)

	// Without the directive this would be a drop and an add; with it, no drop.
	plan, err := planner.Build(mA, to, planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range plan.Notes {
		if strings.Contains(n, "skipped") {
			t.Fatalf("a declared rename must not be a skipped drop: %s", n)
		}
	}
	mdir := t.TempDir()
	files, err := emit.Files(plan, emit.Options{Name: "rename", Dir: mdir, LockTimeout: "2s"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := emit.Write(mdir, files); err != nil {
		t.Fatal(err)
	}
	ups, downs := migrationFiles(t, mdir)
	last := lastPhaseFiles(t, plan, ups)
	before := queryString(t, dbA, seededChecksum)

	// Expand and backfill while old code writes "email".
	w := startWorker(t, dbA)
	for _, f := range ups[:len(ups)-last] {
		if err := applyFile(ctx, dbA, f); err != nil {
			w.stop()
			t.Fatalf("apply %s: %v", filepath.Base(f), err)
		}
	}
	w.stop()
	w.check(t, 3500*time.Millisecond)
	// Old-code writes reached the new column, and new-code writes the old one.
	if n := queryString(t, dbA, `SELECT count(*)::text FROM public.t WHERE email_address IS DISTINCT FROM email`); n != "0" {
		t.Fatalf("%s rows out of sync between email and email_address", n)
	}
	if err := execOnce(ctx, dbA, `INSERT INTO public.t (id, email_address, n, parent_id) VALUES (-1, 'new@example.com', 1, 1)`); err != nil {
		t.Fatal(err)
	}
	if got := queryString(t, dbA, `SELECT email FROM public.t WHERE id = -1`); got != "new@example.com" {
		t.Fatalf("new-code write did not reach the old column: %q", got)
	}
	if err := execOnce(ctx, dbA, `DELETE FROM public.t WHERE id = -1`); err != nil {
		t.Fatal(err)
	}
	// Contract (after the deploy).
	for _, f := range ups[len(ups)-last:] {
		if err := applyFile(ctx, dbA, f); err != nil {
			t.Fatalf("apply %s: %v", filepath.Base(f), err)
		}
	}
	toDB := pgtest.NewDB(t)
	if err := execOnce(ctx, toDB, string(mustRead(t, toSQL))); err != nil {
		t.Fatal(err)
	}
	if got, want := canon(introspect(t, dbA)), canon(introspect(t, toDB)); got != want {
		t.Errorf("after up, schema differs from schema.sql:\n%s", schema.CanonicalDiff(got, want))
	}
	renamedSum := strings.ReplaceAll(seededChecksum, "email", "email_address")
	if after := queryString(t, dbA, renamedSum); after != before {
		t.Errorf("values changed by the rename")
	}
	for _, f := range downs {
		if err := applyFile(ctx, dbA, f); err != nil {
			t.Fatalf("apply %s: %v", filepath.Base(f), err)
		}
	}
	if got := canon(introspect(t, dbA)); got != canon(mF) {
		t.Errorf("after down, schema differs from the old one:\n%s", schema.CanonicalDiff(got, canon(mF)))
	}
	if after := queryString(t, dbA, seededChecksum); after != before {
		t.Errorf("values changed by the down migration")
	}
}

// lastPhaseFiles counts the up files of the plan's last phase (they come last).
func lastPhaseFiles(t *testing.T, plan *planner.Plan, ups []string) int {
	t.Helper()
	if len(plan.Phases) < 2 {
		t.Fatalf("want an expand and a contract phase, got %+v", plan.Phases)
	}
	n := 0
	for i := len(ups) - 1; i >= 0; i-- {
		b := mustRead(t, ups[i])
		if !strings.Contains(string(b), "contract:") {
			break
		}
		n++
	}
	if n == 0 {
		t.Fatal("no contract file")
	}
	return n
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRequiredColumnWithBackfill: a NOT NULL column without a default added
// to a table with rows goes nullable first (old code keeps inserting), then
// after the deploy its rows are filled from `-- pgshift:backfill` and it is
// made NOT NULL through a validated CHECK.
func TestRequiredColumnWithBackfill(t *testing.T) {
	ctx := context.Background()
	toSQL := filepath.Join(t.TempDir(), "schema.sql")
	if err := os.WriteFile(toSQL, []byte(`
CREATE TABLE public.p (id bigint PRIMARY KEY);
CREATE TABLE public.t (
    id bigint PRIMARY KEY,
    email text,
    n integer,
    parent_id bigint,
    verified boolean NOT NULL -- pgshift:backfill n > 100
);
`), 0o644); err != nil {
		t.Fatal(err)
	}
	dbA, dbF := pgtest.NewDB(t), pgtest.NewDB(t)
	for _, db := range []string{dbA, dbF} {
		if err := execOnce(ctx, db, safetyBase+safetySeed); err != nil {
			t.Fatal(err)
		}
	}
	to, err := schema.LoadSQL(ctx, pgtest.AdminURL(), toSQL)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := planner.Build(introspect(t, dbA), to, planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Phases) != 2 || !strings.Contains(plan.Phases[1].Before, "deploy") {
		t.Fatalf("phases = %+v", plan.Phases)
	}
	mdir := t.TempDir()
	files, err := emit.Files(plan, emit.Options{Name: "required", Dir: mdir, LockTimeout: "2s"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := emit.Write(mdir, files); err != nil {
		t.Fatal(err)
	}
	ups, downs := migrationFiles(t, mdir)
	before := queryString(t, dbA, seededChecksum)
	w := startWorker(t, dbA)
	if err := applyFile(ctx, dbA, ups[0]); err != nil {
		w.stop()
		t.Fatal(err)
	}
	w.stop()
	w.check(t, 3500*time.Millisecond)
	// The deploy: new code fills the column for the rows it wrote.
	if err := execOnce(ctx, dbA, `UPDATE public.t SET verified = true WHERE id > 20000`); err != nil {
		t.Fatal(err)
	}
	for _, f := range ups[1:] {
		if err := applyFile(ctx, dbA, f); err != nil {
			t.Fatalf("apply %s: %v", filepath.Base(f), err)
		}
	}
	toDB := pgtest.NewDB(t)
	if err := execOnce(ctx, toDB, string(mustRead(t, toSQL))); err != nil {
		t.Fatal(err)
	}
	if got, want := canon(introspect(t, dbA)), canon(introspect(t, toDB)); got != want {
		t.Errorf("after up, schema differs from schema.sql:\n%s", schema.CanonicalDiff(got, want))
	}
	if got := queryString(t, dbA, `SELECT count(*) FILTER (WHERE verified <> (n > 100))::text FROM public.t WHERE id <= 20000`); got != "0" {
		t.Errorf("%s seeded rows not filled from the backfill expression", got)
	}
	if after := queryString(t, dbA, seededChecksum); after != before {
		t.Errorf("seeded rows changed")
	}
	for _, f := range downs {
		if err := applyFile(ctx, dbA, f); err != nil {
			t.Fatalf("apply %s: %v", filepath.Base(f), err)
		}
	}
	if got, want := canon(introspect(t, dbA)), canon(introspect(t, dbF)); got != want {
		t.Errorf("after down, schema differs:\n%s", schema.CanonicalDiff(got, want))
	}
}

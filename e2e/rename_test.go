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

// TestDeclaredTableRenameUnderLoad: a table declared renamed in schema.sql
// (`-- pgshift:renamed-from t` on its CREATE TABLE line) is renamed with a
// view under the old name in the same transaction. A second session keeps
// inserting, updating and selecting through the old name while the expand
// runs and after it: no statement fails or waits past the lock timeout, and
// its rows land in the renamed table. Mid-rollout, the plan from the live
// database is the contract alone (no false change) and the rollout is
// listed. After the contract the catalog equals schema.sql and re-plans
// empty; the downs return to the old schema with the rows intact, the same
// session running from the contract's down on (the view is back, and the
// old name works through the rename back).
func TestDeclaredTableRenameUnderLoad(t *testing.T) {
	ctx := context.Background()
	toSQL := filepath.Join(t.TempDir(), "schema.sql")
	if err := os.WriteFile(toSQL, []byte(`
CREATE TABLE public.p (id bigint PRIMARY KEY);
CREATE TABLE public.accounts ( -- pgshift:renamed-from t
    id bigint CONSTRAINT t_pkey PRIMARY KEY,
    email text,
    n integer,
    parent_id bigint
);
COMMENT ON TABLE public.accounts IS 'renamed from t';
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
	if len(to.Annotations) != 1 || to.Annotations[0].Table != "public.accounts" || to.Annotations[0].From != "public.t" || to.Annotations[0].Column != "" {
		t.Fatalf("annotations = %+v", to.Annotations)
	}
	mA, mF := introspect(t, dbA), introspect(t, dbF)

	// Without the directive: a new table and a skipped drop, as before.
	noDirective := *to
	noDirective.Annotations = nil
	plain, err := planner.Build(mA, &noDirective, planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(planText(plain), "create table public.accounts") || !strings.Contains(strings.Join(plain.Notes, "\n"), "public.t") {
		t.Fatalf("without the directive, want create table and a skipped drop:\n%s\nnotes: %v", planText(plain), plain.Notes)
	}
	// --mode direct: one plain rename.
	direct, err := planner.Build(mA, to, planner.Options{Mode: planner.ModeDirect})
	if err != nil {
		t.Fatal(err)
	}
	if len(direct.Phases) != 1 || !strings.Contains(planText(direct), "ALTER TABLE public.t RENAME TO accounts;") || strings.Contains(planText(direct), "CREATE VIEW") {
		t.Fatalf("direct mode, want one plain rename:\n%s", planText(direct))
	}

	plan, err := planner.Build(mA, to, planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range plan.Notes {
		if strings.Contains(n, "skipped") {
			t.Fatalf("a declared table rename must not be a skipped drop: %s", n)
		}
	}
	mdir := t.TempDir()
	files, err := emit.Files(plan, emit.Options{Name: "rename_table", Dir: mdir, LockTimeout: "2s"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := emit.Write(mdir, files); err != nil {
		t.Fatal(err)
	}
	ups, downs := migrationFiles(t, mdir)
	last := lastPhaseFiles(t, plan, ups)
	var expandSQL string
	for _, f := range ups[:len(ups)-last] {
		expandSQL += string(mustRead(t, f))
	}
	for _, want := range []string{"ALTER TABLE public.t RENAME TO accounts", "CREATE VIEW public.t AS SELECT id, email, n, parent_id FROM public.accounts"} {
		if !strings.Contains(expandSQL, want) {
			t.Fatalf("expand files lack %q:\n%s", want, expandSQL)
		}
	}
	before := queryString(t, dbA, seededChecksum)

	// Expand while old code uses public.t, and old code after it.
	w := startWorker(t, dbA)
	for _, f := range ups[:len(ups)-last] {
		if err := applyFile(ctx, dbA, f); err != nil {
			w.stop()
			t.Fatalf("apply %s: %v", filepath.Base(f), err)
		}
	}
	waitOps(w, 300)
	w.stop()
	w.check(t, 3500*time.Millisecond)
	if got := queryString(t, dbA, `SELECT relkind::text FROM pg_class WHERE oid = 'public.t'::regclass`); got != "v" {
		t.Fatalf("public.t is relkind %s mid-rollout, want a view", got)
	}
	if n := queryString(t, dbA, `SELECT count(*)::text FROM public.accounts WHERE email LIKE 'w%'`); n == "0" {
		t.Fatal("old-code inserts through the view did not reach public.accounts")
	}
	if got := queryString(t, dbA, strings.Replace(seededChecksum, "public.t", "public.accounts", 1)); got != before {
		t.Fatal("seeded rows changed by the expand")
	}

	// Mid-rollout: the live database plans the contract alone.
	mid, err := planner.Build(introspect(t, dbA), to, planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var sums []string
	for _, s := range mid.Steps {
		sums = append(sums, s.Summary)
	}
	if len(mid.Steps) != 2 || !strings.HasPrefix(sums[0], "end of rollout of rename-table public.t") || !strings.HasPrefix(sums[1], "contract: drop the view public.t") ||
		!strings.Contains(strings.Join(mid.Notes, "\n"), "rollout of rename-table public.t: phase 1 of 2 (expand) is applied") {
		t.Fatalf("mid-rollout plan, want the contract alone:\n%s\nnotes: %v", strings.Join(sums, "\n"), mid.Notes)
	}
	if rs := introspect(t, dbA).Rollouts(); len(rs) != 1 || rs[0].Change != "rename-table public.t" || rs[0].Next != "contract" || len(rs[0].Objects) != 2 {
		t.Fatalf("rollouts = %+v", rs)
	}

	// Contract (after the deploy of code that uses public.accounts).
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
	if p, err := planner.Build(introspect(t, dbA), to, planner.Options{}); err != nil || p.Differs() {
		t.Fatalf("re-plan after the contract: %v\n%s", err, planText(p))
	}

	// Down: the contract's down brings the view back; from there old code
	// runs through the rest of the down path (the rename back).
	for _, f := range downs[:last] {
		if err := applyFile(ctx, dbA, f); err != nil {
			t.Fatalf("apply %s: %v", filepath.Base(f), err)
		}
	}
	w = startWorker(t, dbA)
	for _, f := range downs[last:] {
		if err := applyFile(ctx, dbA, f); err != nil {
			w.stop()
			t.Fatalf("apply %s: %v", filepath.Base(f), err)
		}
	}
	waitOps(w, 300)
	w.stop()
	w.check(t, 3500*time.Millisecond)
	if err := execOnce(ctx, dbA, `DELETE FROM public.t WHERE email LIKE 'w%'`); err != nil {
		t.Fatal(err)
	}
	if got := canon(introspect(t, dbA)); got != canon(mF) {
		t.Errorf("after down, schema differs from the old one:\n%s", schema.CanonicalDiff(got, canon(mF)))
	}
	if after := queryString(t, dbA, seededChecksum); after != before {
		t.Errorf("values changed by the down migration")
	}
}

// waitOps lets the worker run n more statements (at most 10 s).
func waitOps(w *worker, n int64) {
	target := w.ops.Load() + n
	for deadline := time.Now().Add(10 * time.Second); w.ops.Load() < target && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
}

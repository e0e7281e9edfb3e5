package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/schema"
)

const applyV1 = `CREATE TABLE public.accounts (
    id bigint PRIMARY KEY,
    email text NOT NULL
);
`

const applyV2 = `CREATE TABLE public.accounts (
    id bigint PRIMARY KEY,
    email text NOT NULL,
    plan text,
    score double precision DEFAULT random()
);
CREATE INDEX accounts_email_idx ON public.accounts (email);
CREATE TABLE public.notes (
    id bigint PRIMARY KEY,
    account_id bigint REFERENCES public.accounts (id),
    body text
);
`

// applyDB creates a database holding v1 with rows.
func applyDB(t *testing.T, rows int) (string, *pgx.Conn) {
	t.Helper()
	db := pgtest.NewDB(t)
	conn := pgtest.Connect(t, db)
	pgtest.Exec(t, conn, applyV1)
	pgtest.Exec(t, conn, "INSERT INTO public.accounts SELECT g, 'u' || g || '@x' FROM generate_series(1, "+strconv.Itoa(rows)+") g")
	return db, conn
}

func fingerprintOf(t *testing.T, dbURL string) string {
	t.Helper()
	s, err := schema.IntrospectURL(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	return schema.Fingerprint(s)
}

func loadedFingerprint(t *testing.T, path string) string {
	t.Helper()
	s, err := schema.LoadSQL(context.Background(), pgtest.AdminURL(), path)
	if err != nil {
		t.Fatal(err)
	}
	return schema.Fingerprint(s)
}

func TestApplyReachesDesiredSchema(t *testing.T) {
	t.Parallel()
	db, conn := applyDB(t, 2000)
	to := writeFile(t, t.TempDir(), "schema.sql", applyV2)
	want := loadedFingerprint(t, to)
	before := fingerprintOf(t, db)

	// No terminal and no --auto-approve: refused, nothing changed.
	r := pgshift(t, devVars(), "apply", "--url", db, "--to", to)
	if r.code != exitError || !strings.Contains(r.stderr, "--auto-approve") {
		t.Fatalf("unapproved: %+v", r)
	}
	if fingerprintOf(t, db) != before {
		t.Fatal("an unapproved apply changed the database")
	}
	// --dry-run prints the SQL and changes nothing.
	r = pgshift(t, devVars(), "apply", "--url", db, "--to", to, "--dry-run")
	if r.code != exitOK || !strings.Contains(r.stdout, "CREATE INDEX CONCURRENTLY accounts_email_idx") {
		t.Fatalf("dry run: %+v", r)
	}
	if fingerprintOf(t, db) != before {
		t.Fatal("--dry-run changed the database")
	}
	// Applied: the catalog equals a fresh load of schema.sql, rows kept.
	r = pgshift(t, devVars(), "apply", "--url", db, "--to", to, "--auto-approve")
	if r.code != exitOK || !strings.Contains(r.stderr, "-- verify: ok") || !strings.Contains(r.stderr, "-- applied ") {
		t.Fatalf("apply: %+v", r)
	}
	if got := fingerprintOf(t, db); got != want {
		t.Fatalf("after apply the schema differs from a fresh load of schema.sql\n%s", r.stderr)
	}
	var n, nulls int
	if err := conn.QueryRow(context.Background(), "SELECT count(*), count(*) FILTER (WHERE score IS NULL) FROM public.accounts").Scan(&n, &nulls); err != nil {
		t.Fatal(err)
	}
	if n != 2000 || nulls != 0 {
		t.Fatalf("rows %d (want 2000), score NULL in %d (want 0: backfilled)", n, nulls)
	}
	// A second apply has nothing to do.
	if r := pgshift(t, devVars(), "apply", "--url", db, "--to", to, "--auto-approve"); r.code != exitOK || !strings.Contains(r.stderr, "-- no changes") {
		t.Fatalf("second apply: %+v", r)
	}
}

func TestApplyRefusesHazardsWithoutOptIn(t *testing.T) {
	t.Parallel()
	db, _ := applyDB(t, 10)
	to := writeFile(t, t.TempDir(), "schema.sql", "CREATE TABLE public.accounts (id bigint PRIMARY KEY);\n")
	before := fingerprintOf(t, db)
	r := pgshift(t, devVars(), "apply", "--url", db, "--to", to, "--allow-drop", "--auto-approve", "--no-verify")
	if r.code != exitError || !strings.Contains(r.stderr, "--allow-hazards backward-incompatible,data-loss") || fingerprintOf(t, db) != before {
		t.Fatalf("data loss without --allow-hazards: %+v", r)
	}
	if r := pgshift(t, devVars(), "apply", "--url", db, "--to", to, "--allow-hazards", "bogus"); r.code != exitError || !strings.Contains(r.stderr, "bogus") {
		t.Fatalf("unknown hazard kind: %+v", r)
	}
	r = pgshift(t, devVars(), "apply", "--url", db, "--to", to, "--allow-drop", "--allow-hazards", "data-loss,backward-incompatible", "--auto-approve")
	if r.code != exitOK || fingerprintOf(t, db) != loadedFingerprint(t, to) {
		t.Fatalf("with --allow-hazards: %+v", r)
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a concurrent reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestApplyWaitsOutALock: another session holds the table until apply has
// retried twice; every attempt waits at most 500 ms (so other queries
// queue at most that long behind it), and the retries succeed once the
// lock is released.
func TestApplyWaitsOutALock(t *testing.T) {
	t.Parallel()
	db, _ := applyDB(t, 10)
	to := writeFile(t, t.TempDir(), "schema.sql", strings.Replace(applyV1, "email text NOT NULL", "email text NOT NULL,\n    plan text", 1))
	holder := pgtest.Connect(t, db)
	ctx := context.Background()
	tx, err := holder.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "SELECT * FROM public.accounts"); err != nil { // ACCESS SHARE until commit
		t.Fatal(err)
	}
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"apply", "--url", db, "--to", to, "--auto-approve", "--no-verify", "--lock-timeout", "500ms"},
			env{stdout: io.Discard, stderr: &stderr, getenv: func(k string) string { return devVars()[k] }})
	}()
	// A reader polls the table while apply waits: it queues behind the
	// waiting ALTER for at most one attempt.
	reader := pgtest.Connect(t, db)
	var worst time.Duration
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(stderr.String(), "lock not available (attempt 2") {
		if time.Now().After(deadline) {
			t.Fatalf("apply did not retry within a minute:\n%s", stderr.String())
		}
		t0 := time.Now()
		if _, err := reader.Exec(ctx, "SELECT count(*) FROM public.accounts"); err != nil {
			t.Fatal(err)
		}
		worst = max(worst, time.Since(t0))
		time.Sleep(20 * time.Millisecond)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if code := <-done; code != exitOK {
		t.Fatalf("apply behind a lock: exit %d\n%s", code, stderr.String())
	}
	if worst > 1500*time.Millisecond {
		t.Errorf("a reader waited %s behind the migration (lock_timeout 500ms per attempt)", worst)
	}
	if fingerprintOf(t, db) != loadedFingerprint(t, to) {
		t.Fatal("not applied")
	}
	// With a budget shorter than the lock, apply gives up and says so.
	tx2, _ := holder.Begin(ctx)
	_, _ = tx2.Exec(ctx, "SELECT * FROM public.accounts")
	defer func() { _ = tx2.Rollback(ctx) }()
	to2 := writeFile(t, t.TempDir(), "schema.sql", strings.Replace(applyV1, "email text NOT NULL", "email text NOT NULL,\n    plan text,\n    other int", 1))
	r := pgshift(t, devVars(), "apply", "--url", db, "--to", to2, "--auto-approve", "--no-verify", "--lock-timeout", "100ms", "--lock-budget", "1s")
	if r.code != exitError || !strings.Contains(r.stderr, "within the lock budget") || !strings.Contains(r.stderr, "applied 0 of") {
		t.Fatalf("budget exceeded: %+v", r)
	}
}

func TestApplySavedPlan(t *testing.T) {
	t.Parallel()
	db, conn := applyDB(t, 100)
	dir := t.TempDir()
	to := writeFile(t, dir, "schema.sql", applyV2)
	r := pgshift(t, devVars(), "diff", "--from", db, "--to", to, "--format", "json")
	if r.code != exitOK {
		t.Fatalf("diff: %+v", r)
	}
	planFile := writeFile(t, dir, "plan.json", r.stdout)

	// A hand-broken plan fails verification, naming the stage and statement.
	var raw map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil || raw["source_fingerprint"] == nil {
		t.Fatalf("plan report without fingerprints: %v\n%s", err, r.stdout)
	}
	broken := strings.Replace(r.stdout, "DROP INDEX CONCURRENTLY IF EXISTS public.accounts_email_idx", "SELECT 1", 1)
	if broken == r.stdout {
		t.Fatalf("the plan has no index drop to break:\n%s", r.stdout)
	}
	brokenFile := writeFile(t, dir, "broken.json", broken)
	if r := pgshift(t, devVars(), "verify", "--url", db, "--plan", brokenFile); r.code != exitError || !strings.Contains(r.stderr, "verify (down)") {
		t.Fatalf("broken plan: %+v", r)
	}
	if r := pgshift(t, devVars(), "verify", "--url", db, "--plan", planFile); r.code != exitOK {
		t.Fatalf("verify of the saved plan: %+v", r)
	}

	// The database changes after the plan was made: refused, unchanged.
	pgtest.Exec(t, conn, "ALTER TABLE public.accounts ADD COLUMN sneaky int")
	before := fingerprintOf(t, db)
	if r := pgshift(t, devVars(), "apply", "--url", db, "--plan", planFile, "--auto-approve"); r.code != exitError || !strings.Contains(r.stderr, "changed since the plan was made") {
		t.Fatalf("changed database: %+v", r)
	}
	if fingerprintOf(t, db) != before {
		t.Fatal("a refused plan changed the database")
	}
	pgtest.Exec(t, conn, "ALTER TABLE public.accounts DROP COLUMN sneaky")
	if r := pgshift(t, devVars(), "apply", "--url", db, "--plan", planFile, "--auto-approve"); r.code != exitOK {
		t.Fatalf("saved plan: %+v", r)
	}
	if fingerprintOf(t, db) != loadedFingerprint(t, to) {
		t.Fatal("the saved plan did not reach schema.sql")
	}
}

// TestApplyInterruptedBackfill: Ctrl-C during a batched backfill stops it;
// the committed batches stay, no row is half-written, and apply says how
// far it got.
func TestApplyInterruptedBackfill(t *testing.T) {
	t.Parallel()
	db, conn := applyDB(t, 200000)
	to := writeFile(t, t.TempDir(), "schema.sql", strings.Replace(applyV1, "email text NOT NULL", "email text NOT NULL,\n    score double precision DEFAULT random()", 1))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// Cancel once the backfill has committed a few batches.
		watch := pgtest.Connect(t, db)
		for ctx.Err() == nil {
			var filled int
			if err := watch.QueryRow(context.Background(), "SELECT count(score) FROM public.accounts").Scan(&filled); err == nil && filled >= 3000 {
				cancel()
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	var out, errb bytes.Buffer
	code := run(ctx, []string{"apply", "--url", db, "--to", to, "--auto-approve", "--no-verify", "--batch-size", "500"},
		env{stdout: &out, stderr: &errb, getenv: func(k string) string { return devVars()[k] }})
	if code == exitOK {
		t.Fatalf("an interrupted apply exited 0\n%s", errb.String())
	}
	if !strings.Contains(errb.String(), "before the failure") {
		t.Errorf("apply does not say what was applied:\n%s", errb.String())
	}
	var n, filled int
	if err := conn.QueryRow(context.Background(), "SELECT count(*), count(score) FROM public.accounts").Scan(&n, &filled); err != nil {
		t.Fatal(err)
	}
	if n != 200000 || filled == 0 || filled == n || filled%500 != 0 {
		t.Fatalf("rows %d, backfilled %d: want all rows and whole batches of 500 committed", n, filled)
	}
}

func TestApplyUntilDeploy(t *testing.T) {
	t.Parallel()
	// A declared rename is expand / contract: apply stops before the deploy.
	db, conn := applyDB(t, 50)
	to := writeFile(t, t.TempDir(), "schema.sql", "CREATE TABLE public.accounts (\n    id bigint PRIMARY KEY,\n    login text NOT NULL -- pgshift:renamed-from email\n);\n")
	r := pgshift(t, devVars(), "apply", "--url", db, "--to", to, "--auto-approve")
	if r.code != exitOK || !strings.Contains(r.stderr, "-- next: phase") {
		t.Fatalf("first apply: %+v", r)
	}
	var hasEmail bool
	if err := conn.QueryRow(context.Background(), "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'email')").Scan(&hasEmail); err != nil {
		t.Fatal(err)
	}
	if !hasEmail {
		t.Fatalf("the first apply of a rename dropped the old column before the deploy:\n%s", r.stderr)
	}
}

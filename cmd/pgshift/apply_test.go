package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/planner"
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

// buildPgshift builds this command into a temporary directory, for tests
// that need a real process (signals).
func buildPgshift(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "pgshift")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestApplyInterruptedBackfill: SIGINT to the pgshift apply process while a
// batched backfill runs stops it between statements: exit 1 with what was
// applied and what was stopped; the committed batches stay (whole batches,
// no row half-written), no INVALID index is left, and the database records
// the phase as in progress (a rollout marker with Resume). Running apply
// again plans from the database, continues the backfill and the steps
// after it and reaches the same catalog as an uninterrupted apply (a fresh
// load of schema.sql when every phase ran); a third run has no changes.
func TestApplyInterruptedBackfill(t *testing.T) {
	t.Parallel()
	bin := buildPgshift(t)
	const rows, batch = 200000, 500
	for _, tc := range []struct {
		name, column string // the new column line of accounts, replacing email's
		flags        []string
		filled       string // counts the rows the backfill has filled
		// phased: the change has a deploy after the interrupted phase, so
		// the re-run stops there; the rest runs with --all-phases.
		phased bool
	}{
		{name: "volatile default", column: "score double precision DEFAULT random()", filled: "count(score)"},
		{name: "required column with backfill", column: "plan text NOT NULL -- pgshift:backfill 'free'",
			flags: []string{"--all-phases", "--allow-hazards", "backward-incompatible"}, filled: "count(plan)"},
		{name: "int to bigint shadow column", column: "n bigint", filled: "count(n__pgshift_new)", phased: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := pgtest.NewDB(t)
			conn := pgtest.Connect(t, db)
			ctx := context.Background()
			pgtest.Exec(t, conn, "CREATE TABLE public.accounts (id bigint PRIMARY KEY, email text NOT NULL, n int);"+
				"INSERT INTO public.accounts SELECT g, 'u' || g || '@x', g FROM generate_series(1, "+strconv.Itoa(rows)+") g")
			desired := "CREATE TABLE public.accounts (\n    id bigint PRIMARY KEY,\n    email text NOT NULL,\n    n int"
			if tc.column == "n bigint" {
				desired = strings.TrimSuffix(desired, "n int") + tc.column + "\n);\n"
			} else {
				desired += ",\n    " + tc.column + "\n);\n"
			}
			to := writeFile(t, t.TempDir(), "schema.sql", desired)
			args := append([]string{"apply", "--url", db, "--to", to, "--auto-approve", "--no-verify", "--batch-size", strconv.Itoa(batch)}, tc.flags...)

			// What an uninterrupted apply of the same flags reaches.
			ref := pgtest.NewDB(t)
			pgtest.Exec(t, pgtest.Connect(t, ref), "CREATE TABLE public.accounts (id bigint PRIMARY KEY, email text NOT NULL, n int);"+
				"INSERT INTO public.accounts SELECT g, 'u' || g || '@x', g FROM generate_series(1, 10) g")
			refArgs := slices.Clone(args)
			refArgs[2] = ref
			if r := pgshift(t, devVars(), refArgs...); r.code != exitOK {
				t.Fatalf("uninterrupted apply: %+v", r)
			}

			cmd := exec.Command(bin, args...)
			cmd.Dir = t.TempDir()
			cmd.Env = append(os.Environ(), "PGSHIFT_DEV_URL="+pgtest.AdminURL())
			pipe, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var stderr syncBuffer
			backfilling := make(chan struct{})
			copied := make(chan struct{})
			go func() {
				defer close(copied)
				sc := bufio.NewScanner(pipe)
				once := sync.Once{}
				for sc.Scan() {
					stderr.Write([]byte(sc.Text() + "\n"))
					if strings.Contains(sc.Text(), "] backfill ") {
						once.Do(func() { close(backfilling) })
					}
				}
			}()
			select {
			case <-backfilling:
			case <-time.After(2 * time.Minute):
				_ = cmd.Process.Kill()
				t.Fatalf("no backfill progress line within 2 minutes:\n%s", stderr.String())
			}
			// Interrupt once some batches are committed.
			watch := pgtest.Connect(t, db)
			for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
				var filled int
				if err := watch.QueryRow(ctx, "SELECT "+tc.filled+" FROM public.accounts").Scan(&filled); err != nil {
					t.Fatal(err)
				}
				if filled >= 4*batch {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the backfill committed no batch within a minute:\n%s", stderr.String())
				}
			}
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			<-copied
			err = cmd.Wait()
			var exitErr *exec.ExitError
			if !errors.As(err, &exitErr) || exitErr.ExitCode() != exitError {
				t.Fatalf("interrupted apply: %v, want exit %d\n%s", err, exitError, stderr.String())
			}
			for _, want := range []string{"-- interrupted: applied ", "] backfill ", "run pgshift apply again to continue"} {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr of the interrupted apply lacks %q:\n%s", want, stderr.String())
				}
			}

			// Consistent: all rows, whole batches, no INVALID index, the
			// phase recorded as in progress.
			var n, filled, invalid int
			if err := conn.QueryRow(ctx, "SELECT count(*), "+tc.filled+" FROM public.accounts").Scan(&n, &filled); err != nil {
				t.Fatal(err)
			}
			if n != rows || filled == 0 || filled == n || filled%batch != 0 {
				t.Fatalf("rows %d, backfilled %d: want %d rows and whole batches of %d committed, not all", n, filled, rows, batch)
			}
			if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_catalog.pg_index WHERE NOT indisvalid").Scan(&invalid); err != nil || invalid != 0 {
				t.Fatalf("INVALID indexes left: %d (%v)", invalid, err)
			}
			mid, err := schema.IntrospectURL(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if rs := mid.Rollouts(); len(rs) != 1 || rs[0].Resume == 0 {
				t.Fatalf("after the interruption: rollouts %+v, want one in progress (Resume set)", rs)
			}
			if r := pgshift(t, nil, "status", "--url", db); r.code != exitOK || !strings.Contains(r.stdout+r.stderr, "interrupted before its end") {
				t.Fatalf("status after the interruption: %+v", r)
			}

			// The re-run continues and reaches what an uninterrupted apply
			// reaches.
			r := pgshift(t, devVars(), args...)
			if r.code != exitOK || !strings.Contains(r.stderr, "was interrupted; continuing at: backfill") {
				t.Fatalf("re-run: %+v", r)
			}
			if err := conn.QueryRow(ctx, "SELECT "+tc.filled+" FROM public.accounts").Scan(&filled); err != nil || filled != rows {
				t.Fatalf("after the re-run %d of %d rows are backfilled (%v)", filled, rows, err)
			}
			if got, want := fingerprintOf(t, db), fingerprintOf(t, ref); got != want {
				t.Fatalf("the re-run reached another catalog than an uninterrupted apply\n%s", r.stderr)
			}
			if tc.phased {
				if !strings.Contains(r.stderr, "-- next: phase 2") {
					t.Fatalf("re-run of a phased change does not stop at the deploy: %s", r.stderr)
				}
				// The later phases (no old code running here), verified:
				// their down comes back to the marked state of the expand.
				args = slices.DeleteFunc(args, func(a string) bool { return a == "--no-verify" })
				args = append(args, "--all-phases", "--allow-hazards", "all")
				if r := pgshift(t, devVars(), args...); r.code != exitOK {
					t.Fatalf("later phases: %+v", r)
				}
			}
			if fingerprintOf(t, db) != loadedFingerprint(t, to) {
				t.Fatal("the catalog differs from a fresh load of schema.sql")
			}
			if r := pgshift(t, devVars(), args...); r.code != exitOK || !strings.Contains(r.stderr, "-- no changes") {
				t.Fatalf("third run: %+v", r)
			}
		})
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

// TestGenerateVerifies: generate replays the plan on the dev server before
// it writes (stderr says so); --no-verify skips it; a plan whose down does
// not come back (a step's down broken after planning) fails with the stage
// and the step, exits 1 and writes nothing.
func TestGenerateVerifies(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	from := writeFile(t, dir, "from.sql", applyV1)
	to := writeFile(t, dir, "to.sql", applyV2)
	written := func(out string) int {
		ents, _ := os.ReadDir(out)
		return len(ents)
	}
	out := filepath.Join(t.TempDir(), "m")
	r := pgshift(t, devVars(), "generate", "--from", from, "--to", to, "--dir", out)
	if r.code != exitOK || !strings.Contains(r.stderr, "-- verify: ok") || written(out) == 0 {
		t.Fatalf("generate: %+v", r)
	}
	out = filepath.Join(t.TempDir(), "m")
	r = pgshift(t, devVars(), "generate", "--from", from, "--to", to, "--dir", out, "--no-verify")
	if r.code != exitOK || !strings.Contains(r.stderr, "-- verify: skipped (--no-verify)") || strings.Contains(r.stderr, "replaying") || written(out) == 0 {
		t.Fatalf("generate --no-verify: %+v", r)
	}

	out = filepath.Join(t.TempDir(), "m")
	var errb bytes.Buffer
	broke := ""
	code := run(context.Background(), []string{"generate", "--from", from, "--to", to, "--dir", out},
		env{stdout: io.Discard, stderr: &errb, getenv: func(k string) string { return devVars()[k] }, editPlan: func(p *planner.Plan) {
			for _, s := range p.Steps {
				if broke == "" && strings.Contains(s.Summary, "public.notes") {
					s.Down, broke = []string{"SELECT 1;"}, s.Summary
				}
			}
		}})
	if broke == "" {
		t.Fatal("the plan has no step on public.notes to break")
	}
	if code != exitError || !strings.Contains(errb.String(), "verify (down)") || !strings.Contains(errb.String(), "nothing written") {
		t.Fatalf("a broken plan (down of %q): exit %d\n%s", broke, code, errb.String())
	}
	if n := written(out); n != 0 {
		t.Fatalf("a plan that failed verification wrote %d file(s)", n)
	}
}

package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pgshift/pgshift/emit"
	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
)

// The tables every safety case starts from: a parent and a child with
// rows. The concurrent session only ever uses the old column set
// (id, email, n, parent_id) of t.
const safetyBase = `
CREATE TABLE public.p (id bigint PRIMARY KEY);
CREATE TABLE public.t (id bigint PRIMARY KEY, email text, n integer, parent_id bigint);
`

const safetySeed = `
INSERT INTO public.p SELECT g FROM generate_series(1, 100) g;
INSERT INTO public.t SELECT g, 'user' || g || '@example.com', g, (g % 100) + 1 FROM generate_series(1, 20000) g;
ANALYZE public.t;
`

// seededChecksum is a digest of the seeded rows' old columns; a recipe must
// leave it unchanged.
const seededChecksum = `SELECT md5(string_agg(id || ':' || coalesce(email, '') || ':' || coalesce(n::text, '') || ':' || coalesce(parent_id::text, ''), ',' ORDER BY id))
FROM public.t WHERE id <= 20000`

// TestSafeRecipesUnderLoad applies each safe recipe to a table with rows
// while another session keeps inserting, updating and reading with the old
// column set: no statement of that session may fail or wait longer than the
// lock timeout plus slack; the final schema equals to; the seeded rows are
// unchanged; the downs return to from with the rows intact.
func TestSafeRecipesUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	cases := []struct {
		name, to string
		// wantInPlan are SQL fragments the up files must contain.
		wantInPlan []string
	}{
		{"index concurrently", `CREATE INDEX t_email_idx ON public.t (email);`,
			[]string{"CREATE INDEX CONCURRENTLY t_email_idx"}},
		{"foreign key not valid then validate", `ALTER TABLE public.t ADD CONSTRAINT t_parent_fk FOREIGN KEY (parent_id) REFERENCES public.p (id);`,
			[]string{"NOT VALID", "VALIDATE CONSTRAINT t_parent_fk"}},
		{"check not valid then validate", `ALTER TABLE public.t ADD CONSTRAINT t_n_positive CHECK (n > 0);`,
			[]string{"NOT VALID", "VALIDATE CONSTRAINT t_n_positive"}},
		{"unique through a concurrent index", `ALTER TABLE public.t ADD CONSTRAINT t_email_key UNIQUE (email);`,
			[]string{"CREATE UNIQUE INDEX CONCURRENTLY t_email_key", "UNIQUE USING INDEX t_email_key"}},
		{"set not null through a validated check", `ALTER TABLE public.t ALTER COLUMN n SET NOT NULL;`,
			[]string{"CHECK (n IS NOT NULL) NOT VALID", "VALIDATE CONSTRAINT", "SET NOT NULL"}},
		{"type change through a shadow column", `ALTER TABLE public.t ALTER COLUMN n TYPE bigint;`,
			[]string{"ADD COLUMN n__pgshift_new bigint", "COMMIT;", "RENAME COLUMN n__pgshift_new TO n", "DROP COLUMN n__pgshift_old"}},
		{"add column with a volatile default", `CREATE EXTENSION IF NOT EXISTS pgcrypto; ALTER TABLE public.t ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();`,
			[]string{"ADD COLUMN token uuid$pgshift_stmt$;", "SET DEFAULT gen_random_uuid()", "COMMIT;", "VALIDATE CONSTRAINT"}},
	}
	for _, c := range cases {
		c := c
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			acquire(t)
			runSafetyCase(t, c.to, c.wantInPlan)
		})
	}
}

func runSafetyCase(t *testing.T, toExtra string, want []string) {
	ctx := context.Background()
	dbA, dbB, dbF := pgtest.NewDB(t), pgtest.NewDB(t), pgtest.NewDB(t)
	for _, db := range []string{dbA, dbF} {
		if err := execOnce(ctx, db, safetyBase+safetySeed); err != nil {
			t.Fatal(err)
		}
	}
	if err := execOnce(ctx, dbB, safetyBase+toExtra); err != nil {
		t.Fatal(err)
	}
	mA, mB, mF := introspect(t, dbA), introspect(t, dbB), introspect(t, dbF)
	plan, err := planner.Build(mA, mB, planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files, err := emit.Files(plan, emit.Options{Name: "safety", Dir: dir, LockTimeout: "2s"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := emit.Write(dir, files); err != nil {
		t.Fatal(err)
	}
	ups, downs := migrationFiles(t, dir)
	var all strings.Builder
	for _, f := range ups {
		b, _ := os.ReadFile(f)
		all.Write(b)
	}
	for _, w := range want {
		if !strings.Contains(all.String(), w) {
			t.Fatalf("up files do not contain %q:\n%s", w, all.String())
		}
	}
	before := queryString(t, dbA, seededChecksum)

	// Up, under load.
	w := startWorker(t, dbA)
	for _, f := range ups {
		if err := applyFile(ctx, dbA, f); err != nil {
			w.stop()
			t.Fatalf("apply %s: %v", filepath.Base(f), err)
		}
	}
	w.stop()
	w.check(t, 2*time.Second+1500*time.Millisecond)
	if got := canon(introspect(t, dbA)); got != canon(mB) {
		t.Errorf("after up, schema differs from to:\n%s", schema.CanonicalDiff(got, canon(mB)))
	}
	if after := queryString(t, dbA, seededChecksum); after != before {
		t.Errorf("seeded rows changed by the up migration")
	}

	// Down, under load.
	w = startWorker(t, dbA)
	for _, f := range downs {
		if err := applyFile(ctx, dbA, f); err != nil {
			w.stop()
			t.Fatalf("apply %s: %v", filepath.Base(f), err)
		}
	}
	w.stop()
	w.check(t, 2*time.Second+1500*time.Millisecond)
	if got := canon(introspect(t, dbA)); got != canon(mF) {
		t.Errorf("after down, schema differs from from:\n%s", schema.CanonicalDiff(got, canon(mF)))
	}
	if after := queryString(t, dbA, seededChecksum); after != before {
		t.Errorf("seeded rows changed by the down migration")
	}
}

// TestLockTimeoutFailsFast: while another session holds ACCESS EXCLUSIVE
// on the table, a generated transactional file gives up after its
// lock_timeout (SQLSTATE 55P03) instead of queueing behind the lock.
func TestLockTimeoutFailsFast(t *testing.T) {
	ctx := context.Background()
	dbA, dbB := pgtest.NewDB(t), pgtest.NewDB(t)
	if err := execOnce(ctx, dbA, safetyBase); err != nil {
		t.Fatal(err)
	}
	if err := execOnce(ctx, dbB, safetyBase+`ALTER TABLE public.t ADD CONSTRAINT t_n_positive CHECK (n > 0);`); err != nil {
		t.Fatal(err)
	}
	plan, err := planner.Build(introspect(t, dbA), introspect(t, dbB), planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files, err := emit.Files(plan, emit.Options{Name: "locked", Dir: dir, LockTimeout: "1s", LockRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := emit.Write(dir, files); err != nil {
		t.Fatal(err)
	}
	ups, _ := migrationFiles(t, dir)

	holder := pgtest.Connect(t, dbA)
	tx, err := holder.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "LOCK TABLE public.t IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = applyFile(ctx, dbA, ups[0])
	took := time.Since(start)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "55P03" {
		t.Fatalf("want lock_not_available (55P03) from %s, got %v", filepath.Base(ups[0]), err)
	}
	if took > 3*time.Second {
		t.Errorf("the migration waited %v for the lock; lock_timeout is 1s", took)
	}
}

// migrationFiles lists golang-migrate files in dir: ups by version, downs reversed.
func migrationFiles(t *testing.T, dir string) (ups, downs []string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		switch {
		case strings.HasSuffix(e.Name(), ".up.sql"):
			ups = append(ups, filepath.Join(dir, e.Name()))
		case strings.HasSuffix(e.Name(), ".down.sql"):
			downs = append(downs, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(ups)
	sort.Sort(sort.Reverse(sort.StringSlice(downs)))
	return ups, downs
}

// applyFile runs a file as one simple-protocol Exec, as golang-migrate does.
func applyFile(ctx context.Context, db, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return execOnce(ctx, db, string(b))
}

func queryString(t *testing.T, db, sql string) string {
	t.Helper()
	c := pgtest.Connect(t, db)
	var s string
	if err := c.QueryRow(context.Background(), sql).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// worker is a session that keeps writing and reading t with the old
// column set, recording errors and the longest statement.
type worker struct {
	done    chan struct{}
	wg      sync.WaitGroup
	mu      sync.Mutex
	errs    []error
	maxWait atomic.Int64
	ops     atomic.Int64
}

func startWorker(t *testing.T, db string) *worker {
	w := &worker{done: make(chan struct{})}
	conn := pgtest.Connect(t, db)
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		ctx := context.Background()
		for id := int64(1_000_000 + time.Now().UnixNano()%1_000_000*10); ; id++ {
			select {
			case <-w.done:
				return
			default:
			}
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{"INSERT INTO public.t (id, email, n, parent_id) VALUES ($1, 'w' || $1 || '@example.com', 1, 1)", []any{id}},
				{"UPDATE public.t SET n = n + 1 WHERE id = $1", []any{id}},
				{"SELECT count(*) FROM public.t WHERE id BETWEEN $1 - 100 AND $1", []any{id}},
			} {
				start := time.Now()
				qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				rows, err := conn.Query(qctx, q.sql, append([]any{pgx.QueryExecModeSimpleProtocol}, q.args...)...)
				if err == nil {
					for rows.Next() {
					}
					rows.Close()
					err = rows.Err()
				}
				cancel()
				if d := time.Since(start).Nanoseconds(); d > w.maxWait.Load() {
					w.maxWait.Store(d)
				}
				w.ops.Add(1)
				if err != nil {
					w.mu.Lock()
					w.errs = append(w.errs, fmt.Errorf("%s: %w", q.sql, err))
					w.mu.Unlock()
				}
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()
	// Let the session get going before the migration starts.
	for deadline := time.Now().Add(5 * time.Second); w.ops.Load() < 30 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	return w
}

func (w *worker) stop() {
	close(w.done)
	w.wg.Wait()
}

func (w *worker) check(t *testing.T, limit time.Duration) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, err := range w.errs {
		if i < 5 {
			t.Errorf("concurrent session: %v", err)
		}
	}
	if d := time.Duration(w.maxWait.Load()); d > limit {
		t.Errorf("a concurrent statement waited %v (limit %v)", d, limit)
	}
	if w.ops.Load() == 0 {
		t.Errorf("the concurrent session ran no statement")
	}
	t.Logf("concurrent session: %d statements, longest %v", w.ops.Load(), time.Duration(w.maxWait.Load()))
}

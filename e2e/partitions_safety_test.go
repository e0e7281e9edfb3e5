package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pgshift/pgshift/emit"
	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
)

// A range-partitioned table with three populated partitions.
const partSafetyBase = `
CREATE TABLE public.events (id bigint NOT NULL, at date NOT NULL, kind text) PARTITION BY RANGE (at);
CREATE TABLE public.events_2024 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.events_2025 PARTITION OF public.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE public.events_2026 PARTITION OF public.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
`

const partSafetySeed = `
INSERT INTO public.events SELECT g, DATE '2024-01-01' + (g % 1090), 'k' || (g % 13) FROM generate_series(1, 30000) g;
ANALYZE public.events;
`

// partitionDays are one day inside each partition, for the writers.
var partitionDays = []string{"2024-06-01", "2025-06-01", "2026-06-01"}

// TestPartitionedIndexBuildUnderLoad: an index added to a populated
// partitioned table in safe mode is built
// partition by partition (ON ONLY the parent, CONCURRENTLY on each
// partition, then attached) while one session per partition keeps
// inserting, updating and reading its partition, through the parent and
// directly: no statement of theirs fails or waits longer than the lock
// timeout plus slack, and the result equals the target (and the down the
// start).
func TestPartitionedIndexBuildUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	cases := []struct {
		name, to string
		want     []string
		// direct: the sessions also write to the partitions directly.
		// Not for the key: its last step locks the parent, then each
		// partition, while a direct INSERT into a partition holds that
		// partition and then reads the parent for its partition
		// constraint: a deadlock the detector resolves by cancelling one
		// (the step says so in its hazards).
		direct bool
	}{
		{"index", `CREATE INDEX events_kind_idx ON public.events (kind);`,
			[]string{"ON ONLY public.events", "CREATE INDEX CONCURRENTLY events_2024_kind_idx ON public.events_2024",
				"CREATE INDEX CONCURRENTLY events_2026_kind_idx ON public.events_2026", "ATTACH PARTITION public.events_2025_kind_idx"}, true},
		{"primary key", `ALTER TABLE public.events ADD PRIMARY KEY (id, at);`,
			[]string{"CREATE UNIQUE INDEX CONCURRENTLY events_2024_pkey ON public.events_2024",
				"LOCK TABLE public.events IN ACCESS EXCLUSIVE MODE",
				"ALTER TABLE public.events_2025 ADD CONSTRAINT events_2025_pkey PRIMARY KEY USING INDEX events_2025_pkey",
				"ALTER TABLE public.events ADD CONSTRAINT events_pkey PRIMARY KEY (id, at)"}, false},
	}
	for _, c := range cases {
		c := c
		t.Run(c.name, func(t *testing.T) {
			acquire(t)
			runPartitionSafetyCase(t, c.to, c.want, c.direct)
		})
	}
}

func runPartitionSafetyCase(t *testing.T, toExtra string, want []string, direct bool) {
	ctx := context.Background()
	dbA, dbB, dbF := pgtest.NewDB(t), pgtest.NewDB(t), pgtest.NewDB(t)
	for _, db := range []string{dbA, dbF} {
		if err := execOnce(ctx, db, partSafetyBase+partSafetySeed); err != nil {
			t.Fatal(err)
		}
	}
	if err := execOnce(ctx, dbB, partSafetyBase+toExtra); err != nil {
		t.Fatal(err)
	}
	mA, mB, mF := introspect(t, dbA), introspect(t, dbB), introspect(t, dbF)
	plan, err := planner.Build(mA, mB, planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files, err := emit.Files(plan, emit.Options{Name: "partitions", Dir: dir, LockTimeout: "2s"})
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
	if strings.Contains(all.String(), "CREATE INDEX events_kind_idx ON public.events ") {
		t.Fatalf("plain CREATE INDEX on the partitioned parent:\n%s", all.String())
	}
	for _, phase := range []struct {
		files []string
		want  *schema.Schema
	}{{ups, mB}, {downs, mF}} {
		ws := startPartitionWriters(t, dbA, direct)
		for _, f := range phase.files {
			if err := applyFile(ctx, dbA, f); err != nil {
				ws.stop()
				t.Fatalf("apply %s: %v", filepath.Base(f), err)
			}
		}
		ws.stop()
		ws.check(t, 2*time.Second+1500*time.Millisecond)
		if got := canon(introspect(t, dbA)); got != canon(phase.want) {
			t.Errorf("after %s, schema differs:\n%s", filepath.Base(phase.files[0]), schema.CanonicalDiff(got, canon(phase.want)))
		}
	}
}

// partitionWriters are one session per partition, each writing and
// reading its partition through the parent (and directly when asked).
type partitionWriters struct {
	done    chan struct{}
	wg      sync.WaitGroup
	mu      sync.Mutex
	errs    []error
	maxWait atomic.Int64
	ops     []atomic.Int64
}

func startPartitionWriters(t *testing.T, db string, direct bool) *partitionWriters {
	w := &partitionWriters{done: make(chan struct{}), ops: make([]atomic.Int64, len(partitionDays))}
	base := 1_000_000 + time.Now().UnixNano()%1_000_000*10
	for n, day := range partitionDays {
		n, day := n, day
		conn := pgtest.Connect(t, db)
		part := "public.events_" + day[:4]
		target := part
		if !direct {
			target = "public.events"
		}
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			ctx := context.Background()
			for id := base + int64(n)*1_000_000; ; id += 2 {
				select {
				case <-w.done:
					return
				default:
				}
				for _, q := range []struct {
					sql  string
					args []any
				}{
					{"INSERT INTO public.events (id, at, kind) VALUES ($1, $2::date, 'w')", []any{id, day}},
					{"INSERT INTO " + target + " (id, at, kind) VALUES ($1, $2::date, 'd')", []any{id + 1, day}},
					{"UPDATE public.events SET kind = 'u' WHERE id = $1 AND at = $2::date", []any{id, day}},
					{"SELECT count(*) FROM " + target + " WHERE kind = 'k1' AND at = $1::date", []any{day}},
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
					w.ops[n].Add(1)
					if err != nil {
						w.mu.Lock()
						w.errs = append(w.errs, fmt.Errorf("%s: %w", q.sql, err))
						w.mu.Unlock()
					}
				}
				time.Sleep(2 * time.Millisecond)
			}
		}()
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		ready := true
		for i := range w.ops {
			ready = ready && w.ops[i].Load() >= 20
		}
		if ready {
			break
		}
	}
	return w
}

func (w *partitionWriters) stop() {
	close(w.done)
	w.wg.Wait()
}

func (w *partitionWriters) check(t *testing.T, limit time.Duration) {
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
	for i := range w.ops {
		if w.ops[i].Load() == 0 {
			t.Errorf("the session on partition %s ran no statement", partitionDays[i])
		}
	}
	t.Logf("concurrent sessions: %v statements per partition, longest %v", []int64{w.ops[0].Load(), w.ops[1].Load(), w.ops[2].Load()}, time.Duration(w.maxWait.Load()))
}

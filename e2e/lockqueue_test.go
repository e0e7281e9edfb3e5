package e2e

import (
	"context"
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
)

// TestLockQueueBehindLongTransaction: a long-running transaction holds
// ACCESS SHARE on a table (it read it and stays open) while the generated
// ADD COLUMN migration is applied by psql -f, golang-migrate and goose
// with the default options, and a reader keeps polling the table. The
// migration's ACCESS EXCLUSIVE request waits at most the per-attempt
// lock_timeout before it leaves the queue and retries, so no reader query
// waits longer than about a second; once the long transaction ends the
// migration succeeds. The control case (--lock-timeout none) shows that the
// reader would otherwise queue for the whole remaining life of the long
// transaction.
func TestLockQueueBehindLongTransaction(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	const hold = 3 * time.Second
	cases := []struct {
		name, apply, lockTimeout string
		// wantStall: the reader must stall (control) rather than not.
		wantStall bool
	}{
		{"psql -f", "psql", "", false},
		{"golang-migrate", emit.FormatGolangMigrate, "", false},
		{"goose", emit.FormatGoose, "", false},
		{"control: psql -f without a lock_timeout", "psql", "none", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			acquire(t)
			ctx := context.Background()
			db := pgtest.NewDB(t)
			base := "CREATE TABLE public.q (id bigint PRIMARY KEY, v text);\n"
			if err := execOnce(ctx, db, base+"INSERT INTO public.q SELECT g, 'v' || g FROM generate_series(1, 2000) g;"); err != nil {
				t.Fatal(err)
			}
			plan, err := planner.Build(introspect(t, db), loadModel(t, base+"ALTER TABLE public.q ADD COLUMN note text;"), planner.Options{})
			if err != nil {
				t.Fatal(err)
			}
			format := c.apply
			if format == "psql" {
				format = emit.FormatGolangMigrate
			}
			var r *runner
			dir := t.TempDir()
			if c.apply != "psql" {
				r = newRunner(t, format, dir, db) // skips when the runner is not installed
			}
			files, err := emit.Files(plan, emit.Options{Format: format, Name: "add_note", Dir: dir, LockTimeout: c.lockTimeout})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := emit.Write(dir, files); err != nil {
				t.Fatal(err)
			}
			if c.lockTimeout == "" {
				b, _ := os.ReadFile(filepath.Join(dir, files[0].Name))
				if !strings.Contains(string(b), "EXCEPTION WHEN lock_not_available") {
					t.Fatalf("%s has no lock retry:\n%s", files[0].Name, b)
				}
			}

			// The long-running transaction.
			holder := pgtest.Connect(t, db)
			tx, err := holder.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(ctx)
			if _, err := tx.Exec(ctx, "SELECT count(*) FROM public.q"); err != nil {
				t.Fatal(err)
			}

			rd := startReader(t, db)
			done := make(chan error, 1)
			go func() {
				if r != nil {
					done <- r.up()
					return
				}
				var ups []migrationFile
				for _, f := range files {
					if strings.HasSuffix(f.Name, ".up.sql") {
						ups = append(ups, migrationFile{Path: filepath.Join(dir, f.Name)})
					}
				}
				done <- applyPsql(ctx, db, ups)
			}()
			select {
			case err := <-done:
				rd.stop()
				t.Fatalf("the migration ended while the long transaction held the table: %v", err)
			case <-time.After(hold):
			}
			if err := tx.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				if err != nil {
					rd.stop()
					t.Fatalf("migration after the long transaction ended: %v", err)
				}
			case <-time.After(60 * time.Second):
				rd.stop()
				t.Fatal("the migration did not finish within 60s after the long transaction ended")
			}
			rd.stop()
			if got := queryString(t, db, "SELECT count(*)::text FROM pg_attribute WHERE attrelid = 'public.q'::regclass AND attname = 'note'"); got != "1" {
				t.Errorf("column note not added")
			}
			longest := rd.longest()
			t.Logf("reader: %d queries, longest %v", rd.n.Load(), longest)
			if rd.err != nil {
				t.Errorf("reader: %v", rd.err)
			}
			if c.wantStall {
				if longest < hold/2 {
					t.Errorf("control: the reader waited only %v without a lock_timeout; the test cannot tell a protected queue from an unprotected one", longest)
				}
			} else if longest > time.Second {
				t.Errorf("a reader query waited %v behind the migration's lock request (want under 1s)", longest)
			}
		})
	}
}

// reader polls a table and records its longest query.
type reader struct {
	done chan struct{}
	wg   sync.WaitGroup
	max  atomic.Int64
	n    atomic.Int64
	err  error
}

func startReader(t *testing.T, db string) *reader {
	conn := pgtest.Connect(t, db)
	rd := &reader{done: make(chan struct{})}
	rd.wg.Add(1)
	go func() {
		defer rd.wg.Done()
		ctx := context.Background()
		for {
			select {
			case <-rd.done:
				return
			default:
			}
			start := time.Now()
			var n int64
			err := conn.QueryRow(ctx, "SELECT count(*) FROM public.q WHERE id <= 100", pgx.QueryExecModeSimpleProtocol).Scan(&n)
			if d := time.Since(start).Nanoseconds(); d > rd.max.Load() {
				rd.max.Store(d)
			}
			rd.n.Add(1)
			if err != nil && rd.err == nil {
				rd.err = err
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	return rd
}

func (rd *reader) stop() {
	close(rd.done)
	rd.wg.Wait()
}

func (rd *reader) longest() time.Duration { return time.Duration(rd.max.Load()) }

package e2e

// Drift tests: a database migrated by each real runner, then checked with
// the pgshift binary's drift command: in sync, a pending migration (not
// drift), a manual ALTER TABLE (drift, exit 2), a failed CREATE UNIQUE
// INDEX CONCURRENTLY (INVALID index reported).

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pgshift/pgshift/emit"
	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
)

var (
	pgshiftOnce sync.Once
	pgshiftBin  string
	pgshiftErr  error
)

// pgshiftBinary builds cmd/pgshift once per test process.
func pgshiftBinary(t *testing.T) string {
	t.Helper()
	pgshiftOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pgshift-e2e-bin-")
		if err != nil {
			pgshiftErr = err
			return
		}
		pgshiftBin = filepath.Join(dir, "pgshift")
		cmd := exec.Command("go", "build", "-o", pgshiftBin, "./cmd/pgshift")
		cmd.Dir = repoRoot(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			pgshiftErr = errors.New("go build ./cmd/pgshift: " + err.Error() + "\n" + string(out))
		}
	})
	if pgshiftErr != nil {
		t.Fatal(pgshiftErr)
	}
	return pgshiftBin
}

// drift runs pgshift drift and returns its exit code and output.
func drift(t *testing.T, dbURL, dir string, extra ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append([]string{"drift", "--url", dbURL, "--dir", dir, "--dev-url", pgtest.AdminURL()}, extra...)
	cmd := exec.CommandContext(ctx, pgshiftBinary(t), args...)
	cmd.Env = append(os.Environ(), "GITHUB_STEP_SUMMARY=", "GITHUB_OUTPUT=")
	out, err := cmd.CombinedOutput()
	return exitStatus(t, "pgshift drift", err), string(out)
}

const driftV1 = `
CREATE TABLE public.accounts (
    id int PRIMARY KEY,
    email text NOT NULL
);
`

const driftV2 = `
CREATE TABLE public.accounts (
    id int PRIMARY KEY,
    email text NOT NULL,
    plan text
);
`

func TestDriftWithRunners(t *testing.T) {
	empty, err := schema.EmptyFrom(context.Background(), pgtest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	v1 := loadModel(t, driftV1)
	v2 := loadModel(t, driftV2)
	pgshiftBinary(t)
	for _, format := range []string{emit.FormatGolangMigrate, emit.FormatGoose, emit.FormatDbmate} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "migrations")
			db := pgtest.NewDB(t)
			r := newRunner(t, format, dir, db)
			now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			generate(t, empty, v1, format, dir, "init", now, nil)
			if err := r.up(); err != nil {
				t.Fatal(err)
			}
			// In sync.
			if code, out := drift(t, db, dir); code != 0 || !strings.Contains(out, "status: in sync") || !strings.Contains(out, "migrations: "+format) {
				t.Fatalf("in sync: exit %d\n%s", code, out)
			}
			// A pending migration is reported as pending, not as drift.
			generate(t, v1, v2, format, dir, "add_plan", now.Add(time.Hour), nil)
			code, out := drift(t, db, dir, "--format", "json")
			var rep struct {
				Version    int    `json:"version"`
				Status     string `json:"status"`
				Migrations struct {
					Tool    string   `json:"tool"`
					Dirty   bool     `json:"dirty"`
					Pending []string `json:"pending"`
				} `json:"migrations"`
				Drift          []struct{ Summary string } `json:"drift"`
				InvalidIndexes []struct{ Name string }    `json:"invalid_indexes"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatalf("json: %v\n%s", err, out)
			}
			if code != 0 || rep.Status != "in_sync" || len(rep.Drift) != 0 || len(rep.Migrations.Pending) != 1 ||
				!strings.Contains(rep.Migrations.Pending[0], "add_plan") || rep.Migrations.Tool != format {
				t.Fatalf("pending: exit %d\n%s", code, out)
			}
			if err := r.up(); err != nil {
				t.Fatal(err)
			}
			if code, out := drift(t, db, dir); code != 0 || strings.Contains(out, "pending (not drift)") {
				t.Fatalf("after applying the pending migration: exit %d\n%s", code, out)
			}
			// A change made outside migrations is drift, named.
			conn := pgtest.Connect(t, db)
			pgtest.Exec(t, conn, "ALTER TABLE public.accounts ADD COLUMN sneaky int")
			code, out = drift(t, db, dir, "--format", "github")
			if code != 2 || !strings.Contains(out, "::error title=Schema drift::") || !strings.Contains(out, "sneaky") ||
				!strings.Contains(out, "+ALTER TABLE") && !strings.Contains(out, "+    sneaky") {
				t.Fatalf("manual ALTER: exit %d\n%s", code, out)
			}
			pgtest.Exec(t, conn, "ALTER TABLE public.accounts DROP COLUMN sneaky")

			// A failed CREATE UNIQUE INDEX CONCURRENTLY (duplicates) leaves
			// an INVALID index behind.
			pgtest.Exec(t, conn, "INSERT INTO public.accounts VALUES (1, 'a@x'), (2, 'a@x')")
			cic := &planner.Plan{Steps: []*planner.Step{{
				Summary: "create unique index public.accounts_email_key",
				Up:      []string{"CREATE UNIQUE INDEX CONCURRENTLY accounts_email_key ON public.accounts USING btree (email);"},
				Down:    []string{"DROP INDEX CONCURRENTLY IF EXISTS public.accounts_email_key;"},
			}}}
			files, err := emit.Files(cic, emit.Options{Format: format, Name: "email_key", Dir: dir, Now: now.Add(2 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := emit.WriteWithSum(dir, files); err != nil {
				t.Fatal(err)
			}
			if err := r.up(); err == nil {
				t.Fatal("unique index over duplicate rows was built")
			}
			code, out = drift(t, db, dir)
			if code != 2 || !strings.Contains(out, "INVALID index public.accounts_email_key") {
				t.Fatalf("failed CONCURRENTLY: exit %d\n%s", code, out)
			}
			if format == emit.FormatGolangMigrate && !strings.Contains(out, "DIRTY") {
				t.Errorf("golang-migrate left the migration dirty, drift does not say so:\n%s", out)
			}

			// An edited migration file is an error naming it.
			edited := filepath.Join(dir, files[0].Name)
			if err := os.WriteFile(edited, append(files[0].Content, "-- edited\n"...), 0o644); err != nil {
				t.Fatal(err)
			}
			if code, out := drift(t, db, dir); code != 1 || !strings.Contains(out, files[0].Name) {
				t.Fatalf("edited file: exit %d\n%s", code, out)
			}
		})
	}
}

package e2e

// Runner tests: directories written by emit in each runner's format are
// applied with the real runner (golang-migrate, goose, dbmate) up, down and
// up again, and the catalog is checked after each step. The runners are
// installed by .ci/install-runners into .tools/bin (or found in
// $PGSHIFT_TOOLS); without them the tests skip. Flyway needs a JVM and is
// not run: its files are covered by the golden tests in emit/.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgshift/pgshift/emit"
	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
)

// runnerFrom and runnerTo are the two schemas of the runner tests: the
// change adds a column, an index (CONCURRENTLY), an enum value and a
// function with a dollar-quoted body.
const runnerFrom = `
CREATE TYPE public.mood AS ENUM ('ok', 'meh');
CREATE TABLE public.items (
    id int PRIMARY KEY,
    name text NOT NULL,
    mood public.mood
);
`

const runnerTo = `
CREATE TYPE public.mood AS ENUM ('ok', 'meh', 'great');
CREATE TABLE public.items (
    id int PRIMARY KEY,
    name text NOT NULL,
    mood public.mood,
    note text
);
CREATE INDEX items_name_idx ON public.items (name);
CREATE FUNCTION public.item_count() RETURNS bigint
    LANGUAGE plpgsql
    AS $$
BEGIN
    RETURN (SELECT count(*) FROM public.items);
END;
$$;
`

// runner drives one real migration runner.
type runner struct {
	name   string // emit format
	bin    string
	dir    string
	dbURL  string
	logDir string
}

// toolPath finds a runner binary in $PGSHIFT_TOOLS or .tools/bin, or
// skips the test.
func toolPath(t *testing.T, name string) string {
	t.Helper()
	dirs := []string{os.Getenv("PGSHIFT_TOOLS"), filepath.Join(repoRoot(t), ".tools", "bin")}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s not installed in CI: .ci/run installs it with .ci/install-runners", name)
	}
	t.Skipf("%s not installed: run .ci/install-runners (installs golang-migrate, goose and dbmate into .tools/bin) or set PGSHIFT_TOOLS", name)
	return ""
}

func newRunner(t *testing.T, format, dir, dbURL string) *runner {
	bin := map[string]string{emit.FormatGolangMigrate: "migrate", emit.FormatGoose: "goose", emit.FormatDbmate: "dbmate"}[format]
	return &runner{name: format, bin: toolPath(t, bin), dir: dir, dbURL: dbURL, logDir: t.TempDir()}
}

// run executes one runner command; it returns the combined output.
func (r *runner) run(args ...string) (string, error) {
	var argv []string
	switch r.name {
	case emit.FormatGolangMigrate:
		argv = append([]string{"-path", r.dir, "-database", r.dbURL}, args...)
	case emit.FormatGoose:
		argv = append([]string{"-dir", r.dir, "postgres", r.dbURL}, args...)
	case emit.FormatDbmate:
		argv = append([]string{"--url", r.dbURL, "--migrations-dir", r.dir, "--no-dump-schema"}, args...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.bin, argv...)
	cmd.Dir = r.logDir // dbmate and goose may write next to the working directory
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "GOOSE_DRIVER=", "GOOSE_DBSTRING=", "DATABASE_URL=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %v\n%s", filepath.Base(r.bin), strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// up applies every pending migration.
func (r *runner) up() error {
	_, err := r.run("up")
	return err
}

// down rolls back n migrations.
func (r *runner) down(n int) error {
	switch r.name {
	case emit.FormatGolangMigrate:
		_, err := r.run("down", fmt.Sprint(n))
		return err
	default:
		cmd := "down"
		if r.name == emit.FormatDbmate {
			cmd = "rollback"
		}
		for i := 0; i < n; i++ {
			if _, err := r.run(cmd); err != nil {
				return err
			}
		}
		return nil
	}
}

// runnerTable is each runner's table (the live model leaves it out).
var runnerTable = map[string]string{
	emit.FormatGolangMigrate: "public.schema_migrations",
	emit.FormatGoose:         "public.goose_db_version",
	emit.FormatDbmate:        "public.schema_migrations",
}

// liveModel introspects dbURL without the runner's table.
func liveModel(t *testing.T, dbURL, format string) *schema.Schema {
	t.Helper()
	s := introspect(t, dbURL)
	delete(s.Tables, runnerTable[format])
	for k, seq := range s.Sequences {
		if strings.HasPrefix(seq.OwnedBy, runnerTable[format]+".") {
			delete(s.Sequences, k)
		}
	}
	return s
}

// loadModel loads SQL text on the dev server and returns its model.
func loadModel(t *testing.T, sql string) *schema.Schema {
	t.Helper()
	p := filepath.Join(t.TempDir(), "schema.sql")
	if err := os.WriteFile(p, []byte(sql), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := schema.LoadSQL(context.Background(), pgtest.AdminURL(), p)
	if err != nil {
		t.Fatalf("load schema: %v", err)
	}
	return s
}

// generate writes the migrations from -> to into dir in format (with
// pgshift.sum) and returns how many migrations it wrote.
func generate(t *testing.T, from, to *schema.Schema, format, dir, name string, now time.Time, patch func(*planner.Plan)) int {
	t.Helper()
	plan, err := planner.Build(from, to, planner.Options{AllowDrop: true})
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	if patch != nil {
		patch(plan)
	}
	files, err := emit.Files(plan, emit.Options{Format: format, Name: name, Dir: dir, Now: now})
	if err != nil {
		t.Fatalf("emit: %v", err)
	}
	if _, err := emit.WriteWithSum(dir, files); err != nil {
		t.Fatalf("write: %v", err)
	}
	versions := map[uint64]bool{}
	for _, f := range files {
		versions[f.Version] = true
	}
	return len(versions)
}

// ensureNonTx makes sure plan has a CREATE INDEX CONCURRENTLY step (the
// planner's safe mode writes one for a new index on an existing table;
// if it does not, the index step is rewritten by hand).
func ensureNonTx(t *testing.T) func(*planner.Plan) {
	return func(plan *planner.Plan) {
		for _, s := range plan.Steps {
			if !s.Transactional {
				return
			}
		}
		for _, s := range plan.Steps {
			for i, u := range s.Up {
				if strings.HasPrefix(u, "CREATE INDEX ") {
					s.Up[i] = strings.Replace(u, "CREATE INDEX ", "CREATE INDEX CONCURRENTLY ", 1)
					s.Transactional = false
					t.Logf("planner gave no CONCURRENTLY step; using %q", s.Up[i])
					return
				}
			}
		}
		t.Fatalf("plan has no index step:\n%s", planText(plan))
	}
}

func assertModel(t *testing.T, what string, got, want *schema.Schema) {
	t.Helper()
	if d := schema.CanonicalDiff(canon(want), canon(got)); d != "" {
		t.Fatalf("%s: catalog differs from the expected schema (- want, + got):\n%s", what, d)
	}
}

func TestRunnersUpDownUp(t *testing.T) {
	empty, err := schema.EmptyFrom(context.Background(), pgtest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	from := loadModel(t, runnerFrom)
	to := loadModel(t, runnerTo)
	for _, format := range []string{emit.FormatGolangMigrate, emit.FormatGoose, emit.FormatDbmate} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "migrations")
			db := pgtest.NewDB(t)
			r := newRunner(t, format, dir, db)
			now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			n1 := generate(t, empty, from, format, dir, "init", now, nil)
			var nonTx bool
			n2 := generate(t, from, to, format, dir, "add_note", now, func(p *planner.Plan) {
				ensureNonTx(t)(p)
				for _, s := range p.Steps {
					nonTx = nonTx || !s.Transactional
				}
			})
			if !nonTx {
				t.Fatal("no non-transactional migration generated")
			}
			if found, err := emit.DetectFormat(dir); err != nil || found != format {
				t.Fatalf("DetectFormat = %q, %v", found, err)
			}
			if _, err := emit.CheckSum(dir); err != nil {
				t.Fatal(err)
			}
			// The directory replayed by pgshift itself equals the target.
			rep, err := schema.LoadMigrationDir(context.Background(), pgtest.AdminURL(), dir, "")
			if err != nil {
				t.Fatalf("replay %s: %v", dir, err)
			}
			assertModel(t, "dir:// replay", rep.Schema, to)

			if err := r.up(); err != nil {
				t.Fatal(err)
			}
			assertModel(t, "after up", liveModel(t, db, format), to)
			if err := r.down(n2); err != nil {
				t.Fatal(err)
			}
			assertModel(t, fmt.Sprintf("after down %d", n2), liveModel(t, db, format), from)
			if err := r.down(n1); err != nil {
				t.Fatal(err)
			}
			assertModel(t, "after down to empty", liveModel(t, db, format), empty)
			if err := r.up(); err != nil {
				t.Fatal(err)
			}
			assertModel(t, "after up again", liveModel(t, db, format), to)
		})
	}
}

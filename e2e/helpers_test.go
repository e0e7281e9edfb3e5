package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pgshift/pgshift/emit"
	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
)

// exitStatus is the exit status of a command that ended with err (0 for
// nil, -1 for a signal); an error other than an exit (it did not start)
// fails the test, naming what.
func exitStatus(t *testing.T, what string, err error) int {
	t.Helper()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	t.Fatalf("%s: %v", what, err)
	return 0
}

// maxParallel caps how many cases (or corpus entries) run at once.
const maxParallel = 4

// sem is shared by every parallel test in the package.
var sem = make(chan struct{}, maxParallel)

func acquire(t *testing.T) {
	t.Helper()
	sem <- struct{}{}
	t.Cleanup(func() { <-sem })
}

// repoRoot is the module root (the directory above e2e/).
func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate e2e package directory")
	}
	return filepath.Dir(filepath.Dir(file))
}

var canonOpts = schema.CanonicalOptions{IgnoreColumnOrder: true}

func canon(s *schema.Schema) string { return schema.Canonical(s, canonOpts) }

// introspect connects to dbURL, introspects it and closes the connection.
func introspect(t testing.TB, dbURL string) *schema.Schema {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("connect %s: %v", dbURL, err)
	}
	defer c.Close(ctx)
	s, err := schema.Introspect(ctx, c)
	if err != nil {
		t.Fatalf("introspect %s: %v", dbURL, err)
	}
	return s
}

// execOnce runs sql as ONE simple-protocol Exec on a fresh connection to
// dbURL, the way golang-migrate runs a migration file (PostgreSQL runs a
// multi-statement simple query as one implicit transaction).
func execOnce(ctx context.Context, dbURL, sql string) error {
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, sql, pgx.QueryExecModeSimpleProtocol)
	return err
}

// loadDB creates a fresh test database (dropped at the end of the test)
// and runs the SQL file in it as one simple-protocol Exec.
func loadDB(t testing.TB, path string) string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	u := pgtest.NewDB(t)
	if err := execOnce(context.Background(), u, string(src)); err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return u
}

var roleRE = regexp.MustCompile(`\bpgshift_case_[a-z0-9_]+`)

var rolesOnce sync.Once

// ensureCaseRoles creates, once and serially, every pgshift_case_* role the
// case files mention, so that parallel loads of the files' own
// "CREATE ROLE ... EXCEPTION WHEN duplicate_object" blocks never race.
func ensureCaseRoles(t testing.TB, casesDir string) {
	t.Helper()
	rolesOnce.Do(func() {
		roles := map[string]bool{}
		_ = filepath.WalkDir(casesDir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".sql") {
				return nil
			}
			b, err := os.ReadFile(p)
			if err == nil {
				for _, r := range roleRE.FindAllString(string(b), -1) {
					roles[r] = true
				}
			}
			return nil
		})
		ctx := context.Background()
		c, err := pgx.Connect(ctx, pgtest.AdminURL())
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		defer c.Close(ctx)
		for _, r := range schema.SortedKeys(roles) {
			q := fmt.Sprintf(`DO $$ BEGIN CREATE ROLE %s; EXCEPTION WHEN duplicate_object THEN NULL; END $$`, pgx.Identifier{r}.Sanitize())
			if _, err := c.Exec(ctx, q); err != nil {
				t.Fatalf("create role %s: %v", r, err)
			}
		}
	})
}

// migrationFile is one written golang-migrate file.
type migrationFile struct {
	Path    string
	Version uint64
}

// writeMigrations renders plan with emit into a fresh temp dir and returns
// the up files in version order and the down files in reverse version order.
func writeMigrations(t testing.TB, plan *planner.Plan) (ups, downs []migrationFile) {
	t.Helper()
	dir := t.TempDir()
	files, err := emit.Files(plan, emit.Options{Format: emit.FormatGolangMigrate, Name: "roundtrip", Dir: dir})
	if err != nil {
		t.Fatalf("emit.Files: %v", err)
	}
	if _, err := emit.Write(dir, files); err != nil {
		t.Fatalf("emit.Write: %v", err)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		name := e.Name()
		digits := name
		if i := strings.IndexByte(name, '_'); i > 0 {
			digits = name[:i]
		}
		v, err := strconv.ParseUint(digits, 10, 64)
		if err != nil {
			t.Fatalf("migration file %s: no version prefix", name)
		}
		f := migrationFile{Path: filepath.Join(dir, name), Version: v}
		switch {
		case strings.HasSuffix(name, ".up.sql"):
			ups = append(ups, f)
		case strings.HasSuffix(name, ".down.sql"):
			downs = append(downs, f)
		default:
			t.Fatalf("unexpected file %s written by emit", name)
		}
	}
	sort.Slice(ups, func(i, j int) bool { return ups[i].Version < ups[j].Version })
	sort.Slice(downs, func(i, j int) bool { return downs[i].Version > downs[j].Version })
	if len(ups) != len(downs) {
		t.Fatalf("emit wrote %d up and %d down files", len(ups), len(downs))
	}
	return ups, downs
}

// applyExec applies each file as one simple-protocol Exec (golang-migrate).
func applyExec(ctx context.Context, dbURL string, files []migrationFile) error {
	for _, f := range files {
		b, err := os.ReadFile(f.Path)
		if err != nil {
			return err
		}
		if err := execOnce(ctx, dbURL, string(b)); err != nil {
			return fmt.Errorf("%s: %w\n--- file ---\n%s", filepath.Base(f.Path), err, b)
		}
	}
	return nil
}

// applyPsql applies each file with psql -X -v ON_ERROR_STOP=1 -f.
func applyPsql(ctx context.Context, dbURL string, files []migrationFile) error {
	// One psql process runs a chunk of files, each in a session of its own
	// (a \connect between files), as `psql -f` per file would: a corpus
	// pair has thousands of files, and starting psql per file cost more
	// than the DDL.
	const chunk = 200
	for len(files) > 0 {
		n := min(chunk, len(files))
		args := []string{"-qX", "-v", "ON_ERROR_STOP=1", "-d", dbURL}
		for i, f := range files[:n] {
			if i > 0 {
				args = append(args, "-c", `\connect`)
			}
			args = append(args, "-f", f.Path)
		}
		out, err := exec.CommandContext(ctx, "psql", args...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("psql -f %s (one of %d files from %s): %v\n%s", failedFile(out, files[:n]), n, filepath.Base(files[0].Path), err, out)
		}
		files = files[n:]
	}
	return nil
}

// failedFile names the file psql's error output points at
// ("psql:PATH:LINE: ERROR: ..."), with its text, or "?".
func failedFile(out []byte, files []migrationFile) string {
	for _, f := range files {
		if strings.Contains(string(out), "psql:"+f.Path+":") {
			b, _ := os.ReadFile(f.Path)
			return filepath.Base(f.Path) + "\n--- file ---\n" + truncate(string(b), 8000) + "\n---"
		}
	}
	return "?"
}

// planText renders the whole plan (up, down, notes) for failure messages.
func planText(plan *planner.Plan) string {
	if plan == nil {
		return "(nil plan)"
	}
	var b strings.Builder
	b.WriteString("--- plan up ---\n")
	b.WriteString(emit.SQL(plan))
	b.WriteString("--- plan down ---\n")
	b.WriteString(emit.DownSQL(plan))
	for _, n := range plan.Notes {
		b.WriteString("--- note: " + n + "\n")
	}
	return b.String()
}

// stepList lists step summaries and their up SQL.
func stepList(plan *planner.Plan, max int) string {
	var b strings.Builder
	for i, s := range plan.Steps {
		if i == max {
			fmt.Fprintf(&b, "... and %d more steps\n", len(plan.Steps)-max)
			break
		}
		fmt.Fprintf(&b, "  %d. %s\n", i+1, s.Summary)
		for _, u := range s.Up {
			fmt.Fprintf(&b, "       %s\n", truncate(strings.ReplaceAll(u, "\n", "\n       "), 600))
		}
	}
	return b.String()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "\n...(truncated)"
}

// pgEnv returns the environment with PGHOST/PGPORT/PGUSER for the admin
// server (a Unix socket directory too), for load.sh.
func pgEnv(t testing.TB) []string {
	t.Helper()
	return append(os.Environ(), pgtest.PGEnv()...)
}

// dropDatabaseCleanup drops db WITH (FORCE) when the test ends.
func dropDatabaseCleanup(t testing.TB, db string) {
	t.Cleanup(func() {
		ctx := context.Background()
		c, err := pgx.Connect(ctx, pgtest.AdminURL())
		if err != nil {
			t.Errorf("drop database %s: %v", db, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{db}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", db, err)
		}
	})
}

// planOpts plans every change, drops included: the harness compares whole
// catalogs, so nothing may be skipped.
var planOpts = planner.Options{AllowDrop: true}

package e2e

// TestCorpusMigrations runs pgshift over the real projects' migrations
// directories in ../shared/corpus-migrations (see its README): for each,
// the real runner applies the ups to a new database (Flyway: psql in
// Flyway's order, the history table stamped the way Flyway writes it,
// since no Flyway CLI is installed); then
//   - diff --from dir://DIR --to expected_schema.sql exits 0,
//   - drift exits 0,
//   - a manual ALTER TABLE ... ADD COLUMN makes drift exit 2 naming
//     exactly that column,
//   - generate of a small edit writes files in the directory's own style
//     (format, numbering) that the runner applies up, down and up again.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pgshift/pgshift/internal/pgtest"
	runnerpkg "github.com/pgshift/pgshift/internal/runner"
)

func TestCorpusMigrations(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus tests are slow; skipped in -short mode")
	}
	root := filepath.Join(repoRoot(t), "..", "shared", "corpus-migrations")
	ents, err := os.ReadDir(root)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("corpus-migrations not found at %s: %v", root, err)
		}
		t.Skipf("corpus-migrations not found at %s: %v", root, err)
	}
	var names []string
	for _, e := range ents {
		if _, err := os.Stat(filepath.Join(root, e.Name(), "expected_schema.sql")); e.IsDir() && err == nil {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		t.Fatalf("no entries in %s", root)
	}
	pgshiftBinary(t)
	start := time.Now()
	t.Cleanup(func() { t.Logf("%d directories in %s", len(names), time.Since(start).Round(time.Second)) })
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			acquire(t)
			runCorpusMigrations(t, filepath.Join(root, name))
		})
	}
}

// copyDir copies the files of src into a new directory.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "migrations")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// flywayRunner applies Flyway directories with psql the way Flyway runs
// them (one transaction per file unless it cannot run in one) and writes
// the history rows Flyway writes (runnerpkg.CreateTableSQL / RecordSQL).
type flywayRunner struct {
	t     *testing.T
	dir   string
	dbURL string
}

func (f *flywayRunner) psql(file string, tx bool) error {
	args := []string{"-qX", "-v", "ON_ERROR_STOP=1", "-d", f.dbURL, "-f", file}
	if tx {
		args = append([]string{"-1"}, args...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "psql", args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("psql -f %s: %v\n%s", filepath.Base(file), err, out)
	}
	return nil
}

// up applies the migrations not in the history table yet.
func (f *flywayRunner) up() error {
	d, err := runnerpkg.ReadDir(f.dir, runnerpkg.Flyway)
	if err != nil {
		return err
	}
	tbl := runnerpkg.Table{Name: runnerpkg.DefaultTable(runnerpkg.Flyway)}
	conn := pgtest.Connect(f.t, f.dbURL)
	ctx := context.Background()
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT to_regclass('flyway_schema_history') IS NOT NULL").Scan(&exists); err != nil {
		return err
	}
	if !exists {
		for _, q := range runnerpkg.CreateTableSQL(runnerpkg.Flyway, tbl) {
			if _, err := conn.Exec(ctx, q); err != nil {
				return err
			}
		}
	}
	for _, m := range d.Migrations {
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM flyway_schema_history WHERE script = $1 AND success", filepath.Base(m.File)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		tx := m.Transactional && !strings.Contains(strings.ToUpper(m.Up), "CONCURRENTLY")
		if err := f.psql(m.File, tx); err != nil {
			return err
		}
		for _, q := range runnerpkg.RecordSQL(runnerpkg.Flyway, tbl, m) {
			if _, err := conn.Exec(ctx, q); err != nil {
				return err
			}
		}
	}
	return nil
}

// down runs the undo (U) file of the latest versioned migration and
// removes its history row.
func (f *flywayRunner) down() error {
	d, err := runnerpkg.ReadDir(f.dir, runnerpkg.Flyway)
	if err != nil {
		return err
	}
	var last *runnerpkg.Migration
	for _, m := range d.Migrations {
		if m.Version != "" {
			last = m
		}
	}
	undo := filepath.Join(f.dir, "U"+strings.TrimPrefix(filepath.Base(last.File), "V"))
	if err := f.psql(undo, last.Transactional); err != nil {
		return err
	}
	_, err = pgtest.Connect(f.t, f.dbURL).Exec(context.Background(), "DELETE FROM flyway_schema_history WHERE script = $1", filepath.Base(last.File))
	return err
}

func runCorpusMigrations(t *testing.T, src string) {
	dir := copyDir(t, filepath.Join(src, "migrations"))
	expected := filepath.Join(src, "expected_schema.sql")
	d, err := runnerpkg.ReadDir(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	db := pgtest.NewDB(t)
	var up func() error
	var down func() error
	if d.Format == runnerpkg.Flyway {
		fr := &flywayRunner{t: t, dir: dir, dbURL: db}
		up, down = fr.up, fr.down
	} else {
		r := newRunner(t, d.Format, dir, db)
		up, down = r.up, func() error { return r.down(1) }
	}
	if err := up(); err != nil {
		t.Fatalf("%s applies the ups: %v", d.Format, err)
	}
	dev := pgtest.AdminURL()
	if code, out := pgshiftEnv(t, nil, "diff", "--from", "dir://"+dir, "--to", expected, "--exit-code", "--dev-url", dev); code != 0 {
		t.Fatalf("diff --from dir:// --to expected_schema.sql: exit %d\n%s", code, truncate(out, 6000))
	}
	if code, out := drift(t, db, dir); code != 0 {
		t.Fatalf("drift after the runner's ups: exit %d\n%s", code, truncate(out, 6000))
	}
	// A manual column: drift names exactly it.
	conn := pgtest.Connect(t, db)
	var nsp, tbl string
	if err := conn.QueryRow(context.Background(), `
SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg_toast%' AND c.relname NOT IN ('schema_migrations', 'goose_db_version', 'flyway_schema_history')
ORDER BY 1, 2 LIMIT 1`).Scan(&nsp, &tbl); err != nil {
		t.Fatal(err)
	}
	qt := fmt.Sprintf("%q.%q", nsp, tbl)
	pgtest.Exec(t, conn, "ALTER TABLE "+qt+" ADD COLUMN pgshift_probe integer")
	code, out := drift(t, db, dir)
	driftLines := regexp.MustCompile(`(?m)^  - .*$`).FindAllString(out, -1)
	if code != 2 || len(driftLines) != 1 || !strings.Contains(driftLines[0], "pgshift_probe") {
		t.Fatalf("manual ADD COLUMN on %s: exit %d, drift lines %q\n%s", qt, code, driftLines, truncate(out, 6000))
	}
	pgtest.Exec(t, conn, "ALTER TABLE "+qt+" DROP COLUMN pgshift_probe")

	// generate a small edit: files in the directory's own style.
	before := map[string]bool{}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		before[e.Name()] = true
	}
	exp, err := os.ReadFile(expected)
	if err != nil {
		t.Fatal(err)
	}
	to := writeSchema(t, string(exp)+"\nCREATE TABLE public.pgshift_added (id integer PRIMARY KEY, note text);\n")
	code, out = pgshiftEnv(t, nil, "generate", "--to", to, "--dir", dir, "--name", "pgshift_added", "--dev-url", dev)
	if code != 0 {
		t.Fatalf("generate: exit %d\n%s", code, truncate(out, 6000))
	}
	var written []string
	ents, _ = os.ReadDir(dir)
	for _, e := range ents {
		if !before[e.Name()] && e.Name() != "pgshift.sum" {
			written = append(written, e.Name())
		}
	}
	style := dirStyle(t, d)
	if len(written) == 0 {
		t.Fatalf("generate wrote nothing:\n%s", out)
	}
	for _, w := range written {
		if !style.MatchString(w) {
			t.Errorf("generated %s is not in the directory's style %s", w, style)
		}
	}
	for i, step := range []func() error{up, down, up} {
		if err := step(); err != nil {
			t.Fatalf("generated %v, runner step %d (up, down, up): %v", written, i+1, err)
		}
	}
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM pg_class WHERE oid = to_regclass('public.pgshift_added')").Scan(&n); err != nil || n != 1 {
		t.Errorf("public.pgshift_added after up, down, up: %d, %v", n, err)
	}
}

// dirStyle is a pattern for new file names in d's own format and
// numbering (the width of its highest version; a timestamp stays one).
func dirStyle(t *testing.T, d *runnerpkg.Dir) *regexp.Regexp {
	t.Helper()
	var vs []string
	for _, m := range d.Migrations {
		if m.Version != "" {
			vs = append(vs, regexp.MustCompile(`^[0-9]+`).FindString(m.Version))
		}
	}
	n, err := runnerpkg.NumberingOf(vs)
	if err != nil {
		t.Fatal(err)
	}
	ver := `[0-9]{14}`
	if n.Sequential {
		ver = fmt.Sprintf(`[0-9]{%d}`, n.Width)
	}
	switch d.Format {
	case runnerpkg.GolangMigrate:
		return regexp.MustCompile(`^` + ver + `_pgshift_added\.(up|down)\.sql$`)
	case runnerpkg.Flyway:
		return regexp.MustCompile(`^[VU]` + ver + `__pgshift_added\.sql(\.conf)?$`)
	default:
		return regexp.MustCompile(`^` + ver + `_pgshift_added\.sql$`)
	}
}

package e2e

// Migrations directories read the way their runner reads them (issue 16):
// one small directory per behaviour, applied by the real runner, then read
// by pgshift (dir:// replay, drift, generate).

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pgshift/pgshift/emit"
	"github.com/pgshift/pgshift/internal/pgtest"
)

// pgshiftEnv runs the pgshift binary (with extra environment variables) and returns its exit code and
// combined output.
func pgshiftEnv(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pgshiftBinary(t), args...)
	cmd.Env = append(append(os.Environ(), "GITHUB_STEP_SUMMARY=", "GITHUB_OUTPUT="), env...)
	out, err := cmd.CombinedOutput()
	return exitStatus(t, fmt.Sprintf("pgshift %v", args), err), string(out)
}

// migDir writes files into a new directory and returns it.
func migDir(t *testing.T, files map[string]string) string {
	t.Helper()
	return writeFiles(t, filepath.Join(t.TempDir(), "migrations"), files)
}

// writeFiles creates dir (mode 0755) and writes files (name -> content,
// mode 0644) into it; it returns dir.
func writeFiles(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for n, c := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// writeSchema writes a schema.sql and returns its path.
func writeSchema(t *testing.T, sql string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "schema.sql")
	if err := os.WriteFile(p, []byte(sql), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// diffDir runs pgshift diff --from dir://dir --to schema --exit-code.
func diffDir(t *testing.T, dir, schemaFile string) (int, string) {
	return pgshiftEnv(t, nil, "diff", "--from", "dir://"+dir, "--to", schemaFile, "--exit-code", "--dev-url", pgtest.AdminURL())
}

// withParams adds query parameters to a database URL.
func withParams(u, params string) string {
	if strings.Contains(u, "?") {
		return u + "&" + params
	}
	return u + "?" + params
}

func TestGooseLowerCaseAnnotations(t *testing.T) {
	t.Parallel()
	dir := migDir(t, map[string]string{
		"1_items.sql": "-- +goose up\nCREATE TABLE public.items (id int PRIMARY KEY, name text);\n-- +goose down\nDROP TABLE public.items;\n",
		"2_idx.sql":   "-- +goose no transaction\n-- +goose up\nCREATE INDEX CONCURRENTLY items_name_idx ON public.items (name);\n-- +goose down\nDROP INDEX CONCURRENTLY public.items_name_idx;\n",
	})
	db := pgtest.NewDB(t)
	if err := newRunner(t, emit.FormatGoose, dir, db).up(); err != nil {
		t.Fatal(err)
	}
	want := writeSchema(t, "CREATE TABLE public.items (id int PRIMARY KEY, name text);\nCREATE INDEX items_name_idx ON public.items (name);\n")
	if code, out := diffDir(t, dir, want); code != 0 {
		t.Fatalf("dir:// replay of lower-case annotations: exit %d\n%s", code, out)
	}
	if code, out := drift(t, db, dir); code != 0 {
		t.Fatalf("drift: exit %d\n%s", code, out)
	}
}

func TestVersionTableCreatedFirst(t *testing.T) {
	t.Parallel()
	// golang-migrate: a migration that alters the runner's own table.
	dir := migDir(t, map[string]string{
		"1_init.up.sql":   "CREATE TABLE public.users (id int PRIMARY KEY);\nGRANT SELECT ON public.schema_migrations TO PUBLIC;\nCOMMENT ON TABLE public.schema_migrations IS 'versions';\n",
		"1_init.down.sql": "DROP TABLE public.users;\n",
	})
	db := pgtest.NewDB(t)
	if err := newRunner(t, emit.FormatGolangMigrate, dir, db).up(); err != nil {
		t.Fatal(err)
	}
	if code, out := diffDir(t, dir, writeSchema(t, "CREATE TABLE public.users (id int PRIMARY KEY);\n")); code != 0 {
		t.Fatalf("replay of a migration using schema_migrations: exit %d\n%s", code, out)
	}
	if code, out := drift(t, db, dir); code != 0 {
		t.Fatalf("drift: exit %d\n%s", code, out)
	}
	// dbmate: --schema with a dump that holds dbmate's table.
	ddir := migDir(t, map[string]string{
		"20260101000000_init.sql": "-- migrate:up\nCREATE TABLE public.users (id int PRIMARY KEY);\n-- migrate:down\nDROP TABLE public.users;\n",
	})
	ddb := pgtest.NewDB(t)
	if err := newRunner(t, emit.FormatDbmate, ddir, ddb).up(); err != nil {
		t.Fatal(err)
	}
	dump := writeSchema(t, "CREATE TABLE public.schema_migrations (version character varying(128) NOT NULL PRIMARY KEY);\nCREATE TABLE public.users (id int PRIMARY KEY);\n")
	if code, out := drift(t, ddb, ddir, "--schema", dump); code != 0 || strings.Contains(out, "schema_migrations") && strings.Contains(out, "DRIFT") {
		t.Fatalf("dbmate dump with schema_migrations: exit %d\n%s", code, out)
	}
}

func TestDriftURLParameters(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"1_init.up.sql":   "CREATE TABLE accounts (id int PRIMARY KEY, email text);\n",
		"1_init.down.sql": "DROP TABLE accounts;\n",
	}
	dir := migDir(t, files)
	db := pgtest.NewDB(t)
	pgtest.Exec(t, pgtest.Connect(t, db), "CREATE SCHEMA app")
	u := withParams(db, "search_path=app&x-migrations-table=versions")
	if err := newRunner(t, emit.FormatGolangMigrate, dir, u).up(); err != nil {
		t.Fatal(err)
	}
	code, out := drift(t, u, dir)
	if code != 0 || !strings.Contains(out, "app.versions") {
		t.Fatalf("search_path + x-migrations-table: exit %d\n%s", code, out)
	}
	// x-migrations-table-quoted with a schema.
	qdir := migDir(t, files)
	qdb := pgtest.NewDB(t)
	pgtest.Exec(t, pgtest.Connect(t, qdb), "CREATE SCHEMA ops")
	q := withParams(qdb, `x-migrations-table=%22ops%22.%22versions%22&x-migrations-table-quoted=1`)
	if err := newRunner(t, emit.FormatGolangMigrate, qdir, q).up(); err != nil {
		t.Fatal(err)
	}
	if code, out := drift(t, q, qdir); code != 0 || !strings.Contains(out, "ops.versions") {
		t.Fatalf("x-migrations-table-quoted: exit %d\n%s", code, out)
	}
	// dbmate creates the search_path schema and its table there.
	ddir := migDir(t, map[string]string{
		"20260101000000_init.sql": "-- migrate:up\nCREATE TABLE accounts (id int PRIMARY KEY);\n-- migrate:down\nDROP TABLE accounts;\n",
	})
	ddb := withParams(pgtest.NewDB(t), "search_path=tenant")
	if err := newRunner(t, emit.FormatDbmate, ddir, ddb).up(); err != nil {
		t.Fatal(err)
	}
	if code, out := drift(t, ddb, ddir); code != 0 || !strings.Contains(out, "tenant.schema_migrations") {
		t.Fatalf("dbmate search_path: exit %d\n%s", code, out)
	}
}

func TestGooseGoMigrationReported(t *testing.T) {
	t.Parallel()
	dir := migDir(t, map[string]string{
		"1_init.sql": "-- +goose Up\nCREATE TABLE public.users (id int PRIMARY KEY);\n-- +goose Down\nDROP TABLE public.users;\n",
	})
	db := pgtest.NewDB(t)
	if err := newRunner(t, emit.FormatGoose, dir, db).up(); err != nil {
		t.Fatal(err)
	}
	// A Go migration run by the project's own goose binary (the goose CLI
	// cannot run Go code): it seeds rows and is recorded as applied.
	if err := os.WriteFile(filepath.Join(dir, "2_seed.go"), []byte("package migrations\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pgtest.Exec(t, pgtest.Connect(t, db), "INSERT INTO public.goose_db_version (version_id, is_applied) VALUES (2, true)")
	code, out := drift(t, db, dir)
	if code != 0 || !strings.Contains(out, "goose Go migration (not replayed): 2_seed.go") || strings.Contains(out, "applied but no file") {
		t.Fatalf("Go migration: exit %d\n%s", code, out)
	}
}

func TestDirtyVersionIsDrift(t *testing.T) {
	t.Parallel()
	dir := migDir(t, map[string]string{
		"1_init.up.sql":   "CREATE TABLE public.users (id int PRIMARY KEY, name text);\n",
		"1_init.down.sql": "DROP TABLE public.users;\n",
		"2_idx.up.sql":    "CREATE TABLE public.audit (id int);\nCREATE INDEX CONCURRENTLY users_name_idx ON public.users (name);\n",
		"2_idx.down.sql":  "DROP INDEX public.users_name_idx;\nDROP TABLE public.audit;\n",
	})
	db := pgtest.NewDB(t)
	if err := newRunner(t, emit.FormatGolangMigrate, dir, db).up(); err == nil {
		t.Fatal("CREATE INDEX CONCURRENTLY in a multi-statement golang-migrate file applied")
	}
	code, out := drift(t, db, dir)
	if code != 2 || !strings.Contains(out, "DIRTY: migration 2") || !strings.Contains(out, "2_idx.up.sql:2:1") {
		t.Fatalf("dirty golang-migrate version: exit %d (want 2)\n%s", code, out)
	}
}

func TestOutOfOrderFile(t *testing.T) {
	t.Parallel()
	for _, format := range []string{emit.FormatGolangMigrate, emit.FormatGoose} {
		t.Run(format, func(t *testing.T) {
			name := func(v, n string) (string, string) {
				if format == emit.FormatGoose {
					return v + "_" + n + ".sql", ""
				}
				return v + "_" + n + ".up.sql", v + "_" + n + ".down.sql"
			}
			body := func(up, down string) (string, string) {
				if format == emit.FormatGoose {
					return "-- +goose Up\n" + up + "\n-- +goose Down\n" + down + "\n", ""
				}
				return up + "\n", down + "\n"
			}
			add := func(dir, v, n, up, down string) {
				u, d := name(v, n)
				ub, db := body(up, down)
				if err := os.WriteFile(filepath.Join(dir, u), []byte(ub), 0o644); err != nil {
					t.Fatal(err)
				}
				if d != "" {
					if err := os.WriteFile(filepath.Join(dir, d), []byte(db), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			dir := migDir(t, nil)
			add(dir, "1", "a", "CREATE TABLE public.a (id int);", "DROP TABLE public.a;")
			add(dir, "3", "c", "CREATE TABLE public.c (id int);", "DROP TABLE public.c;")
			db := pgtest.NewDB(t)
			r := newRunner(t, format, dir, db)
			if err := r.up(); err != nil {
				t.Fatal(err)
			}
			// A branch merged late: version 2, below the applied 3.
			add(dir, "2", "b", "CREATE TABLE public.b (id int);", "DROP TABLE public.b;")
			_ = r.up() // golang-migrate: "no change"; goose: "missing migrations"
			code, out := drift(t, db, dir)
			u, _ := name("2", "b")
			if code != 2 || !strings.Contains(out, "OUT OF ORDER: "+u) || strings.Contains(out, "drop table") {
				t.Fatalf("out-of-order file: exit %d\n%s", code, out)
			}
		})
	}
}

func TestReplayErrorAtStatementLine(t *testing.T) {
	t.Parallel()
	dir := migDir(t, map[string]string{
		"1_init.up.sql": "CREATE TABLE public.t (id int PRIMARY KEY);\nINSERT INTO public.t VALUES (1);\n\nINSERT INTO public.t VALUES (1);\n",
	})
	code, out := diffDir(t, dir, writeSchema(t, "CREATE TABLE public.t (id int PRIMARY KEY);\n"))
	if code != 1 || !strings.Contains(out, "1_init.up.sql:4:1:") || !strings.Contains(out, "duplicate key") {
		t.Fatalf("want the error at 4:1: exit %d\n%s", code, out)
	}
}

func TestGenerateFollowsNumbering(t *testing.T) {
	t.Parallel()
	cases := []struct {
		format string
		files  map[string]string
		want   *regexp.Regexp
	}{
		{emit.FormatGolangMigrate, map[string]string{
			"001_init.up.sql": "CREATE TABLE public.t (id int PRIMARY KEY);\n", "001_init.down.sql": "DROP TABLE public.t;\n"},
			regexp.MustCompile(`/002_note\.up\.sql$`)},
		{emit.FormatGoose, map[string]string{
			"0001_init.sql": "-- +goose Up\nCREATE TABLE public.t (id int PRIMARY KEY);\n-- +goose Down\nDROP TABLE public.t;\n"},
			regexp.MustCompile(`/0002_note\.sql$`)},
		{emit.FormatDbmate, map[string]string{
			"20200101000000_init.sql": "-- migrate:up\nCREATE TABLE public.t (id int PRIMARY KEY);\n-- migrate:down\nDROP TABLE public.t;\n"},
			regexp.MustCompile(`/20[0-9]{12}_note\.sql$`)},
	}
	for _, c := range cases {
		t.Run(c.format, func(t *testing.T) {
			dir := migDir(t, c.files)
			db := pgtest.NewDB(t)
			r := newRunner(t, c.format, dir, db)
			if err := r.up(); err != nil {
				t.Fatal(err)
			}
			to := writeSchema(t, "CREATE TABLE public.t (id int PRIMARY KEY, note text);\n")
			code, out := pgshiftEnv(t, nil, "generate", "--to", to, "--dir", dir, "--name", "note", "--dev-url", pgtest.AdminURL())
			if code != 0 {
				t.Fatalf("generate: exit %d\n%s", code, out)
			}
			first := "" // the first file written (verify's report lines come before it)
			for _, f := range strings.Fields(out) {
				if strings.HasPrefix(f, dir) {
					first = f
					break
				}
			}
			if !c.want.MatchString(first) || strings.Contains(out, "20260") && c.format != emit.FormatDbmate {
				t.Fatalf("generate wrote %s, want %s", out, c.want)
			}
			if err := r.up(); err != nil {
				t.Fatal(err)
			}
			if err := r.down(1); err != nil {
				t.Fatal(err)
			}
			if err := r.up(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestRefusedLikeTheRunner(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, format string
		files        map[string]string
		rule         string
	}{
		{"goose indented annotation", emit.FormatGoose, map[string]string{
			"1_a.sql": "-- +goose Up\nCREATE TABLE public.a (id int);\n  -- +goose Down\nDROP TABLE public.a;\n"},
			"1_a.sql:3:1: goose refuses this file: an annotation must start at the beginning of its line"},
		{"dbmate without down", emit.FormatDbmate, map[string]string{
			"1_a.sql": "-- migrate:up\nCREATE TABLE public.a (id int);\n"},
			"dbmate refuses this file: dbmate requires each migration to define a down block with '-- migrate:down'"},
		{"goose dollar body without StatementBegin", emit.FormatGoose, map[string]string{
			"1_f.sql": "-- +goose Up\nCREATE FUNCTION public.f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$;\n"},
			"1_f.sql:2:1: goose refuses this file: goose ends a statement at every line ending in ';'"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := migDir(t, c.files)
			db := pgtest.NewDB(t)
			if err := newRunner(t, c.format, dir, db).up(); err == nil {
				t.Fatalf("%s applied the file", c.format)
			}
			code, out := diffDir(t, dir, writeSchema(t, "CREATE TABLE public.a (id int);\n"))
			if code != 1 || !strings.Contains(out, c.rule) {
				t.Fatalf("exit %d, want 1 and %q\n%s", code, c.rule, out)
			}
		})
	}
}

func TestConcurrentGenerate(t *testing.T) {
	t.Parallel()
	dir := migDir(t, map[string]string{
		"1_init.up.sql": "CREATE TABLE public.t (id int PRIMARY KEY);\n", "1_init.down.sql": "DROP TABLE public.t;\n",
	})
	to := writeSchema(t, "CREATE TABLE public.t (id int PRIMARY KEY);\nCREATE TABLE public.u (id int PRIMARY KEY);\n")
	gen := func() (int, string) {
		return pgshiftEnv(t, nil, "generate", "--to", to, "--dir", dir, "--name", "u", "--dev-url", pgtest.AdminURL())
	}
	// While another run holds the directory, generate fails naming the lock.
	unlock, err := emit.LockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	code, out := gen()
	unlock()
	if code != 1 || !strings.Contains(out, "locked by another pgshift generate") {
		t.Fatalf("generate into a locked directory: exit %d\n%s", code, out)
	}
	// Two runs at once: one migration creating public.u, never two.
	var wg sync.WaitGroup
	outs := make([]string, 2)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, o := gen()
			outs[i] = fmt.Sprintf("exit %d: %s", c, o)
		}()
	}
	wg.Wait()
	ups, _ := filepath.Glob(filepath.Join(dir, "*_u.up.sql"))
	if len(ups) != 1 {
		t.Fatalf("%d migrations creating public.u:\n%s\n%s", len(ups), outs[0], outs[1])
	}
}

func TestDriftGitHubGrouped(t *testing.T) {
	t.Parallel()
	dir := migDir(t, map[string]string{
		"1_init.up.sql": "CREATE TABLE public.t (id int PRIMARY KEY);\n", "1_init.down.sql": "DROP TABLE public.t;\n",
	})
	db := pgtest.NewDB(t)
	if err := newRunner(t, emit.FormatGolangMigrate, dir, db).up(); err != nil {
		t.Fatal(err)
	}
	conn := pgtest.Connect(t, db)
	for i := 0; i < 30; i++ {
		pgtest.Exec(t, conn, fmt.Sprintf("CREATE TABLE public.manual_%02d (id int)", i))
	}
	output := filepath.Join(t.TempDir(), "output")
	code, out := pgshiftEnv(t, []string{"GITHUB_OUTPUT=" + output}, "drift", "--url", db, "--dir", dir, "--format", "github", "--dev-url", pgtest.AdminURL())
	if code != 2 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if n := strings.Count(out, "::error"); n != 1 || !strings.Contains(out, "create table (30)") || !strings.Contains(out, "and 20 more") {
		t.Errorf("%d error annotations, want 1 grouping 30 tables:\n%s", n, out)
	}
	b, err := os.ReadFile(output)
	if err != nil || !strings.Contains(string(b), "drift=true\nchanges=30\n") {
		t.Errorf("GITHUB_OUTPUT: %q, %v", b, err)
	}
}

func TestDriftColumnOrderOnly(t *testing.T) {
	t.Parallel()
	dir := migDir(t, map[string]string{
		"1_init.up.sql": "CREATE TABLE public.t (id int PRIMARY KEY, a text, b text);\n", "1_init.down.sql": "DROP TABLE public.t;\n",
	})
	db := pgtest.NewDB(t)
	conn := pgtest.Connect(t, db)
	// The same table with its columns in another order, recorded as version 1.
	pgtest.Exec(t, conn, "CREATE TABLE public.t (id int PRIMARY KEY, b text, a text)")
	pgtest.Exec(t, conn, "CREATE TABLE public.schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)")
	pgtest.Exec(t, conn, "INSERT INTO public.schema_migrations VALUES (1, false)")
	code, out := drift(t, db, dir)
	if code != 0 || !strings.Contains(out, "differs only in the order of table columns") || !strings.Contains(out, "status: in sync") {
		t.Fatalf("column order only: exit %d\n%s", code, out)
	}
}

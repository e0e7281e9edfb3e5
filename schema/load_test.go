package schema

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pgshift/pgshift/internal/pgtest"
)

// writeSQL writes src to a file in a temporary directory and returns its path.
func writeSQL(t *testing.T, name, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// scratchLeft returns the scratch databases of this process still on the server.
func scratchLeft(t *testing.T) []string {
	t.Helper()
	c := pgtest.Connect(t, pgtest.AdminURL())
	rows, err := c.Query(context.Background(), "SELECT datname FROM pg_database WHERE datname LIKE $1",
		fmt.Sprintf("%s%d\\_%%", ScratchPrefix, os.Getpid()))
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestLoadSQLPgDumpStyle(t *testing.T) {
	p := writeSQL(t, "schema.sql", `\restrict k3y
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
DROP TABLE IF EXISTS public.items;
CREATE TABLE public.items (id integer NOT NULL, name text);
CREATE SEQUENCE public.items_id_seq AS integer;
ALTER SEQUENCE public.items_id_seq OWNED BY public.items.id;
-- a body that references a missing table: fine with check_function_bodies off
CREATE FUNCTION public.f() RETURNS integer LANGUAGE sql AS $$ SELECT count(*)::int FROM public.missing $$;
BEGIN;
CREATE TABLE public.in_tx (a int);
COMMIT;
DO $$ BEGIN EXECUTE 'CREATE TABLE public.from_do (a int)'; END $$;
INSERT INTO public.nonexistent VALUES (1);
UPDATE public.nonexistent SET a = 1;
DELETE FROM public.nonexistent;
SELECT pg_catalog.setval('public.nonexistent_seq', 5, true);
\unrestrict k3y
`)
	r, err := LoadSQLFile(context.Background(), pgtest.AdminURL(), p)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"public.items", "public.in_tx", "public.from_do"} {
		if r.Schema.Tables[k] == nil {
			t.Errorf("table %s missing from the loaded model; have %v", k, SortedKeys(r.Schema.Tables))
		}
	}
	if len(r.Notes) != 0 {
		t.Errorf("unexpected notes: %v", r.Notes)
	}
	if left := scratchLeft(t); len(left) > 0 {
		t.Errorf("scratch databases left behind: %v", left)
	}
}

func TestLoadSQLServerErrorPosition(t *testing.T) {
	p := writeSQL(t, "bad.sql", "CREATE TABLE a (id int);\n\nCREATE VIEW v AS\n  SELECT id FROM nope;\n")
	_, err := LoadSQL(context.Background(), pgtest.AdminURL(), p)
	if err == nil {
		t.Fatal("want an error")
	}
	want := p + `:4:18: ERROR: relation "nope" does not exist (SQLSTATE 42P01)`
	if err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err.Error(), want)
	}
	var pge *pgconn.PgError
	if !errors.As(err, &pge) || pge.Code != "42P01" {
		t.Errorf("error does not wrap the server error: %#v", err)
	}
	if left := scratchLeft(t); len(left) > 0 {
		t.Errorf("scratch databases left behind after an error: %v", left)
	}
}

func TestLoadSQLParseErrorExecutesNothing(t *testing.T) {
	p := writeSQL(t, "parse.sql", "CREATE TABLE a (id int);\nCREATE TABLE (;\n")
	// A statement pgshift's parser rejects is left to the dev server (it
	// may be syntax of a newer major, SplitStatements); a server up to
	// ParserMajor is not asked, one newer rejects it too: either way the
	// error is the parser's, at its position, and no scratch database is left.
	_, err := LoadSQL(context.Background(), pgtest.AdminURL(), p)
	if err == nil || !strings.HasPrefix(err.Error(), p+":2:14: syntax error") {
		t.Fatalf("error = %v, want %s:2:14: syntax error ...", err, p)
	}
	if left := scratchLeft(t); len(left) > 0 {
		t.Errorf("scratch databases left behind: %v", left)
	}
}

func TestLoadSQLUnreachableDevServer(t *testing.T) {
	p := writeSQL(t, "ok.sql", "CREATE TABLE a (id int);\n")
	_, err := LoadSQL(context.Background(), "postgres://postgres@127.0.0.1:1/postgres?connect_timeout=2", p)
	if err == nil || !strings.HasPrefix(err.Error(), "connect to dev server 127.0.0.1:1: ") {
		t.Fatalf("error = %v, want connect to dev server 127.0.0.1:1: ...", err)
	}
}

func TestLoadSQLCancelDropsScratch(t *testing.T) {
	p := writeSQL(t, "slow.sql", "CREATE TABLE a (id int);\nSELECT pg_sleep(60);\n")
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := LoadSQL(ctx, pgtest.AdminURL(), p)
	if err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want a context deadline error", err)
	}
	if !strings.HasPrefix(err.Error(), p+":2:1: ") {
		t.Errorf("error %q does not name the running statement", err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("cancellation took %v", d)
	}
	if left := scratchLeft(t); len(left) > 0 {
		t.Errorf("scratch databases left behind after cancellation: %v", left)
	}
}

func TestLoadSQLCreatesStubRoles(t *testing.T) {
	role := fmt.Sprintf("pgshift_test_role_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6)
	admin := pgtest.Connect(t, pgtest.AdminURL())
	t.Cleanup(func() {
		_, _ = admin.Exec(context.Background(), "DROP ROLE IF EXISTS "+pgx.Identifier{role}.Sanitize())
	})
	p := writeSQL(t, "roles.sql", fmt.Sprintf(`CREATE TABLE public.t (id int);
ALTER TABLE public.t OWNER TO %[1]s;
GRANT SELECT ON public.t TO %[1]s, postgres;
ALTER TABLE public.t ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON public.t TO %[1]s USING (id > 0);
`, role))
	r, err := LoadSQLFile(context.Background(), pgtest.AdminURL(), p)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], role) || !strings.Contains(r.Notes[0], "NOLOGIN") {
		t.Errorf("notes = %v, want one naming %s", r.Notes, role)
	}
	var canLogin bool
	if err := admin.QueryRow(context.Background(), "SELECT rolcanlogin FROM pg_roles WHERE rolname = $1", role).Scan(&canLogin); err != nil {
		t.Fatalf("stub role not created: %v", err)
	}
	if canLogin {
		t.Error("stub role can log in")
	}
	// Second load: the role exists now, no note.
	r, err = LoadSQLFile(context.Background(), pgtest.AdminURL(), p)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Notes) != 0 {
		t.Errorf("notes on second load = %v", r.Notes)
	}
}

func TestLoadSQLSkipsDatabaseAndExistingRoleStatements(t *testing.T) {
	p := writeSQL(t, "db.sql", "CREATE DATABASE should_not_exist_pgshift;\nALTER DATABASE postgres SET work_mem = '64MB';\nCREATE ROLE postgres;\nCREATE TABLE public.t (id int);\n")
	r, err := LoadSQLFile(context.Background(), pgtest.AdminURL(), p)
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(r.Notes, "\n")
	for _, want := range []string{p + ":1:1: skipped CreatedbStmt", p + ":2:1: skipped AlterDatabaseSetStmt", p + ":3:1: role postgres already exists"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	if r.Schema.Tables["public.t"] == nil {
		t.Error("table public.t missing")
	}
}

func TestLoadURLStripsRunnerParams(t *testing.T) {
	u := pgtest.NewDB(t)
	pgtest.Exec(t, pgtest.Connect(t, u), "CREATE TABLE public.live (id int)")
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	r, err := LoadURL(context.Background(), u+sep+"x-migrations-table=my_migrations&x-multi-statement=true")
	if err != nil {
		t.Fatal(err)
	}
	s := r.Schema
	if s.Tables["public.live"] == nil {
		t.Errorf("table public.live missing; have %v", SortedKeys(s.Tables))
	}
}

func TestLoadUnreachableURLNamesHost(t *testing.T) {
	_, err := LoadURL(context.Background(), "postgres://postgres@127.0.0.1:1/x?connect_timeout=2")
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("error = %v, want it to name 127.0.0.1:1", err)
	}
}

func TestLoadCleanURL(t *testing.T) {
	got := CleanURL("postgres://u:p@h:5/db?sslmode=disable&x-migrations-table=m&X-Other=1")
	if want := "postgres://u:p@h:5/db?sslmode=disable"; got != want {
		t.Errorf("CleanURL = %q, want %q", got, want)
	}
	t.Setenv("DATABASE_URL", "postgresql://h2/db2?x-a=1")
	if got, want := CleanURL(""), "postgresql://h2/db2"; got != want {
		t.Errorf("CleanURL(\"\") = %q, want %q", got, want)
	}
}

func TestLoadEmptyFrom(t *testing.T) {
	s, err := EmptyFrom(context.Background(), pgtest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	if s.Namespaces["public"] == nil {
		t.Errorf("empty database has no public schema: %v", SortedKeys(s.Namespaces))
	}
	if len(s.Tables) != 0 {
		t.Errorf("empty database has tables: %v", SortedKeys(s.Tables))
	}
	if left := scratchLeft(t); len(left) > 0 {
		t.Errorf("scratch databases left behind: %v", left)
	}
}

func TestExecFile(t *testing.T) {
	u := pgtest.NewDB(t)
	c := pgtest.Connect(t, u)
	p := writeSQL(t, "m.up.sql", "CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\nALTER TABLE a ADD COLUMN b int NOT NULL;\n")
	err := ExecFile(context.Background(), c, p)
	if err == nil || !strings.HasPrefix(err.Error(), p+":3:1: ERROR: column \"b\" of relation \"a\" contains null values (SQLSTATE 23502)") {
		t.Fatalf("error = %v", err)
	}
	var n int
	if err := c.QueryRow(context.Background(), "SELECT count(*) FROM a").Scan(&n); err != nil || n != 1 {
		t.Errorf("data statement not executed by ExecFile: n=%d err=%v", n, err)
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgshift/pgshift/emit/drift"
	"github.com/pgshift/pgshift/internal/pgtest"
)

// migrateDir writes golang-migrate files and applies them to a new
// database the way golang-migrate records them (schema_migrations with
// one row); it returns the database URL.
func migrateDir(t *testing.T, dir string, files map[string]string, applied string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for n, c := range files {
		writeFile(t, dir, n, c)
	}
	u := pgtest.NewDB(t)
	c := pgtest.Connect(t, u)
	pgtest.Exec(t, c, "CREATE TABLE public.schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)")
	for _, n := range []string{"1_a.up.sql", "2_b.up.sql", "3_c.up.sql"} {
		if files[n] == "" || n[:1] > applied {
			continue
		}
		pgtest.Exec(t, c, files[n])
	}
	pgtest.Exec(t, c, "INSERT INTO public.schema_migrations VALUES ("+applied+", false)")
	return u
}

var driftFiles = map[string]string{
	"1_a.up.sql":   "CREATE TABLE public.users (id int PRIMARY KEY, name text);",
	"1_a.down.sql": "DROP TABLE public.users;",
	"2_b.up.sql":   "CREATE INDEX users_name_idx ON public.users (name);",
	"2_b.down.sql": "DROP INDEX public.users_name_idx;",
	"3_c.up.sql":   "ALTER TABLE public.users ADD COLUMN email text;",
	"3_c.down.sql": "ALTER TABLE public.users DROP COLUMN email;",
}

func TestDriftCLI(t *testing.T) {
	t.Parallel()
	plannerReady(t)
	dir := filepath.Join(t.TempDir(), "migrations")
	u := migrateDir(t, dir, driftFiles, "2")
	// In sync, one pending migration: exit 0, pending reported.
	r := pgshift(t, devVars(), "drift", "--url", u+"&x-migrations-table=schema_migrations", "--dir", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "pending (not drift): 3_c.up.sql") || !strings.Contains(r.stdout, "status: in sync") {
		t.Fatalf("in sync: got %+v", r)
	}
	// A change outside migrations: exit 2, named, JSON report.
	pgtest.Exec(t, pgtest.Connect(t, u), "ALTER TABLE public.users ADD COLUMN nickname text")
	r = pgshift(t, devVars(), "drift", "--url", u, "--dir", dir, "--format", "json")
	if r.code != 2 {
		t.Fatalf("drift: got %+v", r)
	}
	var rep drift.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("json: %v\n%s", err, r.stdout)
	}
	if rep.Version != 1 || rep.Status != "drift" || len(rep.Drift) == 0 || !strings.Contains(rep.Drift[0].Summary, "nickname") ||
		rep.Migrations.Tool != "golang-migrate" || rep.Migrations.CurrentVersion != "2" || len(rep.Migrations.Pending) != 1 ||
		!strings.Contains(rep.Diff, "+") {
		t.Errorf("report: %+v", rep)
	}
	// github: annotations and a step summary.
	summary := filepath.Join(t.TempDir(), "summary.md")
	vars := devVars()
	vars["GITHUB_STEP_SUMMARY"] = summary
	r = pgshift(t, vars, "drift", "--url", u, "--dir", dir, "--format", "github")
	if r.code != 2 || !strings.Contains(r.stdout, "::error title=Schema drift::") || !strings.Contains(r.stdout, "::warning file=") {
		t.Errorf("github: got %+v", r)
	}
	if b, err := os.ReadFile(summary); err != nil || !strings.Contains(string(b), "nickname") {
		t.Errorf("step summary: %q, %v", b, err)
	}
	// An INVALID index is reported (and is drift).
	c := pgtest.Connect(t, u)
	pgtest.Exec(t, c, "INSERT INTO public.users VALUES (1, 'x'), (2, 'x')")
	if _, err := c.Exec(t.Context(), "CREATE UNIQUE INDEX CONCURRENTLY users_name_key ON public.users (name)"); err == nil {
		t.Fatal("unique index over duplicates built")
	}
	r = pgshift(t, devVars(), "drift", "--url", u, "--dir", dir)
	if r.code != 2 || !strings.Contains(r.stdout, "INVALID index public.users_name_key") {
		t.Errorf("invalid index: got %+v", r)
	}
}

func TestGenerateFromDirAndSum(t *testing.T) {
	t.Parallel()
	plannerReady(t)
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "migrations")
	v1 := writeFile(t, tmp, "v1.sql", "CREATE TABLE public.t (id int PRIMARY KEY);\n")
	v2 := writeFile(t, tmp, "v2.sql", "CREATE TABLE public.t (id int PRIMARY KEY, note text);\nCREATE TYPE public.mood AS ENUM ('ok');\n")
	// No --from: the (empty) directory is the current state.
	r := pgshift(t, devVars(), "generate", "--to", v1, "--dir", dir, "--format", "goose", "--name", "init")
	if r.code != 0 || !strings.Contains(r.stdout, "_init.sql") || !strings.Contains(r.stdout, "pgshift.sum") {
		t.Fatalf("first generate: %+v", r)
	}
	// Again with no changes: the replayed directory equals v1.
	r = pgshift(t, devVars(), "generate", "--to", v1, "--dir", dir)
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("no-op generate: %+v", r)
	}
	// The format is detected from the directory; a contradicting one is refused.
	r = pgshift(t, devVars(), "generate", "--to", v2, "--dir", dir, "--format", "dbmate")
	if r.code != 1 || !strings.Contains(r.stderr, "goose") {
		t.Errorf("format clash: %+v", r)
	}
	r = pgshift(t, devVars(), "generate", "--from", "dir://"+dir, "--to", v2, "--dir", dir, "--name", "note")
	if r.code != 0 || !strings.Contains(r.stdout, "_note.sql") {
		t.Fatalf("second generate: %+v", r)
	}
	first := strings.Fields(r.stdout)[0]
	b, _ := os.ReadFile(first)
	if !strings.Contains(string(b), "-- +goose Up") {
		t.Errorf("not a goose file:\n%s", b)
	}
	// Edit a generated file: generate refuses, naming it.
	if err := os.WriteFile(first, append(b, "-- hand edit\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	r = pgshift(t, devVars(), "generate", "--to", v1, "--dir", dir)
	if r.code != 1 || !strings.Contains(r.stderr, filepath.Base(first)) || !strings.Contains(r.stderr, "edited") {
		t.Errorf("edited file: %+v", r)
	}
}

func TestDiffFormats(t *testing.T) {
	t.Parallel()
	plannerReady(t)
	r := pgshift(t, devVars(), "diff", "--from", exampleCurrent, "--to", exampleSchema, "--format", "json")
	var rep struct {
		Version int               `json:"version"`
		Steps   []json.RawMessage `json:"steps"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &rep) != nil || rep.Version != 1 || len(rep.Steps) == 0 {
		t.Errorf("json: %+v", r)
	}
	r = pgshift(t, devVars(), "diff", "--from", exampleCurrent, "--to", exampleSchema, "--format", "markdown")
	if r.code != 0 || !strings.Contains(r.stdout, "## pgshift migration plan") || !strings.Contains(r.stdout, "### Down path") {
		t.Errorf("markdown: %+v", r)
	}
	r = pgshift(t, devVars(), "diff", "--from", exampleCurrent, "--to", exampleSchema, "--lock-timeout", "2s", "--statement-timeout", "1min")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "SET lock_timeout = '2s';\nSET statement_timeout = '1min';\n") {
		t.Errorf("sql: %+v", r)
	}
	r = pgshift(t, devVars(), "diff", "--from", exampleSchema, "--to", exampleSchema, "--format", "json", "--exit-code")
	if r.code != 0 || !strings.Contains(r.stdout, `"steps": []`) {
		t.Errorf("empty json: %+v", r)
	}
	if r := pgshift(t, devVars(), "diff", "--from", exampleSchema, "--to", exampleSchema, "--format", "yaml"); r.code != 1 {
		t.Errorf("bad format: %+v", r)
	}
}

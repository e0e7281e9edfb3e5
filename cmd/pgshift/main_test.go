package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
)

const (
	exampleCurrent = "../../testdata/example/current.sql"
	exampleSchema  = "../../testdata/example/schema.sql"
)

// result is the outcome of one in-process run.
type result struct {
	code           int
	stdout, stderr string
}

// pgshift runs the command in-process with the given environment variables
// (nothing else of the real environment is visible to flag defaults).
func pgshift(t *testing.T, vars map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, env{stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }})
	return result{code, out.String(), errb.String()}
}

func devVars() map[string]string { return map[string]string{"PGSHIFT_DEV_URL": pgtest.AdminURL()} }

// plannerReady reports whether planner.Build returns steps yet (it starts
// as a stub); tests that need real changes skip until it does.
func plannerReady(t *testing.T) {
	t.Helper()
	to := schema.NewSchema()
	to.Tables["public.t"] = &schema.Table{Schema: "public", Name: "t", Kind: schema.TableOrdinary}
	p, err := planner.Build(schema.NewSchema(), to, planner.Options{})
	if err != nil || p.Empty() {
		t.Skip("planner.Build does not produce steps yet")
	}
}

func writeFile(t *testing.T, dir, name, src string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDiffNoChangesExitsZero(t *testing.T) {
	t.Parallel()
	r := pgshift(t, devVars(), "diff", "--from", exampleSchema, "--to", exampleSchema, "--exit-code")
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "-- no changes") {
		t.Errorf("got %+v, want exit 0, empty stdout, '-- no changes' on stderr", r)
	}
}

func TestDiffChangesExitCode(t *testing.T) {
	t.Parallel()
	plannerReady(t)
	r := pgshift(t, devVars(), "diff", "--from", exampleCurrent, "--to", exampleSchema, "--exit-code")
	if r.code != 2 || !strings.Contains(r.stdout, "comments") {
		t.Errorf("got %+v, want exit 2 and SQL mentioning comments", r)
	}
	r = pgshift(t, devVars(), "diff", "--from", exampleCurrent, "--to", exampleSchema)
	if r.code != 0 || r.stdout == "" {
		t.Errorf("without --exit-code: got %+v, want exit 0 and SQL", r)
	}
}

func TestDiffParseErrorHasPosition(t *testing.T) {
	t.Parallel()
	bad := writeFile(t, t.TempDir(), "bad.sql", "CREATE TABLE a (id int);\nCREATE TABLE b (id int,, x int);\n")
	r := pgshift(t, devVars(), "diff", "--from", exampleSchema, "--to", bad)
	if r.code != 1 || !strings.HasPrefix(r.stderr, "pgshift: "+bad+":2:24: syntax error") {
		t.Errorf("got %+v, want exit 1 and 'pgshift: %s:2:24: syntax error...'", r, bad)
	}
}

func TestDiffServerErrorHasPosition(t *testing.T) {
	t.Parallel()
	bad := writeFile(t, t.TempDir(), "bad.sql", "CREATE TABLE a (id int);\nCREATE VIEW v AS SELECT x FROM a;\n")
	r := pgshift(t, devVars(), "diff", "--from", bad, "--to", exampleSchema)
	want := "pgshift: " + bad + `:2:25: ERROR: column "x" does not exist (SQLSTATE 42703)`
	if r.code != 1 || !strings.HasPrefix(r.stderr, want) {
		t.Errorf("got %+v, want exit 1 and %q", r, want)
	}
}

// TestDiffSideErrorsInOrder: both sides load at the same time, and the
// error reported is the one loading them in order gives: --from's when it
// fails (even when --to fails sooner: its parse error comes before the
// --from file has reached the server), else --to's. It runs before the
// parallel tests (no t.Parallel): its check that no scratch database of this
// process is left would otherwise see theirs.
func TestDiffSideErrorsInOrder(t *testing.T) {
	dir := t.TempDir()
	serverErr := writeFile(t, dir, "server.sql", "CREATE TABLE a (id int);\nCREATE VIEW v AS SELECT x FROM a;\n")
	parseErr := writeFile(t, dir, "parse.sql", "CREATE TABLE b (id int,, x int);\n")
	for _, tc := range []struct {
		name, from, to, want string
	}{
		{"both fail, --to sooner", serverErr, parseErr, "pgshift: " + serverErr + `:2:25: ERROR: column "x" does not exist`},
		{"only --to fails", exampleSchema, parseErr, "pgshift: " + parseErr + ":1:24: syntax error"},
		{"--from unreachable", "postgres://127.0.0.1:1/x?connect_timeout=2", serverErr, "pgshift: --from: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := pgshift(t, devVars(), "diff", "--from", tc.from, "--to", tc.to)
			if r.code != 1 || !strings.HasPrefix(r.stderr, tc.want) || strings.Count(r.stderr, "pgshift: ") != 1 {
				t.Errorf("got %+v, want exit 1 and one error starting %q", r, tc.want)
			}
		})
	}
	if left := scratchLeft(t); len(left) > 0 {
		t.Errorf("scratch databases left behind: %v", left)
	}
}

func TestDiffUnreachableNamesHost(t *testing.T) {
	t.Parallel()
	r := pgshift(t, nil, "diff", "--from", "postgres://127.0.0.1:1/x?connect_timeout=2", "--to", "postgres://127.0.0.1:1/y?connect_timeout=2")
	if r.code != 1 || !strings.HasPrefix(r.stderr, "pgshift: ") || !strings.Contains(r.stderr, "127.0.0.1:1") {
		t.Errorf("got %+v, want exit 1 and an error naming 127.0.0.1:1", r)
	}
}

func TestDiffNeedsDevURL(t *testing.T) {
	t.Parallel()
	// A URL side with no dev server and no server binaries: a clear error.
	pgSearchRoots = []string{t.TempDir()}
	defer func() { pgSearchRoots = nil }()
	r := pgshift(t, nil, "diff", "--from", exampleSchema, "--to", "postgres://127.0.0.1:1/x?connect_timeout=2")
	if r.code != 1 || !strings.Contains(r.stderr, "a dev database is needed to load schema.sql") {
		t.Errorf("got %+v, want exit 1 and 'a dev database is needed'", r)
	}
}

func TestDiffNoServerGoesOffline(t *testing.T) {
	t.Parallel()
	// File to file with no dev server and no server binaries: offline.
	pgSearchRoots = []string{t.TempDir()}
	defer func() { pgSearchRoots = nil }()
	r := pgshift(t, nil, "diff", "--from", exampleSchema, "--to", exampleSchema, "--exit-code")
	if r.code != 0 || !strings.Contains(r.stderr, "comparing offline") {
		t.Errorf("got %+v, want exit 0 and a note about the offline comparison", r)
	}
}

func TestDiffDevURLFromOtherSide(t *testing.T) {
	t.Parallel()
	u := pgtest.NewDB(t)
	// No --dev-url and no PGSHIFT_DEV_URL: a throw-away cluster is used,
	// never the --from URL's server.
	r := pgshift(t, nil, "diff", "--from", u, "--to", exampleSchema)
	if r.code == 1 && strings.Contains(r.stderr, "dev database: throw-away PostgreSQL") && strings.Contains(r.stderr, "older than the target PostgreSQL") {
		// The --from server (PGSHIFT_TEST_URL, e.g. 18 in .ci/pg-matrix) is
		// newer than the machine's binaries the cluster was made from: the
		// version check refuses it, as it must.
		t.Logf("throw-away dev cluster older than the --from server: %s", r.stderr)
		return
	}
	if r.code != 0 || !strings.Contains(r.stderr, "dev database: throw-away PostgreSQL") {
		t.Errorf("got %+v, want exit 0 and a throw-away dev database", r)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"diff", "--bogus"},
		{"diff", "--from", "a.sql"},
		{"generate", "--from", "a.sql", "--to", "b.sql"},
		{"nosuchcommand"},
		{"diff", "--from", "a.txt", "--to", "b.txt", "--dev-url", "postgres://127.0.0.1:1/x"},
	} {
		r := pgshift(t, nil, args...)
		if r.code != 1 || !strings.HasPrefix(r.stderr, "pgshift: ") {
			t.Errorf("%v: got %+v, want exit 1 and a pgshift: error", args, r)
		}
	}
}

func TestGenerateWritesNothingOnError(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	bad := writeFile(t, tmp, "bad.sql", "CREATE TABLE a (id int);\nSELECT * FROM nope;\n")
	dir := filepath.Join(tmp, "migrations")
	r := pgshift(t, devVars(), "generate", "--from", exampleCurrent, "--to", bad, "--dir", dir)
	if r.code != 1 || !strings.Contains(r.stderr, bad+":2:15: ERROR: relation \"nope\" does not exist") {
		t.Errorf("got %+v, want exit 1 and a located server error", r)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("migrations directory exists after a failed generate (err %v)", err)
	}
}

func TestGenerateNoChangesWritesNothing(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "migrations")
	r := pgshift(t, devVars(), "generate", "--from", exampleSchema, "--to", exampleSchema, "--dir", dir)
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "no changes") {
		t.Errorf("got %+v, want exit 0, a no-changes message, no paths", r)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("migrations directory created with no changes (err %v)", err)
	}
}

func TestGenerateWritesFiles(t *testing.T) {
	t.Parallel()
	plannerReady(t)
	dir := filepath.Join(t.TempDir(), "db", "migrations")
	r := pgshift(t, devVars(), "generate", "--from", exampleCurrent, "--to", exampleSchema, "--dir", dir, "--name", "Add comments")
	if r.code != 0 {
		t.Fatalf("got %+v, want exit 0", r)
	}
	paths := strings.Fields(r.stdout)
	if n := len(paths); n > 0 && filepath.Base(paths[n-1]) == "pgshift.sum" {
		paths = paths[:n-1]
	}
	if len(paths) < 2 || len(paths)%2 != 0 {
		t.Fatalf("printed paths %q, want up/down pairs", paths)
	}
	for _, p := range paths {
		if !strings.HasSuffix(p, ".sql") || !strings.Contains(p, "_add_comments.") {
			t.Errorf("unexpected path %s", p)
		}
		if _, err := os.Stat(p); err != nil {
			t.Errorf("printed path not written: %v", err)
		}
	}
}

func TestGenerateRejectsUnknownFormat(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "m")
	r := pgshift(t, devVars(), "generate", "--from", exampleSchema, "--to", exampleSchema, "--dir", dir, "--format", "sqitch")
	if r.code != 1 || !strings.Contains(r.stderr, "sqitch") {
		t.Errorf("got %+v, want exit 1 naming the format", r)
	}
}

func TestInspect(t *testing.T) {
	t.Parallel()
	u := pgtest.NewDB(t)
	pgtest.Exec(t, pgtest.Connect(t, u), "CREATE TABLE public.inspected (id int PRIMARY KEY)")
	r := pgshift(t, devVars(), "inspect", "--url", u)
	if r.code != 0 {
		t.Fatalf("got %+v, want exit 0", r)
	}
	if strings.Contains(r.stdout, "CREATE SCHEMA public") {
		t.Errorf("inspect output creates the public schema:\n%s", r.stdout)
	}
	plannerReady(t)
	if !strings.Contains(r.stdout, "inspected") {
		t.Errorf("inspect output lacks the table:\n%s", r.stdout)
	}
}

func TestInspectUsesDatabaseURL(t *testing.T) {
	t.Parallel()
	r := pgshift(t, map[string]string{"DATABASE_URL": "postgres://127.0.0.1:1/x?connect_timeout=2"}, "inspect")
	if r.code != 1 || !strings.Contains(r.stderr, "127.0.0.1:1") {
		t.Errorf("got %+v, want an error naming 127.0.0.1:1", r)
	}
}

// TestHelpSources: generate's --from is optional (not marked required, its
// default named), diff's is required, and both list every source form.
func TestHelpSources(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		cmd      string
		required bool
	}{{"generate", false}, {"diff", true}} {
		r := pgshift(t, nil, c.cmd, "--help")
		if r.code != 0 {
			t.Fatalf("%s --help: %+v", c.cmd, r)
		}
		var from string
		for _, l := range strings.Split(r.stdout, "\n") {
			if strings.Contains(l, "  --from string") {
				from = l
			}
		}
		if got := strings.Contains(from, "(required)"); got != c.required {
			t.Errorf("%s --help: --from line %q: required=%v, want %v", c.cmd, from, got, c.required)
		}
		for _, form := range []string{"postgres://", ".sql", "dir://", "git:REV:PATH"} {
			if !strings.Contains(from, form) {
				t.Errorf("%s --help: --from line %q does not list %s", c.cmd, from, form)
			}
		}
	}
	// generate without --from is accepted by flag parsing (it then needs --to).
	if r := pgshift(t, nil, "generate", "--dir", t.TempDir()); r.code != 1 || strings.Contains(r.stderr, `"from"`) || !strings.Contains(r.stderr, `"to"`) {
		t.Errorf("generate --dir only: %+v, want an error about --to only", r)
	}
}

// TestInterruptAfterScratchDropped: a Ctrl-C (the run's context cancelled,
// as main's signal.NotifyContext does) that comes after both files are
// loaded, their scratch databases dropped and the plan built stops generate
// before it writes anything and diff before it prints, with exit 1.
func TestInterruptAfterScratchDropped(t *testing.T) {
	t.Parallel()
	plannerReady(t)
	for _, args := range [][]string{
		{"generate", "--from", exampleCurrent, "--to", exampleSchema, "--dir", filepath.Join(t.TempDir(), "m")},
		{"diff", "--from", exampleCurrent, "--to", exampleSchema, "--exit-code"},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		var out, errb bytes.Buffer
		vars := devVars()
		code := run(ctx, args, env{stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }, afterPlan: cancel})
		cancel()
		if code != exitError || out.Len() != 0 || !strings.Contains(errb.String(), "pgshift: interrupted: nothing written") {
			t.Errorf("%s interrupted after planning: exit %d, stdout %q, stderr %q; want exit 1, no output, 'interrupted'", args[0], code, out.String(), errb.String())
		}
		if args[0] == "generate" {
			if _, err := os.Stat(args[6]); !os.IsNotExist(err) {
				ents, _ := os.ReadDir(args[6])
				t.Errorf("generate interrupted: %s holds %d files, want nothing written (stat: %v)", args[6], len(ents), err)
			}
		}
	}
}

// scratchLeft lists the scratch databases of this process still on the
// test server.
func scratchLeft(t *testing.T) []string {
	t.Helper()
	c := pgtest.Connect(t, pgtest.AdminURL())
	rows, err := c.Query(context.Background(), "SELECT datname FROM pg_database WHERE datname LIKE $1",
		fmt.Sprintf("%s%d\\_%%", schema.ScratchPrefix, os.Getpid()))
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return names
}

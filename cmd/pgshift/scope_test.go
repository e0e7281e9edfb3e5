package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgshift/pgshift/emit/drift"
	"github.com/pgshift/pgshift/internal/pgtest"
)

// foreignDB is a database holding more than the project owns: a job
// queue's schema (type, table with a serial, function) and date-named
// partitions the application creates, with rows.
const foreignDB = `
CREATE SCHEMA river;
CREATE TYPE river.job_state AS ENUM ('available', 'running');
CREATE TABLE river.jobs (id bigserial PRIMARY KEY, state river.job_state NOT NULL DEFAULT 'available');
CREATE FUNCTION river.notify() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TABLE public.users (id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE public.events (id bigint NOT NULL, at date NOT NULL, payload text) PARTITION BY RANGE (at);
CREATE TABLE public.events_20240101 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2024-01-02');
CREATE TABLE public.events_20240102 PARTITION OF public.events FOR VALUES FROM ('2024-01-02') TO ('2024-01-03');
INSERT INTO river.jobs (state) VALUES ('running');
INSERT INTO public.users VALUES (1, 'a@example.com');
INSERT INTO public.events VALUES (1, '2024-01-01', 'x'), (2, '2024-01-02', 'y');
`

// ownedSchema is the schema.sql of the project: public only, no partitions.
const ownedSchema = `
CREATE TABLE public.users (id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE public.events (id bigint NOT NULL, at date NOT NULL, payload text) PARTITION BY RANGE (at);
`

// scopeSetup returns the URL of a foreignDB database and a directory holding
// the ownedSchema schema.sql.
func scopeSetup(t *testing.T) (dbURL, dir, schemaFile string) {
	t.Helper()
	plannerReady(t)
	dbURL = pgtest.NewDB(t)
	pgtest.Exec(t, pgtest.Connect(t, dbURL), foreignDB)
	dir = t.TempDir()
	return dbURL, dir, writeFile(t, dir, "schema.sql", ownedSchema)
}

func TestScopeDiffAndDrift(t *testing.T) {
	t.Parallel()
	dbURL, _, _ := scopeSetup(t)
	const ignoreAll = "# owned elsewhere\n[schemas]\nriver\n[tables]\npublic.events_2*\n"
	const ignoreKeepOne = "[schemas]\nriver\n[tables]\npublic.events_2*\n!public.events_20240102\n"
	for _, tc := range []struct {
		name   string
		ignore string // .pgshiftignore next to schema.sql
		args   []string
		want   int
		// onlySkipped: in safe mode the only differences are drops of
		// tables (partitions), which diff skips and lists.
		onlySkipped bool
	}{
		{"no filter", "", nil, 2, false},
		{"foreign schema only", "", []string{"--exclude-schema", "river"}, 2, true},
		{"partitions only", "", []string{"--exclude", "public.events_2*"}, 2, false},
		{"exclude-schema and exclude", "", []string{"--exclude-schema", "river", "--exclude", "public.events_2*"}, 0, false},
		{"exclude globs", "", []string{"--exclude", "river.*", "--exclude", "table:public.events_202401??"}, 0, false},
		{"schema public", "", []string{"--schema", "public", "--exclude", "public.events_2*"}, 0, false},
		{"ignore file", ignoreAll, nil, 0, false},
		{"ignore file negation", ignoreKeepOne, nil, 2, true},
		{"flag re-includes", ignoreAll, []string{"--exclude", "!public.events_20240101"}, 2, true},
		{"no-ignore-file", ignoreAll, []string{"--no-ignore-file"}, 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Each case has its own schema.sql directory (the ignore file
			// sits next to it), so the cases run side by side on one
			// read-only database.
			t.Parallel()
			dir := t.TempDir()
			schemaFile := writeFile(t, dir, "schema.sql", ownedSchema)
			if tc.ignore != "" {
				writeFile(t, dir, ".pgshiftignore", tc.ignore)
			}
			// diff with its defaults (safe mode: a partition's drop is
			// skipped, so --allow-drop makes it count here).
			for _, extra := range [][]string{nil, {"--allow-drop"}} {
				args := append([]string{"diff", "--from", dbURL, "--to", schemaFile, "--exit-code"}, extra...)
				r := pgshift(t, devVars(), append(args, tc.args...)...)
				if extra == nil && tc.onlySkipped {
					// The skipped drops are listed, never silent (their
					// exit status is the --exit-code issue's).
					if !strings.Contains(r.stderr, "-- note: skipped: drop table public.events_2024") {
						t.Errorf("diff %v: skipped partition drops not listed\n%s", tc.args, r.stderr)
					}
					continue
				}
				if r.code != tc.want {
					t.Errorf("diff %v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", append(extra, tc.args...), r.code, tc.want, r.stdout, r.stderr)
				}
				if tc.want == 0 && (r.stdout != "" || strings.Contains(r.stderr, "river") && !strings.Contains(r.stderr, "filter:")) {
					t.Errorf("diff %v: out-of-scope objects show up:\nstdout:\n%s\nstderr:\n%s", tc.args, r.stdout, r.stderr)
				}
			}
			r := pgshift(t, devVars(), append([]string{"drift", "--url", dbURL, "--to", schemaFile, "--format", "json"}, tc.args...)...)
			if r.code != tc.want {
				t.Fatalf("drift: exit %d, want %d\n%s\n%s", r.code, tc.want, r.stdout, r.stderr)
			}
			var rep drift.Report
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
				t.Fatalf("drift json: %v\n%s", err, r.stdout)
			}
			if tc.want == 0 && (len(rep.Drift) != 0 || strings.Contains(rep.Diff, "river") || strings.Contains(rep.Diff, "events_2024")) {
				t.Errorf("drift in scope: %+v", rep)
			}
		})
	}
}

func TestScopeReportsCrossingDependencies(t *testing.T) {
	t.Parallel()
	dbURL, _, schemaFile := scopeSetup(t)
	r := pgshift(t, devVars(), "diff", "--from", dbURL, "--to", schemaFile, "--exit-code", "--exclude-schema", "river", "--exclude", "public.events_2*")
	want := "-- note: filter: partitions of table public.events out of scope: public.events_20240101, public.events_20240102"
	if r.code != 0 || !strings.Contains(r.stderr, want) || strings.Count(r.stderr, want) != 1 {
		t.Errorf("got %+v, want exit 0 and once %q", r, want)
	}
	// The old spelling drift --schema schema.sql still names the file.
	r = pgshift(t, devVars(), "drift", "--url", dbURL, "--schema", schemaFile, "--schema", "public", "--exclude", "public.events_2*")
	if r.code != 0 || !strings.Contains(r.stdout, "status: in sync") {
		t.Errorf("drift --schema FILE --schema public: %+v", r)
	}
}

func TestScopeInspect(t *testing.T) {
	t.Parallel()
	dbURL, _, _ := scopeSetup(t)
	r := pgshift(t, devVars(), "inspect", "--url", dbURL, "--exclude-schema", "river", "--exclude", "public.events_2*")
	if r.code != 0 || strings.Contains(r.stdout, "river") || strings.Contains(r.stdout, "events_2024") || !strings.Contains(r.stdout, "CREATE TABLE public.events") {
		t.Errorf("inspect: %+v", r)
	}
	r = pgshift(t, devVars(), "inspect", "--url", dbURL, "--schema", "river")
	if r.code != 0 || strings.Contains(r.stdout, "public.users") || !strings.Contains(r.stdout, "river.jobs") || strings.Contains(r.stdout, "DROP SCHEMA public") {
		t.Errorf("inspect --schema river: %+v", r)
	}
}

func TestScopeBadPattern(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--exclude", "river.["}, "--exclude: pattern"},
		{[]string{"--exclude", "widget:x"}, `unknown kind "widget"`},
		{[]string{"--exclude", "a.b.c"}, "want [schema.]name"},
		{[]string{"--schema", "schema.sql"}, "--schema schema.sql: --schema takes a schema name; the desired schema file is --to"},
	} {
		r := pgshift(t, devVars(), append([]string{"diff", "--from", exampleSchema, "--to", exampleSchema}, tc.args...)...)
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: got %+v, want exit 1 and %q", tc.args, r, tc.want)
		}
	}
	dir := t.TempDir()
	writeFile(t, dir, ".pgshiftignore", "[tables]\npublic.ok\n[widgets]\nx\n")
	s := writeFile(t, dir, "schema.sql", "CREATE TABLE t (id int);\n")
	r := pgshift(t, devVars(), "diff", "--from", s, "--to", s)
	if want := filepath.Join(dir, ".pgshiftignore") + ":3:1: unknown section [widgets]"; r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Errorf("bad ignore file: got %+v, want %q", r, want)
	}
}

func TestConfigFile(t *testing.T) {
	t.Parallel()
	dbURL, dir, _ := scopeSetup(t)
	cfg := writeFile(t, dir, "pgshift.toml", `# CI and developers run the same command
url = "${APP_DB}"
schema = "schema.sql"
exclude_schemas = ["river"]
exclude = ["public.events_2*"]

[env.strict]
exclude = []
exclude_schemas = ["river", "nothing_*"]
`)
	vars := devVars()
	vars["APP_DB"] = dbURL
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"drift"}, 0},
		{[]string{"diff", "--exit-code"}, 0},
		{[]string{"diff", "--exit-code", "--allow-drop"}, 0},
		// [env.strict] keeps the partitions in scope.
		{[]string{"drift", "--env", "strict"}, 2},
		// A flag replaces the file's value.
		{[]string{"drift", "--exclude", "public.none"}, 2},
		{[]string{"drift", "--exclude-schema", "nothing"}, 2},
	} {
		r := pgshift(t, vars, append(tc.args, "--config", cfg)...)
		if r.code != tc.want {
			t.Errorf("%v: exit %d, want %d\n%s\n%s", tc.args, r.code, tc.want, r.stdout, r.stderr)
		}
	}
	bad := writeFile(t, dir, "bad.toml", "url = \"x\"\nexlude = [\"a\"]\n")
	r := pgshift(t, vars, "drift", "--config", bad)
	if r.code != 1 || !strings.Contains(r.stderr, bad+`:2:10: unknown key "exlude"`) {
		t.Errorf("bad config: %+v", r)
	}
	r = pgshift(t, vars, "drift", "--config", cfg, "--env", "prod")
	if r.code != 1 || !strings.Contains(r.stderr, "has no [env.prod] table (environments: strict)") {
		t.Errorf("unknown env: %+v", r)
	}
	bad = writeFile(t, dir, "bad2.toml", "batch_size = 1\nmode = \"fast\"\n")
	r = pgshift(t, vars, "diff", "--config", bad, "--from", exampleSchema, "--to", exampleSchema)
	if r.code != 1 || !strings.Contains(r.stderr, `--mode must be "safe" or "direct", not "fast"`) {
		t.Errorf("bad mode: %+v", r)
	}
}

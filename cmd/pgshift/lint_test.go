package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestLintExitCodesAndText(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	danger := writeFile(t, dir, "danger.sql", "SET lock_timeout = '2s';\nCREATE INDEX t_a_idx ON t (a);\n")
	safe := writeFile(t, dir, "safe.sql", "SET lock_timeout = '2s';\nALTER TABLE t ADD COLUMN c integer;\n")
	info := writeFile(t, dir, "info.sql", "SET lock_timeout = '2s';\nALTER TABLE t ADD COLUMN at timestamptz DEFAULT now();\n")

	r := pgshift(t, nil, "lint", danger)
	if r.code != 3 {
		t.Fatalf("dangerous file: exit %d, want 3 (%+v)", r.code, r)
	}
	line := regexp.MustCompile(`^` + regexp.QuoteMeta(danger) +
		`:2:1: warning: \[require-concurrent-index\] .+ \(lock: SHARE on public\.t; hazards: blocking-lock, index-build\)$`)
	if got := strings.TrimRight(r.stdout, "\n"); !line.MatchString(got) {
		t.Errorf("stdout %q does not match %s", got, line)
	}
	if !strings.Contains(r.stderr, "-- lint: 1 findings (0 error, 1 warning, 0 info)") {
		t.Errorf("stderr %q: want a count", r.stderr)
	}

	if r := pgshift(t, nil, "lint", "--fail-on", "error", danger); r.code != 0 || r.stdout == "" {
		t.Errorf("--fail-on error with a warning: %+v, want exit 0 with the finding printed", r)
	}
	if r := pgshift(t, nil, "lint", safe); r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "-- lint: no findings") {
		t.Errorf("safe file: %+v, want exit 0, no output", r)
	}
	if r := pgshift(t, nil, "lint", info); r.code != 0 || !strings.Contains(r.stdout, ": info: [add-column-stable-default]") {
		t.Errorf("info finding with default --fail-on: %+v, want exit 0 and the info line", r)
	}
	if r := pgshift(t, nil, "lint", "--fail-on", "info", info); r.code != 3 {
		t.Errorf("--fail-on info: exit %d, want 3", r.code)
	}
}

func TestLintParseErrorsAndBadFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.sql", "CREATE TABLE a (id int);\nCREATE TABLE b (id int,, x int);\n")
	danger := writeFile(t, dir, "danger.sql", "DROP TABLE t;\n")

	r := pgshift(t, nil, "lint", bad, danger)
	if r.code != 1 {
		t.Errorf("parse error: exit %d, want 1", r.code)
	}
	if !strings.Contains(r.stderr, "pgshift: "+bad+":2:24: syntax error") {
		t.Errorf("stderr %q: want the located parse error", r.stderr)
	}
	if !strings.Contains(r.stdout, "[ban-drop-table]") {
		t.Errorf("the other file is still linted: stdout %q", r.stdout)
	}
	if r := pgshift(t, nil, "lint", filepath.Join(dir, "missing.sql")); r.code != 1 || !strings.Contains(r.stderr, "missing.sql") {
		t.Errorf("missing file: %+v, want exit 1 naming the file", r)
	}
	for _, args := range [][]string{
		{"lint"},
		{"lint", "--fail-on", "fatal", danger},
		{"lint", "--format", "xml", danger},
		{"lint", "--pg-version", "fifteen", danger},
		{"lint", "--pg-version", "8", danger},
	} {
		if r := pgshift(t, nil, args...); r.code != 1 || !strings.HasPrefix(r.stderr, "pgshift: ") {
			t.Errorf("%v: %+v, want exit 1 with an error", args, r)
		}
	}
}

func TestLintJSON(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := writeFile(t, dir, "m.sql", "ALTER TABLE t ALTER COLUMN id TYPE bigint;\n")
	r := pgshift(t, nil, "lint", "--format", "json", f)
	if r.code != 3 {
		t.Fatalf("exit %d, want 3 (%+v)", r.code, r)
	}
	var rep struct {
		Version  int
		Findings []struct {
			File, Rule, Severity, Message, Lock, Relation string
			Line, Col                                     int
			Hazards                                       []string
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || rep.Version != 1 {
		t.Fatalf("stdout is not a version 1 JSON report: %v\n%s", err, r.stdout)
	}
	rules := map[string]bool{}
	for _, g := range rep.Findings {
		rules[g.Rule] = true
		if g.Rule == "changing-column-type" {
			if g.File != f || g.Line != 1 || g.Severity != "warning" || g.Lock != "ACCESS EXCLUSIVE" ||
				g.Relation != "public.t" || strings.Join(g.Hazards, ",") != "blocking-lock,table-rewrite" || g.Message == "" {
				t.Errorf("finding %+v", g)
			}
		}
	}
	if !rules["changing-column-type"] || !rules["require-lock-timeout"] {
		t.Errorf("rules %v, want changing-column-type and require-lock-timeout", rules)
	}
	empty := writeFile(t, dir, "empty.sql", "CREATE TABLE n (id int);\n")
	if r := pgshift(t, nil, "lint", "--format", "json", empty); r.code != 0 || !strings.Contains(r.stdout, `"findings": []`) {
		t.Errorf("no findings: %+v, want exit 0 and an empty findings list", r)
	}
}

func TestLintVersionAndFileOrder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := writeFile(t, dir, "m.sql", "SET lock_timeout = '2s';\nALTER TABLE t ADD COLUMN b int NOT NULL DEFAULT 0;\n")
	if r := pgshift(t, nil, "lint", f); r.code != 0 {
		t.Errorf("PG15 constant default: %+v, want exit 0", r)
	}
	if r := pgshift(t, nil, "lint", "--pg-version", "10", f); r.code != 3 || !strings.Contains(r.stdout, "[add-column-default]") {
		t.Errorf("PG10 constant default: %+v, want exit 3 with add-column-default", r)
	}
	// The NOT NULL recipe: a CHECK validated by an earlier file proves SET NOT NULL.
	seq := filepath.Join("..", "..", "planner", "lint", "testdata", "safe", "not_null")
	files, _ := filepath.Glob(filepath.Join(seq, "*.sql"))
	if len(files) != 3 {
		t.Fatalf("want 3 files in %s, got %v", seq, files)
	}
	if r := pgshift(t, nil, append([]string{"lint", "--pg-version", "12"}, files...)...); r.code != 0 || r.stdout != "" {
		t.Errorf("NOT NULL recipe in order: %+v, want exit 0, no findings", r)
	}
	if r := pgshift(t, nil, "lint", files[2]); r.code != 3 || !strings.Contains(r.stdout, "[set-not-null]") {
		t.Errorf("SET NOT NULL alone: %+v, want exit 3 with set-not-null", r)
	}
	if r := pgshift(t, nil, append([]string{"lint", "--pg-version", "11.22"}, files...)...); r.code != 3 || !strings.Contains(r.stdout, "[set-not-null]") {
		t.Errorf("NOT NULL recipe on PG11: %+v, want exit 3 with set-not-null", r)
	}
}

func TestLintGitHubFormat(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := writeFile(t, dir, "a,b.sql", "SET lock_timeout = '1s';\nCREATE INDEX i ON t (a);\n")
	r := pgshift(t, nil, "lint", "--format", "github", f)
	want := "::warning file=" + strings.ReplaceAll(f, ",", "%2C") + ",line=2,col=1,title=pgshift require-concurrent-index::CREATE INDEX without CONCURRENTLY"
	if r.code != 3 || !strings.HasPrefix(r.stdout, want) || !strings.Contains(r.stdout, "(lock: SHARE on public.t; hazards: blocking-lock, index-build)") {
		t.Fatalf("exit %d, want an annotation starting %q:\n%s", r.code, want, r.stdout)
	}
	if strings.Count(r.stdout, "\n") != 1 {
		t.Errorf("want exactly one annotation line:\n%s", r.stdout)
	}
}

func TestLintExcludeRule(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := writeFile(t, dir, "m.sql", "ALTER TABLE t ALTER COLUMN id TYPE bigint;\n")
	r := pgshift(t, nil, "lint", "--exclude-rule", "require-lock-timeout", "--exclude-rule", "changing-column-type", f)
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("both rules excluded: %+v, want exit 0 and no findings", r)
	}
	r = pgshift(t, nil, "lint", "--exclude-rule", "require-lock-timeout", f)
	if r.code != 3 || strings.Contains(r.stdout, "require-lock-timeout") || !strings.Contains(r.stdout, "[changing-column-type]") {
		t.Fatalf("one rule excluded: %+v", r)
	}
}

// TestLintDirectories: a migrations directory is linted as its runner runs
// it (up parts only, version order, the runner's transaction rules); any
// other directory gives its .sql files in name order; an unreadable
// directory is an error, never "no findings".
func TestLintDirectories(t *testing.T) {
	t.Parallel()
	idx := "CREATE INDEX CONCURRENTLY i ON t (a);\n"
	plain := "CREATE INDEX i ON t (a);\n"
	tests := []struct {
		name    string
		files   map[string]string
		arg     func(dir string) string
		code    int
		want    []string // substrings of stdout
		notWant []string
	}{
		{
			name: "golang-migrate up files only",
			files: map[string]string{
				"1_a.up.sql": "SET lock_timeout = '1s';\n" + plain, "1_a.down.sql": "DROP TABLE t;\n",
			},
			code: 3, want: []string{"1_a.up.sql:2:1: warning: [require-concurrent-index]"}, notWant: []string{"down.sql", "ban-drop-table"},
		},
		{
			name: "goose NO TRANSACTION runs CONCURRENTLY outside a transaction",
			files: map[string]string{
				"00001_idx.sql": "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '1s';\n" + idx + "-- +goose Down\nDROP INDEX CONCURRENTLY i;\n",
			},
			code: 0, notWant: []string{"concurrently-in-transaction", "require-concurrent-index-drop"},
		},
		{
			name: "goose wraps a file in a transaction: CONCURRENTLY fails there",
			files: map[string]string{
				"00001_idx.sql": "-- +goose Up\n" + idx + "-- +goose Down\nDROP INDEX i;\n",
			},
			code: 3, want: []string{"00001_idx.sql:2:1: error: [concurrently-in-transaction]"},
		},
		{
			name: "dbmate transaction:false",
			files: map[string]string{
				"20260101000000_idx.sql": "-- migrate:up transaction:false\n" + idx + "\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY i;\n",
			},
			code: 0, notWant: []string{"concurrently-in-transaction"},
		},
		{
			name:  "dir:// prefix",
			files: map[string]string{"1_a.up.sql": plain, "1_a.down.sql": "SELECT 1;\n"},
			arg:   func(dir string) string { return "dir://" + dir },
			code:  3, want: []string{"[require-concurrent-index]"},
		},
		{
			name:  "plain directory, recursive, name order",
			files: map[string]string{"b.sql": "SET lock_timeout = '1s';\n" + plain, "sub/a.sql": "SET lock_timeout = '1s';\nDROP TABLE x;\n", "notes.txt": "DROP TABLE y;"},
			code:  3, want: []string{"b.sql:2:1: warning: [require-concurrent-index]", "a.sql:2:1: warning: [ban-drop-table]"}, notWant: []string{"notes.txt"},
		},
		{
			name: "missing directory is an error",
			arg:  func(dir string) string { return filepath.Join(dir, "nope") },
			code: 1,
		},
		{
			name:  "dir:// without migrations is an error",
			files: map[string]string{"x.sql": plain},
			arg:   func(dir string) string { return "dir://" + dir },
			code:  1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, src := range tc.files {
				if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
					t.Fatal(err)
				}
				writeFile(t, dir, name, src)
			}
			arg := dir
			if tc.arg != nil {
				arg = tc.arg(dir)
			}
			r := pgshift(t, nil, "lint", arg)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tc.code, r.stdout, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(r.stdout, w) {
					t.Errorf("stdout has %q:\n%s", w, r.stdout)
				}
			}
			if tc.code == 1 && strings.Contains(r.stderr, "no findings") {
				t.Errorf("an error also says no findings:\n%s", r.stderr)
			}
		})
	}
	// Order matters across files: ab before b.
	dir := t.TempDir()
	writeFile(t, dir, "b.sql", "SET lock_timeout = '1s';\n"+plain)
	writeFile(t, dir, "a.sql", "SET lock_timeout = '1s';\n"+plain)
	r := pgshift(t, nil, "lint", dir)
	if i, j := strings.Index(r.stdout, "a.sql"), strings.Index(r.stdout, "b.sql"); i < 0 || j < i {
		t.Errorf("files not in name order:\n%s", r.stdout)
	}
}

// TestLintUnreadableNeverNoFindings: an input that cannot be read or parsed
// (next to a clean one) is an error (exit 1), and the summary never says
// "no findings" then.
func TestLintUnreadableNeverNoFindings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	safe := writeFile(t, dir, "safe.sql", "SET lock_timeout = '2s';\nCREATE TABLE x (id int);\n") // no findings alone
	bad := writeFile(t, dir, "bad.sql", "CREATE TABLE (;\n")
	if r := pgshift(t, nil, "lint", safe); r.code != 0 || !strings.Contains(r.stderr, "-- lint: no findings") {
		t.Fatalf("lint safe.sql: %+v, want exit 0 and no findings", r)
	}
	r := pgshift(t, nil, "lint", safe, bad)
	if r.code != 1 || strings.Contains(r.stderr, "no findings") || !strings.Contains(r.stderr, "0 findings; 1 of the files could not be linted") {
		t.Errorf("lint safe.sql bad.sql: %+v, want exit 1 and no 'no findings'", r)
	}
	for _, missing := range []string{filepath.Join(dir, "missing.sql"), filepath.Join(dir, "nodir") + string(filepath.Separator)} {
		if r := pgshift(t, nil, "lint", safe, missing); r.code != 1 || strings.Contains(r.stderr, "no findings") {
			t.Errorf("lint safe.sql %s: %+v, want exit 1 and no 'no findings'", missing, r)
		}
	}
}

func TestLintExplainAndRuleList(t *testing.T) {
	t.Parallel()
	r := pgshift(t, nil, "lint", "--explain", "require-concurrent-index")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "require-concurrent-index (warning)") ||
		!strings.Contains(r.stdout, "Safe rewrite: CREATE INDEX CONCURRENTLY") || !strings.Contains(r.stdout, "Hazards: blocking-lock") {
		t.Fatalf("--explain: %+v", r)
	}
	if r := pgshift(t, nil, "lint", "--explain", "no-such-rule"); r.code != exitError || !strings.Contains(r.stderr, "no such rule") {
		t.Fatalf("--explain of an unknown rule: %+v", r)
	}
	r = pgshift(t, nil, "lint", "--list-rules")
	if r.code != exitOK {
		t.Fatalf("--list-rules: %+v", r)
	}
	// Every rule a finding can name is listed and explained.
	for _, rule := range []string{"require-concurrent-index", "ban-drop-column", "require-lock-timeout", "changing-column-type"} {
		if !strings.Contains(r.stdout, rule+" ") {
			t.Errorf("--list-rules lacks %s", rule)
		}
		if e := pgshift(t, nil, "lint", "--explain", rule); e.code != exitOK || !strings.Contains(e.stdout, "Safe rewrite: ") {
			t.Errorf("--explain %s: %+v", rule, e)
		}
	}
	dir := t.TempDir()
	f := writeFile(t, dir, "m.sql", "SELECT 1;\n")
	if r := pgshift(t, nil, "lint", "--exclude-rule", "no-such-rule", f); r.code != exitError || !strings.Contains(r.stderr, "no such rule") {
		t.Fatalf("--exclude-rule of an unknown rule: %+v", r)
	}
}

// TestLintRulesFromProjectFile: pgshift.toml's lint_exclude_rules and
// lint_fail_on apply to lint; a flag replaces them; an unknown rule there
// is an error, as on the command line.
func TestLintRulesFromProjectFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := writeFile(t, dir, "m.sql", "ALTER TABLE t ALTER COLUMN id TYPE bigint;\n")
	cfg := writeFile(t, dir, "pgshift.toml", "lint_exclude_rules = [\"require-lock-timeout\", \"changing-column-type\"]\n")
	if r := pgshift(t, nil, "lint", "--config", cfg, f); r.code != exitOK || r.stdout != "" {
		t.Fatalf("rules excluded by the file: %+v", r)
	}
	if r := pgshift(t, nil, "lint", "--config", cfg, "--exclude-rule", "require-lock-timeout", f); r.code != exitLintFindings || !strings.Contains(r.stdout, "[changing-column-type]") {
		t.Fatalf("the flag replaces the file's list: %+v", r)
	}
	failOn := writeFile(t, dir, "failon.toml", "lint_fail_on = \"error\"\n")
	if r := pgshift(t, nil, "lint", "--config", failOn, f); r.code != exitOK || !strings.Contains(r.stdout, "[changing-column-type]") {
		t.Fatalf("lint_fail_on = error: %+v", r)
	}
	bad := writeFile(t, dir, "bad.toml", "lint_exclude_rules = [\"no-such-rule\"]\n")
	if r := pgshift(t, nil, "lint", "--config", bad, f); r.code != exitError || !strings.Contains(r.stderr, "no such rule") {
		t.Fatalf("unknown rule in the file: %+v", r)
	}
}

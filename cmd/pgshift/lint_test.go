package main

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestLintExitCodesAndText(t *testing.T) {
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
	dir := t.TempDir()
	f := writeFile(t, dir, "m.sql", "ALTER TABLE t ALTER COLUMN id TYPE bigint;\n")
	r := pgshift(t, nil, "lint", "--format", "json", f)
	if r.code != 3 {
		t.Fatalf("exit %d, want 3 (%+v)", r.code, r)
	}
	var got []struct {
		File, Rule, Severity, Message, Lock, Relation string
		Line, Col                                     int
		Hazards                                       []string
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("stdout is not a JSON array of findings: %v\n%s", err, r.stdout)
	}
	rules := map[string]bool{}
	for _, g := range got {
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
	if r := pgshift(t, nil, "lint", "--format", "json", empty); r.code != 0 || strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("no findings: %+v, want exit 0 and []", r)
	}
}

func TestLintVersionAndFileOrder(t *testing.T) {
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

package main

import (
	"strings"
	"testing"
)

// TestDiffExitCodeUnplannedDifferences: diff --exit-code exits 2 on any
// difference, also when none of them is planned (drops skipped without
// --allow-drop, unsupported changes), and the notes say which were not
// planned. An empty --to file is "drop everything".
func TestDiffExitCodeUnplannedDifferences(t *testing.T) {
	t.Parallel()
	const base = "CREATE TABLE public.users (id bigint PRIMARY KEY, email text);\n"
	tests := []struct {
		name, from, to string
		args           []string
		wantStdout     bool     // planned SQL on stdout
		wantStderr     []string // substrings of stderr
	}{
		{name: "extra column in the current state", from: base + "ALTER TABLE public.users ADD COLUMN legacy text;\n", to: base,
			wantStderr: []string{"skipped: drop column public.users.legacy", "no planned steps, but 1 difference is not planned"}},
		{name: "extra table in the current state", from: base + "CREATE TABLE public.audit (id int);\n", to: base,
			wantStderr: []string{"skipped: drop table public.audit", "1 difference is not planned"}},
		{name: "empty desired schema drops everything", from: base + "CREATE TABLE public.audit (id int);\n", to: "",
			wantStderr: []string{"skipped: drop table public.users", "skipped: drop table public.audit", "2 differences are not planned"}},
		{name: "table becomes partitioned", from: "CREATE TABLE public.m (id int, at date);\n",
			to:         "CREATE TABLE public.m (id int, at date) PARTITION BY RANGE (at);\n",
			wantStderr: []string{"unsupported: table public.m", "1 difference is not planned"}},
		{name: "planned and unplanned together", from: base + "CREATE TABLE public.audit (id int);\n",
			to:         base + "CREATE TABLE public.tags (id int);\n",
			wantStdout: true, wantStderr: []string{"skipped: drop table public.audit", "-- 1 difference is not planned"}},
		{name: "with --allow-drop the drops are planned", from: base + "CREATE TABLE public.audit (id int);\n", to: base,
			args: []string{"--allow-drop"}, wantStdout: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			from, to := writeFile(t, dir, "from.sql", tc.from), writeFile(t, dir, "to.sql", tc.to)
			r := pgshift(t, devVars(), append([]string{"diff", "--from", from, "--to", to, "--exit-code"}, tc.args...)...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			if tc.wantStdout != (r.stdout != "") {
				t.Errorf("stdout = %q, want SQL: %v", r.stdout, tc.wantStdout)
			}
			if strings.Contains(r.stderr, "-- no changes") {
				t.Errorf("stderr says no changes although the schemas differ:\n%s", r.stderr)
			}
			for _, w := range tc.wantStderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			// Without --exit-code the same run succeeds.
			r = pgshift(t, devVars(), append([]string{"diff", "--from", from, "--to", to}, tc.args...)...)
			if r.code != 0 {
				t.Errorf("without --exit-code: exit %d, want 0\n%s", r.code, r.stderr)
			}
		})
	}
}

package lint

import (
	"slices"
	"strconv"
	"testing"

	"github.com/pgshift/pgshift/schema"
)

// TestLintNolint: a `-- pgshift:nolint RULE` marker silences that rule on
// the next statement only; an unknown rule name is an error finding.
func TestLintNolint(t *testing.T) {
	const lt = "SET lock_timeout = '2s';\n"
	tests := []struct {
		name, sql string
		want      []string // "line:rule" of the findings left
	}{
		{name: "no marker", sql: lt + "ALTER TABLE t DROP COLUMN c;\n",
			want: []string{"2:ban-drop-column"}},
		{name: "marker silences the next statement", sql: lt + "-- pgshift:nolint ban-drop-column\nALTER TABLE t DROP COLUMN c;\n",
			want: nil},
		{name: "marker with reason and a list", sql: lt + "-- drop column\n-- pgshift:nolint ban-drop-column, ban-drop-table: planned by pgshift\nALTER TABLE t DROP COLUMN c;\nDROP TABLE u;\n",
			want: []string{"5:ban-drop-table"}},
		{name: "only the next statement", sql: lt + "-- pgshift:nolint ban-drop-column\nALTER TABLE t DROP COLUMN c;\nALTER TABLE t DROP COLUMN d;\n",
			want: []string{"4:ban-drop-column"}},
		{name: "other rules stay", sql: "-- pgshift:nolint ban-drop-column\nALTER TABLE t DROP COLUMN c;\n",
			want: []string{"2:require-lock-timeout"}},
		{name: "unknown rule is an error", sql: lt + "-- pgshift:nolint ban-drop-colum\nALTER TABLE t DROP COLUMN c;\n",
			want: []string{"2:nolint", "3:ban-drop-column"}},
		{name: "empty marker is an error", sql: lt + "-- pgshift:nolint\nALTER TABLE t DROP COLUMN c;\n",
			want: []string{"2:nolint", "3:ban-drop-column"}},
		{name: "not a marker", sql: lt + "-- pgshift:nolinting ban-drop-column\nALTER TABLE t DROP COLUMN c;\n",
			want: []string{"3:ban-drop-column"}},
		{name: "file marker silences the whole file", sql: "-- pgshift:nolint-file ban-drop-column, require-lock-timeout: reviewed\nALTER TABLE t DROP COLUMN c;\nALTER TABLE t DROP COLUMN d;\nDROP TABLE u;\n",
			want: []string{"4:ban-drop-table"}},
		{name: "file marker after the first statement is an error", sql: lt + "-- pgshift:nolint-file ban-drop-column\nALTER TABLE t DROP COLUMN c;\n",
			want: []string{"2:nolint", "3:ban-drop-column"}},
		{name: "file marker with an unknown rule is an error", sql: "-- pgshift:nolint-file ban-drop-colum\n" + lt + "ALTER TABLE t DROP COLUMN c;\n",
			want: []string{"1:nolint", "3:ban-drop-column"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stmts, err := schema.SplitSQL("m.sql", []byte(tc.sql))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range Lint(stmts, LintOptions{File: "m.sql", Source: []byte(tc.sql)}) {
				if f.Rule == "nolint" && f.Severity != SeverityError {
					t.Errorf("nolint finding has severity %s, want error", f.Severity)
				}
				got = append(got, strconv.Itoa(f.Line)+":"+f.Rule)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("findings %q, want %q", got, tc.want)
			}
		})
	}
}

package lockretry

import (
	"strings"
	"testing"
)

// TestWrap: the block applies the per-attempt timeout and the limits, and
// picks dollar-quote tags the statements do not contain.
func TestWrap(t *testing.T) {
	cases := []struct {
		name  string
		stmts []string
		p     Policy
		want  []string
	}{
		{"defaults", []string{"ALTER TABLE t ADD COLUMN c int;"}, Policy{},
			[]string{"set_config('lock_timeout', '500ms', true)", "pgshift_attempt > 30", "interval '5min'",
				"EXECUTE $pgshift_stmt$ALTER TABLE t ADD COLUMN c int$pgshift_stmt$;", "EXCEPTION WHEN lock_not_available"}},
		{"no retries", []string{"SELECT 1;"}, Policy{Timeout: "1s", Retries: -1, Budget: "10s"},
			[]string{"'1s'", "pgshift_attempt > 0", "interval '10s'"}},
		{"tags in use", []string{"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $pgshift_stmt$ SELECT 1 $pgshift_stmt$;", "SELECT '$pgshift_retry$';"}, Policy{},
			[]string{"DO $pgshift_retry1$", "EXECUTE $pgshift_stmt1$CREATE FUNCTION"}},
	}
	for _, c := range cases {
		got := Wrap(c.stmts, c.p)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q missing from\n%s", c.name, w, got)
			}
		}
	}
}

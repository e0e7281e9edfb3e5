package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestProgress: --progress prints phase lines for both sides and the plan;
// by default (stderr not a terminal, as in tests) and with --quiet nothing
// of it is printed; --timings prints the phase durations PGSHIFT_TIMINGS does.
func TestProgress(t *testing.T) {
	t.Parallel()
	line := regexp.MustCompile(`(?m)^-- progress: +\d+\.\ds (.*)$`)
	for _, tc := range []struct {
		name  string
		flags []string
		want  []string // progress lines, elapsed time left out, in any order
		timed bool
	}{
		{"--progress", []string{"--progress"}, []string{
			"--from: loading on the dev server and introspecting " + exampleCurrent,
			"--to: loading on the dev server and introspecting " + exampleSchema,
			"planning",
		}, false},
		{"default, not a terminal", nil, nil, false},
		{"--quiet wins", []string{"--progress", "--quiet"}, nil, false},
		{"--timings", []string{"--timings"}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"diff", "--from", exampleCurrent, "--to", exampleSchema}, tc.flags...)
			r := pgshift(t, devVars(), args...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			got := map[string]bool{}
			for _, m := range line.FindAllStringSubmatch(r.stderr, -1) {
				got[m[1]] = true
			}
			for _, w := range tc.want {
				if !got[w] {
					t.Errorf("no progress line %q in\n%s", w, r.stderr)
				}
			}
			if len(tc.want) == 0 && strings.Contains(r.stderr, "-- progress:") {
				t.Errorf("progress printed:\n%s", r.stderr)
			}
			if len(tc.want) > 0 && !regexp.MustCompile(`(?m)^-- progress: +\d+\.\ds --to: done in \d+\.\ds: \d+ tables$`).MatchString(r.stderr) {
				t.Errorf("no '--to: done' line in\n%s", r.stderr)
			}
			if timed := strings.Contains(r.stderr, "-- timing: to.load "); timed != tc.timed {
				t.Errorf("timings printed: %v, want %v\n%s", timed, tc.timed, r.stderr)
			}
		})
	}
}

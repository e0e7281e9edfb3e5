// Package textdiff computes line diffs of two texts (with go-diff), for
// readable reports: schema diffs in drift output and test failures.
package textdiff

import (
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Line is one line of a diff: Op is ' ' (in both texts), '-' (only in the
// first) or '+' (only in the second); Text has no trailing newline.
type Line struct {
	Op   byte
	Text string
}

// Lines returns the line diff of a and b, in order.
func Lines(a, b string) []Line {
	dmp := diffmatchpatch.New()
	ca, cb, lines := dmp.DiffLinesToChars(a, b)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(ca, cb, false), lines)
	var all []Line
	for _, d := range diffs {
		op := byte(' ')
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = '-'
		case diffmatchpatch.DiffInsert:
			op = '+'
		}
		for _, l := range strings.SplitAfter(d.Text, "\n") {
			if l != "" {
				all = append(all, Line{op, strings.TrimSuffix(l, "\n")})
			}
		}
	}
	return all
}

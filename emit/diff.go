package emit

import (
	"fmt"
	"strings"

	"github.com/pgshift/pgshift/internal/textdiff"
)

// UnifiedDiff returns a unified diff (three lines of context, "---"/"+++"
// headers named aName and bName) of the texts a and b, or "" when they are
// equal.
func UnifiedDiff(aName, bName, a, b string) string {
	if a == b {
		return ""
	}
	all := textdiff.Lines(a, b)
	const context = 3
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", aName, bName)
	// Line numbers (1-based) in a and b where each entry starts.
	aLine, bLine := make([]int, len(all)+1), make([]int, len(all)+1)
	an, bn := 1, 1
	for i, l := range all {
		aLine[i], bLine[i] = an, bn
		if l.Op != '+' {
			an++
		}
		if l.Op != '-' {
			bn++
		}
	}
	aLine[len(all)], bLine[len(all)] = an, bn
	for i := 0; i < len(all); {
		if all[i].Op == ' ' {
			i++
			continue
		}
		start := i - context
		if start < 0 {
			start = 0
		}
		// Extend the hunk while changes are within 2*context lines.
		end := i
		for j := i; j < len(all); j++ {
			if all[j].Op != ' ' {
				end = j
			} else if j-end > 2*context {
				break
			}
		}
		stop := end + context + 1
		if stop > len(all) {
			stop = len(all)
		}
		na, nb := 0, 0
		for _, l := range all[start:stop] {
			if l.Op != '+' {
				na++
			}
			if l.Op != '-' {
				nb++
			}
		}
		fmt.Fprintf(&out, "@@ -%d,%d +%d,%d @@\n", aLine[start], na, bLine[start], nb)
		for _, l := range all[start:stop] {
			out.WriteByte(l.Op)
			out.WriteString(l.Text + "\n")
		}
		i = stop
	}
	return out.String()
}

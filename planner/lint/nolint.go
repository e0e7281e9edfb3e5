package lint

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/pgshift/pgshift/schema"
)

// NolintMarker starts a lint suppression marker, a line comment on the
// lines before a statement:
//
//	-- pgshift:nolint ban-drop-column, require-lock-timeout: reason
//
// It silences the findings of the named rules on the next statement only.
// An unknown rule name is itself a finding (rule "nolint", severity
// error): a typo never silences anything in silence. pgshift writes such
// markers into the migrations it generates, for the hazards the plan
// chose and lists in the step's comment.
const NolintMarker = "pgshift:nolint"

// NolintFileMarker, a line comment before a file's first statement,
// silences the named rules for the whole file:
//
//	-- pgshift:nolint-file require-lock-timeout: the runner sets it on the connection
//
// Unknown rule names are error findings, as for NolintMarker; the marker
// after the first statement is an error finding too.
const NolintFileMarker = "pgshift:nolint-file"

// applyNolint drops the findings that a `-- pgshift:nolint RULE...` marker
// before their statement silences, and adds an error finding for each
// unknown rule a marker names. src is the file text stmts were split from
// (nil: no markers are read).
func applyNolint(file string, src []byte, stmts []schema.Statement, findings []Finding) []Finding {
	if len(src) == 0 || !bytes.Contains(src, []byte(NolintMarker)) {
		return findings
	}
	known := map[string]bool{}
	var ruleIDs []string
	for _, r := range Rules {
		known[string(r.ID)] = true
		ruleIDs = append(ruleIDs, string(r.ID))
	}
	type span struct {
		line, col int             // statement start
		rules     map[string]bool // silenced rules
	}
	var spans []span
	var bad []Finding
	fileRules := map[string]bool{}
	prevEnd := 0
	for _, st := range stmts {
		sp := span{line: st.Line, col: st.Col, rules: map[string]bool{}}
		if st.Offset >= prevEnd && st.Offset <= len(src) {
			gap := src[prevEnd:st.Offset]
			for off := 0; off < len(gap); {
				lineEnd := bytes.IndexByte(gap[off:], '\n')
				if lineEnd < 0 {
					lineEnd = len(gap) - off
				}
				text := string(gap[off : off+lineEnd])
				if i := strings.Index(text, "--"); i >= 0 {
					body := strings.TrimSpace(text[i+2:])
					marker, into := NolintMarker, sp.rules
					rest, ok := strings.CutPrefix(body, NolintFileMarker)
					if ok {
						marker, into = NolintFileMarker, fileRules
					} else {
						rest, ok = strings.CutPrefix(body, NolintMarker)
					}
					if ok && (rest == "" || rest[0] == ' ' || rest[0] == ':') {
						list, _, _ := strings.Cut(rest, ":")
						names := strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
						line, col := fileLineCol(src, prevEnd+off+i)
						switch {
						case marker == NolintFileMarker && prevEnd > 0:
							bad = append(bad, Finding{File: file, Line: line, Col: col, Rule: "nolint", Severity: SeverityError,
								Message: "pgshift:nolint-file must stand before the file's first statement"})
							names = nil
						case len(names) == 0:
							bad = append(bad, Finding{File: file, Line: line, Col: col, Rule: "nolint", Severity: SeverityError,
								Message: fmt.Sprintf("%s names no rule: want `-- %s RULE[, RULE...]`", marker, marker)})
						}
						for _, n := range names {
							if !known[n] {
								bad = append(bad, Finding{File: file, Line: line, Col: col, Rule: "nolint", Severity: SeverityError,
									Message: fmt.Sprintf("%s names unknown rule %q (known: %s)", marker, n, strings.Join(ruleIDs, ", "))})
								continue
							}
							into[n] = true
						}
					}
				}
				off += lineEnd + 1
			}
		}
		spans = append(spans, sp)
		prevEnd = st.Offset + len(st.Text)
	}
	// A finding belongs to the last statement that starts at or before it.
	out := findings[:0:0]
	for _, f := range findings {
		i := sort.Search(len(spans), func(i int) bool {
			return spans[i].line > f.Line || spans[i].line == f.Line && spans[i].col > f.Col
		}) - 1
		if fileRules[string(f.Rule)] || i >= 0 && spans[i].rules[f.Rule] {
			continue
		}
		out = append(out, f)
	}
	out = append(out, bad...)
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Line != out[b].Line {
			return out[a].Line < out[b].Line
		}
		return out[a].Col < out[b].Col
	})
	return out
}

// fileLineCol returns the 1-based line and column (in characters) of byte
// offset off in src.
func fileLineCol(src []byte, off int) (line, col int) {
	before := src[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	return line, utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
}

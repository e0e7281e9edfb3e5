package runner

import (
	"fmt"
	"regexp"
	"strings"
)

// Goose annotations, as goose's sqlparser (internal/sqlparser/parser.go,
// v3.29.0) reads them: a line whose trimmed text starts with "--" and
// contains "+goose" is an annotation; it must not be indented; the word
// after "+goose" is matched case-insensitively against Up, Down,
// StatementBegin, StatementEnd, NO TRANSACTION, ENVSUB ON, ENVSUB OFF.
const (
	gooseUp             = "Up"
	gooseDown           = "Down"
	gooseStatementBegin = "StatementBegin"
	gooseStatementEnd   = "StatementEnd"
	gooseNoTransaction  = "NO TRANSACTION"
	gooseEnvsubOn       = "ENVSUB ON"
	gooseEnvsubOff      = "ENVSUB OFF"
)

var gooseAnnotations = []string{gooseUp, gooseDown, gooseStatementBegin, gooseStatementEnd, gooseNoTransaction, gooseEnvsubOn, gooseEnvsubOff}

// dollarTag matches a dollar quote ($$ or $tag$).
var dollarTag = regexp.MustCompile(`\$([A-Za-z_][A-Za-z_0-9]*)?\$`)

// gooseAnnotation returns the annotation of line ("" when the line is
// not one) or the rule it breaks.
func gooseAnnotation(line string) (string, string) {
	if !strings.HasPrefix(strings.TrimSpace(line), "--") || !strings.Contains(line, "+goose") {
		return "", ""
	}
	if strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
		return "", "an annotation must start at the beginning of its line (no leading whitespace)"
	}
	cmd := strings.ReplaceAll(line, "--", "")
	cmd = strings.Replace(cmd, "+goose", "", 1)
	if strings.Contains(cmd, "+goose") {
		return "", "a line holds at most one '+goose' annotation"
	}
	cmd = strings.TrimSpace(cmd)
	if cmd == "" {
		return "", "empty annotation"
	}
	for _, a := range gooseAnnotations {
		if strings.EqualFold(a, cmd) {
			return a, ""
		}
	}
	return "", fmt.Sprintf("unknown annotation %q", cmd)
}

// GooseLineEnds mirrors goose's endsWithSemicolon: the last word of the
// line before a word starting with "--" ends in ";". goose ends a
// statement (outside StatementBegin/End) at such a line.
func GooseLineEnds(line string) bool {
	prev := ""
	for _, w := range strings.Fields(line) {
		if strings.HasPrefix(w, "--") {
			break
		}
		prev = w
	}
	return strings.HasSuffix(prev, ";")
}

// parseGoose runs goose's state machine over a goose SQL file: it finds
// the up section, the NO TRANSACTION flag, and refuses what goose refuses
// (an indented or unknown annotation, no Up, two Ups, Down before Up,
// StatementEnd without StatementBegin, a missing StatementEnd, a
// statement without its final semicolon) plus one thing goose accepts but
// the server then rejects: a dollar-quoted body outside
// StatementBegin/StatementEnd, which goose cuts at its first line ending
// in ";".
func parseGoose(m *Migration, text string) error {
	refuse := func(line int, rule string) error {
		return &RuleError{Runner: Goose, File: m.File, Line: line, Rule: rule}
	}
	const (
		start = iota
		up
		upBlock
		down
		downBlock
	)
	state := start
	upFrom, upTo := -1, len(text)
	var keep []bool // per line: part of the up SQL
	lines := strings.SplitAfter(text, "\n")
	stmtLine := 0
	var stmt strings.Builder
	off := 0
	for i, raw := range lines {
		line := strings.TrimRight(raw, "\r\n")
		n := i + 1
		lineOff := off
		off += len(raw)
		keep = append(keep, false)
		a, bad := gooseAnnotation(line)
		if bad != "" {
			return refuse(n, bad)
		}
		switch a {
		case gooseUp:
			if state != start {
				return refuse(n, "duplicate '-- +goose Up' annotations")
			}
			state, upFrom = up, lineOff
			continue
		case gooseDown:
			switch state {
			case up:
				if strings.TrimSpace(stmt.String()) != "" {
					return refuse(stmtLine, "unfinished SQL statement before '-- +goose Down': missing semicolon?")
				}
				state, upTo = down, lineOff
			case start:
				return refuse(n, "must start with '-- +goose Up' annotation")
			default:
				return refuse(n, "'-- +goose Down' inside a StatementBegin/StatementEnd block")
			}
			continue
		case gooseStatementBegin:
			switch state {
			case up:
				state = upBlock
			case down:
				state = downBlock
			default:
				return refuse(n, "'-- +goose StatementBegin' must be defined after '-- +goose Up' or '-- +goose Down' annotation")
			}
			continue
		case gooseStatementEnd:
			switch state {
			case upBlock:
				state = up
			case downBlock:
				state = down
			default:
				return refuse(n, "'-- +goose StatementEnd' must be defined after '-- +goose StatementBegin'")
			}
			stmt.Reset()
			continue
		case gooseNoTransaction:
			m.Transactional = false
			continue
		case gooseEnvsubOn, gooseEnvsubOff:
			continue
		}
		if state == start {
			if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "--") {
				continue
			}
			return refuse(n, "must start with '-- +goose Up' annotation")
		}
		if state == up || state == upBlock {
			keep[i] = true
		}
		if state != up {
			continue
		}
		if stmt.Len() == 0 && (strings.HasPrefix(strings.TrimSpace(line), "--") || line == "") {
			continue
		}
		if stmt.Len() == 0 {
			stmtLine = n
		}
		stmt.WriteString(line + "\n")
		if GooseLineEnds(line) {
			if len(dollarTag.FindAllString(stripLineComments(stmt.String()), -1))%2 == 1 {
				return refuse(stmtLine, fmt.Sprintf("goose ends a statement at every line ending in ';' (line %d here) unless it is inside '-- +goose StatementBegin' / '-- +goose StatementEnd': wrap this dollar-quoted body in them", n))
			}
			stmt.Reset()
		}
	}
	switch state {
	case start:
		return refuse(0, "must start with '-- +goose Up' annotation")
	case upBlock, downBlock:
		return refuse(0, "missing '-- +goose StatementEnd' annotation")
	}
	if strings.TrimSpace(stmt.String()) != "" {
		return refuse(stmtLine, "unfinished SQL statement: missing semicolon?")
	}
	// The up SQL: the kept lines between Up and Down, annotations blanked.
	b := []byte(text)
	off = 0
	for i, raw := range lines {
		if !keep[i] || off < upFrom || off >= upTo {
			for j := off; j < off+len(raw); j++ {
				if b[j] != '\n' {
					b[j] = ' '
				}
			}
		}
		off += len(raw)
	}
	m.Up = string(b)
	return nil
}

// stripLineComments drops "--" comments (outside nothing: a rough cut,
// enough to not count a "$$" written in a comment).
func stripLineComments(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if i := strings.Index(l, "--"); i >= 0 && !strings.Contains(l[:i], "'") {
			l = l[:i]
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}

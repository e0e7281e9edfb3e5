package schema

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	pgparser "github.com/pganalyze/pg_query_go/v5/parser"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Statement is one top-level SQL statement of a file, as found by SplitSQL.
type Statement struct {
	// Text is the statement as written, from its first token to its end,
	// without the terminating semicolon.
	Text string
	// Offset is the byte offset of Text in the file.
	Offset int
	// Line and Col are the 1-based position of Text in the file; Col counts
	// characters (runes), not bytes.
	Line, Col int
	// Kind is the parse node type, e.g. "CreateStmt", "SelectStmt", "DoStmt".
	Kind string
	// Node is the parsed statement; nil when Unparsed is set.
	Node *pg_query.Node
	// Unparsed is set (by SplitStatements only) when pgshift's parser, which
	// knows the grammar of PostgreSQL ParserMajor, rejects the statement: it
	// is the located parse error. The statement may still be valid for a
	// newer server (e.g. `GENERATED ALWAYS AS (...) VIRTUAL` on 18), which is
	// left to decide: a syntax error from the server is reported as this error.
	Unparsed *PosError
	// File is the file the statement comes from when it was read with
	// ReadSchemaFile (an included file), else "" (the file being split).
	File string
}

// ParserMajor is the PostgreSQL major whose grammar pgshift's parser
// (pg_query_go v5, libpg_query 16) knows.
const ParserMajor = 16

// PosError is an error located in a SQL file: it prints as
// "file:line:col: message". Err is the underlying error (a *pgconn.PgError
// for server errors), available through errors.As.
type PosError struct {
	File      string
	Line, Col int
	Msg       string
	Err       error
	offset    int // byte offset in the file, for SplitStatements
}

// Error returns "file:line:col: message".
func (e *PosError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Unwrap returns the underlying error.
func (e *PosError) Unwrap() error { return e.Err }

// copyFromStdin matches the first line of a COPY ... FROM stdin data block.
var copyFromStdin = regexp.MustCompile(`(?i)^\s*COPY\s[^;]*\bFROM\s+STDIN\b`)

// SplitSQL parses src (the contents of the file named path, used only in
// messages) with the PostgreSQL parser and returns its top-level statements
// in file order.
//
// Before parsing, psql meta-command lines (lines whose first non-blank
// character, outside any quoted text or comment, is a backslash, such as the
// \restrict and \unrestrict lines pg_dump 15.14+ writes) are replaced by
// spaces, so offsets stay exact. A COPY ... FROM stdin data block is an
// error: schema files must not carry data. Errors are *PosError values
// printed as "file:line:col: message".
func SplitSQL(path string, src []byte) ([]Statement, error) {
	stmts, _, err := splitSQL(path, src, false)
	return stmts, err
}

// SplitStatements is SplitSQL for files a server will run (schema files
// loaded on the dev server, replayed migrations): it does not depend on the
// parser knowing every statement. Where the parser rejects a statement
// (syntax of a major newer than ParserMajor, or a real syntax error), the
// statement's extent is found with the scanner (pg_query.Scan: quotes,
// dollar quotes and comments, not the grammar) and it is returned with Node
// nil and Unparsed set; the statements around it are parsed as usual. The
// errors are SplitSQL's otherwise.
func SplitStatements(path string, src []byte) ([]Statement, error) {
	stmts, _, err := splitSQL(path, src, true)
	return stmts, err
}

// SplitSQLOffline is SplitSQL for the offline loader: a statement the
// parser rejects is an error at its position that names the statement and
// says that syntax of a major newer than ParserMajor needs a dev database
// (the offline model is built from the parse tree alone).
func SplitSQLOffline(path string, src []byte) ([]Statement, error) {
	stmts, err := SplitStatements(path, src)
	if err != nil {
		return nil, err
	}
	if err := UnparsedError(stmts); err != nil {
		return nil, err
	}
	return stmts, nil
}

// UnparsedError returns, for the first statement of stmts the parser
// rejected (Statement.Unparsed), the error the offline loader reports: at
// its position, naming the statement, saying that syntax of a major newer
// than ParserMajor needs a dev database. nil when every statement parsed.
func UnparsedError(stmts []Statement) error {
	for _, st := range stmts {
		if u := st.Unparsed; u != nil {
			head, _, _ := strings.Cut(st.Text, "\n")
			if r := []rune(head); len(r) > 80 {
				head = string(r[:80]) + "..."
			}
			msg := fmt.Sprintf("%s in statement %q (at %d:%d): pgshift's parser knows the PostgreSQL %d grammar; "+
				"if this is syntax of a newer major, offline mode cannot model it: use a dev database of that major "+
				"(--dev-url, or its server binaries: --pg-bin) instead of --offline", u.Msg, head, st.Line, st.Col, ParserMajor)
			return &PosError{File: u.File, Line: u.Line, Col: u.Col, Msg: msg, Err: u.Err, offset: u.offset}
		}
	}
	return nil
}

// splitSQL is SplitSQL (lenient: SplitStatements) that also returns the
// psql meta-command lines.
func splitSQL(path string, src []byte, lenient bool) ([]Statement, []metaCommand, error) {
	if i := bytes.IndexByte(src, 0); i >= 0 {
		l, c := lineCol(src, i)
		return nil, nil, &PosError{File: path, Line: l, Col: c, Msg: "file contains a NUL byte; is it a SQL text file?"}
	}
	clean, metas, err := blankMetaCommands(path, src)
	if err != nil {
		return nil, nil, err
	}
	text := string(clean)
	pos := posTracker{src: clean, line: 1}
	var stmts []Statement
	for off := 0; off < len(text); {
		tree, err := pg_query.Parse(text[off:])
		if err == nil {
			stmts = appendParsed(stmts, &pos, text, off, len(text), tree)
			break
		}
		perr := parseError(path, clean, off, err)
		var pe *PosError
		if !lenient || !errors.As(perr, &pe) {
			return nil, nil, perr
		}
		errOff := pe.offset
		start, end, ok := unparsedExtent(text, off, errOff)
		if !ok {
			return nil, nil, perr
		}
		if start > off {
			head, herr := pg_query.Parse(text[off:start])
			if herr != nil {
				return nil, nil, parseError(path, clean, off, herr)
			}
			stmts = appendParsed(stmts, &pos, text, off, start, head)
		}
		if s := skipSpaceAndComments(text, start, end); s < end {
			l, c := pos.at(s)
			stmts = append(stmts, Statement{
				Text:     strings.TrimRight(text[s:end], " \t\r\n"),
				Offset:   s,
				Line:     l,
				Col:      c,
				Unparsed: pe,
			})
		}
		off = end + 1 // past the ';'
	}
	return stmts, metas, nil
}

// parseError locates a pg_query parse error of text[off:] in the file.
func parseError(path string, clean []byte, off int, err error) error {
	var pe *pgparser.Error
	if !errors.As(err, &pe) {
		return fmt.Errorf("%s: parse: %w", path, err)
	}
	text := string(clean)
	at := len(text)
	if pe.Cursorpos > 0 {
		at = off + charToByte(text[off:], 0, pe.Cursorpos-1)
	}
	l, c := lineCol(clean, at)
	return &PosError{File: path, Line: l, Col: c, Msg: pe.Message, Err: err, offset: at}
}

// appendParsed appends the statements of tree, the parse of text[off:end].
func appendParsed(stmts []Statement, pos *posTracker, text string, off, end int, tree *pg_query.ParseResult) []Statement {
	for _, raw := range tree.Stmts {
		start := off + int(raw.StmtLocation)
		e := end
		if raw.StmtLen > 0 {
			e = start + int(raw.StmtLen)
		}
		start = skipSpaceAndComments(text, start, e)
		if start >= e || raw.Stmt == nil {
			continue
		}
		l, c := pos.at(start)
		stmts = append(stmts, Statement{
			Text:   strings.TrimRight(text[start:e], " \t\r\n"),
			Offset: start,
			Line:   l,
			Col:    c,
			Kind:   nodeKind(raw.Stmt),
			Node:   raw.Stmt,
		})
	}
	return stmts
}

// unparsedExtent returns the byte range [start, end) of the statement of
// text that holds the parse error at errOff, searching from off: start is
// just past the last top-level ';' token before errOff after which the text
// from off parses (a ';' inside a BEGIN ATOMIC body does not end a
// statement), end the first ';' token at or after errOff (or the end of the
// text). Tokens come from the scanner, so semicolons in strings, quoted
// identifiers, dollar-quoted bodies and comments are not taken for ends.
// ok is false when the scanner rejects the text.
func unparsedExtent(text string, off, errOff int) (start, end int, ok bool) {
	const maxExtentTries = 64
	scan, err := pg_query.Scan(text[off:])
	if err != nil {
		return 0, 0, false
	}
	var semis []int // offsets of ';' tokens in text
	for _, tok := range scan.Tokens {
		if tok.Token == pg_query.Token_ASCII_59 {
			semis = append(semis, off+int(tok.Start))
		}
	}
	start, end = off, len(text)
	tries, nearest := 0, -1
	for i := len(semis) - 1; i >= 0; i-- {
		if semis[i] >= errOff {
			end = semis[i]
			continue
		}
		if nearest < 0 {
			nearest = semis[i] + 1
		}
		// Bounded: past maxExtentTries candidates (a long BEGIN ATOMIC
		// body), the nearest ';' is taken.
		if tries++; tries > maxExtentTries {
			return nearest, end, true
		}
		if _, err := pg_query.Parse(text[off : semis[i]+1]); err == nil {
			return semis[i] + 1, end, true
		}
	}
	return start, end, true
}

// nodeKind returns the parse node type name, e.g. "CreateStmt".
func nodeKind(n *pg_query.Node) string {
	k := fmt.Sprintf("%T", n.GetNode())
	k = strings.TrimPrefix(k, "*pg_query.Node_")
	return k
}

// IsData reports whether the statement only moves data (INSERT, UPDATE,
// DELETE, MERGE, COPY, or a SELECT whose targets are all setval calls) and
// so is skipped when a schema file is loaded.
func (s Statement) IsData() bool {
	switch n := s.Node.GetNode().(type) {
	case *pg_query.Node_InsertStmt, *pg_query.Node_UpdateStmt, *pg_query.Node_DeleteStmt,
		*pg_query.Node_MergeStmt, *pg_query.Node_CopyStmt:
		return true
	case *pg_query.Node_SelectStmt:
		sel := n.SelectStmt
		if len(sel.TargetList) == 0 || len(sel.FromClause) > 0 {
			return false
		}
		for _, t := range sel.TargetList {
			rt := t.GetResTarget()
			if rt == nil {
				return false
			}
			fc := rt.Val.GetFuncCall()
			if fc == nil || !isSetval(fc.Funcname) {
				return false
			}
		}
		return true
	}
	return false
}

// isSetval reports whether a function name is setval or pg_catalog.setval.
func isSetval(name []*pg_query.Node) bool {
	parts := make([]string, 0, len(name))
	for _, n := range name {
		parts = append(parts, n.GetString_().GetSval())
	}
	switch strings.Join(parts, ".") {
	case "setval", "pg_catalog.setval":
		return true
	}
	return false
}

// blankMetaCommands returns a copy of src in which every psql meta-command
// line is replaced by spaces (newlines kept). It tracks quotes, dollar
// quotes and comments so that a backslash at the start of a line inside a
// function body or string is left alone. A COPY ... FROM stdin line is an
// error. It also returns the meta-command lines it blanked.
func blankMetaCommands(path string, src []byte) ([]byte, []metaCommand, error) {
	var metas []metaCommand
	out := make([]byte, len(src))
	copy(out, src)
	const (
		normal = iota
		single
		double
		dollar
		block
	)
	state := normal
	escapes := false // inside an E'...' string
	depth := 0       // block comment nesting
	var tag string   // dollar-quote tag, e.g. "$body$"
	lineStart := true
	for i := 0; i < len(out); i++ {
		c := out[i]
		if lineStart && state == normal {
			// first non-blank character of a line, outside quotes and comments
			j := i
			for j < len(out) && (out[j] == ' ' || out[j] == '\t') {
				j++
			}
			if j < len(out) && out[j] == '\\' {
				eol := bytes.IndexByte(out[j:], '\n')
				if eol < 0 {
					eol = len(out) - j
				}
				l, col := lineCol(src, j)
				name, arg := parseMeta(strings.TrimRight(string(out[j:j+eol]), "\r"))
				metas = append(metas, metaCommand{Offset: j, Line: l, Col: col, Name: name, Arg: arg})
				for i < len(out) && out[i] != '\n' {
					if out[i] != '\r' {
						out[i] = ' '
					}
					i++
				}
				continue // out[i] is '\n' (or end): lineStart stays true
			}
			eol := bytes.IndexByte(out[i:], '\n')
			if eol < 0 {
				eol = len(out) - i
			}
			if copyFromStdin.Match(out[i : i+eol]) {
				l, col := lineCol(src, i)
				return nil, nil, &PosError{File: path, Line: l, Col: col,
					Msg: "COPY ... FROM stdin data block: a schema file must not carry data (dump it with --schema-only)"}
			}
		}
		lineStart = c == '\n'
		switch state {
		case normal:
			switch {
			case c == '\'':
				state = single
				escapes = i > 0 && (out[i-1] == 'E' || out[i-1] == 'e') && (i < 2 || !isIdentByte(out[i-2]))
			case c == '"':
				state = double
			case c == '-' && i+1 < len(out) && out[i+1] == '-':
				for i < len(out) && out[i] != '\n' {
					i++
				}
				lineStart = true
			case c == '/' && i+1 < len(out) && out[i+1] == '*':
				state, depth = block, 1
				i++
			case c == '$' && (i == 0 || !isIdentByte(out[i-1])):
				if t := dollarTag(out[i:]); t != "" {
					state, tag = dollar, t
					i += len(t) - 1
				}
			}
		case single:
			switch {
			case escapes && c == '\\':
				if i+1 < len(out) && out[i+1] == '\n' {
					lineStart = true
				}
				i++
			case c == '\'':
				if i+1 < len(out) && out[i+1] == '\'' {
					i++
				} else {
					state = normal
				}
			}
		case double:
			if c == '"' {
				state = normal // a doubled "" re-enters on the next byte
			}
		case dollar:
			if c == '$' && bytes.HasPrefix(out[i:], []byte(tag)) {
				state = normal
				i += len(tag) - 1
			}
		case block:
			switch {
			case c == '/' && i+1 < len(out) && out[i+1] == '*':
				depth++
				i++
			case c == '*' && i+1 < len(out) && out[i+1] == '/':
				depth--
				i++
				if depth == 0 {
					state = normal
				}
			}
		}
	}
	return out, metas, nil
}

// dollarTag returns the dollar-quote opening tag at the start of b ("$$",
// "$body$"), or "" when b does not start with one.
func dollarTag(b []byte) string {
	for j := 1; j < len(b); j++ {
		c := b[j]
		if c == '$' {
			return string(b[:j+1])
		}
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 || (j > 1 && c >= '0' && c <= '9')) {
			return ""
		}
	}
	return ""
}

// isIdentByte reports whether c can be part of an identifier.
func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// skipSpaceAndComments returns the offset of the first byte in s[start:end]
// that is neither white space nor part of a comment.
func skipSpaceAndComments(s string, start, end int) int {
	i := start
	for i < end {
		switch {
		case s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f':
			i++
		case strings.HasPrefix(s[i:end], "--"):
			for i < end && s[i] != '\n' {
				i++
			}
		case strings.HasPrefix(s[i:end], "/*"):
			depth := 1
			i += 2
			for i < end && depth > 0 {
				switch {
				case strings.HasPrefix(s[i:end], "/*"):
					depth++
					i += 2
				case strings.HasPrefix(s[i:end], "*/"):
					depth--
					i += 2
				default:
					i++
				}
			}
		default:
			return i
		}
	}
	return i
}

// charToByte returns the byte offset in s of the character n characters
// (runes) after byte offset from; it stops at the end of s.
func charToByte(s string, from, n int) int {
	i := from
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

// posTracker is lineCol for a series of increasing offsets: it counts lines
// from the previous offset on, so a file's statements cost one pass over
// the file instead of one pass each.
type posTracker struct {
	src            []byte
	off, line, bol int // last offset, its line (1-based), the offset its line begins at
}

// at returns the line and column of off, like lineCol(p.src, off).
func (p *posTracker) at(off int) (line, col int) {
	if off > len(p.src) {
		off = len(p.src)
	}
	if off < p.off {
		p.off, p.line, p.bol = 0, 1, 0
	}
	seg := p.src[p.off:off]
	if n := bytes.Count(seg, []byte{'\n'}); n > 0 {
		p.line += n
		p.bol = p.off + bytes.LastIndexByte(seg, '\n') + 1
	}
	p.off = off
	return p.line, utf8.RuneCount(p.src[p.bol:off]) + 1
}

// lineCol converts a byte offset in src to a 1-based line and a 1-based
// column counted in characters.
func lineCol(src []byte, off int) (line, col int) {
	if off > len(src) {
		off = len(src)
	}
	before := src[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	ls := bytes.LastIndexByte(before, '\n') + 1
	col = utf8.RuneCount(before[ls:]) + 1
	return line, col
}

// referencedRoles returns the sorted names of the roles stmts refer to
// (RoleSpec nodes naming a role, and roles granted with GRANT role TO ...),
// leaving out roles the statements create themselves and predefined pg_*
// roles.
func referencedRoles(stmts []Statement) []string {
	seen := map[string]bool{}
	created := map[string]bool{}
	for _, st := range stmts {
		if st.Node == nil {
			continue // Unparsed: its roles are not known
		}
		if cr := st.Node.GetCreateRoleStmt(); cr != nil {
			created[cr.Role] = true
		}
		if gr := st.Node.GetGrantRoleStmt(); gr != nil {
			for _, g := range gr.GrantedRoles {
				if ap := g.GetAccessPriv(); ap != nil && ap.PrivName != "" {
					seen[ap.PrivName] = true
				}
			}
		}
		walkMessages(st.Node.ProtoReflect(), func(m protoreflect.Message) {
			if rs, ok := m.Interface().(*pg_query.RoleSpec); ok &&
				rs.Roletype == pg_query.RoleSpecType_ROLESPEC_CSTRING && rs.Rolename != "" {
				seen[rs.Rolename] = true
			}
		})
	}
	var names []string
	for n := range seen {
		if !created[n] && !strings.HasPrefix(n, "pg_") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// walkMessages calls fn for m and every message nested in it.
func walkMessages(m protoreflect.Message, fn func(protoreflect.Message)) {
	if !m.IsValid() {
		return
	}
	fn(m)
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Message() == nil {
			return true
		}
		switch {
		case fd.IsList():
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				walkMessages(l.Get(i).Message(), fn)
			}
		case fd.IsMap():
			v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
				if fd.MapValue().Message() != nil {
					walkMessages(mv.Message(), fn)
				}
				return true
			})
		default:
			walkMessages(v.Message(), fn)
		}
		return true
	})
}

// Package config reads pgshift's project file, pgshift.toml. It parses a
// strict subset of TOML 1.0 (https://toml.io/en/v1.0.0) with the standard
// library only: comments, [table] and [dotted.table] headers, bare and
// quoted keys, basic and literal strings, integers, booleans and arrays of
// those (over several lines, trailing comma allowed). Everything else
// (floats, dates, inline tables, arrays of tables, multi-line strings,
// dotted keys) is an error, as are duplicate keys and tables; every error
// is "file:line:col: message".
package config

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind is the type of a Value.
type Kind int

// Kinds of values.
const (
	String Kind = iota
	Integer
	Bool
	Array
)

func (k Kind) String() string {
	return [...]string{"string", "integer", "boolean", "array"}[k]
}

// Value is one value of the file, with its position.
type Value struct {
	Kind      Kind
	Str       string
	Int       int64
	Bool      bool
	List      []Value
	Line, Col int
}

// Table is the key/value pairs under one header ("" for the top level), in
// file order.
type Table struct {
	Name      string
	Keys      []string
	Values    map[string]Value
	Line, Col int // of the header (1, 1 for the top level)
}

// Doc is a parsed file: its tables by name, and the names in file order.
type Doc struct {
	File   string
	Tables map[string]*Table
	Order  []string
}

// Error is a parse or validation error at a position of the file.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg) }

// parser is the state of Parse: the text and a byte offset into it.
type parser struct {
	file string
	src  string
	off  int
}

func (p *parser) pos(off int) (int, int) {
	before := p.src[:off]
	line := strings.Count(before, "\n") + 1
	col := utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]) + 1
	return line, col
}

func (p *parser) errAt(off int, format string, args ...any) error {
	l, c := p.pos(off)
	return &Error{File: p.file, Line: l, Col: c, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) peek() byte {
	if p.off < len(p.src) {
		return p.src[p.off]
	}
	return 0
}

// skipSpace skips blanks and tabs; with newlines, also newlines and comments.
func (p *parser) skipSpace(newlines bool) {
	for p.off < len(p.src) {
		switch c := p.src[p.off]; {
		case c == ' ' || c == '\t':
			p.off++
		case c == '#':
			for p.off < len(p.src) && p.src[p.off] != '\n' {
				p.off++
			}
		case newlines && (c == '\n' || c == '\r'):
			p.off++
		default:
			return
		}
	}
}

// endOfLine expects only blanks and a comment up to the end of the line.
func (p *parser) endOfLine() error {
	p.skipSpace(false)
	switch {
	case p.off >= len(p.src):
		return nil
	case p.src[p.off] == '\n':
		p.off++
		return nil
	case strings.HasPrefix(p.src[p.off:], "\r\n"):
		p.off += 2
		return nil
	}
	return p.errAt(p.off, "unexpected %q after the value (one key = value per line)", p.src[p.off])
}

func isBare(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// key reads a bare or quoted key.
func (p *parser) key() (string, error) {
	start := p.off
	switch p.peek() {
	case '"':
		return p.basicString()
	case '\'':
		return p.literalString()
	}
	for p.off < len(p.src) && isBare(p.src[p.off]) {
		p.off++
	}
	if p.off == start {
		return "", p.errAt(start, "want a key")
	}
	return p.src[start:p.off], nil
}

// Parse parses the text of a file named file (used in messages).
func Parse(file string, src []byte) (*Doc, error) {
	p := &parser{file: file, src: string(src)}
	if !utf8.Valid(src) {
		return nil, &Error{File: file, Line: 1, Col: 1, Msg: "not UTF-8 text"}
	}
	doc := &Doc{File: file, Tables: map[string]*Table{}}
	cur := &Table{Name: "", Values: map[string]Value{}, Line: 1, Col: 1}
	doc.Tables[""] = cur
	doc.Order = append(doc.Order, "")
	for {
		p.skipSpace(true)
		if p.off >= len(p.src) {
			return doc, nil
		}
		if p.peek() == '[' {
			start := p.off
			p.off++
			if p.peek() == '[' {
				return nil, p.errAt(start, "arrays of tables ([[...]]) are not supported")
			}
			var parts []string
			for {
				p.skipSpace(false)
				k, err := p.key()
				if err != nil {
					return nil, err
				}
				parts = append(parts, k)
				p.skipSpace(false)
				if p.peek() == '.' {
					p.off++
					continue
				}
				if p.peek() != ']' {
					return nil, p.errAt(p.off, "want ] to end the table header")
				}
				p.off++
				break
			}
			name := strings.Join(parts, ".")
			if doc.Tables[name] != nil {
				return nil, p.errAt(start, "table [%s] defined twice", name)
			}
			l, c := p.pos(start)
			cur = &Table{Name: name, Values: map[string]Value{}, Line: l, Col: c}
			doc.Tables[name] = cur
			doc.Order = append(doc.Order, name)
			if err := p.endOfLine(); err != nil {
				return nil, err
			}
			continue
		}
		kstart := p.off
		k, err := p.key()
		if err != nil {
			return nil, err
		}
		p.skipSpace(false)
		if p.peek() == '.' {
			return nil, p.errAt(p.off, "dotted keys are not supported; use a [table] header")
		}
		if p.peek() != '=' {
			return nil, p.errAt(p.off, "want = after the key %q", k)
		}
		p.off++
		p.skipSpace(false)
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if _, dup := cur.Values[k]; dup {
			return nil, p.errAt(kstart, "key %q defined twice", k)
		}
		cur.Keys = append(cur.Keys, k)
		cur.Values[k] = v
		if err := p.endOfLine(); err != nil {
			return nil, err
		}
	}
}

// value reads a string, integer, boolean or array.
func (p *parser) value() (Value, error) {
	start := p.off
	l, c := p.pos(start)
	v := Value{Line: l, Col: c}
	switch ch := p.peek(); {
	case ch == '"' || ch == '\'':
		if strings.HasPrefix(p.src[p.off:], `"""`) || strings.HasPrefix(p.src[p.off:], `'''`) {
			return v, p.errAt(start, "multi-line strings are not supported")
		}
		var s string
		var err error
		if ch == '"' {
			s, err = p.basicString()
		} else {
			s, err = p.literalString()
		}
		v.Kind, v.Str = String, s
		return v, err
	case ch == '[':
		p.off++
		v.Kind = Array
		for {
			p.skipSpace(true)
			if p.peek() == ']' {
				p.off++
				return v, nil
			}
			if p.off >= len(p.src) {
				return v, p.errAt(start, "array not closed with ]")
			}
			e, err := p.value()
			if err != nil {
				return v, err
			}
			if e.Kind == Array {
				return v, p.errAt(start, "nested arrays are not supported")
			}
			if len(v.List) > 0 && v.List[0].Kind != e.Kind {
				l, c := e.Line, e.Col
				return v, &Error{File: p.file, Line: l, Col: c, Msg: fmt.Sprintf("array mixes %s and %s values", v.List[0].Kind, e.Kind)}
			}
			v.List = append(v.List, e)
			p.skipSpace(true)
			switch {
			case p.peek() == ',':
				p.off++
			case p.peek() == ']':
			case p.off >= len(p.src):
				return v, p.errAt(start, "array not closed with ]")
			default:
				return v, p.errAt(p.off, "want , or ] in the array")
			}
		}
	case ch == '{':
		return v, p.errAt(start, "inline tables are not supported; use a [table] header")
	}
	end := p.off
	for end < len(p.src) && (isBare(p.src[end]) || p.src[end] == '+' || p.src[end] == '.' || p.src[end] == ':') {
		end++
	}
	word := p.src[start:end]
	switch word {
	case "true", "false":
		p.off = end
		v.Kind, v.Bool = Bool, word == "true"
		return v, nil
	case "":
		return v, p.errAt(start, "want a value")
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(word, "_", ""), 10, 64)
	if err != nil || strings.HasPrefix(word, "_") || strings.HasSuffix(word, "_") || strings.Contains(word, "__") ||
		len(strings.TrimLeft(word, "+-")) > 1 && strings.TrimLeft(word, "+-")[0] == '0' {
		return v, p.errAt(start, "%q: want a string (in quotes), an integer, true, false or an array (floats and dates are not supported)", word)
	}
	p.off = end
	v.Kind, v.Int = Integer, n
	return v, nil
}

// basicString reads "..." with TOML's escapes.
func (p *parser) basicString() (string, error) {
	start := p.off
	p.off++
	var b strings.Builder
	for {
		if p.off >= len(p.src) || p.src[p.off] == '\n' {
			return "", p.errAt(start, "string not closed with \"")
		}
		c := p.src[p.off]
		switch {
		case c == '"':
			p.off++
			return b.String(), nil
		case c == '\\':
			if p.off+1 >= len(p.src) {
				return "", p.errAt(p.off, "bad escape")
			}
			e := p.src[p.off+1]
			simple := map[byte]string{'b': "\b", 't': "\t", 'n': "\n", 'f': "\f", 'r': "\r", '"': `"`, '\\': `\`}
			if s, ok := simple[e]; ok {
				b.WriteString(s)
				p.off += 2
				continue
			}
			n := map[byte]int{'u': 4, 'U': 8}[e]
			if n == 0 || p.off+2+n > len(p.src) {
				return "", p.errAt(p.off, "bad escape \\%c", e)
			}
			r, err := strconv.ParseUint(p.src[p.off+2:p.off+2+n], 16, 32)
			if err != nil || !utf8.ValidRune(rune(r)) {
				return "", p.errAt(p.off, "bad escape %s", p.src[p.off:p.off+2+n])
			}
			b.WriteRune(rune(r))
			p.off += 2 + n
		case c < 0x20 && c != '\t' || c == 0x7f:
			return "", p.errAt(p.off, "control character in a string")
		default:
			b.WriteByte(c)
			p.off++
		}
	}
}

// literalString reads '...' (no escapes).
func (p *parser) literalString() (string, error) {
	start := p.off
	end := strings.IndexAny(p.src[p.off+1:], "'\n")
	if end < 0 || p.src[p.off+1+end] != '\'' {
		return "", p.errAt(start, "string not closed with '")
	}
	s := p.src[p.off+1 : p.off+1+end]
	p.off += end + 2
	return s, nil
}

package schema

import (
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// Annotation is a pgshift directive written as a comment in schema.sql:
//
//	full_name text,  -- pgshift:renamed-from name
//	-- pgshift:drop table public.legacy_events
//	-- pgshift:drop column public.users.nickname
//	verified boolean NOT NULL, -- pgshift:backfill false
//
// renamed-from stands on the line of a column definition in CREATE TABLE
// and declares that the column was called From before (renames are never
// guessed from a drop and an add); on the line of the CREATE TABLE name,
// before the first column, it declares that the table was called From
// (Column is "", From the old table's qualified name, in the same schema). drop allows the planner to drop that
// table or column without --allow-drop. backfill, on the line of a NOT NULL
// column without a default, gives the SQL expression that fills existing
// rows when the column is added to a table that has rows.
type Annotation struct {
	Kind   string // "renamed-from" or "drop"
	Table  string // qualified table key; for an unqualified name, resolved after loading
	Column string // the column (its new name for renamed-from); "" for a table
	From   string // renamed-from: the old column name; for a table (Column ""), the old qualified table name
	Expr   string // backfill: the SQL expression for existing rows
	Pos    string // file:line:col of the comment
}

// Annotation kinds.
const (
	AnnotationRenamedFrom = "renamed-from"
	AnnotationDrop        = "drop"
	AnnotationBackfill    = "backfill"
)

// sqldefRenamed is the prefix of psqldef's column rename annotation
// (`-- @renamed from=old_name`), accepted as an alias of renamed-from.
const sqldefRenamed = "@renamed"

// parseAnnotations finds pgshift directives in the comments of src (the
// file's text as SplitSQL parsed it) and ties renamed-from and backfill
// directives to the column definition they follow on their line. psqldef's
// `-- @renamed from=OLD` is read as `-- pgshift:renamed-from OLD`. A
// directive that cannot be tied to a column is an error, never ignored.
// Errors name file:line:col.
func parseAnnotations(path, src string, stmts []Statement) ([]Annotation, error) {
	if !strings.Contains(src, "pgshift:") && !strings.Contains(src, sqldefRenamed) {
		return nil, nil
	}
	scan, err := pg_query.Scan(src)
	if err != nil {
		return nil, nil // SplitSQL accepted the file; a scanner hiccup only loses directives
	}
	b := []byte(src)
	var out []Annotation
	prevEnd := -1 // end of the last token that is not a comment
	for _, tok := range scan.Tokens {
		if tok.Token != pg_query.Token_SQL_COMMENT && tok.Token != pg_query.Token_C_COMMENT {
			prevEnd = int(tok.End)
			continue
		}
		text := src[tok.Start:tok.End]
		line, col := lineCol(b, int(tok.Start))
		pos := fmt.Sprintf("%s:%d:%d", path, line, col)
		body := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(text, "--"), "/*"), "*/"))
		var kind, arg string
		switch i := strings.Index(text, "pgshift:"); {
		case i >= 0:
			rest := strings.TrimSpace(strings.TrimSuffix(text[i+len("pgshift:"):], "*/"))
			kind, arg, _ = strings.Cut(rest, " ")
			arg = strings.TrimSpace(arg)
			if kind == "" {
				return nil, fmt.Errorf("%s: empty pgshift directive", pos)
			}
		case strings.HasPrefix(body, sqldefRenamed+" ") || body == sqldefRenamed:
			from, ok := strings.CutPrefix(strings.TrimSpace(strings.TrimPrefix(body, sqldefRenamed)), "from=")
			if !ok {
				return nil, fmt.Errorf("%s: want `@renamed from=OLD_NAME` (psqldef's column rename)", pos)
			}
			kind, arg = AnnotationRenamedFrom, from
		default:
			continue
		}
		// The column a directive is about is the one whose definition the
		// comment follows on its line.
		column := func() (table, column string, err error) {
			if prevEnd < 0 {
				return "", "", fmt.Errorf("%s: pgshift:%s must follow a column definition in CREATE TABLE on its line", pos, kind)
			}
			if l, _ := lineCol(b, prevEnd); l != line {
				return "", "", fmt.Errorf("%s: pgshift:%s must follow a column definition in CREATE TABLE on its line (it stands on a line of its own)", pos, kind)
			}
			table, column, ok := columnBefore(stmts, int(tok.Start))
			if !ok {
				return "", "", fmt.Errorf("%s: pgshift:%s must follow a column definition in CREATE TABLE on its line", pos, kind)
			}
			return table, column, nil
		}
		switch kind {
		case AnnotationRenamedFrom:
			if table, ok := tableLine(stmts, b, int(tok.Start), line); ok {
				// On the CREATE TABLE line, before the first element: the
				// table was called From before.
				parts, ok := parseQualified(arg)
				if !ok {
					return nil, fmt.Errorf("%s: want `pgshift:renamed-from OLD_TABLE` or `SCHEMA.OLD_TABLE` on the CREATE TABLE line (double-quote a name with spaces, dots or quotes)", pos)
				}
				from := QuoteIdent(parts[0])
				if len(parts) == 2 {
					from = QualName(parts[0], parts[1])
				}
				if from == table || (len(parts) == 1 && strings.HasSuffix(table, "."+from)) {
					return nil, fmt.Errorf("%s: pgshift:renamed-from names the table's own name %s", pos, from)
				}
				out = append(out, Annotation{Kind: AnnotationRenamedFrom, Table: table, From: from, Pos: pos})
				continue
			}
			from, rest, ok := cutIdent(arg)
			if !ok || strings.TrimSpace(rest) != "" {
				return nil, fmt.Errorf("%s: want `pgshift:renamed-from OLD_NAME` (one name; double-quote a name with spaces or quotes)", pos)
			}
			table, column, err := column()
			if err != nil {
				return nil, err
			}
			if from == column {
				return nil, fmt.Errorf("%s: pgshift:renamed-from names the column's own name %s", pos, QuoteIdent(from))
			}
			out = append(out, Annotation{Kind: AnnotationRenamedFrom, Table: table, Column: column, From: from, Pos: pos})
		case AnnotationBackfill:
			expr := arg
			if expr == "" {
				return nil, fmt.Errorf("%s: want `pgshift:backfill EXPRESSION`", pos)
			}
			if _, err := pg_query.Parse("SELECT " + expr); err != nil {
				return nil, fmt.Errorf("%s: pgshift:backfill: %v", pos, err)
			}
			table, column, err := column()
			if err != nil {
				return nil, err
			}
			out = append(out, Annotation{Kind: AnnotationBackfill, Table: table, Column: column, Expr: expr, Pos: pos})
		case AnnotationDrop:
			fields := strings.Fields(arg)
			if len(fields) != 2 || (fields[0] != "table" && fields[0] != "column") {
				return nil, fmt.Errorf("%s: want `pgshift:drop table SCHEMA.TABLE` or `pgshift:drop column SCHEMA.TABLE.COLUMN`", pos)
			}
			parts := splitQualified(fields[1])
			a := Annotation{Kind: AnnotationDrop, Pos: pos}
			switch {
			case fields[0] == "table" && len(parts) == 2:
				a.Table = QualName(parts[0], parts[1])
			case fields[0] == "column" && len(parts) == 3:
				a.Table, a.Column = QualName(parts[0], parts[1]), parts[2]
			default:
				return nil, fmt.Errorf("%s: pgshift:drop needs a schema-qualified name", pos)
			}
			out = append(out, a)
		default:
			return nil, fmt.Errorf("%s: unknown pgshift directive %q (known: renamed-from, drop, backfill)", pos, kind)
		}
	}
	return out, nil
}

// cutIdent reads one identifier at the start of s: a double-quoted one
// ("" stands for a quote; spaces allowed), or an unquoted word, folded to
// lower case as PostgreSQL does. It returns the name and the rest of s.
func cutIdent(s string) (name, rest string, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "", false
	}
	if s[0] != '"' {
		end := strings.IndexAny(s, " \t")
		if end < 0 {
			end = len(s)
		}
		if strings.ContainsRune(s[:end], '"') {
			return "", "", false
		}
		return strings.ToLower(s[:end]), s[end:], true
	}
	var sb strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] == '"' {
			if i+1 < len(s) && s[i+1] == '"' {
				sb.WriteByte('"')
				i++
				continue
			}
			if sb.Len() == 0 {
				return "", "", false
			}
			return sb.String(), s[i+1:], true
		}
		sb.WriteByte(s[i])
	}
	return "", "", false // unterminated
}

// tableLine reports whether a comment at byte offset off, on line line of
// src, stands on the line of a CREATE TABLE's name before the table's first
// element (`CREATE TABLE new ( -- pgshift:renamed-from old`), and returns
// the table ("schema.name" quoted, or just the quoted name when
// unqualified).
func tableLine(stmts []Statement, src []byte, off, line int) (table string, ok bool) {
	for _, st := range stmts {
		if off < st.Offset || off > st.Offset+len(st.Text) {
			continue
		}
		cs := st.Node.GetCreateStmt()
		if cs == nil || cs.Relation == nil {
			return "", false
		}
		if l, _ := lineCol(src, int(cs.Relation.Location)); l != line {
			return "", false
		}
		for _, el := range cs.TableElts {
			loc := -1
			if cd := el.GetColumnDef(); cd != nil {
				loc = int(cd.Location)
			} else if c := el.GetConstraint(); c != nil {
				loc = int(c.Location)
			} else if l := el.GetTableLikeClause(); l != nil && l.Relation != nil {
				loc = int(l.Relation.Location)
			}
			if loc >= 0 && loc < off {
				return "", false
			}
		}
		if cs.Relation.Schemaname != "" {
			return QualName(cs.Relation.Schemaname, cs.Relation.Relname), true
		}
		return QuoteIdent(cs.Relation.Relname), true
	}
	return "", false
}

// parseQualified reads a table name as a directive gives it: NAME or
// SCHEMA.NAME, each part unquoted (folded to lower case) or double-quoted
// ("" stands for a quote), and nothing after it.
func parseQualified(s string) ([]string, bool) {
	s = strings.TrimSpace(s)
	var parts []string
	for {
		var name string
		if strings.HasPrefix(s, "\"") {
			n, rest, ok := cutIdent(s)
			if !ok {
				return nil, false
			}
			name, s = n, rest
		} else {
			end := strings.IndexAny(s, ". \t\"")
			if end < 0 {
				end = len(s)
			}
			name, s = strings.ToLower(s[:end]), s[end:]
			if name == "" {
				return nil, false
			}
		}
		parts = append(parts, name)
		if s == "" {
			break
		}
		if s[0] != '.' || len(parts) == 2 {
			return nil, false
		}
		s = s[1:]
	}
	return parts, true
}

// columnBefore finds the CREATE TABLE element that a comment at byte
// offset off follows: the last table element of the statement holding off
// that starts before it. It must be a column definition; the result is its
// table ("schema.name" quoted, or just the quoted name when unqualified)
// and name.
func columnBefore(stmts []Statement, off int) (table, column string, ok bool) {
	for _, st := range stmts {
		if off < st.Offset || off > st.Offset+len(st.Text) {
			continue
		}
		cs := st.Node.GetCreateStmt()
		if cs == nil || cs.Relation == nil {
			return "", "", false
		}
		var last *pg_query.ColumnDef
		lastLoc := -1
		for _, el := range cs.TableElts {
			loc := -1
			if cd := el.GetColumnDef(); cd != nil {
				loc = int(cd.Location)
			} else if c := el.GetConstraint(); c != nil {
				loc = int(c.Location)
			} else if l := el.GetTableLikeClause(); l != nil && l.Relation != nil {
				loc = int(l.Relation.Location)
			}
			if loc >= 0 && loc < off && loc > lastLoc {
				lastLoc, last = loc, el.GetColumnDef()
			}
		}
		if last == nil {
			return "", "", false
		}
		t := QuoteIdent(cs.Relation.Relname)
		if cs.Relation.Schemaname != "" {
			t = QualName(cs.Relation.Schemaname, cs.Relation.Relname)
		}
		return t, last.Colname, true
	}
	return "", "", false
}

// splitQualified splits a dotted name, honouring double quotes; unquoted
// parts are folded to lower case as PostgreSQL does.
func splitQualified(s string) []string {
	var parts []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' && quoted && i+1 < len(s) && s[i+1] == '"':
			cur.WriteByte('"')
			i++
		case c == '"':
			quoted = !quoted
		case c == '.' && !quoted:
			parts = append(parts, cur.String())
			cur.Reset()
		case !quoted:
			cur.WriteString(strings.ToLower(string(c)))
		default:
			cur.WriteByte(c)
		}
	}
	return append(parts, cur.String())
}

func unquoteIdent(s string) string { return splitQualified(s)[0] }

// resolveAnnotations qualifies unqualified table names in annotations with
// the schema that holds the table in s (an error when none or several do).
func resolveAnnotations(s *Schema, anns []Annotation) ([]Annotation, error) {
	for i, a := range anns {
		if strings.Contains(a.Table, ".") && s.Tables[a.Table] != nil {
			continue
		}
		if a.Kind == AnnotationDrop {
			continue // the table is gone from schema.sql by design
		}
		var found []string
		for k, t := range s.Tables {
			if QuoteIdent(t.Name) == a.Table || k == a.Table {
				found = append(found, k)
			}
		}
		if len(found) != 1 {
			return nil, fmt.Errorf("%s: cannot tell which table %s the directive is about (%d found)", a.Pos, a.Table, len(found))
		}
		anns[i].Table = found[0]
	}
	for i, a := range anns {
		if a.Kind != AnnotationRenamedFrom {
			continue
		}
		if a.Column == "" {
			// A table rename: the old name is in the new table's schema
			// (RENAME TO cannot move a table to another schema).
			t := s.Tables[a.Table]
			parts := splitQualified(a.From)
			if len(parts) == 1 {
				anns[i].From = QualName(t.Schema, parts[0])
			} else if parts[0] != t.Schema {
				return nil, fmt.Errorf("%s: pgshift:renamed-from %s: a renamed table stays in its schema (%s); move it with ALTER TABLE ... SET SCHEMA in a migration of its own",
					a.Pos, a.From, QuoteIdent(t.Schema))
			}
			if s.Tables[anns[i].From] != nil || s.Views[anns[i].From] != nil {
				return nil, fmt.Errorf("%s: pgshift:renamed-from %s: the schema still has a table or view %s", a.Pos, anns[i].From, anns[i].From)
			}
			continue
		}
		if t := s.Tables[a.Table]; t != nil && t.Column(a.From) != nil {
			return nil, fmt.Errorf("%s: pgshift:renamed-from %s: table %s still has a column %s", a.Pos, QuoteIdent(a.From), a.Table, QuoteIdent(a.From))
		}
	}
	return anns, nil
}

// FileAnnotations returns the pgshift directives of the files a schema was
// read from (ReadSchemaFile), each tied to its column as parseAnnotations
// does. Errors name file:line:col.
func FileAnnotations(files []SchemaFile) ([]Annotation, error) {
	var anns []Annotation
	for _, f := range files {
		a, err := parseAnnotations(f.Path, string(f.Src), f.Stmts)
		if err != nil {
			return nil, err
		}
		anns = append(anns, a...)
	}
	return anns, nil
}

// ResolveAnnotations qualifies the tables of anns against the loaded model
// s and checks renamed-from directives against it (see resolveAnnotations).
func ResolveAnnotations(s *Schema, anns []Annotation) ([]Annotation, error) {
	return resolveAnnotations(s, anns)
}

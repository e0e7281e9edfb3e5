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
// guessed from a drop and an add). drop allows the planner to drop that
// table or column without --allow-drop. backfill, on the line of a NOT NULL
// column without a default, gives the SQL expression that fills existing
// rows when the column is added to a table that has rows.
type Annotation struct {
	Kind   string // "renamed-from" or "drop"
	Table  string // qualified table key; for an unqualified name, resolved after loading
	Column string // the column (its new name for renamed-from); "" for a table
	From   string // renamed-from: the old column name
	Expr   string // backfill: the SQL expression for existing rows
	Pos    string // file:line:col of the comment
}

// Annotation kinds.
const (
	AnnotationRenamedFrom = "renamed-from"
	AnnotationDrop        = "drop"
	AnnotationBackfill    = "backfill"
)

// parseAnnotations finds pgshift directives in the comments of src (the
// file's text as SplitSQL parsed it) and ties renamed-from directives to the
// column defined on the same line. Errors name file:line:col.
func parseAnnotations(path, src string, stmts []Statement) ([]Annotation, error) {
	if !strings.Contains(src, "pgshift:") {
		return nil, nil
	}
	scan, err := pg_query.Scan(src)
	if err != nil {
		return nil, nil // SplitSQL accepted the file; a scanner hiccup only loses directives
	}
	b := []byte(src)
	var out []Annotation
	for _, tok := range scan.Tokens {
		if tok.Token != pg_query.Token_SQL_COMMENT && tok.Token != pg_query.Token_C_COMMENT {
			continue
		}
		text := src[tok.Start:tok.End]
		i := strings.Index(text, "pgshift:")
		if i < 0 {
			continue
		}
		line, col := lineCol(b, int(tok.Start))
		pos := fmt.Sprintf("%s:%d:%d", path, line, col)
		fields := strings.Fields(strings.TrimSuffix(text[i+len("pgshift:"):], "*/"))
		if len(fields) == 0 {
			return nil, fmt.Errorf("%s: empty pgshift directive", pos)
		}
		switch fields[0] {
		case AnnotationRenamedFrom:
			if len(fields) != 2 {
				return nil, fmt.Errorf("%s: want `pgshift:renamed-from OLD_NAME`", pos)
			}
			table, column, ok := columnOnLine(b, stmts, line)
			if !ok {
				return nil, fmt.Errorf("%s: pgshift:renamed-from must stand on the line of a column definition in CREATE TABLE", pos)
			}
			out = append(out, Annotation{Kind: AnnotationRenamedFrom, Table: table, Column: column, From: unquoteIdent(fields[1]), Pos: pos})
		case AnnotationBackfill:
			expr := strings.TrimSpace(strings.TrimSuffix(text[i+len("pgshift:"):], "*/"))
			expr = strings.TrimSpace(strings.TrimPrefix(expr, AnnotationBackfill))
			if expr == "" {
				return nil, fmt.Errorf("%s: want `pgshift:backfill EXPRESSION`", pos)
			}
			if _, err := pg_query.Parse("SELECT " + expr); err != nil {
				return nil, fmt.Errorf("%s: pgshift:backfill: %v", pos, err)
			}
			table, column, ok := columnOnLine(b, stmts, line)
			if !ok {
				return nil, fmt.Errorf("%s: pgshift:backfill must stand on the line of a column definition in CREATE TABLE", pos)
			}
			out = append(out, Annotation{Kind: AnnotationBackfill, Table: table, Column: column, Expr: expr, Pos: pos})
		case AnnotationDrop:
			if len(fields) != 3 || (fields[1] != "table" && fields[1] != "column") {
				return nil, fmt.Errorf("%s: want `pgshift:drop table SCHEMA.TABLE` or `pgshift:drop column SCHEMA.TABLE.COLUMN`", pos)
			}
			parts := splitQualified(fields[2])
			a := Annotation{Kind: AnnotationDrop, Pos: pos}
			switch {
			case fields[1] == "table" && len(parts) == 2:
				a.Table = QualName(parts[0], parts[1])
			case fields[1] == "column" && len(parts) == 3:
				a.Table, a.Column = QualName(parts[0], parts[1]), parts[2]
			default:
				return nil, fmt.Errorf("%s: pgshift:drop needs a schema-qualified name", pos)
			}
			out = append(out, a)
		default:
			return nil, fmt.Errorf("%s: unknown pgshift directive %q (known: renamed-from, drop, backfill)", pos, fields[0])
		}
	}
	return out, nil
}

// columnOnLine finds the CREATE TABLE column defined on a line: its table
// ("schema.name" quoted, or just the quoted name when unqualified) and name.
func columnOnLine(src []byte, stmts []Statement, line int) (table, column string, ok bool) {
	for _, st := range stmts {
		cs := st.Node.GetCreateStmt()
		if cs == nil || cs.Relation == nil {
			continue
		}
		for _, el := range cs.TableElts {
			cd := el.GetColumnDef()
			if cd == nil || cd.Location < 0 {
				continue
			}
			if l, _ := lineCol(src, int(cd.Location)); l == line {
				t := QuoteIdent(cs.Relation.Relname)
				if cs.Relation.Schemaname != "" {
					t = QualName(cs.Relation.Schemaname, cs.Relation.Relname)
				}
				return t, cd.Colname, true
			}
		}
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
	return anns, nil
}

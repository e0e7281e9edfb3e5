package schema

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Object kinds used in object IDs (see ID).
const (
	KindSchema     = "schema"
	KindExtension  = "extension"
	KindType       = "type"
	KindSequence   = "sequence"
	KindTable      = "table"
	KindColumn     = "column"
	KindConstraint = "constraint"
	KindIndex      = "index"
	KindView       = "view"
	KindFunction   = "function"
	KindTrigger    = "trigger"
	KindPolicy     = "policy"
)

// ID builds the identifier of a modeled object, "<kind> <key>", used in Deps
// and by the planner's dependency graph. Keys:
//   - schema, extension: quoted name
//   - type, sequence, table, view, index: qualified name
//   - function: qualified name + "(" + identity arguments + ")"
//   - column: qualified table + "." + quoted column
//   - constraint, trigger, policy: qualified table (or view) + "." + quoted name;
//     a domain constraint is represented by its domain's type ID
func ID(kind, key string) string { return kind + " " + key }

// SubID is the ID of a column, constraint, trigger or policy: kind, then
// the key of its table (or view) parent and its quoted name, built in one
// allocation (ID(kind, parent+"."+QuoteIdent(name)) takes two).
func SubID(kind, parent, name string) string {
	return kind + " " + parent + "." + QuoteIdent(name)
}

// SplitSubKey is the inverse of SubID for the key of such an ID
// ("<schema>.<table>.<quoted name>"): the parent's key and the unquoted
// name. ok is false for a key of any other shape.
func SplitSubKey(key string) (parent, name string, ok bool) {
	parts := splitQualified(key)
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return "", "", false
	}
	return QualName(parts[0], parts[1]), parts[2], true
}

// SplitKey splits the key of a schema-level object ("<schema>.<name>",
// QualName) into its unquoted schema and name; ok is false for a key of
// any other shape.
func SplitKey(key string) (schema, name string, ok bool) {
	parts := splitQualified(key)
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return "", "", false
	}
	return parts[0], parts[1], true
}

// SplitID splits an ID into kind and key.
func SplitID(id string) (kind, key string) {
	kind, key, _ = strings.Cut(id, " ")
	return kind, key
}

// QualName returns the schema-qualified, quoted name: public.foo, "Weird"."x y".
func QualName(schema, name string) string { return QuoteIdent(schema) + "." + QuoteIdent(name) }

// QuoteIdent quotes an identifier the way PostgreSQL's quote_ident does:
// unquoted when it is all lower-case letters, digits, underscores and dollar
// signs, does not start with a digit or dollar, and is not a keyword that
// needs quoting; otherwise in double quotes with inner quotes doubled.
func QuoteIdent(s string) string {
	safe := s != ""
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r == '_':
		case (r >= '0' && r <= '9') || r == '$':
			if i == 0 {
				safe = false
			}
		default:
			safe = false
		}
		if !safe {
			break
		}
	}
	if safe && !reservedKeywords[s] {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// QuoteLiteral quotes a string literal the way quote_literal does, using the
// E” form when the text contains a backslash.
func QuoteLiteral(s string) string {
	q := "'" + strings.ReplaceAll(s, "'", "''") + "'"
	if strings.Contains(s, `\`) {
		return "E" + strings.ReplaceAll(q, `\`, `\\`)
	}
	return q
}

// SortedKeys returns the keys of a map in sorted order.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// reservedKeywords are the PostgreSQL keywords that quote_ident quotes
// (every category but UNRESERVED_KEYWORD in src/include/parser/kwlist.h).
var reservedKeywords = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`all analyse analyze and any array as asc asymmetric authorization binary both case cast
check collate collation column concurrently constraint create cross current_catalog current_date current_role
current_schema current_time current_timestamp current_user default deferrable desc distinct do else end except
false fetch for foreign freeze from full grant group having ilike in initially inner intersect into is isnull join
lateral leading left like limit localtime localtimestamp natural not notnull null offset on only or order outer
overlaps placing primary references returning right select session_user similar some symmetric system_user table
tablesample then to trailing true union unique user using variadic verbose when where window with
between bigint bit boolean char character coalesce dec decimal exists extract float greatest grouping inout int
integer interval json json_array json_arrayagg json_exists json_object json_objectagg json_query json_scalar
json_serialize json_table json_value least merge_action national nchar none normalize nullif numeric out overlay
position precision real row setof smallint substring time timestamp treat trim values varchar xmlattributes
xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`) {
		reservedKeywords[k] = true
	}
}

// ClipIdent cuts s to at most n bytes without splitting a UTF-8 character,
// as PostgreSQL's pg_mbcliplen does when it truncates an identifier to
// NAMEDATALEN-1 bytes.
func ClipIdent(s string, n int) string {
	if n >= len(s) {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

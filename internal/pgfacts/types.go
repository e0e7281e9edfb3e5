package pgfacts

import (
	"strconv"
	"strings"
)

// typeAliases maps the names users write (and pg_query's internal names)
// to the names format_type prints, so a type from a parse tree and one
// from the catalog compare equal.
var typeAliases = map[string]string{
	"varchar": "character varying", "varbit": "bit varying", "bpchar": "character", "char": "character",
	"int": "integer", "int4": "integer", "int8": "bigint", "int2": "smallint",
	"float4": "real", "float8": "double precision", "bool": "boolean", "decimal": "numeric",
	"timestamptz": "timestamp with time zone", "timestamp": "timestamp without time zone",
	"timetz": "time with time zone", "time": "time without time zone",
}

// Type is a column type split into its canonical base name (as
// format_type prints it), its integer modifiers and its array depth.
type Type struct {
	Base  string
	Mods  []int
	Array int
}

// ParseType splits a type as format_type prints it ("character
// varying(20)", "numeric(10,2)", "integer[]", "public.mood") or as a user
// writes it ("varchar(20)", "varbit(8)"); schema qualification of
// pg_catalog types is dropped.
func ParseType(s string) Type {
	s = strings.TrimSpace(strings.ToLower(s))
	var t Type
	for strings.HasSuffix(s, "[]") {
		t.Array++
		s = strings.TrimSpace(strings.TrimSuffix(s, "[]"))
	}
	s = strings.TrimPrefix(s, "pg_catalog.")
	// "timestamp(3) with time zone": the modifier sits inside the name.
	if i := strings.IndexByte(s, '('); i >= 0 {
		if j := strings.IndexByte(s[i:], ')'); j > 0 {
			for _, a := range strings.Split(s[i+1:i+j], ",") {
				n, err := strconv.Atoi(strings.TrimSpace(a))
				if err != nil {
					n = -1
				}
				t.Mods = append(t.Mods, n)
			}
			s = strings.TrimSpace(s[:i] + s[i+j+1:])
			s = strings.Join(strings.Fields(s), " ")
		}
	}
	if a, ok := typeAliases[s]; ok {
		s = a
	}
	t.Base = s
	return t
}

// String renders t in format_type's spelling.
func (t Type) String() string {
	s := t.Base
	if len(t.Mods) > 0 {
		ms := make([]string, len(t.Mods))
		for i, m := range t.Mods {
			ms[i] = strconv.Itoa(m)
		}
		s += "(" + strings.Join(ms, ",") + ")"
	}
	return s + strings.Repeat("[]", t.Array)
}

func sameMods(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TypeChangeRewrites reports whether ALTER COLUMN … TYPE from → to (without
// USING) rewrites the table on major, and a note for a case that depends on
// a session setting. A rewrite is not needed when the old type is binary
// coercible to the new one and no length or precision check can fail
// ("ALTER TABLE", Notes: "when the old type is either binary coercible to
// the new type or an unconstrained domain over the new type, a table
// rewrite is not needed"; measured in ../shared/docs/hazards.md C11, C12,
// C15, C16, and for bit varying and cidr → inet on 15):
//   - character varying(n) → character varying(m ≥ n), unbounded character
//     varying, or text; text → unbounded character varying;
//   - bit varying(n) → bit varying(m ≥ n) or unbounded bit varying;
//   - numeric(p, s) → numeric(p' ≥ p, s), any numeric → unbounded numeric;
//   - cidr → inet.
//
// Everything else rewrites: timestamp → timestamptz is catalog-only on 12+
// only when the session TimeZone is UTC (and its indexes are rebuilt even
// then), so it is reported as a rewrite with a note.
func TypeChangeRewrites(from, to string, major int) (rewrite bool, note string) {
	if major == 0 {
		major = DefaultMajor
	}
	f, t := ParseType(from), ParseType(to)
	if f.Array != t.Array {
		return true, ""
	}
	switch {
	case f.Base == t.Base && sameMods(f.Mods, t.Mods):
		return false, ""
	case f.Base == "character varying" && t.Base == "character varying", f.Base == "bit varying" && t.Base == "bit varying":
		return !(len(t.Mods) == 0 || len(f.Mods) == 1 && len(t.Mods) == 1 && t.Mods[0] >= f.Mods[0]), ""
	case f.Base == "character varying" && t.Base == "text", f.Base == "text" && t.Base == "character varying" && len(t.Mods) == 0:
		return false, ""
	case f.Base == "numeric" && t.Base == "numeric":
		if len(t.Mods) == 0 {
			return false, ""
		}
		if len(f.Mods) == 0 {
			return true, ""
		}
		fs, ts := 0, 0
		if len(f.Mods) > 1 {
			fs = f.Mods[1]
		}
		if len(t.Mods) > 1 {
			ts = t.Mods[1]
		}
		return !(fs == ts && t.Mods[0] >= f.Mods[0]), ""
	case f.Base == "cidr" && t.Base == "inet":
		return false, ""
	case f.Base == "timestamp without time zone" && t.Base == "timestamp with time zone" && major >= 12:
		return true, "on PostgreSQL 12+ it is catalog-only when the session TimeZone is UTC, but the column's indexes are still rebuilt"
	}
	return true, ""
}

// WideningTarget reports whether some other type can be changed to t
// without a rewrite (character varying, text, numeric, bit varying, inet):
// what the linter says when it does not know a column's old type.
func WideningTarget(to string) bool {
	t := ParseType(to)
	if t.Array > 0 {
		return false
	}
	switch t.Base {
	case "text", "character varying", "numeric", "bit varying", "inet":
		return true
	}
	return false
}

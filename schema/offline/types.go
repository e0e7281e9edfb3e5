package offline

import (
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// builtinType describes a pg_catalog type for offline type formatting.
type builtinType struct {
	name    string // format_type name, e.g. "character varying"
	storage string // typstorage: "p", "e", "m", "x"
	coll    bool   // collatable (text-like)
}

// builtinTypes maps pg_catalog type names (internal and SQL spellings, as the
// parser leaves them in TypeName.Names) to their format_type rendering.
var builtinTypes = map[string]builtinType{}

func init() {
	add := func(fmtName, storage string, coll bool, names ...string) {
		for _, n := range append(names, fmtName) {
			builtinTypes[n] = builtinType{fmtName, storage, coll}
		}
	}
	add("integer", "p", false, "int4", "int", "serial", "serial4")
	add("bigint", "p", false, "int8", "bigserial", "serial8")
	add("smallint", "p", false, "int2", "smallserial", "serial2")
	add("real", "p", false, "float4")
	add("double precision", "p", false, "float8")
	add("numeric", "m", false, "decimal")
	add("boolean", "p", false, "bool")
	add("text", "x", true)
	add("character varying", "x", true, "varchar")
	add("character", "x", true, "bpchar", "char")
	add("\"char\"", "p", true)
	add("name", "p", true)
	add("bytea", "x", false)
	add("date", "p", false)
	add("time without time zone", "p", false, "time")
	add("time with time zone", "p", false, "timetz")
	add("timestamp without time zone", "p", false, "timestamp")
	add("timestamp with time zone", "p", false, "timestamptz")
	add("interval", "p", false)
	add("uuid", "p", false)
	add("json", "x", false)
	add("jsonb", "x", false)
	add("jsonpath", "x", false)
	add("xml", "x", false)
	add("inet", "m", false)
	add("cidr", "m", false)
	add("macaddr", "p", false)
	add("macaddr8", "p", false)
	add("money", "p", false)
	add("bit", "x", false)
	add("bit varying", "x", false, "varbit")
	add("tsvector", "x", false)
	add("tsquery", "p", false)
	add("oid", "p", false)
	add("regclass", "p", false)
	add("regproc", "p", false)
	add("regtype", "p", false)
	add("regconfig", "p", false)
	add("point", "p", false)
	add("line", "p", false)
	add("lseg", "p", false)
	add("box", "p", false)
	add("path", "x", false)
	add("polygon", "x", false)
	add("circle", "p", false)
	add("int4range", "x", false)
	add("int8range", "x", false)
	add("numrange", "x", false)
	add("daterange", "x", false)
	add("tsrange", "x", false)
	add("tstzrange", "x", false)
	add("record", "x", false)
	add("trigger", "p", false)
	add("event_trigger", "p", false)
	add("void", "p", false)
	add("anyelement", "p", false)
	add("anyarray", "x", false)
	add("anynonarray", "p", false)
	add("anyenum", "p", false)
	add("anyrange", "x", false)
	add("anycompatible", "p", false)
	add("anycompatiblearray", "x", false)
	add("cstring", "p", false)
	add("internal", "p", false)
	add("pg_lsn", "p", false)
	add("txid_snapshot", "x", false)
	add("pg_snapshot", "x", false)
	add("xid", "p", false)
	add("xid8", "p", false)
	add("cid", "p", false)
	add("tid", "p", false)
	add("refcursor", "x", false)
	add("regnamespace", "p", false)
	add("regrole", "p", false)
	add("regprocedure", "p", false)
	add("regoper", "p", false)
	add("regoperator", "p", false)
	add("regdictionary", "p", false)
	add("aclitem", "p", false)
	add("int2vector", "p", false)
	add("oidvector", "p", false)
	add("language_handler", "p", false)
	add("fdw_handler", "p", false)
	add("index_am_handler", "p", false)
	add("table_am_handler", "p", false)
	add("tsm_handler", "p", false)
	add("unknown", "p", false)
}

// serialTypes maps the serial pseudo-types to their integer type.
var serialTypes = map[string]string{
	"serial": "integer", "serial4": "integer",
	"bigserial": "bigint", "serial8": "bigint",
	"smallserial": "smallint", "serial2": "smallint",
}

// intRange gives min and max of the integer types (sequence bounds).
var intRange = map[string][2]int64{
	"smallint": {-32768, 32767},
	"integer":  {-2147483648, 2147483647},
	"bigint":   {-9223372036854775808, 9223372036854775807},
}

// typeNameParts returns the (schema, name) of a TypeName; schema is "" when
// not written. pg_catalog-qualified names keep "pg_catalog".
func typeNameParts(tn *pg_query.TypeName) (string, string) { return nameList(tn.Names) }

// typmodInts returns the integer typmods of a TypeName (nil when any is not an integer).
func typmodInts(tn *pg_query.TypeName) ([]int64, bool) {
	var out []int64
	for _, m := range tn.Typmods {
		c := m.GetAConst()
		if c == nil || c.GetIval() == nil {
			if c != nil && c.Isnull {
				return nil, false
			}
			if c != nil && c.GetIval() == nil && c.GetFval() == nil && c.GetSval() == nil && c.GetBoolval() == nil {
				out = append(out, 0) // ival 0 is encoded as an empty Integer
				continue
			}
			return nil, false
		}
		out = append(out, int64(c.GetIval().Ival))
	}
	return out, true
}

// interval field masks (datetime.h): INTERVAL_MASK(x) = 1 << x.
const (
	ivMonth  = 1 << 1
	ivYear   = 1 << 2
	ivDay    = 1 << 3
	ivHour   = 1 << 10
	ivMinute = 1 << 11
	ivSecond = 1 << 12
	ivFull   = 0x7FFF
)

var intervalFields = map[int64]string{
	ivYear: " year", ivMonth: " month", ivDay: " day", ivHour: " hour", ivMinute: " minute", ivSecond: " second",
	ivYear | ivMonth: " year to month", ivDay | ivHour: " day to hour", ivDay | ivHour | ivMinute: " day to minute",
	ivDay | ivHour | ivMinute | ivSecond: " day to second", ivHour | ivMinute: " hour to minute",
	ivHour | ivMinute | ivSecond: " hour to second", ivMinute | ivSecond: " minute to second",
}

// formatBuiltin renders a pg_catalog type with its typmods the way
// format_type does; ok is false for unknown names.
func formatBuiltin(name string, mods []int64) (string, bool) {
	bt, ok := builtinTypes[name]
	if !ok {
		return "", false
	}
	n := bt.name
	if st, ok := serialTypes[name]; ok {
		n = st
	}
	switch n {
	case "character varying", "bit varying":
		if len(mods) == 1 {
			return n + "(" + strconv.FormatInt(mods[0], 10) + ")", true
		}
	case "character", "bit":
		if len(mods) == 0 {
			return n + "(1)", true
		}
		return n + "(" + strconv.FormatInt(mods[0], 10) + ")", true
	case "numeric":
		switch len(mods) {
		case 1:
			return "numeric(" + strconv.FormatInt(mods[0], 10) + ",0)", true
		case 2:
			return "numeric(" + strconv.FormatInt(mods[0], 10) + "," + strconv.FormatInt(mods[1], 10) + ")", true
		}
	case "timestamp without time zone", "timestamp with time zone", "time without time zone", "time with time zone":
		if len(mods) == 1 {
			base, zone, _ := strings.Cut(n, " ")
			return base + "(" + strconv.FormatInt(mods[0], 10) + ") " + zone, true
		}
	case "interval":
		// The parser gives [fields] or [fields, precision].
		if len(mods) >= 1 {
			s := "interval"
			if mods[0] != ivFull {
				s += intervalFields[mods[0]]
			}
			if len(mods) == 2 {
				s += "(" + strconv.FormatInt(mods[1], 10) + ")"
			}
			return s, true
		}
	case "real", "double precision":
	}
	return n, true
}

// floatType maps float(p) to real / double precision.
func floatType(mods []int64) string {
	if len(mods) == 1 && mods[0] <= 24 {
		return "real"
	}
	return "double precision"
}

package planner

import (
	"fmt"
	"strings"

	"github.com/pgshift/pgshift/diff"
	"github.com/pgshift/pgshift/schema"
)

// castSafety is what the planner knows about the cast col::to of a value
// of type from (the conversion a type-change recipe and ALTER COLUMN ...
// TYPE ... USING col::to apply).
type castSafety int

const (
	// castUnknown: a pair the planner has no rule for (user types,
	// bounded strings, ...); planned as before.
	castUnknown castSafety = iota
	// castNone: PostgreSQL has no cast between the types (pg_cast has no
	// row and neither side is a string type, so no I/O conversion cast
	// applies: "CREATE CAST" notes); col::to fails on every row.
	castNone
	// castSafe: the cast succeeds for every value of from.
	castSafe
	// castMayFail: the cast exists but fails for some values (text that is
	// not a number, a bigint beyond integer's range).
	castMayFail
)

// typeClass groups the built-in types the cast rules know, with a rank
// for the numeric widening order.
type typeClass struct {
	class string // "int", "numeric", "float", "string", "datetime", "bool", "uuid", "jsonb", "json"
	rank  int    // int: bytes; float: bytes
}

func classify(t string) (typeClass, bool) {
	if strings.HasSuffix(t, "[]") {
		return typeClass{}, false
	}
	base, _, _ := strings.Cut(t, "(")
	switch base {
	case "smallint":
		return typeClass{"int", 2}, true
	case "integer":
		return typeClass{"int", 4}, true
	case "bigint":
		return typeClass{"int", 8}, true
	case "numeric":
		return typeClass{"numeric", 0}, true
	case "real":
		return typeClass{"float", 4}, true
	case "double precision":
		return typeClass{"float", 8}, true
	case "text", "character varying", "character":
		return typeClass{"string", 0}, true
	case "date", "timestamp without time zone", "timestamp with time zone",
		"time without time zone", "time with time zone", "interval":
		return typeClass{"datetime", 0}, true
	case "boolean":
		return typeClass{"bool", 0}, true
	case "uuid":
		return typeClass{"uuid", 0}, true
	case "jsonb":
		return typeClass{"jsonb", 0}, true
	case "json":
		return typeClass{"json", 0}, true
	}
	return typeClass{}, false
}

// castOf classifies the cast from → to by pg_cast's built-in rows
// (PostgreSQL docs, "CREATE CAST" and the table of pg_cast; any type casts
// to and from text, varchar and char through its I/O functions). Only
// pairs of the types classify knows get a verdict.
func castOf(from, to string) castSafety {
	if from == to {
		return castSafe
	}
	f, ok1 := classify(from)
	t, ok2 := classify(to)
	if !ok1 || !ok2 {
		return castUnknown
	}
	switch {
	case t.class == "string":
		if to == "text" || to == "character varying" {
			return castSafe // I/O conversion to an unbounded string never fails
		}
		return castUnknown // a bounded string truncates silently on an explicit cast
	case f.class == "string":
		return castMayFail // I/O conversion from text: fails on values that do not parse
	}
	num := func(c typeClass) bool { return c.class == "int" || c.class == "numeric" || c.class == "float" }
	switch {
	case num(f) && num(t):
		switch {
		case f.class == "int" && t.class == "int":
			if t.rank >= f.rank {
				return castSafe
			}
			return castMayFail
		case f.class == "int" && (t.class == "float" || to == "numeric"):
			return castSafe
		case f.class == "float" && t.class == "float" && t.rank >= f.rank:
			return castSafe
		}
		return castMayFail // narrowing: out of range, NaN or Infinity into an integer, precision
	case f.class == "bool" && t.class == "int", f.class == "int" && t.class == "bool":
		if from == "integer" || to == "integer" {
			return castSafe // pg_cast has int4 <-> bool only
		}
		return castNone
	case f.class == "jsonb" && t.class == "json":
		return castSafe
	case f.class == "json" && t.class == "jsonb":
		return castMayFail // \u0000 escapes do not convert
	case f.class == "jsonb" && (num(t) || t.class == "bool"):
		return castMayFail // jsonb -> numeric, int, float, bool (PostgreSQL 11+)
	case f.class == "datetime" && t.class == "datetime":
		return castUnknown
	case f.class == t.class:
		return castUnknown
	}
	return castNone
}

// checkCasts refuses a column type change PostgreSQL cannot convert: with
// no cast between the types, ALTER COLUMN ... TYPE ... USING col::type and
// a sync trigger would both fail on every row. Errors name the column.
func (b *builder) checkCasts(changes []diff.Change) error {
	for _, ch := range changes {
		c, ok := ch.(*diff.AlterColumn)
		if !ok || c.From.Type == c.To.Type || castOf(c.From.Type, c.To.Type) != castNone {
			continue
		}
		return fmt.Errorf("column %s.%s: PostgreSQL has no cast from %s to %s, so its values cannot be converted in place; "+
			"add a new column of type %s, fill it with a conversion expression (`-- pgshift:backfill EXPR`) and drop the old column in a later release",
			c.Table.Key(), schema.QuoteIdent(c.To.Name), c.From.Type, c.To.Type, c.To.Type)
	}
	return nil
}

// castPreflight returns the pre-flight step of a type change whose cast
// can fail: a DO block that counts the rows of table k whose column col
// does not cast to typ and raises data_exception with the count before
// anything of the plan has changed (it is the plan's first step). One scan
// under ACCESS SHARE; only when that scan fails are the rows counted one
// by one (a subtransaction each).
func castPreflight(k, col, colName, typ string) *Step {
	what := fmt.Sprintf("%s, %s, %s", schema.QuoteLiteral(k), schema.QuoteLiteral(colName), schema.QuoteLiteral(typ))
	sql := fmt.Sprintf(`DO $pgshift_check$
DECLARE
  pgshift_bad bigint := 0;
  pgshift_row record;
BEGIN
  BEGIN
    PERFORM count(%[2]s::%[3]s) FROM %[1]s;
  EXCEPTION WHEN data_exception THEN
    FOR pgshift_row IN SELECT %[2]s AS v FROM %[1]s WHERE %[2]s IS NOT NULL LOOP
      BEGIN
        PERFORM pgshift_row.v::%[3]s;
      EXCEPTION WHEN data_exception THEN
        pgshift_bad := pgshift_bad + 1;
      END;
    END LOOP;
  END;
  IF pgshift_bad > 0 THEN
    RAISE EXCEPTION 'pgshift: %% rows of %%.%% do not cast to %%; nothing was changed', pgshift_bad, %[4]s
      USING ERRCODE = 'data_exception',
            HINT = 'fix or delete those rows (PostgreSQL 16+: WHERE NOT pg_input_is_valid(column::text, type)), then run the migration again';
  END IF;
END
$pgshift_check$;`, k, col, typ, what)
	s := &Step{
		Summary:       fmt.Sprintf("pre-flight: every value of %s.%s casts to %s", k, col, typ),
		Up:            []string{sql},
		Transactional: true,
		Phase:         1,
		Scans:         true,
	}
	s.Hazards = append(s.Hazards, Hazard{Kind: HazardTableScan,
		Message: "reads every row of " + k + " under ACCESS SHARE (reads and writes continue); stops the migration before any change when a value does not cast"})
	return s
}

package pgfacts

import (
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Volatility is a function's (or an expression's) volatility class,
// pg_proc.provolatile ("Function Volatility Categories", xfunc-volatility.html).
type Volatility int

// Volatility classes, weakest first.
const (
	Immutable Volatility = iota
	Stable
	Volatile
)

func (v Volatility) String() string {
	switch v {
	case Immutable:
		return "IMMUTABLE"
	case Stable:
		return "STABLE"
	}
	return "VOLATILE"
}

// funcVolatility is pg_proc.provolatile of the pg_catalog (and common
// extension) functions a column default calls, as PostgreSQL 13–18 declare
// them (SELECT proname, provolatile FROM pg_proc). txid_current,
// pg_current_xact_id and statement_timestamp are STABLE: a default calling
// them is evaluated once by ADD COLUMN (no rewrite; measured on 15). A name
// with overloads of different volatility (date, extract, length) holds the
// strongest; TestFuncVolatilityMeasured checks the table against pg_proc.
var funcVolatility = map[string]Volatility{
	"random": Volatile, "clock_timestamp": Volatile, "timeofday": Volatile, "gen_random_uuid": Volatile,
	"uuid_generate_v1": Volatile, "uuid_generate_v1mc": Volatile, "uuid_generate_v4": Volatile,
	"nextval": Volatile, "setval": Volatile, "random_normal": Volatile, "uuidv4": Volatile, "uuidv7": Volatile,

	"now": Stable, "transaction_timestamp": Stable, "statement_timestamp": Stable, "txid_current": Stable,
	"pg_current_xact_id": Stable, "current_setting": Stable, "current_database": Stable, "current_schema": Stable,
	"to_char": Stable, "to_timestamp": Stable, "concat": Stable, "concat_ws": Stable, "to_jsonb": Stable,
	"to_json": Stable, "age": Stable,

	"lower": Immutable, "upper": Immutable, "length": Stable, "abs": Immutable, "round": Immutable, "md5": Immutable,
	"jsonb_build_object": Stable, "json_build_object": Stable, "jsonb_build_array": Stable, "json_build_array": Stable,
	"make_date": Immutable, "make_interval": Immutable, "make_timestamp": Immutable, "array_fill": Immutable, "btrim": Immutable,
	"trim": Immutable, "replace": Immutable, "substring": Immutable, "substr": Immutable, "left": Immutable, "right": Immutable,
	"greatest": Immutable, "least": Immutable, "int4": Immutable, "int8": Immutable, "numeric": Stable, "date": Stable,
	"timezone": Stable, "extract": Stable, "date_part": Stable, "date_trunc": Stable,
}

// FuncVolatility returns the volatility of a pg_catalog function by its
// unqualified lower-case name; known is false for a function the table does
// not list (PostgreSQL makes a function VOLATILE unless it is declared
// otherwise, "CREATE FUNCTION").
func FuncVolatility(name string) (v Volatility, known bool) {
	v, known = funcVolatility[strings.ToLower(name)]
	if !known {
		return Volatile, false
	}
	return v, true
}

// Lookup resolves the volatility of a function the table does not know
// (e.g. from the schema being planned); nil means none.
type Lookup func(name string) (Volatility, bool)

// ExprVolatility classifies an expression: the strongest volatility of the
// functions it calls (SQL value functions such as CURRENT_TIMESTAMP are
// STABLE, a subquery is VOLATILE). fn names the function that made it
// VOLATILE ("" for a subquery or none); known is false when fn's
// volatility was assumed (neither the table nor lookup knows it).
func ExprVolatility(expr *pg_query.Node, lookup Lookup) (v Volatility, fn string, known bool) {
	v, known = Immutable, true
	if expr == nil {
		return v, "", known
	}
	walk(expr.ProtoReflect(), func(m protoreflect.Message) bool {
		switch x := m.Interface().(type) {
		case *pg_query.FuncCall:
			name := ""
			if len(x.Funcname) > 0 {
				name = strings.ToLower(x.Funcname[len(x.Funcname)-1].GetString_().GetSval())
			}
			fv, ok := FuncVolatility(name)
			if !ok && lookup != nil {
				fv, ok = lookup(name)
			}
			if fv == Volatile {
				v, fn, known = Volatile, name, ok
				return false
			}
			if fv > v {
				v = fv
			}
		case *pg_query.SQLValueFunction:
			if v < Stable {
				v = Stable
			}
		case *pg_query.SubLink:
			v, fn = Volatile, ""
			return false
		}
		return true
	})
	return v, fn, known
}

// DefaultVolatility is ExprVolatility of an expression's text, as
// pg_get_expr prints a column default; an expression that does not parse
// is an error.
func DefaultVolatility(expr string, lookup Lookup) (Volatility, string, bool, error) {
	res, err := pg_query.Parse("SELECT " + expr)
	if err != nil {
		return Volatile, "", false, fmt.Errorf("parse default %q: %w", expr, err)
	}
	stmts := res.GetStmts()
	if len(stmts) != 1 {
		return Volatile, "", false, fmt.Errorf("parse default %q: not one expression", expr)
	}
	v, fn, known := ExprVolatility(stmts[0].GetStmt(), lookup)
	return v, fn, known, nil
}

// walk calls fn for m and every message nested in it, depth first, until
// fn returns false.
func walk(m protoreflect.Message, fn func(protoreflect.Message) bool) bool {
	if !m.IsValid() {
		return true
	}
	if !fn(m) {
		return false
	}
	ok := true
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Message() == nil || fd.IsMap() {
			return true
		}
		if fd.IsList() {
			lst := v.List()
			for i := 0; i < lst.Len() && ok; i++ {
				ok = walk(lst.Get(i).Message(), fn)
			}
			return ok
		}
		ok = walk(v.Message(), fn)
		return ok
	})
	return ok
}

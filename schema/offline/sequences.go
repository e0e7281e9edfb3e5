package offline

import (
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"github.com/pgshift/pgshift/schema"
)

// ownedByName returns the dotted column name of an OWNED BY option.
func ownedByName(d *pg_query.DefElem) string {
	var parts []string
	for _, it := range d.Arg.GetList().GetItems() {
		parts = append(parts, it.GetString_().GetSval())
	}
	return strings.Join(parts, ".")
}

// seqOptions applies the options of CREATE SEQUENCE (or an identity
// column) to sq, filling PostgreSQL's defaults for those not given; OWNED BY
// goes to *owner when owner is not nil.
func (b *offline) seqOptions(sq *schema.Sequence, opts []*pg_query.Node, owner *string) {
	var minSet, maxSet, startSet bool
	var minNo, maxNo bool
	for _, o := range opts {
		d := o.GetDefElem()
		if d == nil {
			continue
		}
		switch d.Defname {
		case "as":
			sq.DataType, _ = b.formatType(d.Arg.GetTypeName())
		case "increment":
			sq.Increment = defInt(d)
		case "minvalue":
			if d.Arg == nil {
				minNo = true
			} else {
				sq.Min, minSet = defInt(d), true
			}
		case "maxvalue":
			if d.Arg == nil {
				maxNo = true
			} else {
				sq.Max, maxSet = defInt(d), true
			}
		case "start":
			sq.Start, startSet = defInt(d), true
		case "cache":
			sq.Cache = defInt(d)
		case "cycle":
			sq.Cycle = defString(d) == "true" || defString(d) == "1"
		case "owned_by":
			if owner != nil {
				*owner = ownedByName(d)
			}
		case "restart", "sequence_name":
		default:
			b.gap("unsupported-statement")
		}
	}
	r := intRange[sq.DataType]
	if !minSet || minNo {
		if sq.Increment > 0 {
			sq.Min = 1
		} else {
			sq.Min = r[0]
		}
	}
	if !maxSet || maxNo {
		if sq.Increment > 0 {
			sq.Max = r[1]
		} else {
			sq.Max = -1
		}
	}
	if !startSet {
		if sq.Increment > 0 {
			sq.Start = sq.Min
		} else {
			sq.Start = sq.Max
		}
	}
}

func defInt(d *pg_query.DefElem) int64 {
	v, _ := strconv.ParseInt(defString(d), 10, 64)
	return v
}

func (b *offline) createSequence(cs *pg_query.CreateSeqStmt) {
	sc, name := b.rangeVar(cs.Sequence)
	if cs.IfNotExists && b.relExists(sc, name) {
		return
	}
	sq := &schema.Sequence{Schema: sc, Name: name, DataType: "bigint", Increment: 1, Cache: 1,
		Unlogged: cs.Sequence.Relpersistence == "u"}
	var owner string
	b.seqOptions(sq, cs.Options, &owner)
	sq.Deps = []string{schema.ID(schema.KindSchema, schema.QuoteIdent(sc))}
	b.s.Sequences[sq.Key()] = sq
	b.addRel(sc, name, "S")
	b.setOwnedBy(sq, owner)
}

// setOwnedBy resolves "table.column" or "schema.table.column" (or "none").
func (b *offline) setOwnedBy(sq *schema.Sequence, owner string) {
	if owner == "" {
		return
	}
	// remove an earlier OWNED BY dependency
	var deps []string
	for _, d := range sq.Deps {
		if k, _ := schema.SplitID(d); k != schema.KindColumn {
			deps = append(deps, d)
		}
	}
	sq.Deps = deps
	sq.OwnedBy = ""
	if strings.EqualFold(owner, "none") {
		return
	}
	parts := strings.Split(owner, ".")
	col := parts[len(parts)-1]
	rv := &pg_query.RangeVar{Relname: parts[len(parts)-2]}
	if len(parts) == 3 {
		rv.Schemaname = parts[0]
	}
	t := b.table(rv)
	if t == nil {
		b.gap("unresolved-reference")
		return
	}
	sq.OwnedBy = t.Key() + "." + schema.QuoteIdent(col)
	sq.Deps = append(sq.Deps, schema.ID(schema.KindColumn, sq.OwnedBy))
}

func (b *offline) alterSequence(as *pg_query.AlterSeqStmt) {
	sc, _ := b.lookupRel(as.Sequence.Schemaname, as.Sequence.Relname)
	sq := b.s.Sequences[schema.QualName(sc, as.Sequence.Relname)]
	if sq == nil {
		if !as.MissingOk {
			b.gap("unresolved-reference")
		}
		return
	}
	// Re-apply: options not given keep their values.
	var owner string
	for _, o := range as.Options {
		d := o.GetDefElem()
		switch d.GetDefname() {
		case "owned_by":
			owner = ownedByName(d)
		case "increment", "minvalue", "maxvalue", "start", "cache", "cycle":
			b.seqOptionsAlter(sq, d)
		case "as":
			sq.DataType, _ = b.formatType(d.Arg.GetTypeName())
			r := intRange[sq.DataType]
			if sq.Max > r[1] {
				sq.Max = r[1]
			}
			if sq.Min < r[0] {
				sq.Min = r[0]
			}
		case "restart":
		default:
			b.gap("unsupported-statement")
		}
	}
	b.setOwnedBy(sq, owner)
}

func defIntNode(n *pg_query.Node) int64 {
	if n == nil {
		return 0
	}
	if i := n.GetInteger(); i != nil {
		return int64(i.Ival)
	}
	return 0
}

// seqOptionsAlter applies one ALTER SEQUENCE option (increment, min/max,
// start, cache, cycle) to sq; options not given keep their values.
func (b *offline) seqOptionsAlter(sq *schema.Sequence, d *pg_query.DefElem) {
	switch d.GetDefname() {
	case "increment":
		sq.Increment = defInt(d)
	case "minvalue":
		if d.Arg != nil {
			sq.Min = defInt(d)
		}
	case "maxvalue":
		if d.Arg != nil {
			sq.Max = defInt(d)
		}
	case "start":
		sq.Start = defInt(d)
	case "cache":
		sq.Cache = defInt(d)
	case "cycle":
		sq.Cycle = defString(d) == "true" || defString(d) == "1"
	}
}

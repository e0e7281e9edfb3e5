package planner

import (
	"github.com/pgshift/pgshift/schema"
)

// entry is one modeled object of a Schema, found by its ID.
type entry struct {
	id     string
	obj    any // *schema.Table, *schema.Column, *schema.Constraint, ...
	parent any // the table or view of a column, constraint, index, trigger or policy; nil otherwise
	deps   []string
}

// index maps object IDs of one model to their entries.
type index struct {
	byID map[string]*entry
	// chunks hold the entries byID points to, allocated in a few large
	// slabs instead of one allocation per object; the last one is filled.
	chunks [][]entry
	// rdeps maps an ID to the IDs of the objects other than columns,
	// tables and sequences that depend on it; built on first use by
	// dependents.
	rdeps map[string][]string
}

// dependents returns the IDs of the objects that depend on id, leaving
// out columns, tables and sequences: what depends on an object through
// them (a column default's sequence, a table's inherited parent) is not
// dropped and recreated around it, and the recipes' usage checks ignore
// them too. The reverse map is built on the first call, in one pass over
// the dependency edges.
func (x *index) dependents(id string) []string {
	if x.rdeps == nil {
		x.rdeps = make(map[string][]string, len(x.byID)/4)
		for _, chunk := range x.chunks {
			for i := range chunk {
				e := &chunk[i]
				switch e.obj.(type) {
				case *schema.Column, *schema.Table, *schema.Sequence:
					continue
				}
				for _, d := range e.deps {
					x.rdeps[d] = append(x.rdeps[d], e.id)
				}
			}
		}
	}
	return x.rdeps[id]
}

func colID(table, col string) string { return schema.SubID(schema.KindColumn, table, col) }
func conID(table, con string) string { return schema.SubID(schema.KindConstraint, table, con) }
func trgID(table, trg string) string { return schema.SubID(schema.KindTrigger, table, trg) }
func polID(table, pol string) string { return schema.SubID(schema.KindPolicy, table, pol) }

func newIndex(s *schema.Schema) *index {
	// Sized up front: growing a map of some 300,000 entries (10,000
	// tables) step by step costs as much as filling it.
	n := len(s.Namespaces) + len(s.Extensions) + len(s.Types) + len(s.Sequences) + len(s.Functions)
	for _, t := range s.Tables {
		n += 1 + len(t.Columns) + 2*len(t.Constraints) + len(t.Indexes) + len(t.Triggers) + len(t.Policies)
	}
	for _, v := range s.Views {
		n += 1 + len(v.Columns) + len(v.Indexes) + len(v.Triggers)
	}
	x := &index{byID: make(map[string]*entry, n), chunks: [][]entry{make([]entry, 0, n)}}
	for k, n := range s.Namespaces {
		x.put(schema.ID(schema.KindSchema, k), n, nil, nil)
	}
	for k, e := range s.Extensions {
		x.put(schema.ID(schema.KindExtension, k), e, nil, nil)
	}
	for k, t := range s.Types {
		x.put(schema.ID(schema.KindType, k), t, nil, t.Deps)
	}
	for k, q := range s.Sequences {
		x.put(schema.ID(schema.KindSequence, k), q, nil, q.Deps)
	}
	for k, f := range s.Functions {
		x.put(schema.ID(schema.KindFunction, k), f, nil, f.Deps)
	}
	for k, t := range s.Tables {
		x.put(schema.ID(schema.KindTable, k), t, nil, t.Deps)
		for _, c := range t.Columns {
			x.put(colID(k, c.Name), c, t, c.Deps)
		}
		for _, c := range t.Constraints {
			x.put(conID(k, c.Name), c, t, c.Deps)
			if c.Index != "" {
				// The index behind a constraint is addressed as the constraint
				// for ordering; its comment is kept with the constraint.
				x.put(schema.ID(schema.KindIndex, c.Index), c, t, c.Deps)
			}
		}
		x.putIndexes(t, t.Indexes)
		x.putTriggers(t, k, t.Triggers)
		for _, p := range t.Policies {
			x.put(polID(k, p.Name), p, t, p.Deps)
		}
	}
	for k, v := range s.Views {
		x.put(schema.ID(schema.KindView, k), v, nil, v.Deps)
		for _, c := range v.Columns {
			x.put(colID(k, c.Name), c, v, nil)
		}
		x.putIndexes(v, v.Indexes)
		x.putTriggers(v, k, v.Triggers)
	}
	return x
}

// put adds the entry of id. A full chunk is followed by a new one (never
// grown), so the pointers in byID stay valid.
func (x *index) put(id string, obj, parent any, deps []string) {
	last := &x.chunks[len(x.chunks)-1]
	if len(*last) == cap(*last) {
		x.chunks = append(x.chunks, make([]entry, 0, 256))
		last = &x.chunks[len(x.chunks)-1]
	}
	*last = append(*last, entry{id: id, obj: obj, parent: parent, deps: deps})
	x.byID[id] = &(*last)[len(*last)-1]
}

func (x *index) putIndexes(parent any, idx []*schema.Index) {
	for _, i := range idx {
		x.put(schema.ID(schema.KindIndex, i.Key()), i, parent, i.Deps)
	}
}

func (x *index) putTriggers(parent any, table string, trs []*schema.Trigger) {
	for _, t := range trs {
		x.put(trgID(table, t.Name), t, parent, t.Deps)
	}
}

// commentTarget returns what follows COMMENT ON for the object id, e.g.
// `MATERIALIZED VIEW public.v` or `CONSTRAINT c ON public.t`; "" for an
// object that takes no comment.
func (e *entry) commentTarget(id string) string {
	kind, key := schema.SplitID(id)
	switch kind {
	case schema.KindSchema:
		return "SCHEMA " + key
	case schema.KindExtension:
		return "EXTENSION " + key
	case schema.KindSequence:
		return "SEQUENCE " + key
	case schema.KindTable:
		return "TABLE " + key
	case schema.KindColumn:
		return "COLUMN " + key
	case schema.KindIndex:
		// Also the index behind a constraint: its comment is the index's.
		return "INDEX " + key
	}
	switch o := e.obj.(type) {
	case *schema.Type:
		if o.Kind == schema.TypeDomain {
			return "DOMAIN " + key
		}
		return "TYPE " + key
	case *schema.Function:
		switch o.Kind {
		case schema.FunctionProcedure:
			return "PROCEDURE " + key
		case schema.FunctionAggregate:
			return "AGGREGATE " + key
		}
		return "FUNCTION " + key
	case *schema.View:
		if o.Materialized {
			return "MATERIALIZED VIEW " + key
		}
		return "VIEW " + key
	case *schema.Constraint:
		return "CONSTRAINT " + schema.QuoteIdent(o.Name) + " ON " + parentKey(e.parent)
	case *schema.Trigger:
		return "TRIGGER " + schema.QuoteIdent(o.Name) + " ON " + parentKey(e.parent)
	case *schema.Policy:
		return "POLICY " + schema.QuoteIdent(o.Name) + " ON " + parentKey(e.parent)
	}
	return ""
}

// grantTarget returns what follows GRANT ... ON for the object id, e.g.
// `TABLE public.t`, and for a column the quoted column name (the column
// list goes after the privilege, the target is its table); "" for an
// object that takes no privileges.
func (e *entry) grantTarget(id string) (target, column string) {
	_, key := schema.SplitID(id)
	switch o := e.obj.(type) {
	case *schema.Namespace:
		return "SCHEMA " + key, ""
	case *schema.Type:
		if o.Kind == schema.TypeDomain {
			return "DOMAIN " + key, ""
		}
		return "TYPE " + key, ""
	case *schema.Sequence:
		return "SEQUENCE " + key, ""
	case *schema.Function:
		if o.Kind == schema.FunctionProcedure {
			return "PROCEDURE " + key, ""
		}
		return "FUNCTION " + key, "" // an aggregate too
	case *schema.Table, *schema.View:
		return "TABLE " + key, ""
	case *schema.Column:
		return "TABLE " + parentKey(e.parent), schema.QuoteIdent(o.Name)
	case *schema.ViewColumn:
		return "TABLE " + parentKey(e.parent), schema.QuoteIdent(o.Name)
	}
	return "", ""
}

// lookup finds an ID in the model after the change first, then before it.
func (b *builder) lookup(id string) *entry {
	if e := b.toIdx.byID[id]; e != nil {
		return e
	}
	return b.fromIdx.byID[id]
}

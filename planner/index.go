package planner

import (
	"slices"

	"github.com/pgshift/pgshift/schema"
)

// entry is one modeled object of a Schema, found by its ID.
type entry struct {
	id     string
	obj    any // *schema.Table, *schema.Column, *schema.Constraint, ...
	parent any // the table or view of a column, constraint, index, trigger or policy; nil otherwise
	deps   []string
}

// index maps object IDs of one model to their entries. Top-level objects
// (schemas, extensions, types, sequences, functions, tables, views) and
// indexes are in byID, filled up front; columns, constraints, triggers and
// policies (most of a model: some 250,000 of 300,000 objects for 10,000
// tables) are found through their table or view when first asked for, so
// a plan pays only for the ones it touches.
type index struct {
	s    *schema.Schema
	byID map[string]*entry
	// subs caches the sub-objects found by get (nil for an ID not in the model).
	subs map[string]*entry
	// chunks hold the entries byID points to, allocated in a few large
	// slabs instead of one allocation per object; the last one is filled.
	chunks [][]entry
	// rdeps maps an ID to the IDs of the objects other than columns,
	// tables and sequences that depend on it; built on first use by
	// dependents.
	rdeps map[string][]string
}

// get returns the entry of id, or nil when the model has no such object.
func (x *index) get(id string) *entry {
	if e, ok := x.byID[id]; ok {
		return e
	}
	kind, key := schema.SplitID(id)
	switch kind {
	case schema.KindColumn, schema.KindConstraint, schema.KindTrigger, schema.KindPolicy:
	default:
		return nil
	}
	if e, ok := x.subs[id]; ok {
		return e
	}
	e := x.findSub(id, kind, key)
	x.subs[id] = e
	return e
}

// findSub looks a column, constraint, trigger or policy up in its table
// or view; key is "<parent key>.<quoted name>".
func (x *index) findSub(id, kind, key string) *entry {
	parent, name, ok := schema.SplitSubKey(key)
	if !ok {
		return nil
	}
	if t := x.s.Tables[parent]; t != nil {
		switch kind {
		case schema.KindColumn:
			if c := t.Column(name); c != nil {
				return &entry{id: id, obj: c, parent: t, deps: c.Deps}
			}
		case schema.KindConstraint:
			if c := t.Constraint(name); c != nil {
				return &entry{id: id, obj: c, parent: t, deps: c.Deps}
			}
		case schema.KindTrigger:
			return triggerEntry(id, t, t.Triggers, name)
		case schema.KindPolicy:
			for _, p := range t.Policies {
				if p.Name == name {
					return &entry{id: id, obj: p, parent: t, deps: p.Deps}
				}
			}
		}
		return nil
	}
	if v := x.s.Views[parent]; v != nil {
		switch kind {
		case schema.KindColumn:
			for _, c := range v.Columns {
				if c.Name == name {
					return &entry{id: id, obj: c, parent: v}
				}
			}
		case schema.KindTrigger:
			return triggerEntry(id, v, v.Triggers, name)
		}
	}
	return nil
}

func triggerEntry(id string, parent any, trs []*schema.Trigger, name string) *entry {
	for _, t := range trs {
		if t.Name == name {
			return &entry{id: id, obj: t, parent: parent, deps: t.Deps}
		}
	}
	return nil
}

// dependents returns the IDs of the objects that depend on id, leaving
// out columns, tables and sequences: what depends on an object through
// them (a column default's sequence, a table's inherited parent) is not
// dropped and recreated around it, and the recipes' usage checks ignore
// them too.
//
// Most dependency edges go from a table's constraints, indexes, triggers
// and policies to columns of the same table; those are found when asked
// for, in the table's own few objects. All other edges are in a reverse
// map built on the first call.
func (x *index) dependents(id string) []string {
	if x.rdeps == nil {
		x.buildReverse()
	}
	out := x.rdeps[id]
	if kind, key := schema.SplitID(id); kind == schema.KindColumn {
		if parent, _, ok := schema.SplitSubKey(key); ok {
			out = x.ownDependents(slices.Clip(out), parent, id)
		}
	}
	return out
}

// buildReverse fills rdeps with the dependency edges that do not go from
// an object of a table (or view) to a column of that same table.
func (x *index) buildReverse() {
	x.rdeps = make(map[string][]string, len(x.byID))
	add := func(oid, parent string, deps []string) {
		for _, d := range deps {
			if parent == "" || !isColumnOf(d, parent) {
				x.rdeps[d] = append(x.rdeps[d], oid)
			}
		}
	}
	for _, chunk := range x.chunks {
		for i := range chunk {
			e := &chunk[i]
			switch e.obj.(type) {
			case *schema.Table, *schema.Sequence:
				continue
			}
			add(e.id, parentKey(e.parent), e.deps)
		}
	}
	// Constraints, triggers and policies: the ID is built only for one
	// with an edge to keep (most have none: their columns are their own).
	for k, t := range x.s.Tables {
		for _, c := range t.Constraints {
			if crossEdges(k, c.Deps) {
				add(conID(k, c.Name), k, c.Deps)
			}
		}
		for _, tr := range t.Triggers {
			if crossEdges(k, tr.Deps) {
				add(trgID(k, tr.Name), k, tr.Deps)
			}
		}
		for _, p := range t.Policies {
			if crossEdges(k, p.Deps) {
				add(polID(k, p.Name), k, p.Deps)
			}
		}
	}
	for k, v := range x.s.Views {
		for _, tr := range v.Triggers {
			if crossEdges(k, tr.Deps) {
				add(trgID(k, tr.Name), k, tr.Deps)
			}
		}
	}
}

// crossEdges reports whether an object of the table or view parent has a
// dependency other than one of parent's columns.
func crossEdges(parent string, deps []string) bool {
	for _, d := range deps {
		if !isColumnOf(d, parent) {
			return true
		}
	}
	return false
}

// isColumnOf reports whether id is the ID of a column of the table or view
// with key parent ("column <parent>.<quoted name>"; an unquoted identifier
// has no dot, so the prefix is exact).
func isColumnOf(id, parent string) bool {
	const p = schema.KindColumn + " "
	return len(id) > len(p)+len(parent)+1 && id[:len(p)] == p &&
		id[len(p):len(p)+len(parent)] == parent && id[len(p)+len(parent)] == '.'
}

// ownDependents appends to out the objects of the table or view parent
// that depend on its column id (the edges buildReverse leaves out).
func (x *index) ownDependents(out []string, parent, id string) []string {
	var indexes []*schema.Index
	var triggers []*schema.Trigger
	if t := x.s.Tables[parent]; t != nil {
		for _, c := range t.Constraints {
			if slices.Contains(c.Deps, id) {
				out = append(out, conID(parent, c.Name))
				if c.Index != "" {
					out = append(out, schema.ID(schema.KindIndex, c.Index))
				}
			}
		}
		for _, p := range t.Policies {
			if slices.Contains(p.Deps, id) {
				out = append(out, polID(parent, p.Name))
			}
		}
		indexes, triggers = t.Indexes, t.Triggers
	} else if v := x.s.Views[parent]; v != nil {
		indexes, triggers = v.Indexes, v.Triggers
	}
	for _, i := range indexes {
		if slices.Contains(i.Deps, id) {
			out = append(out, indexID(i))
		}
	}
	for _, t := range triggers {
		if slices.Contains(t.Deps, id) {
			out = append(out, trgID(parent, t.Name))
		}
	}
	return out
}

func colID(table, col string) string { return schema.SubID(schema.KindColumn, table, col) }
func conID(table, con string) string { return schema.SubID(schema.KindConstraint, table, con) }
func trgID(table, trg string) string { return schema.SubID(schema.KindTrigger, table, trg) }
func polID(table, pol string) string { return schema.SubID(schema.KindPolicy, table, pol) }

func newIndex(s *schema.Schema) *index {
	// Sized up front: growing a map of tens of thousands of entries step
	// by step costs as much as filling it.
	n := len(s.Namespaces) + len(s.Extensions) + len(s.Types) + len(s.Sequences) + len(s.Functions) + len(s.Tables) + len(s.Views)
	for _, t := range s.Tables {
		n += len(t.Constraints) + len(t.Indexes)
	}
	for _, v := range s.Views {
		n += len(v.Indexes)
	}
	x := &index{s: s, byID: make(map[string]*entry, n), subs: map[string]*entry{}, chunks: [][]entry{make([]entry, 0, n)}}
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
		for _, c := range t.Constraints {
			if c.Index != "" {
				// The index behind a constraint is addressed as the constraint
				// for ordering; its comment is kept with the constraint.
				x.put(schema.ID(schema.KindIndex, c.Index), c, t, c.Deps)
			}
		}
		x.putIndexes(t, t.Indexes)
	}
	for k, v := range s.Views {
		x.put(schema.ID(schema.KindView, k), v, nil, v.Deps)
		x.putIndexes(v, v.Indexes)
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
		x.put(indexID(i), i, parent, i.Deps)
	}
}

// indexID is schema.ID(schema.KindIndex, i.Key()) in one allocation.
func indexID(i *schema.Index) string {
	return schema.KindIndex + " " + schema.QuoteIdent(i.Schema) + "." + schema.QuoteIdent(i.Name)
}

// commentTarget returns what follows COMMENT ON for the entry's object,
// e.g. `MATERIALIZED VIEW public.v` or `CONSTRAINT c ON public.t`; "" for
// an object that takes no comment.
func (e *entry) commentTarget() string {
	kind, key := schema.SplitID(e.id)
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

// grantTarget returns what follows GRANT ... ON for the entry's object,
// e.g. `TABLE public.t`, and for a column the quoted column name (the
// column list goes after the privilege, the target is its table); "" for
// an object that takes no privileges.
func (e *entry) grantTarget() (target, column string) {
	_, key := schema.SplitID(e.id)
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
	if e := b.toIdx.get(id); e != nil {
		return e
	}
	return b.fromIdx.get(id)
}

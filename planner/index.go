package planner

import (
	"github.com/pgshift/pgshift/schema"
)

// entry is one modeled object of a Schema, found by its ID.
type entry struct {
	obj    any // *schema.Table, *schema.Column, *schema.Constraint, ...
	parent any // the table or view of a column, constraint, index, trigger or policy; nil otherwise
	deps   []string
	// commentTarget is what follows COMMENT ON, e.g. `MATERIALIZED VIEW public.v`.
	commentTarget string
	// grantTarget is what follows GRANT ... ON, e.g. `TABLE public.t`; for a
	// column, the table target (the column list goes after the privilege).
	grantTarget string
	column      string // quoted column name for column grants
}

// index maps object IDs of one model to their entries.
type index struct {
	byID map[string]*entry
	// rdeps maps an ID to the IDs of the objects that depend on it; built
	// on first use by dependents.
	rdeps map[string][]string
}

// dependents returns the IDs of the objects that depend on id (one pass
// over every dependency edge, made once per index).
func (x *index) dependents(id string) []string {
	if x.rdeps == nil {
		x.rdeps = make(map[string][]string, len(x.byID))
		for oid, e := range x.byID {
			for _, d := range e.deps {
				x.rdeps[d] = append(x.rdeps[d], oid)
			}
		}
	}
	return x.rdeps[id]
}

func colID(table, col string) string {
	return schema.ID(schema.KindColumn, table+"."+schema.QuoteIdent(col))
}
func conID(table, con string) string {
	return schema.ID(schema.KindConstraint, table+"."+schema.QuoteIdent(con))
}
func trgID(table, trg string) string {
	return schema.ID(schema.KindTrigger, table+"."+schema.QuoteIdent(trg))
}
func polID(table, pol string) string {
	return schema.ID(schema.KindPolicy, table+"."+schema.QuoteIdent(pol))
}

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
	x := &index{byID: make(map[string]*entry, n)}
	put := func(id string, e *entry) { x.byID[id] = e }
	for k, n := range s.Namespaces {
		put(schema.ID(schema.KindSchema, k), &entry{obj: n, commentTarget: "SCHEMA " + k, grantTarget: "SCHEMA " + k})
	}
	for k, e := range s.Extensions {
		put(schema.ID(schema.KindExtension, k), &entry{obj: e, commentTarget: "EXTENSION " + k})
	}
	for k, t := range s.Types {
		kw := "TYPE "
		if t.Kind == schema.TypeDomain {
			kw = "DOMAIN "
		}
		put(schema.ID(schema.KindType, k), &entry{obj: t, deps: t.Deps, commentTarget: kw + k, grantTarget: kw + k})
	}
	for k, q := range s.Sequences {
		put(schema.ID(schema.KindSequence, k), &entry{obj: q, deps: q.Deps, commentTarget: "SEQUENCE " + k, grantTarget: "SEQUENCE " + k})
	}
	for k, f := range s.Functions {
		kw := "FUNCTION "
		switch f.Kind {
		case schema.FunctionProcedure:
			kw = "PROCEDURE "
		case schema.FunctionAggregate:
			kw = "AGGREGATE "
		}
		gkw := kw
		if f.Kind == schema.FunctionAggregate {
			gkw = "FUNCTION "
		}
		put(schema.ID(schema.KindFunction, k), &entry{obj: f, deps: f.Deps, commentTarget: kw + k, grantTarget: gkw + k})
	}
	for k, t := range s.Tables {
		put(schema.ID(schema.KindTable, k), &entry{obj: t, deps: t.Deps, commentTarget: "TABLE " + k, grantTarget: "TABLE " + k})
		for _, c := range t.Columns {
			put(colID(k, c.Name), &entry{obj: c, parent: t, deps: c.Deps, commentTarget: "COLUMN " + k + "." + schema.QuoteIdent(c.Name),
				grantTarget: "TABLE " + k, column: schema.QuoteIdent(c.Name)})
		}
		for _, c := range t.Constraints {
			put(conID(k, c.Name), &entry{obj: c, parent: t, deps: c.Deps, commentTarget: "CONSTRAINT " + schema.QuoteIdent(c.Name) + " ON " + k})
			if c.Index != "" {
				// The index behind a constraint is addressed as the constraint
				// for ordering; its comment is kept with the constraint.
				x.byID[schema.ID(schema.KindIndex, c.Index)] = &entry{obj: c, parent: t, deps: c.Deps, commentTarget: "INDEX " + c.Index}
			}
		}
		x.putIndexes(t, t.Indexes)
		x.putTriggers(t, k, t.Triggers)
		for _, p := range t.Policies {
			put(polID(k, p.Name), &entry{obj: p, parent: t, deps: p.Deps, commentTarget: "POLICY " + schema.QuoteIdent(p.Name) + " ON " + k})
		}
	}
	for k, v := range s.Views {
		kw := "VIEW "
		if v.Materialized {
			kw = "MATERIALIZED VIEW "
		}
		put(schema.ID(schema.KindView, k), &entry{obj: v, deps: v.Deps, commentTarget: kw + k, grantTarget: "TABLE " + k})
		for _, c := range v.Columns {
			put(colID(k, c.Name), &entry{obj: c, parent: v, commentTarget: "COLUMN " + k + "." + schema.QuoteIdent(c.Name),
				grantTarget: "TABLE " + k, column: schema.QuoteIdent(c.Name)})
		}
		x.putIndexes(v, v.Indexes)
		x.putTriggers(v, k, v.Triggers)
	}
	return x
}

func (x *index) putIndexes(parent any, idx []*schema.Index) {
	for _, i := range idx {
		x.byID[schema.ID(schema.KindIndex, i.Key())] = &entry{obj: i, parent: parent, deps: i.Deps, commentTarget: "INDEX " + i.Key()}
	}
}

func (x *index) putTriggers(parent any, table string, trs []*schema.Trigger) {
	for _, t := range trs {
		x.byID[trgID(table, t.Name)] = &entry{obj: t, parent: parent, deps: t.Deps,
			commentTarget: "TRIGGER " + schema.QuoteIdent(t.Name) + " ON " + table}
	}
}

// lookup finds an ID in the model after the change first, then before it.
func (b *builder) lookup(id string) *entry {
	if e := b.toIdx.byID[id]; e != nil {
		return e
	}
	return b.fromIdx.byID[id]
}

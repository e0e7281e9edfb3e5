package planner

import (
	"fmt"
	"slices"
	"sort"

	"github.com/pgshift/pgshift/diff"
	"github.com/pgshift/pgshift/schema"
)

// normalize rewrites changes into the forms the planner renders:
//   - sequence ownership becomes its own AlterSequence (the owning column
//     needs the sequence for its default, the sequence needs the column for
//     OWNED BY);
//   - replacements PostgreSQL cannot do in place (CREATE OR REPLACE VIEW
//     that drops or retypes columns, a function whose result type changes,
//     a materialized view, a policy losing its USING clause, a range type)
//     become a drop and a create.
func (b *builder) normalize(in []diff.Change) []diff.Change {
	var out []diff.Change
	for _, ch := range in {
		switch c := ch.(type) {
		case *diff.CreateSequence:
			if c.Sequence.OwnedBy != "" {
				bare := *c.Sequence
				bare.OwnedBy, bare.Deps = "", withoutOwner(c.Sequence)
				out = append(out, &diff.CreateSequence{Sequence: &bare}, &diff.AlterSequence{From: &bare, To: c.Sequence})
				continue
			}
		case *diff.DropSequence:
			if c.Sequence.OwnedBy != "" {
				bare := *c.Sequence
				bare.OwnedBy, bare.Deps = "", withoutOwner(c.Sequence)
				out = append(out, &diff.AlterSequence{From: c.Sequence, To: &bare}, &diff.DropSequence{Sequence: &bare})
				continue
			}
		case *diff.ReplaceView:
			// Both directions must work in place: the down step is the
			// inverse of the up step.
			if !viewReplaceable(c.From, c.To) || !viewReplaceable(c.To, c.From) {
				out = append(out, &diff.DropView{View: c.From}, &diff.CreateView{View: c.To})
				continue
			}
		case *diff.ReplaceFunction:
			if c.From.Kind != c.To.Kind || c.From.Result != c.To.Result || c.To.Kind == schema.FunctionAggregate {
				out = append(out, &diff.DropFunction{Function: c.From}, &diff.CreateFunction{Function: c.To})
				continue
			}
		case *diff.AlterPolicy:
			if (c.From.Using == "") != (c.To.Using == "") || (c.From.WithCheck == "") != (c.To.WithCheck == "") {
				out = append(out, &diff.DropPolicy{Table: c.Table, Policy: c.From}, &diff.CreatePolicy{Table: c.Table, Policy: c.To})
				continue
			}
		case *diff.AlterType:
			if !typeAlterable(c.From, c.To) {
				out = append(out, &diff.DropType{Type: c.From}, &diff.CreateType{Type: c.To})
				continue
			}
		}
		out = append(out, ch)
	}
	return out
}

// viewReplaceable reports whether CREATE OR REPLACE VIEW can take from to
// to: a plain view whose new column list starts with the old one (same
// names and types, PostgreSQL "CREATE VIEW" notes).
func viewReplaceable(from, to *schema.View) bool {
	if from.Materialized || to.Materialized || len(to.Columns) < len(from.Columns) {
		return false
	}
	for i, c := range from.Columns {
		if c.Name != to.Columns[i].Name || c.Type != to.Columns[i].Type {
			return false
		}
	}
	return true
}

// typeAlterable reports whether ALTER TYPE / ALTER DOMAIN can take from to to.
func typeAlterable(from, to *schema.Type) bool {
	if from.Kind != to.Kind {
		return false
	}
	switch from.Kind {
	case schema.TypeDomain:
		return from.BaseType == to.BaseType && from.Collation == to.Collation
	case schema.TypeEnum, schema.TypeComposite:
		return true
	}
	return false
}

// recreatable reports whether an object of this kind can be dropped and
// created again to let a change to something it depends on go through.
func recreatable(kind string) bool {
	switch kind {
	case schema.KindView, schema.KindFunction, schema.KindIndex, schema.KindConstraint,
		schema.KindTrigger, schema.KindPolicy:
		return true
	}
	return false
}

// blockedByTypeChange reports whether an object of this kind makes
// ALTER COLUMN ... TYPE fail when it references the column (indexes and
// constraints are rebuilt by PostgreSQL itself; views, rules, policies and
// SQL-body functions are not: "ALTER TABLE", notes on SET DATA TYPE).
func blockedByTypeChange(kind string) bool {
	switch kind {
	case schema.KindView, schema.KindFunction, schema.KindPolicy, schema.KindTrigger:
		return true
	}
	return false
}

// addDependents adds a drop and a create for every object that depends on
// something the plan drops or retypes, until nothing more is needed.
func (b *builder) addDependents(changes []diff.Change) []diff.Change {
	// recreatableDependents are the objects that depend on id and can be
	// dropped and created again.
	recreatableDependents := func(id string) []string {
		var out []string
		for _, d := range b.fromIdx.dependents(id) {
			kind, _ := schema.SplitID(d)
			if !recreatable(kind) {
				continue
			}
			if _, isCon := b.fromIdx.get(d).obj.(*schema.Constraint); isCon && kind == schema.KindIndex {
				continue // the index behind a constraint is the constraint
			}
			out = append(out, d)
		}
		return out
	}
	// What the changes drop (hard) or retype in place (soft).
	hard, soft := map[string]bool{}, map[string]bool{}
	var queue []string
	for _, ch := range changes {
		for _, id := range b.depsOf(ch).unsets {
			if retypes(ch, id) {
				soft[id] = true
			} else {
				hard[id] = true
			}
			queue = append(queue, id)
		}
	}
	// Walk the dependents of everything unset: each one that must go is
	// dropped and created again, which unsets it in turn.
	recreate := map[string]bool{}
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		for _, id := range recreatableDependents(d) {
			kind, _ := schema.SplitID(id)
			if hard[id] || !(hard[d] || (soft[d] && blockedByTypeChange(kind))) {
				continue
			}
			if b.toIdx.get(id) == nil {
				continue // dropped by the plan already, or with its parent
			}
			hard[id], recreate[id] = true, true
			queue = append(queue, id)
			// Everything the object contains goes with it.
			if drop, _ := recreateChanges(id, b.fromIdx.get(id), b.toIdx.get(id)); drop != nil {
				for _, sub := range b.depsOf(drop).unsets {
					if !hard[sub] {
						hard[sub] = true
						queue = append(queue, sub)
					}
				}
			}
		}
	}
	if len(recreate) == 0 {
		return b.dropRedundant(changes)
	}
	ids := schema.SortedKeys(recreate)
	kept := changes[:0:0]
	for _, ch := range changes {
		// In-place changes of recreated objects become the drop + create.
		if id := alteredID(ch); id == "" || !recreate[id] {
			kept = append(kept, ch)
		}
	}
	for _, id := range ids {
		drop, create := recreateChanges(id, b.fromIdx.get(id), b.toIdx.get(id))
		if drop == nil {
			n := fmt.Sprintf("cannot recreate %s around a change it depends on", id)
			b.notes, b.unplanned = append(b.notes, n), append(b.unplanned, n)
			continue
		}
		kept = append(kept, drop, create)
	}
	return b.dropRedundant(kept)
}

// retypes reports whether ch changes the type of column id in place (so only
// views, policies, triggers and SQL-body functions that use it must go).
func retypes(ch diff.Change, id string) bool {
	switch c := ch.(type) {
	case *diff.AlterColumn:
		// A generation change drops and re-adds the column in one direction.
		return c.From.Generated == c.To.Generated
	case *diff.AlterType:
		kind, _ := schema.SplitID(id)
		return kind == schema.KindColumn
	}
	return false
}

// recreateChanges returns the drop (of the from object) and the create (of
// the to object) for a recreatable object.
func recreateChanges(id string, from, to *entry) (diff.Change, diff.Change) {
	switch o := from.obj.(type) {
	case *schema.View:
		return &diff.DropView{View: o}, &diff.CreateView{View: to.obj.(*schema.View)}
	case *schema.Function:
		return &diff.DropFunction{Function: o}, &diff.CreateFunction{Function: to.obj.(*schema.Function)}
	case *schema.Index:
		return &diff.DropIndex{Index: o}, &diff.CreateIndex{Index: to.obj.(*schema.Index)}
	case *schema.Constraint:
		ft, ok1 := from.parent.(*schema.Table)
		tt, ok2 := to.parent.(*schema.Table)
		if !ok1 || !ok2 {
			return nil, nil
		}
		return &diff.DropConstraint{Table: ft, Constraint: o}, &diff.AddConstraint{Table: tt, Constraint: to.obj.(*schema.Constraint)}
	case *schema.Trigger:
		return &diff.DropTrigger{Table: parentKey(from.parent), Trigger: o},
			&diff.CreateTrigger{Table: parentKey(to.parent), Trigger: to.obj.(*schema.Trigger)}
	case *schema.Policy:
		return &diff.DropPolicy{Table: parentKey(from.parent), Policy: o},
			&diff.CreatePolicy{Table: parentKey(to.parent), Policy: to.obj.(*schema.Policy)}
	}
	return nil, nil
}

func parentKey(p any) string {
	switch t := p.(type) {
	case *schema.Table:
		return t.Key()
	case *schema.View:
		return t.Key()
	}
	return ""
}

// alteredID returns the ID of the object an in-place change alters, or "".
func alteredID(ch diff.Change) string {
	switch c := ch.(type) {
	case *diff.ReplaceView:
		return schema.ID(schema.KindView, c.To.Key())
	case *diff.ReplaceFunction:
		return schema.ID(schema.KindFunction, c.To.Key())
	case *diff.AlterPolicy:
		return polID(c.Table, c.To.Name)
	case *diff.AlterTrigger:
		return trgID(c.Table, c.To.Name)
	case *diff.AlterIndex:
		return schema.ID(schema.KindIndex, c.To.Key())
	case *diff.ValidateConstraint:
		return conID(c.Table.Key(), c.Constraint.Name)
	}
	return ""
}

// dropRedundant removes comment and privilege changes on objects that the
// plan creates (the create sets them already).
func (b *builder) dropRedundant(changes []diff.Change) []diff.Change {
	created := map[string]bool{}
	for _, ch := range changes {
		switch ch.(type) {
		case *diff.CreateView, *diff.CreateFunction, *diff.CreateIndex, *diff.AddConstraint,
			*diff.CreateTrigger, *diff.CreatePolicy, *diff.CreateType:
			for _, id := range b.depsOf(ch).sets {
				created[id] = true
			}
		}
	}
	out := changes[:0:0]
	for _, ch := range changes {
		switch c := ch.(type) {
		case *diff.SetComment:
			if created[c.ID] {
				continue
			}
		case *diff.SetPrivileges:
			if created[c.ID] {
				continue
			}
		case *diff.SetOwner:
			if created[c.ID] {
				continue
			}
		}
		out = append(out, ch)
	}
	return out
}

// depsOf returns how a change relates to the objects it touches.
func (b *builder) depsOf(ch diff.Change) depInfo {
	var d depInfo
	switch c := ch.(type) {
	case *diff.CreateSchema:
		d.sets = []string{schema.ID(schema.KindSchema, c.Schema.Key())}
	case *diff.DropSchema:
		d.unsets = []string{schema.ID(schema.KindSchema, c.Schema.Key())}
	case *diff.CreateExtension:
		d.sets = []string{schema.ID(schema.KindExtension, c.Extension.Key())}
		d.needs = []string{schema.ID(schema.KindSchema, schema.QuoteIdent(c.Extension.Schema))}
	case *diff.DropExtension:
		d.unsets = []string{schema.ID(schema.KindExtension, c.Extension.Key())}
		d.uses = []string{schema.ID(schema.KindSchema, schema.QuoteIdent(c.Extension.Schema))}
	case *diff.AlterExtension:
		id := schema.ID(schema.KindExtension, c.To.Key())
		d.sets = []string{id}
		d.needs = []string{schema.ID(schema.KindSchema, schema.QuoteIdent(c.To.Schema))}
		d.uses = []string{schema.ID(schema.KindSchema, schema.QuoteIdent(c.From.Schema))}
	case *diff.CreateType:
		d.sets = []string{schema.ID(schema.KindType, c.Type.Key())}
		d.needs = c.Type.Deps
	case *diff.DropType:
		d.unsets = []string{schema.ID(schema.KindType, c.Type.Key())}
		d.uses = c.Type.Deps
	case *diff.AlterType:
		id := schema.ID(schema.KindType, c.To.Key())
		d.sets, d.needs, d.uses = []string{id}, c.To.Deps, dropped(c.From.Deps, c.To.Deps)
		if enumNeedsRecreate(c.From, c.To) || enumNeedsRecreate(c.To, c.From) {
			// The recreation retypes every column of the enum; the same
			// dependencies serve the up step and its inverse.
			cols := b.columnsOfType(c.From.Key())
			d.unsets = append([]string{id}, cols...)
			d.sets = append(d.sets, cols...)
		}
	case *diff.CreateSequence:
		d.sets = []string{schema.ID(schema.KindSequence, c.Sequence.Key())}
		d.needs = withoutOwner(c.Sequence)
	case *diff.DropSequence:
		d.unsets = []string{schema.ID(schema.KindSequence, c.Sequence.Key())}
		d.uses = withoutOwner(c.Sequence)
	case *diff.AlterSequence:
		id := schema.ID(schema.KindSequence, c.To.Key())
		d.needs = []string{id}
		d.uses = []string{id}
		// The owning columns matter only when ownership changes; an owned
		// sequence keeps its column through the column's own changes.
		if c.To.OwnedBy != c.From.OwnedBy && c.To.OwnedBy != "" {
			d.needs = append(d.needs, schema.ID(schema.KindColumn, c.To.OwnedBy))
		}
		if c.To.OwnedBy != c.From.OwnedBy && c.From.OwnedBy != "" {
			d.uses = append(d.uses, schema.ID(schema.KindColumn, c.From.OwnedBy))
		}
	case *diff.CreateFunction:
		d.sets = []string{schema.ID(schema.KindFunction, c.Function.Key())}
		d.needs = c.Function.Deps
	case *diff.DropFunction:
		d.unsets = []string{schema.ID(schema.KindFunction, c.Function.Key())}
		d.uses = c.Function.Deps
	case *diff.ReplaceFunction:
		d.sets = []string{schema.ID(schema.KindFunction, c.To.Key())}
		d.needs, d.uses = c.To.Deps, dropped(c.From.Deps, c.To.Deps)
	case *diff.CreateTable:
		d.sets, d.needs = tableIDs(c.Table), tableDeps(c.Table)
	case *diff.DropTable:
		d.unsets, d.uses = tableIDs(c.Table), tableDeps(c.Table)
	case *diff.AlterTable:
		id := schema.ID(schema.KindTable, c.To.Key())
		d.sets, d.needs, d.uses = []string{id}, c.To.Deps, dropped(c.From.Deps, c.To.Deps)
		if c.To.PartitionOf != "" {
			d.needs = append(d.needs, schema.ID(schema.KindTable, c.To.PartitionOf))
		}
	case *diff.AddColumn:
		d.sets = []string{colID(c.Table.Key(), c.Column.Name)}
		d.needs = append([]string{schema.ID(schema.KindTable, c.Table.Key())}, c.Column.Deps...)
	case *diff.DropColumn:
		d.unsets = []string{colID(c.Table.Key(), c.Column.Name)}
		d.uses = c.Column.Deps
	case *diff.RenameColumn:
		d.sets = []string{colID(c.Table.Key(), c.To.Name)}
		d.unsets = []string{colID(c.Table.Key(), c.From.Name)}
		d.needs = []string{schema.ID(schema.KindTable, c.Table.Key())}
	case *diff.AlterColumn:
		id := colID(c.Table.Key(), c.To.Name)
		d.sets, d.needs, d.uses = []string{id}, append([]string{id}, c.To.Deps...), dropped(c.From.Deps, c.To.Deps)
		if c.From.Type != c.To.Type || c.From.Collation != c.To.Collation || c.From.Generated != c.To.Generated {
			d.unsets = []string{id}
		}
		if c.Table.PartitionOf != "" {
			// After the parent's column change, which recurses to the partition.
			d.needs = append(d.needs, colID(c.Table.PartitionOf, c.To.Name))
		}
	case *diff.AddConstraint:
		d.sets = []string{conID(c.Table.Key(), c.Constraint.Name)}
		d.needs = append([]string{schema.ID(schema.KindTable, c.Table.Key())}, c.Constraint.Deps...)
	case *diff.DropConstraint:
		d.unsets = []string{conID(c.Table.Key(), c.Constraint.Name)}
		d.uses = c.Constraint.Deps
	case *diff.ValidateConstraint:
		d.sets = []string{conID(c.Table.Key(), c.Constraint.Name)}
	case *diff.InvalidateConstraint:
		d.sets = []string{conID(c.Table.Key(), c.Constraint.Name)}
	case *diff.CreateIndex:
		d.sets = []string{schema.ID(schema.KindIndex, c.Index.Key())}
		d.needs = append([]string{tableOrViewID(c.Index.Table)}, c.Index.Deps...)
		// After the partitions, which keep their index names.
		d.needs = append(d.needs, partitionIDs(b.to, c.Index.Table)...)
	case *diff.DropIndex:
		d.unsets = []string{schema.ID(schema.KindIndex, c.Index.Key())}
		d.uses = append(c.Index.Deps, partitionIDs(b.from, c.Index.Table)...)
	case *diff.AlterIndex:
		d.sets = []string{schema.ID(schema.KindIndex, c.To.Key())}
	case *diff.CreateView:
		d.sets = viewIDs(c.View)
		d.needs = viewDeps(c.View, d.sets)
	case *diff.DropView:
		d.unsets = viewIDs(c.View)
		d.uses = viewDeps(c.View, d.unsets)
	case *diff.ReplaceView:
		d.sets = []string{schema.ID(schema.KindView, c.To.Key())}
		d.needs, d.uses = c.To.Deps, dropped(c.From.Deps, c.To.Deps)
	case *diff.CreateTrigger:
		d.sets = []string{trgID(c.Table, c.Trigger.Name)}
		d.needs = append([]string{tableOrViewID(c.Table)}, c.Trigger.Deps...)
	case *diff.DropTrigger:
		d.unsets = []string{trgID(c.Table, c.Trigger.Name)}
		d.uses = c.Trigger.Deps
	case *diff.AlterTrigger:
		d.sets = []string{trgID(c.Table, c.To.Name)}
	case *diff.CreatePolicy:
		d.sets = []string{polID(c.Table, c.Policy.Name)}
		d.needs = append([]string{tableOrViewID(c.Table)}, c.Policy.Deps...)
	case *diff.DropPolicy:
		d.unsets = []string{polID(c.Table, c.Policy.Name)}
		d.uses = c.Policy.Deps
	case *diff.AlterPolicy:
		id := polID(c.Table, c.To.Name)
		d.sets, d.needs, d.uses = []string{id}, c.To.Deps, dropped(c.From.Deps, c.To.Deps)
	case *diff.SetComment:
		// Comments and privileges change only on objects present on both
		// sides, so they just follow whatever (re)creates the object.
		d.needs = []string{c.ID}
	case *diff.SetPrivileges:
		d.needs = []string{c.ID}
	case *diff.SetOwner:
		d.needs = []string{c.ID}
	}
	return d
}

// dropped lists the dependencies of an object's old state that its new
// state no longer has: an in-place change must run before those go away.
// Dependencies kept by both states order the change through "needs".
func dropped(from, to []string) []string {
	var out []string
	for _, id := range from {
		if !slices.Contains(to, id) {
			out = append(out, id)
		}
	}
	return out
}

func withoutOwner(s *schema.Sequence) []string {
	if s.OwnedBy == "" {
		return s.Deps
	}
	own := schema.ID(schema.KindColumn, s.OwnedBy)
	return slices.DeleteFunc(slices.Clone(s.Deps), func(id string) bool { return id == own })
}

// tableOrViewID returns the ID of the table or view with qualified name k;
// both kinds are tried by the graph, so either spelling orders correctly.
func tableOrViewID(k string) string { return schema.ID(schema.KindTable, k) }

// tableIDs lists the IDs a CreateTable sets (or a DropTable unsets).
func tableIDs(t *schema.Table) []string {
	k := t.Key()
	ids := []string{schema.ID(schema.KindTable, k)}
	for _, c := range t.Columns {
		ids = append(ids, colID(k, c.Name))
	}
	for _, c := range t.Constraints {
		if c.Type != schema.ConstraintForeignKey {
			ids = append(ids, conID(k, c.Name))
		}
	}
	if t.Kind != schema.TablePartitioned { // see partitionedIndexes in diff
		for _, i := range t.Indexes {
			ids = append(ids, schema.ID(schema.KindIndex, i.Key()))
		}
	}
	for _, tr := range t.Triggers {
		ids = append(ids, trgID(k, tr.Name))
	}
	for _, p := range t.Policies {
		ids = append(ids, polID(k, p.Name))
	}
	return ids
}

// tableDeps is everything a table, its columns, its non-FK constraints,
// indexes, triggers and policies depend on, less the table's own objects.
func tableDeps(t *schema.Table) []string {
	own := map[string]bool{}
	for _, id := range tableIDs(t) {
		own[id] = true
	}
	var deps []string
	add := func(ids []string) {
		for _, id := range ids {
			if !own[id] {
				deps = append(deps, id)
			}
		}
	}
	add(t.Deps)
	if t.PartitionOf != "" {
		add([]string{schema.ID(schema.KindTable, t.PartitionOf)})
		// PARTITION OF takes the parent's columns as they are: a column
		// the parent gains or changes in the plan is there first (the
		// partition's column list may name it).
		for _, c := range t.Columns {
			add([]string{colID(t.PartitionOf, c.Name)})
		}
	}
	for _, p := range t.Inherits {
		add([]string{schema.ID(schema.KindTable, p)})
	}
	for _, c := range t.Columns {
		add(c.Deps)
	}
	for _, c := range t.Constraints {
		if c.Type != schema.ConstraintForeignKey {
			add(c.Deps)
		}
	}
	for _, i := range t.Indexes {
		add(i.Deps)
	}
	for _, tr := range t.Triggers {
		add(tr.Deps)
	}
	for _, p := range t.Policies {
		add(p.Deps)
	}
	sort.Strings(deps)
	return slices.Compact(deps)
}

func viewIDs(v *schema.View) []string {
	k := v.Key()
	ids := []string{schema.ID(schema.KindView, k), schema.ID(schema.KindTable, k)}
	for _, c := range v.Columns {
		ids = append(ids, colID(k, c.Name))
	}
	for _, i := range v.Indexes {
		ids = append(ids, schema.ID(schema.KindIndex, i.Key()))
	}
	for _, t := range v.Triggers {
		ids = append(ids, trgID(k, t.Name))
	}
	return ids
}

// viewDeps is what view v, its indexes and triggers depend on, sorted,
// without own (v's viewIDs).
func viewDeps(v *schema.View, own []string) []string {
	deps := slices.Clone(v.Deps)
	for _, i := range v.Indexes {
		deps = append(deps, i.Deps...)
	}
	for _, t := range v.Triggers {
		deps = append(deps, t.Deps...)
	}
	sort.Strings(deps)
	deps = slices.Compact(deps)
	return slices.DeleteFunc(deps, func(id string) bool { return slices.Contains(own, id) })
}

// columnsOfType lists the IDs of the from model's table columns whose type
// is the type with qualified name k (or an array of it), in table order.
// The list is made once per type (every step of an enum recreation asks
// for it) and must not be modified.
func (b *builder) columnsOfType(k string) []string {
	if ids, ok := b.typeColumns[k]; ok {
		return ids
	}
	if b.tableKeys == nil {
		b.tableKeys = schema.SortedKeys(b.from.Tables)
	}
	var ids []string
	array := k + "[]"
	for _, tk := range b.tableKeys {
		for _, c := range b.from.Tables[tk].Columns {
			if c.Type == k || c.Type == array {
				ids = append(ids, colID(tk, c.Name))
			}
		}
	}
	ids = slices.Clip(ids)
	b.typeColumns[k] = ids
	return ids
}

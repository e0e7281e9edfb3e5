// Package diff compares two schema models and returns typed changes. It
// knows nothing of SQL text or files: the planner turns changes into SQL.
//
// Every change has an Inverse, the change that undoes it; the planner writes
// a step's down SQL from its change's inverse, so up and down cannot drift
// apart.
package diff

import (
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/pgshift/pgshift/schema"
)

// Change is one typed difference between two models.
type Change interface {
	// Inverse returns the change that undoes this one.
	Inverse() Change
}

// Compare returns the changes that take a database in state from to state
// to. The order is deterministic but not an execution order: the planner
// orders changes by dependency. Owners are compared where the target
// names one (Owner != ""): a model loaded from a file leaves the owner of
// what the loader itself owns empty, so an object without OWNER TO in
// schema.sql keeps whatever owner it has.
//
// A table declared renamed in the target (schema.Annotation with no
// Column) whose old name exists only in from and new name only in to is a
// RenameTable, first in the list; everything else is compared on from with
// the rename applied (WithTableRenames).
func Compare(from, to *schema.Schema) []Change {
	from, renames := WithTableRenames(from, to)
	c := &comparer{from: from, to: to}
	for _, r := range renames {
		c.add(r)
	}
	c.namespaces()
	c.extensions()
	c.types()
	c.sequences()
	c.functions()
	c.tables()
	c.views()
	return c.out
}

type comparer struct {
	from, to *schema.Schema
	out      []Change
}

func (c *comparer) add(ch ...Change) { c.out = append(c.out, ch...) }

// pairs walks the union of two maps' keys in sorted order and calls fn with
// the value on each side (the zero value where absent).
func pairs[V any](from, to map[string]V, fn func(key string, a, b V, inA, inB bool)) {
	// Both key lists sorted, then merged (the union is not sorted again).
	fk, tk := schema.SortedKeys(from), schema.SortedKeys(to)
	for len(fk) > 0 || len(tk) > 0 {
		var k string
		switch {
		case len(tk) == 0 || (len(fk) > 0 && fk[0] < tk[0]):
			k, fk = fk[0], fk[1:]
		case len(fk) == 0 || tk[0] < fk[0]:
			k, tk = tk[0], tk[1:]
		default: // on both sides
			k, fk, tk = fk[0], fk[1:], tk[1:]
		}
		a, inA := from[k]
		b, inB := to[k]
		fn(k, a, b, inA, inB)
	}
}

// ref names an object whose comment or privileges are compared; its ID
// is built only for a change (most objects have none, and a 10,000-table
// model has some 300,000 of them).
type ref struct{ kind, parent, name string }

// obj is the ref of a top-level object with key k.
func obj(kind, k string) ref { return ref{kind: kind, name: k} }

// sub is the ref of a column, constraint, trigger or policy of a table or view.
func sub(kind, parent, name string) ref { return ref{kind, parent, name} }

func (r ref) id() string {
	if r.parent == "" {
		return schema.ID(r.kind, r.name)
	}
	return schema.SubID(r.kind, r.parent, r.name)
}

func (c *comparer) comment(r ref, from, to string) {
	if from != to {
		c.add(&SetComment{ID: r.id(), From: from, To: to})
	}
}

func (c *comparer) acl(r ref, from, to []string) {
	if !slices.Equal(from, to) {
		c.add(&SetPrivileges{ID: r.id(), From: from, To: to})
	}
}

// ownerAndACL compares the owner and the privileges of an object: an owner
// change carries the privilege change with it (SetOwner), else the
// privileges are compared alone. The target's owner "" means "not said":
// it is not compared.
func (c *comparer) ownerAndACL(r ref, fromOwner, toOwner string, from, to []string) {
	if toOwner != "" && fromOwner != toOwner {
		c.add(&SetOwner{ID: r.id(), From: fromOwner, To: toOwner, FromACL: from, ToACL: to})
		return
	}
	c.acl(r, from, to)
}

// ownerChanges reports whether an owner a changes to b (as Compare
// decides it).
func ownerChanges(a, b string) bool { return b != "" && a != b }

func (c *comparer) namespaces() {
	pairs(c.from.Namespaces, c.to.Namespaces, func(k string, a, b *schema.Namespace, inA, inB bool) {
		switch {
		case !inA:
			c.add(&CreateSchema{Schema: b})
		case !inB:
			c.add(&DropSchema{Schema: a})
		default:
			id := obj(schema.KindSchema, k)
			c.comment(id, a.Comment, b.Comment)
			c.ownerAndACL(id, a.Owner, b.Owner, a.ACL, b.ACL)
		}
	})
}

func (c *comparer) extensions() {
	pairs(c.from.Extensions, c.to.Extensions, func(k string, a, b *schema.Extension, inA, inB bool) {
		switch {
		case !inA:
			c.add(&CreateExtension{Extension: b})
		case !inB:
			c.add(&DropExtension{Extension: a})
		case a.Schema != b.Schema || a.Version != b.Version:
			c.add(&AlterExtension{From: a, To: b})
		}
	})
}

func (c *comparer) types() {
	pairs(c.from.Types, c.to.Types, func(k string, a, b *schema.Type, inA, inB bool) {
		switch {
		case !inA:
			c.add(&CreateType{Type: b})
		case !inB:
			c.add(&DropType{Type: a})
		default:
			if !sameTypeBody(a, b) {
				c.add(&AlterType{From: a, To: b})
			}
			id := obj(schema.KindType, k)
			c.comment(id, a.Comment, b.Comment)
			c.ownerAndACL(id, a.Owner, b.Owner, a.ACL, b.ACL)
		}
	})
}

// sameTypeBody reports whether two types are equal apart from comment, ACL,
// owner and dependencies.
func sameTypeBody(a, b *schema.Type) bool {
	x, y := *a, *b
	x.Comment, y.Comment, x.ACL, y.ACL, x.Owner, y.Owner, x.Deps, y.Deps = "", "", nil, nil, "", "", nil, nil
	return reflect.DeepEqual(x, y)
}

func (c *comparer) sequences() {
	pairs(c.from.Sequences, c.to.Sequences, func(k string, a, b *schema.Sequence, inA, inB bool) {
		switch {
		case !inA:
			c.add(&CreateSequence{Sequence: b})
		case !inB:
			c.add(&DropSequence{Sequence: a})
		default:
			if !SameSequenceOptions(a, b) || a.OwnedBy != b.OwnedBy || a.Unlogged != b.Unlogged {
				c.add(&AlterSequence{From: a, To: b})
			}
			id := obj(schema.KindSequence, k)
			c.comment(id, a.Comment, b.Comment)
			if a.OwnedBy != "" || b.OwnedBy != "" {
				// An owned sequence has its table's owner: ALTER TABLE
				// OWNER TO moves it, and it cannot be given another.
				c.acl(id, a.ACL, b.ACL)
			} else {
				c.ownerAndACL(id, a.Owner, b.Owner, a.ACL, b.ACL)
			}
		}
	})
}

// SameSequenceOptions reports whether two sequences have the same data type,
// start, increment, bounds, cache and cycle option.
func SameSequenceOptions(a, b *schema.Sequence) bool {
	return a.DataType == b.DataType && a.Start == b.Start && a.Increment == b.Increment &&
		a.Min == b.Min && a.Max == b.Max && a.Cache == b.Cache && a.Cycle == b.Cycle
}

func (c *comparer) functions() {
	pairs(c.from.Functions, c.to.Functions, func(k string, a, b *schema.Function, inA, inB bool) {
		switch {
		case !inA:
			c.add(&CreateFunction{Function: b})
		case !inB:
			c.add(&DropFunction{Function: a})
		default:
			if a.Definition != b.Definition || a.Kind != b.Kind || a.Result != b.Result {
				c.add(&ReplaceFunction{From: a, To: b})
			}
			id := obj(schema.KindFunction, k)
			c.comment(id, a.Comment, b.Comment)
			c.ownerAndACL(id, a.Owner, b.Owner, a.ACL, b.ACL)
		}
	})
}

func (c *comparer) views() {
	pairs(c.from.Views, c.to.Views, func(k string, a, b *schema.View, inA, inB bool) {
		switch {
		case !inA:
			c.add(&CreateView{View: b})
		case !inB:
			c.add(&DropView{View: a})
		default:
			id := obj(schema.KindView, k)
			if a.Materialized != b.Materialized || a.Definition != b.Definition ||
				!reflect.DeepEqual(viewColumnShapes(a), viewColumnShapes(b)) ||
				!slices.Equal(a.Options, b.Options) {
				// WithData (relispopulated) is not compared: whether a
				// materialized view holds rows is data (REFRESH), and
				// pg_dump -s writes every one WITH NO DATA.
				c.add(&ReplaceView{From: a, To: b})
				// The view is rebuilt with its comments, grants, indexes and
				// triggers only when it is dropped; the planner decides.
			}
			c.comment(id, a.Comment, b.Comment)
			c.ownerAndACL(id, a.Owner, b.Owner, a.ACL, b.ACL)
			for _, col := range b.Columns {
				var old string
				for _, oc := range a.Columns {
					if oc.Name == col.Name {
						old = oc.Comment
					}
				}
				c.comment(sub(schema.KindColumn, k, col.Name), old, col.Comment)
			}
			c.indexes(a.Key(), a.Indexes, b.Indexes)
			c.triggers(a.Key(), a.Triggers, b.Triggers)
		}
	})
}

func viewColumnShapes(v *schema.View) [][3]string {
	out := make([][3]string, len(v.Columns))
	for i, c := range v.Columns {
		out[i] = [3]string{c.Name, c.Type, c.Default}
	}
	return out
}

func (c *comparer) tables() {
	converted := c.convertedTables()
	pairs(c.from.Tables, c.to.Tables, func(k string, a, b *schema.Table, inA, inB bool) {
		switch {
		case (!inA && converted[b.PartitionOf]) || (!inB && converted[a.PartitionOf]):
			// A partition of a table whose partitioning changes: that
			// change is Unsupported, and this DDL could not apply.
		case !inA:
			c.add(&CreateTable{Table: b})
			c.partitionedIndexes(b, true)
			for _, con := range b.Constraints {
				if con.Type == schema.ConstraintForeignKey {
					c.add(&AddConstraint{Table: b, Constraint: con})
				}
			}
		case !inB:
			for _, con := range a.Constraints {
				if con.Type == schema.ConstraintForeignKey {
					c.add(&DropConstraint{Table: a, Constraint: con})
				}
			}
			c.partitionedIndexes(a, false)
			c.add(&DropTable{Table: a})
		default:
			c.alterTable(k, a, b)
		}
	})
}

func (c *comparer) alterTable(k string, a, b *schema.Table) {
	if a.Kind != b.Kind || a.PartitionKey != b.PartitionKey {
		c.add(&Unsupported{ID: schema.ID(schema.KindTable, k), Reason: "changing how a table is partitioned (" +
			describePartitioning(a) + " to " + describePartitioning(b) + ") needs a manual migration"})
		return
	}
	if a.Unlogged != b.Unlogged || !slices.Equal(a.Options, b.Options) || a.RLSEnabled != b.RLSEnabled ||
		a.RLSForced != b.RLSForced || a.ReplicaIdentity != b.ReplicaIdentity ||
		a.ReplicaIdentityIndex != b.ReplicaIdentityIndex || a.PartitionOf != b.PartitionOf ||
		a.PartitionBound != b.PartitionBound || !slices.Equal(a.Inherits, b.Inherits) ||
		len(PartitionIndexChanges(a, b, c.from, c.to)) > 0 {
		c.add(&AlterTable{From: a, To: b})
	}
	id := obj(schema.KindTable, k)
	c.comment(id, a.Comment, b.Comment)
	c.ownerAndACL(id, a.Owner, b.Owner, a.ACL, b.ACL)
	// Column ACLs leave out the table owner's entries, and an owner change
	// hands the old owner's column privileges to the new owner: the column
	// privileges to change are those the owner change leaves (without the
	// new owner's entries). The planner runs SetOwner first.
	fromColACL := func(acl []string) []string { return acl }
	if ownerChanges(a.Owner, b.Owner) {
		fromColACL = func(acl []string) []string { return WithoutGrantees(acl, b.Owner) }
	}

	if c.samePartitionParent(a, b) {
		c.partitionColumns(k, a, b, fromColACL)
	} else {
		c.columns(k, a, b, fromColACL)
	}

	for _, bc := range b.Constraints {
		ac := a.Constraint(bc.Name)
		switch {
		case ac == nil:
			c.add(&AddConstraint{Table: b, Constraint: bc})
		case ac.Definition != bc.Definition || ac.Type != bc.Type:
			if ac.Type == bc.Type && NotValidOnly(ac, bc) {
				c.add(&ValidateConstraint{Table: b, Constraint: bc})
				break
			}
			c.add(&DropConstraint{Table: a, Constraint: ac}, &AddConstraint{Table: b, Constraint: bc})
		default:
			cid := sub(schema.KindConstraint, k, bc.Name)
			c.comment(cid, ac.Comment, bc.Comment)
			if ac.Index != "" && ac.IndexComment != bc.IndexComment {
				c.add(&SetComment{ID: schema.ID(schema.KindIndex, ac.Index), From: ac.IndexComment, To: bc.IndexComment})
			}
		}
	}
	for _, ac := range a.Constraints {
		if b.Constraint(ac.Name) == nil {
			c.add(&DropConstraint{Table: a, Constraint: ac})
		}
	}
	c.indexes(k, a.Indexes, b.Indexes)
	c.triggers(k, a.Triggers, b.Triggers)
	c.policies(a, b)
}

// columns compares the columns of table k (not a partition of the same
// parent on both sides, see partitionColumns); fromColACL gives a column's
// privileges as the table's owner change leaves them.
func (c *comparer) columns(k string, a, b *schema.Table, fromColACL func([]string) []string) {
	renamed := c.renames(k, a, b)
	for _, bc := range b.Columns {
		ac := a.Column(bc.Name)
		if r, ok := renamed[bc.Name]; ok {
			ac = r.renamed
		}
		if ac == nil {
			c.add(&AddColumn{Table: b, Column: bc})
			continue
		}
		if Reattached(a, b) && ac.NotNull && bc.NotNull && ac.NotNullName != "" && bc.NotNullName != "" {
			// Renamed by the AlterTable, between DETACH and ATTACH.
			named := *ac
			named.NotNullName = bc.NotNullName
			ac = &named
		}
		if !SameColumnBody(ac, bc) {
			c.add(&AlterColumn{Table: b, From: ac, To: bc})
		}
		cid := sub(schema.KindColumn, k, bc.Name)
		c.comment(cid, ac.Comment, bc.Comment)
		c.acl(cid, fromColACL(ac.ACL), bc.ACL)
	}
	for _, ac := range a.Columns {
		if b.Column(ac.Name) == nil && !renamedFrom(renamed, ac.Name) {
			c.add(&DropColumn{Table: a, Column: ac})
		}
	}
}

// rename is a declared column rename: the column before, and the same
// column under its new name (what AlterColumn compares with the target).
type rename struct{ old, renamed *schema.Column }

// renames returns the declared column renames of table k that apply from
// a to b (old name present only in a, new name only in b), keyed by the new
// name, and adds a RenameColumn for each. A rename already applied, or
// whose old column is gone, is ignored.
func (c *comparer) renames(k string, a, b *schema.Table) map[string]rename {
	out := map[string]rename{}
	for _, ann := range c.to.Annotations {
		if ann.Kind != schema.AnnotationRenamedFrom || ann.Table != k {
			continue
		}
		from, to := a.Column(ann.From), b.Column(ann.Column)
		if from == nil || to == nil || a.Column(ann.Column) != nil || b.Column(ann.From) != nil {
			continue
		}
		renamed := *from
		renamed.Name = to.Name
		if renamed.NotNull && to.NotNull && renamed.NotNullName != "" && to.NotNullName != "" {
			// PostgreSQL 18: the rename takes the NOT NULL constraint's name
			// along (RenameColumn renames both), as a fresh load names it.
			renamed.NotNullName = to.NotNullName
		}
		c.add(&RenameColumn{Table: b, From: from, To: &renamed})
		out[to.Name] = rename{old: from, renamed: &renamed}
	}
	return out
}

func renamedFrom(renamed map[string]rename, old string) bool {
	for _, r := range renamed {
		if r.old.Name == old {
			return true
		}
	}
	return false
}

func describePartitioning(t *schema.Table) string {
	if t.Kind == schema.TablePartitioned {
		return "PARTITION BY " + t.PartitionKey
	}
	return "not partitioned"
}

// NotValidOnly reports whether b is a with " NOT VALID" removed: the
// constraint only needs VALIDATE CONSTRAINT.
func NotValidOnly(a, b *schema.Constraint) bool {
	return !a.Validated && b.Validated && a.Definition == b.Definition+" NOT VALID"
}

// SameColumnBody reports whether two columns are equal apart from comment and
// privileges (which have changes of their own) and dependencies. Fields are
// compared one by one: a column pair is compared for every column of every
// table, and copying both for reflect.DeepEqual allocated more than the rest
// of the diff. TestSameColumnBodyFields checks that every field is covered.
func SameColumnBody(a, b *schema.Column) bool {
	return a.Name == b.Name && a.Type == b.Type && a.NotNull == b.NotNull && a.Default == b.Default &&
		a.Identity == b.Identity && a.Generated == b.Generated && a.Virtual == b.Virtual &&
		a.Collation == b.Collation && slices.Equal(a.Options, b.Options) && a.Statistics == b.Statistics &&
		a.Storage == b.Storage && a.TypeStorage == b.TypeStorage && a.Compression == b.Compression &&
		sameIdentitySequence(a.IdentitySequence, b.IdentitySequence) && SameNotNullName(a.NotNullName, b.NotNullName)
}

// SameNotNullName reports whether two NOT NULL constraint names
// (schema.Column.NotNullName) are the same, or not comparable: a name is
// "" on a model read from PostgreSQL 17 or older (or without a server),
// and such a model is never different from an 18 one in the name.
func SameNotNullName(a, b string) bool {
	return a == b || a == "" || b == ""
}

// sameIdentitySequence reports whether two identity sequences have the same
// options (owner and dependencies aside); nil is no identity.
func sameIdentitySequence(a, b *schema.Sequence) bool {
	if a == nil || b == nil {
		return a == b
	}
	x, y := *a, *b
	x.Deps, y.Deps, x.Owner, y.Owner = nil, nil, "", ""
	return reflect.DeepEqual(x, y)
}

func byName[T any](items []T, name func(T) string) map[string]T {
	m := make(map[string]T, len(items))
	for _, it := range items {
		m[name(it)] = it
	}
	return m
}

func (c *comparer) indexes(table string, from, to []*schema.Index) {
	key := func(i *schema.Index) string { return i.Key() }
	pairs(byName(from, key), byName(to, key), func(k string, a, b *schema.Index, inA, inB bool) {
		switch {
		case !inA:
			c.add(&CreateIndex{Index: b})
		case !inB:
			c.add(&DropIndex{Index: a})
		case a.Definition != b.Definition || a.Valid != b.Valid:
			c.add(&DropIndex{Index: a}, &CreateIndex{Index: b})
		default:
			c.comment(obj(schema.KindIndex, k), a.Comment, b.Comment)
			if a.Clustered != b.Clustered {
				c.add(&AlterIndex{From: a, To: b})
			}
		}
	})
}

func (c *comparer) triggers(table string, from, to []*schema.Trigger) {
	name := func(t *schema.Trigger) string { return t.Name }
	pairs(byName(from, name), byName(to, name), func(k string, a, b *schema.Trigger, inA, inB bool) {
		switch {
		case !inA:
			c.add(&CreateTrigger{Table: table, Trigger: b})
		case !inB:
			c.add(&DropTrigger{Table: table, Trigger: a})
		case a.Definition != b.Definition:
			c.add(&DropTrigger{Table: table, Trigger: a}, &CreateTrigger{Table: table, Trigger: b})
		default:
			if a.Enabled != b.Enabled {
				c.add(&AlterTrigger{Table: table, From: a, To: b})
			}
			c.comment(sub(schema.KindTrigger, table, k), a.Comment, b.Comment)
		}
	})
}

func (c *comparer) policies(ta, tb *schema.Table) {
	name := func(p *schema.Policy) string { return p.Name }
	table := tb.Key()
	pairs(byName(ta.Policies, name), byName(tb.Policies, name), func(k string, a, b *schema.Policy, inA, inB bool) {
		switch {
		case !inA:
			c.add(&CreatePolicy{Table: table, Policy: b})
		case !inB:
			c.add(&DropPolicy{Table: table, Policy: a})
		case a.Permissive != b.Permissive || a.Command != b.Command:
			c.add(&DropPolicy{Table: table, Policy: a}, &CreatePolicy{Table: table, Policy: b})
		default:
			if !slices.Equal(a.Roles, b.Roles) || a.Using != b.Using || a.WithCheck != b.WithCheck {
				c.add(&AlterPolicy{Table: table, From: a, To: b})
			}
			c.comment(sub(schema.KindPolicy, table, k), a.Comment, b.Comment)
		}
	})
}

// WithoutGrantees returns the normalized acl without the entries granted
// to the given roles (names as pg_get_userbyid prints them; an ACL entry
// quotes a name as regrole does).
func WithoutGrantees(acl []string, roles ...string) []string {
	var out []string
	for _, it := range acl {
		g, _, _ := strings.Cut(it, "=")
		drop := false
		for _, r := range roles {
			drop = drop || r != "" && (g == r || g == schema.QuoteIdent(r))
		}
		if !drop {
			out = append(out, it)
		}
	}
	return out
}

// SequenceRename is one sequence renamed with its table (RenameTable),
// by qualified keys.
type SequenceRename struct{ From, To string }

// WithTableRenames returns from with the declared table renames of to
// applied (schema.Schema.WithTableRenamed) and those renames, sorted by old
// name. A rename applies when from has a table under the old name and none
// under the new one, and to has the new table and nothing under the old
// name; otherwise it is left out (planner notes say why). from is returned
// as it is when no rename applies.
func WithTableRenames(from, to *schema.Schema) (*schema.Schema, []*RenameTable) {
	var out []*RenameTable
	for _, ann := range to.Annotations {
		if ann.Kind != schema.AnnotationRenamedFrom || ann.Column != "" {
			continue
		}
		old, target := from.Tables[ann.From], to.Tables[ann.Table]
		if old == nil || target == nil || from.Tables[ann.Table] != nil || from.Views[ann.Table] != nil ||
			to.Tables[ann.From] != nil || to.Views[ann.From] != nil || old.Schema != target.Schema {
			continue
		}
		// The sequences the table owns that the target names otherwise
		// for the same column (serial: <table>_<column>_seq).
		var seqs []SequenceRename
		names := map[string]string{}
		for _, k := range schema.SortedKeys(from.Sequences) {
			q := from.Sequences[k]
			p, col, ok := schema.SplitSubKey(q.OwnedBy)
			if !ok || p != old.Key() {
				continue
			}
			for _, tk := range schema.SortedKeys(to.Sequences) {
				tq := to.Sequences[tk]
				if tq.OwnedBy == target.Key()+"."+schema.QuoteIdent(col) && tk != k && tq.Schema == q.Schema &&
					from.Sequences[tk] == nil && to.Sequences[k] == nil {
					seqs = append(seqs, SequenceRename{From: k, To: tk})
					names[k] = tq.Name
				}
			}
		}
		renamed := from.WithTableRenamed(old.Key(), target.Name, names)
		out = append(out, &RenameTable{From: old, To: renamed.Tables[target.Key()], Sequences: seqs})
		from = renamed
	}
	sort.Slice(out, func(i, j int) bool { return out[i].From.Key() < out[j].From.Key() })
	return from, out
}

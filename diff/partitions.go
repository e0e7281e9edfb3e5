package diff

import (
	"fmt"

	"github.com/pgshift/pgshift/schema"
)

// Partitions. A partition's columns are its parent's: ALTER TABLE on the
// parent recurses to every partition for ADD/DROP COLUMN, TYPE, SET/DROP
// DEFAULT, SET/DROP NOT NULL, SET STATISTICS, SET STORAGE and SET
// COMPRESSION (PostgreSQL docs, "ALTER TABLE": "a recursive operation").
// What a partition holds of its own, and what is compared here, is what
// differs from that: a partition-level NOT NULL or default, statistics,
// comments and privileges, its own constraints and indexes, and the names
// of its indexes attached to the parent's (PartitionIndexes).

// samePartitionParent reports whether a and b are the same partition of
// the same parent, the parent present in both models.
func (c *comparer) samePartitionParent(a, b *schema.Table) bool {
	return a.PartitionOf != "" && a.PartitionOf == b.PartitionOf &&
		c.from.Tables[a.PartitionOf] != nil && c.to.Tables[b.PartitionOf] != nil
}

// Reattached reports whether the plan detaches or attaches table a / b
// (a table attached, a partition detached, or detached and attached again
// to another parent or with another bound). After the DETACH and before
// the ATTACH its NOT NULL constraints are its own, so they are renamed
// there (PostgreSQL 18 names, the AlterTable's SQL), not by the column
// changes: an inherited constraint cannot be renamed.
func Reattached(a, b *schema.Table) bool {
	return (a.PartitionOf != "" || b.PartitionOf != "") &&
		(a.PartitionOf != b.PartitionOf || a.PartitionBound != b.PartitionBound)
}

// recursedColumn returns the partition column ac as it is after the
// parent's column changed from pa to pb: every attribute whose change
// recurses to partitions takes the parent's new value. pa nil means the
// column is added to the parent (the partition gets it as ADD COLUMN
// creates it: the parent's type, default, NOT NULL and storage, default
// statistics, no options, comment or privileges).
func recursedColumn(ac, pa, pb *schema.Column) *schema.Column {
	if pa == nil {
		x := *pb
		x.Statistics, x.Options, x.Comment, x.ACL, x.Deps = -1, nil, "", nil, nil
		return &x
	}
	x := *ac
	if pa.Type != pb.Type {
		x.Type = pb.Type
	}
	if pa.Collation != pb.Collation {
		x.Collation = pb.Collation
	}
	switch {
	case pa.NotNull != pb.NotNull && !pb.NotNull:
		x.NotNull, x.NotNullName = false, ""
	case pa.NotNull != pb.NotNull && !x.NotNull:
		// A partition without a NOT NULL of its own takes the parent's,
		// under the parent's name (PostgreSQL 18).
		x.NotNull, x.NotNullName = true, pb.NotNullName
	case pa.NotNull && pb.NotNull && x.NotNull && pa.NotNullName != "" && x.NotNullName == pa.NotNullName && pb.NotNullName != "":
		// RENAME CONSTRAINT on the parent renames the partitions' too.
		x.NotNullName = pb.NotNullName
	}
	if pa.Default != pb.Default {
		x.Default = pb.Default
	}
	if pa.Generated != pb.Generated || pa.Virtual != pb.Virtual {
		x.Generated, x.Virtual = pb.Generated, pb.Virtual
	}
	if pa.Identity != pb.Identity || !sameIdentitySequence(pa.IdentitySequence, pb.IdentitySequence) {
		x.Identity, x.IdentitySequence = pb.Identity, pb.IdentitySequence
	}
	if pa.Statistics != pb.Statistics {
		x.Statistics = pb.Statistics
	}
	if pa.Storage != pb.Storage || pa.TypeStorage != pb.TypeStorage {
		x.Storage, x.TypeStorage = pb.Storage, pb.TypeStorage
	}
	if pa.Compression != pb.Compression {
		x.Compression = pb.Compression
	}
	return &x
}

// partitionColumns compares the columns of partition k (same parent on
// both sides): columns added or dropped on the parent are the parent's
// changes; a partition column changes only where it differs from what the
// parent's change leaves it with.
func (c *comparer) partitionColumns(k string, a, b *schema.Table, fromColACL func([]string) []string) {
	pf, pt := c.from.Tables[a.PartitionOf], c.to.Tables[b.PartitionOf]
	for _, bc := range b.Columns {
		pb := pt.Column(bc.Name)
		ac := a.Column(bc.Name)
		if pb == nil {
			continue // not a column of the parent: the attach fails anyway
		}
		pa := pf.Column(bc.Name)
		var base *schema.Column
		switch {
		case ac == nil || pa == nil:
			base = recursedColumn(nil, nil, pb)
		default:
			base = recursedColumn(ac, pa, pb)
		}
		cid := sub(schema.KindColumn, k, bc.Name)
		if pb.NotNull && base.NotNull && bc.NotNull && !SameNotNullName(base.NotNullName, bc.NotNullName) {
			// The partition's NOT NULL is inherited from the parent's,
			// and PostgreSQL 18 does not rename an inherited constraint
			// ("cannot rename inherited constraint").
			c.add(&Unsupported{ID: cid.id(), Reason: fmt.Sprintf(
				"the NOT NULL constraint of partition column %s.%s is named %s, the target names it %s: an inherited NOT NULL constraint cannot be renamed (PostgreSQL 18); detach the partition, rename it and attach it again",
				k, schema.QuoteIdent(bc.Name), schema.QuoteIdent(base.NotNullName), schema.QuoteIdent(bc.NotNullName))})
			named := *base
			named.NotNullName = bc.NotNullName
			base = &named
		}
		if !SameColumnBody(base, bc) {
			c.add(&AlterColumn{Table: b, From: base, To: bc})
		}
		c.comment(cid, base.Comment, bc.Comment)
		c.acl(cid, fromColACL(base.ACL), bc.ACL)
	}
}

// parentIndexSame reports whether the parent's index (qualified name ix)
// exists on both sides of the comparison unchanged, as a plain index or as
// the index of a constraint.
func (c *comparer) parentIndexSame(fromParent, toParent *schema.Table, ix string) bool {
	fi, fok := parentIndexDef(fromParent, ix)
	ti, tok := parentIndexDef(toParent, ix)
	return fok && tok && fi == ti
}

// parentIndexDef returns a comparable form of the index ix of table t.
func parentIndexDef(t *schema.Table, ix string) (string, bool) {
	for _, i := range t.Indexes {
		if i.Key() == ix {
			v := "i"
			if i.Valid {
				v = "v"
			}
			return v + i.Definition, true
		}
	}
	for _, con := range t.Constraints {
		if con.Index == ix {
			return string(con.Type) + con.Definition, true
		}
	}
	return "", false
}

// PartitionIndexChange is a difference in one partition index attached to
// an index of the parent that the parent's own changes do not cover: From
// nil means the partition's index is missing and must be built and
// attached (the parent index is INVALID until it is); To nil means the
// target leaves the partition without one (not possible once attached);
// both set with different names is a rename.
type PartitionIndexChange struct{ From, To *schema.PartitionIndex }

// PartitionIndexChanges returns the differences between the partition
// indexes of partition a (in model from) and b (in model to), for parent
// indexes that exist unchanged on both sides; nil when a and b are not the
// same partition of the same parent.
func PartitionIndexChanges(a, b *schema.Table, from, to *schema.Schema) []PartitionIndexChange {
	c := &comparer{from: from, to: to}
	if !c.samePartitionParent(a, b) {
		return nil
	}
	pf, pt := from.Tables[a.PartitionOf], to.Tables[b.PartitionOf]
	var out []PartitionIndexChange
	seen := map[string]bool{}
	for _, bi := range b.PartitionIndexes {
		seen[bi.Parent] = true
		if !c.parentIndexSame(pf, pt, bi.Parent) {
			continue
		}
		ai := a.PartitionIndexFor(bi.Parent)
		if ai == nil || ai.Name != bi.Name {
			out = append(out, PartitionIndexChange{From: ai, To: bi})
		}
	}
	for _, ai := range a.PartitionIndexes {
		if !seen[ai.Parent] && c.parentIndexSame(pf, pt, ai.Parent) {
			out = append(out, PartitionIndexChange{From: ai})
		}
	}
	return out
}

// convertedTables returns the keys of tables on both sides whose
// partitioning changes (ordinary ↔ partitioned, or another partition key):
// they get an Unsupported change, and partitions created or dropped under
// them are not planned (their DDL cannot apply to the table as it is).
func (c *comparer) convertedTables() map[string]bool {
	out := map[string]bool{}
	for k, a := range c.from.Tables {
		if b := c.to.Tables[k]; b != nil && (a.Kind != b.Kind || a.PartitionKey != b.PartitionKey) {
			out[k] = true
		}
	}
	return out
}

// partitionedIndexes adds a CreateIndex (create) or DropIndex for each
// index of a partitioned table that is created or dropped: CreateTable does
// not carry them (schema.Table.Indexes of a partitioned table are built
// after its partitions, so that each partition's index keeps its name and
// an INVALID index stays INVALID; see the planner), and the inverse of the
// drop creates them again in the down.
func (c *comparer) partitionedIndexes(t *schema.Table, create bool) {
	if t.Kind != schema.TablePartitioned {
		return
	}
	for _, i := range t.Indexes {
		if create {
			c.add(&CreateIndex{Index: i})
		} else {
			c.add(&DropIndex{Index: i})
		}
	}
}

package planner

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pgshift/pgshift/diff"
	"github.com/pgshift/pgshift/schema"
)

// Partitioned tables. The rules used here, from the PostgreSQL docs:
//   - "CREATE INDEX": concurrent builds are not supported on a partitioned
//     table; "you may concurrently build the index on each partition
//     individually and then finally create the partitioned index
//     non-concurrently ... building the partitioned index is a metadata
//     only operation". CREATE INDEX ... ON ONLY creates the parent's index
//     INVALID; ALTER INDEX ... ATTACH PARTITION attaches each partition's
//     index, and the parent's becomes valid once every partition has one.
//   - "ALTER TABLE", ADD table_constraint_using_index: "not currently
//     supported on partitioned tables", but it is on a partition (an
//     ordinary table). ADD PRIMARY KEY / UNIQUE on the parent then attaches
//     each partition's matching index that implements a matching
//     constraint instead of building one (catalog only).
//   - "ALTER TABLE", DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+):
//     SHARE UPDATE EXCLUSIVE on the parent instead of ACCESS EXCLUSIVE;
//     it cannot run inside a transaction block nor when the parent has a
//     DEFAULT partition.
//   - "CREATE TABLE", PARTITION OF: the partition takes the parent's
//     columns with their types, defaults, NOT NULL and storage; its column
//     list only adds options (WITH OPTIONS DEFAULT, NOT NULL).
//   - "ALTER TABLE": column changes on the parent recurse to partitions
//     (see diff/partitions.go).

// partitionParent returns the parent of partition t in the model t belongs
// to (b.to for a table being created, b.from for one being dropped or, in a
// down, created again), or nil.
func (b *builder) partitionParent(t *schema.Table) *schema.Table {
	if t.PartitionOf == "" {
		return nil
	}
	if b.to.Tables[t.Key()] == t {
		return b.to.Tables[t.PartitionOf]
	}
	return b.from.Tables[t.PartitionOf]
}

// partitionColumnDefs returns the column list entries of CREATE TABLE ...
// PARTITION OF for partition t of parent p (`name WITH OPTIONS [DEFAULT d]
// [[CONSTRAINT n] NOT NULL]` where the partition's own default, NOT NULL or
// NOT NULL constraint name (PostgreSQL 18) differs from
// what it takes from the parent) and the statements that follow the
// CREATE TABLE (DROP DEFAULT where the partition has none, column
// settings that are not taken from the parent).
func partitionColumnDefs(t, p *schema.Table) (defs, later []string) {
	k := t.Key()
	for _, c := range t.Columns {
		pc := p.Column(c.Name)
		if pc == nil {
			continue
		}
		var opts []string
		if c.Default != pc.Default && c.Default != "" {
			opts = append(opts, "DEFAULT "+c.Default)
		}
		switch {
		case c.NotNull && !pc.NotNull:
			opts = append(opts, strings.TrimPrefix(notNullClause(c), " "))
		case c.NotNull && c.NotNullName != "" && pc.NotNullName != "" && c.NotNullName != pc.NotNullName:
			// PostgreSQL 18: the partition would take the parent's name;
			// a fresh load that attaches a table of its own keeps the table's.
			opts = append(opts, strings.TrimPrefix(notNullClause(c), " "))
		}
		if len(opts) > 0 {
			defs = append(defs, "    "+schema.QuoteIdent(c.Name)+" WITH OPTIONS "+strings.Join(opts, " "))
		}
		if c.Default == "" && pc.Default != "" && c.Generated == "" && c.Identity == "" {
			later = append(later, fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT;", k, schema.QuoteIdent(c.Name)))
		}
		inherited := *pc
		inherited.Statistics, inherited.Options = -1, nil
		later = append(later, columnSettings(k, c, &inherited)...)
	}
	return defs, later
}

// detachFirst returns the DETACH PARTITION that goes before dropping
// partition t (its parent in the model before the drop), or nil: a
// partition whose index is attached to the parent's key, or that a
// foreign key reaches through the parent, is released from the parent
// before it is dropped.
func detachFirst(t *schema.Table, before *schema.Schema) []string {
	if t.PartitionOf == "" || before.Tables[t.PartitionOf] == nil {
		return nil
	}
	return []string{fmt.Sprintf("ALTER TABLE %s DETACH PARTITION %s;", t.PartitionOf, t.Key())}
}

// partitionIndexSQL renames the partition's indexes attached to an index
// of the parent whose names differ between the models, and builds and
// attaches a missing one.
func partitionIndexSQL(from, to *schema.Table, before, after *schema.Schema) []string {
	var sql []string
	ns := schema.QuoteIdent(to.Schema)
	for _, ch := range diff.PartitionIndexChanges(from, to, before, after) {
		switch {
		case ch.From != nil && ch.To != nil:
			sql = append(sql, fmt.Sprintf("ALTER INDEX %s.%s RENAME TO %s;", ns, schema.QuoteIdent(ch.From.Name), schema.QuoteIdent(ch.To.Name)))
		case ch.To != nil:
			if def, ok := parentIndexDefinition(after.Tables[to.PartitionOf], ch.To.Parent); ok {
				sql = append(sql, childIndexDef(def, to.PartitionOf, ch.To.Name, to.Key(), false)+";",
					fmt.Sprintf("ALTER INDEX %s ATTACH PARTITION %s.%s;", ch.To.Parent, ns, schema.QuoteIdent(ch.To.Name)))
			}
		}
	}
	return sql
}

// parentIndexDefinition returns pg_get_indexdef of the plain index ix of
// partitioned table p.
func parentIndexDefinition(p *schema.Table, ix string) (string, bool) {
	if p == nil {
		return "", false
	}
	for _, i := range p.Indexes {
		if i.Key() == ix {
			return i.Definition, true
		}
	}
	return "", false
}

// childIndexDef turns pg_get_indexdef of a partitioned table's index
// ("CREATE [UNIQUE] INDEX name ON ONLY parent USING ...") into the same
// index named name on partition part, CONCURRENTLY when asked.
func childIndexDef(def, parent, name, part string, concurrently bool) string {
	on := " ON ONLY " + parent + " "
	i := strings.Index(def, on)
	if i < 0 {
		on = " ON " + parent + " "
		i = strings.Index(def, on)
	}
	if i < 0 {
		return def
	}
	head := def[:i] // CREATE [UNIQUE] INDEX name
	kw := head[:strings.LastIndex(head, " ")]
	if concurrently {
		kw += " CONCURRENTLY"
	}
	return kw + " " + schema.QuoteIdent(name) + " ON " + part + " " + def[i+len(on):]
}

// partitionsOf returns the partitions of table parent in model m, sorted.
func partitionsOf(m *schema.Schema, parent string) []*schema.Table {
	var out []*schema.Table
	for _, t := range m.Tables {
		if t.PartitionOf == parent {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key() < out[j].Key() })
	return out
}

// partitionTargets returns, for index ix (qualified) of existing
// partitioned table parent, every partition of the target and the name its
// attached index has there; ok is false when the per-partition recipe does
// not apply (a partition that is new, itself partitioned, or has no
// attached index in the target).
func (b *builder) partitionTargets(parent, ix string) (parts []*schema.Table, names []string, ok bool) {
	for _, p := range partitionsOf(b.to, parent) {
		pi := p.PartitionIndexFor(ix)
		if b.existingTable(p.Key()) == nil || p.Kind != schema.TableOrdinary || pi == nil ||
			b.from.Tables[p.Key()].PartitionOf != parent {
			return nil, nil, false
		}
		parts, names = append(parts, p), append(names, pi.Name)
	}
	return parts, names, len(parts) > 0
}

// partitionedIndexRecipe builds index i of an existing, populated
// partitioned table without blocking writes: the parent's index ON ONLY
// (INVALID, instant), each partition's index CONCURRENTLY in a file of its
// own (SHARE UPDATE EXCLUSIVE on that partition: reads and writes go on),
// then ALTER INDEX ... ATTACH PARTITION for each (catalog only). The
// partitions' index names are the target's. The down drops the parent's
// index, which drops the attached ones with it.
func (b *builder) partitionedIndexRecipe(i *schema.Index) []part {
	if tt := b.to.Tables[i.Table]; tt == nil || !slices.Contains(tt.Indexes, i) {
		return nil // the create side of a mirrored drop: planned as one statement
	}
	t := b.existingTable(i.Table)
	if t == nil || t.Kind != schema.TablePartitioned || b.to.Tables[i.Table].Kind != schema.TablePartitioned {
		return nil
	}
	parts, names, ok := b.partitionTargets(i.Table, i.Key())
	if !ok {
		return nil
	}
	only := strings.Replace(i.Definition, " ON "+i.Table+" ", " ON ONLY "+i.Table+" ", 1)
	out := []part{{
		summary:     "create index " + i.Key() + " on only " + i.Table + " (invalid until every partition's index is attached)",
		downSummary: "drop index " + i.Key(),
		up:          []string{only + ";"},
		down:        []string{"DROP INDEX IF EXISTS " + i.Key() + ";"},
		facts:       facts{lock: LockShare, relations: []string{i.Table}},
	}}
	var attach []part
	for n, p := range parts {
		child := schema.QuoteIdent(p.Schema) + "." + schema.QuoteIdent(names[n])
		build := part{
			summary:     "create index " + child + " on partition " + p.Key() + " concurrently",
			downSummary: "drop index " + child + " concurrently",
			up:          []string{childIndexDef(i.Definition, i.Table, names[n], p.Key(), true) + ";"},
			down:        []string{"DROP INDEX CONCURRENTLY IF EXISTS " + child + ";"},
			nonTx:       true,
			stmtTimeout: backfillStatementLimit,
			facts:       facts{lock: LockShareUpdateExcl, relations: []string{p.Key()}, scans: true},
		}
		out = append(out, build)
		attach = append(attach, part{
			summary:     "attach index " + child + " to " + i.Key(),
			downSummary: "(index " + child + " is dropped with " + i.Key() + ")",
			up:          []string{fmt.Sprintf("ALTER INDEX %s ATTACH PARTITION %s;", i.Key(), child)},
			facts:       facts{lock: LockShareUpdateExcl, relations: []string{i.Key(), child}},
		})
	}
	// The first part the down runs drops the parent index with every
	// attached one; the parts after it find nothing left to drop.
	last := &attach[len(attach)-1]
	last.down = []string{"DROP INDEX IF EXISTS " + i.Key() + ";"}
	last.downSummary = "drop index " + i.Key() + " with the partitions' indexes attached to it"
	var meta []string
	if i.Comment != "" {
		meta = append(meta, fmt.Sprintf("COMMENT ON INDEX %s IS %s;", i.Key(), schema.QuoteLiteral(i.Comment)))
	}
	if len(meta) > 0 {
		last.up = append(last.up, meta...)
	}
	return append(out, attach...)
}

// partitionedKeyRecipe adds PRIMARY KEY or UNIQUE constraint c to an
// existing, populated partitioned table without blocking writes for the
// builds: on each partition a unique index CONCURRENTLY (file of its own),
// named as the target's partition constraint; then, in one transaction,
// ADD CONSTRAINT ... USING INDEX on each partition (allowed on a
// partition, instant) and ADD CONSTRAINT on the parent, which attaches
// those instead of building (catalog only). The down drops the parent's
// constraint, which drops the attached ones and their indexes.
func (b *builder) partitionedKeyRecipe(tb *schema.Table, c *schema.Constraint) []part {
	k := tb.Key()
	t := b.existingTable(k)
	if t == nil || t.Kind != schema.TablePartitioned || tb.Kind != schema.TablePartitioned || c.Index == "" {
		return nil
	}
	if c.Type != schema.ConstraintPrimaryKey && c.Type != schema.ConstraintUnique {
		return nil
	}
	cols, tail, ok := indexSpec(c)
	if !ok {
		return nil
	}
	parts, names, ok := b.partitionTargets(k, c.Index)
	if !ok {
		return nil
	}
	kw := "UNIQUE"
	if c.Type == schema.ConstraintPrimaryKey {
		kw = "PRIMARY KEY"
	}
	name := schema.QuoteIdent(c.Name)
	var out []part
	// One transaction takes ACCESS EXCLUSIVE on the parent and (LOCK TABLE
	// recurses) its partitions first, in the order sessions writing
	// through the parent take them, then adds each partition's
	// constraint and the parent's: catalog only, an instant.
	attach := []string{fmt.Sprintf("LOCK TABLE %s IN ACCESS EXCLUSIVE MODE;", k)}
	for n, p := range parts {
		cn := schema.QuoteIdent(names[n])
		child := schema.QuoteIdent(p.Schema) + "." + cn
		out = append(out, part{
			summary:     "build unique index " + child + " on partition " + p.Key() + " concurrently",
			downSummary: "drop index " + child + " concurrently",
			up:          []string{fmt.Sprintf("CREATE UNIQUE INDEX CONCURRENTLY %s ON %s %s;", cn, p.Key(), cols)},
			down:        []string{"DROP INDEX CONCURRENTLY IF EXISTS " + child + ";"},
			nonTx:       true,
			stmtTimeout: backfillStatementLimit,
			facts:       facts{lock: LockShareUpdateExcl, relations: []string{p.Key()}, scans: true},
		})
		attach = append(attach, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s USING INDEX %s%s;", p.Key(), cn, kw, cn, tail))
	}
	attach = append(attach, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s %s%s;", k, name, kw, cols, tail))
	final := part{
		summary:     "add constraint " + name + " on " + k + " and on each partition using its index",
		downSummary: "drop constraint " + name + " on " + k + " with the partitions' constraints attached to it",
		up:          append(attach, b.constraintMeta(k, c)...),
		down:        []string{fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;", k, name)},
		facts:       facts{lock: LockAccessExclusive, relations: append([]string{k}, tableKeys(parts)...)},
	}
	final.facts.hazard(HazardBlockingLock, "ACCESS EXCLUSIVE on "+k+" and its partitions for an instant (catalog only); a session writing directly to a partition while it is taken can deadlock with it (the deadlock detector cancels one)")
	out = append(out, final)
	return out
}

// hasDefaultPartition reports whether parent has a DEFAULT partition in m.
func hasDefaultPartition(m *schema.Schema, parent string) bool {
	for _, p := range partitionsOf(m, parent) {
		if p.PartitionBound == "DEFAULT" {
			return true
		}
	}
	return false
}

// detachRecipe detaches a populated partition with DETACH PARTITION ...
// CONCURRENTLY (PostgreSQL 14+, not with a DEFAULT partition, outside a
// transaction block) when the table leaves its parent and stays; the
// table's other changes follow in a step of their own. The down attaches
// it again (scans it to check the bound).
func (b *builder) detachRecipe(c *diff.AlterTable) []part {
	from, to := c.From, c.To
	if from.PartitionOf == "" || to.PartitionOf != "" || !b.targetAtLeast(14) || b.existingTable(from.Key()) == nil ||
		hasDefaultPartition(b.from, from.PartitionOf) || from.Kind != schema.TableOrdinary {
		return nil
	}
	k := from.Key()
	detach := part{
		summary:     "detach partition " + k + " from " + from.PartitionOf + " concurrently",
		downSummary: "attach partition " + k + " to " + from.PartitionOf,
		up:          []string{fmt.Sprintf("ALTER TABLE %s DETACH PARTITION %s CONCURRENTLY;", from.PartitionOf, k)},
		down:        []string{fmt.Sprintf("ALTER TABLE %s ATTACH PARTITION %s %s;", from.PartitionOf, k, from.PartitionBound)},
		nonTx:       true,
		facts:       facts{lock: LockShareUpdateExcl, relations: []string{from.PartitionOf, k}},
	}
	detach.facts.hazard(HazardBackwardIncompatible, "rows of "+k+" are no longer seen through "+from.PartitionOf)
	out := []part{detach, {
		summary:     "drop the CHECK constraint DETACH CONCURRENTLY added to " + k,
		downSummary: "(the CHECK constraint on " + k + " goes with the detach)",
		up:          []string{dropDetachCheck(from, to)},
		facts:       facts{lock: LockAccessExclusive, relations: []string{k}},
	}}
	mid := *from
	mid.PartitionOf, mid.PartitionBound = "", ""
	up, down := alterTable(&mid, to), alterTable(to, &mid)
	// PostgreSQL 18: detached, its NOT NULL constraints are its own (named
	// like a fresh load of the table); back to the inherited names before
	// the down attaches it again.
	up, down = append(up, notNullRenames(&mid, to)...), append(notNullRenames(to, &mid), down...)
	if len(up)+len(down) > 0 {
		out = append(out, part{summary: "alter table " + k, downSummary: "alter table " + k, up: up, down: down,
			facts: facts{lock: LockAccessExclusive, relations: []string{k}}})
	}
	return out
}

// dropDetachCheck drops the CHECK constraint that DETACH PARTITION ...
// CONCURRENTLY adds to the partition, a copy of its partition constraint
// ("ALTER TABLE", DETACH PARTITION: "a CHECK constraint ... is added"),
// named by the server: every CHECK of the table that neither model has.
func dropDetachCheck(from, to *schema.Table) string {
	keep := []string{}
	for _, t := range []*schema.Table{from, to} {
		for _, c := range t.Constraints {
			if c.Type == schema.ConstraintCheck {
				keep = append(keep, schema.QuoteLiteral(c.Name))
			}
		}
	}
	notIn := ""
	if len(keep) > 0 {
		notIn = " AND conname NOT IN (" + strings.Join(keep, ", ") + ")"
	}
	return fmt.Sprintf(`DO $pgshift$
DECLARE c name;
BEGIN
  FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'c'%s LOOP
    EXECUTE format('ALTER TABLE %%s DROP CONSTRAINT %%I', %s, c);
  END LOOP;
END
$pgshift$;`, schema.QuoteLiteral(from.Key()), notIn, schema.QuoteLiteral(from.Key()))
}

// partitionTreeIndex writes index i of a partitioned table as the index
// tree of the model after the change (its partitions exist by then: the
// CreateIndex runs after them): the parent's index ON ONLY, each
// partition's index under the name it has there, attached (PostgreSQL
// docs, "CREATE INDEX", ON ONLY; "ALTER INDEX", ATTACH PARTITION). An
// INVALID index (a partition without an attached index) comes out INVALID
// again. nil when i is not on a partitioned table, has no partition
// indexes in after, or a partition is itself partitioned.
func partitionTreeIndex(i *schema.Index, before, after *schema.Schema) []string {
	t := after.Tables[i.Table]
	if t == nil || t.Kind != schema.TablePartitioned {
		return nil
	}
	only := strings.Replace(i.Definition, " ON "+i.Table+" ", " ON ONLY "+i.Table+" ", 1)
	sql := []string{only + ";"}
	n := 0
	for _, p := range partitionsOf(after, i.Table) {
		pi := p.PartitionIndexFor(i.Key())
		if pi == nil {
			continue
		}
		if p.Kind != schema.TableOrdinary {
			return nil // a sub-partitioned partition: one CREATE INDEX on the parent
		}
		child := schema.QuoteIdent(p.Schema) + "." + schema.QuoteIdent(pi.Name)
		sql = append(sql, childIndexDef(i.Definition, i.Table, pi.Name, p.Key(), false)+";",
			fmt.Sprintf("ALTER INDEX %s ATTACH PARTITION %s;", i.Key(), child))
		n++
	}
	if n == 0 && i.Valid {
		return nil
	}
	if i.Comment != "" {
		sql = append(sql, fmt.Sprintf("COMMENT ON INDEX %s IS %s;", i.Key(), schema.QuoteLiteral(i.Comment)))
	}
	return sql
}

// tableKeys returns the qualified names of ts.
func tableKeys(ts []*schema.Table) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Key()
	}
	return out
}

// partitionIDs returns the table IDs of the partitions of table k in m
// (none when k is not partitioned there).
func partitionIDs(m *schema.Schema, k string) []string {
	t := m.Tables[k]
	if t == nil || t.Kind != schema.TablePartitioned {
		return nil
	}
	var out []string
	for _, p := range partitionsOf(m, k) {
		out = append(out, schema.ID(schema.KindTable, p.Key()))
	}
	return out
}

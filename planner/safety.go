package planner

import (
	"fmt"
	"strings"

	"github.com/pgshift/pgshift/diff"
	"github.com/pgshift/pgshift/internal/pgfacts"
	"github.com/pgshift/pgshift/schema"
)

// Mode selects how changes to existing tables are planned.
type Mode string

const (
	// ModeSafe (the default) splits changes that would hold a blocking lock
	// for a scan, an index build or a rewrite into steps that do not:
	// CREATE INDEX CONCURRENTLY, constraints added NOT VALID and validated
	// in a transaction of their own, SET NOT NULL proved by a validated
	// CHECK, volatile defaults backfilled in batches.
	ModeSafe Mode = "safe"
	// ModeDirect plans every change as one plain statement: for small
	// tables and development databases.
	ModeDirect Mode = "direct"
)

// Lock levels, as PostgreSQL's "Explicit Locking" chapter (13.3.1) names
// them; the facts of which statement takes which are in package
// internal/pgfacts.
const (
	LockAccessExclusive    = string(pgfacts.AccessExclusive)
	LockExclusive          = string(pgfacts.Exclusive)
	LockShareRowExclusive  = string(pgfacts.ShareRowExclusive)
	LockShare              = string(pgfacts.Share)
	LockShareUpdateExcl    = string(pgfacts.ShareUpdateExclusive)
	LockRowExclusive       = string(pgfacts.RowExclusive)
	defaultBatchSize       = 1000
	backfillStatementLimit = "0"
)

// part is one step of a recipe, with its exact reverse.
type part struct {
	summary, downSummary string
	up, down             []string
	nonTx                bool
	stmtTimeout          string
	facts                facts
	phase                int    // 0: the plan's first phase
	before               string // what must happen before this part (a deploy)
	marks                []mark // artifacts marked for the next phase (rollout.go)
}

// facts are the lock and hazard facts of a step.
type facts struct {
	lock      string
	relations []string
	rewrites  bool
	scans     bool
	hazards   []Hazard
}

func (f *facts) hazard(kind HazardKind, msg string) {
	f.hazards = append(f.hazards, Hazard{Kind: kind, Message: msg})
}

// existingTable returns the table with qualified name k when it exists on
// both sides of the plan (recipes only matter for tables that hold rows).
func (b *builder) existingTable(k string) *schema.Table {
	if b.from.Tables[k] == nil || b.to.Tables[k] == nil {
		return nil
	}
	return b.from.Tables[k]
}

// stepsFor returns the steps of one change (a recipe's parts in safe mode,
// or a single step) and the change's readability rank.
func (b *builder) stepsFor(ch diff.Change) ([]*Step, int) {
	up := b.render(ch, b.from, b.to)
	if b.opts.Mode != ModeDirect {
		if parts := b.recipe(ch); parts != nil {
			return b.partSteps(parts), up.rank
		}
		// Only drops of indexes and constraints mirror a recipe; asking
		// others would add the inverse recipe's notes to the plan.
		if mirrorable(ch) {
			if parts := b.recipe(ch.Inverse()); parts != nil {
				return b.partSteps(mirror(parts)), up.rank
			}
		}
	}
	backfilled := false
	if ac, ok := ch.(*diff.AddColumn); ok && b.opts.Mode == ModeDirect {
		if sql := b.directBackfill(ac); sql != nil {
			up.sql, backfilled = sql, true
		}
	}
	down := b.render(ch.Inverse(), b.to, b.from)
	step := &Step{
		Summary:       up.summary,
		Up:            up.sql,
		Down:          down.sql,
		Transactional: !up.nonTransactional && !down.nonTransactional,
		Irreversible:  up.irreversible,
	}
	f := b.factsOf(ch)
	if backfilled {
		k := ch.(*diff.AddColumn).Table.Key()
		f = facts{lock: LockAccessExclusive, relations: []string{k}, rewrites: true}
		f.hazard(HazardBlockingLock, "ACCESS EXCLUSIVE on "+k+" while one UPDATE fills every existing row (direct mode; safe mode backfills in batches)")
		f.hazard(HazardBackwardIncompatible, "old code that inserts without the column fails once it is NOT NULL")
	}
	if up.nonTransactional {
		f.hazard(HazardNonTransactional, "runs outside a transaction block, in a file of its own")
	}
	applyFacts(step, f)
	return []*Step{step}, up.rank
}

// mirrorable reports whether a change is the drop side of a recipe whose
// create side can be mirrored (drops of indexes and constraints).
func mirrorable(ch diff.Change) bool {
	switch ch.(type) {
	case *diff.DropIndex, *diff.DropConstraint:
		return true
	}
	return false
}

// mirror turns the parts of a create recipe into the parts of the matching
// drop: reverse order, up and down swapped.
func mirror(parts []part) []part {
	out := make([]part, len(parts))
	for i, p := range parts {
		q := p
		q.up, q.down = p.down, p.up
		q.summary, q.downSummary = p.downSummary, p.summary
		// The drop side takes the same lock level on the same relations
		// (DROP CONSTRAINT for ADD CONSTRAINT, ACCESS EXCLUSIVE either way
		// for a blocking lock; DROP INDEX CONCURRENTLY for CREATE INDEX
		// CONCURRENTLY), but none of the create side's hazards.
		q.facts = facts{lock: p.facts.lock, relations: p.facts.relations}
		if pgfacts.Lock(p.facts.lock).BlocksTraffic() {
			q.facts.lock = LockAccessExclusive
		}
		out[len(parts)-1-i] = q
	}
	return out
}

func (b *builder) partSteps(parts []part) []*Step {
	var steps []*Step
	for _, p := range parts {
		s := &Step{Summary: p.summary, Up: p.up, Down: p.down, Transactional: !p.nonTx, StatementTimeout: p.stmtTimeout, Phase: p.phase, Before: p.before, marks: p.marks}
		f := p.facts
		if p.nonTx {
			f.hazard(HazardNonTransactional, "runs outside a transaction block, in a file of its own")
		}
		applyFacts(s, f)
		steps = append(steps, s)
	}
	return steps
}

func applyFacts(s *Step, f facts) {
	s.Lock, s.Relations, s.Rewrites, s.Scans = f.lock, f.relations, f.rewrites, f.scans
	s.Hazards = append(s.Hazards, f.hazards...)
	if s.Irreversible != "" {
		s.Hazards = append(s.Hazards, Hazard{Kind: HazardIrreversible, Message: s.Irreversible})
	}
}

// recipe returns the safe multi-step form of a change, or nil when the
// change has none (or needs none).
func (b *builder) recipe(ch diff.Change) []part {
	switch c := ch.(type) {
	case *diff.CreateIndex:
		if parts := b.partitionedIndexRecipe(c.Index); parts != nil {
			return parts
		}
		return b.indexRecipe(c.Index)
	case *diff.AddConstraint:
		if parts := b.partitionedKeyRecipe(c.Table, c.Constraint); parts != nil {
			return parts
		}
		return b.constraintRecipe(c.Table, c.Constraint)
	case *diff.AlterTable:
		return b.detachRecipe(c)
	case *diff.AlterColumn:
		if parts := b.typeChangeRecipe(c); parts != nil {
			return parts
		}
		return b.notNullRecipe(c)
	case *diff.AddColumn:
		if parts := b.requiredColumnRecipe(c); parts != nil {
			return parts
		}
		return b.volatileDefaultRecipe(c)
	case *diff.RenameColumn:
		return b.renameRecipe(c)
	case *diff.RenameTable:
		return b.tableRenameRecipe(c)
	}
	return nil
}

// indexRecipe: CREATE INDEX CONCURRENTLY in a file of its own (SHARE UPDATE
// EXCLUSIVE: reads and writes go on; "CREATE INDEX", Building Indexes
// Concurrently). The down drops it CONCURRENTLY IF EXISTS, which also
// removes an INVALID index left by a failed build. Not possible on a
// partitioned parent (the build must go partition by partition).
func (b *builder) indexRecipe(i *schema.Index) []part {
	t := b.existingTable(i.Table)
	mv := b.populatedMatView(i.Table)
	if (t == nil && !mv) || (t != nil && t.Kind == schema.TablePartitioned) {
		return nil
	}
	def := strings.Replace(i.Definition, " ON ONLY ", " ON ", 1)
	def = strings.Replace(def, " INDEX ", " INDEX CONCURRENTLY ", 1)
	build := part{
		summary:     "create index " + i.Key() + " concurrently",
		downSummary: "drop index " + i.Key() + " concurrently",
		up:          []string{def + ";"},
		down:        []string{"DROP INDEX CONCURRENTLY IF EXISTS " + i.Key() + ";"},
		nonTx:       true,
		stmtTimeout: backfillStatementLimit,
		facts:       b.partFacts(pgfacts.CreateIndexConcurrently, i.Table),
	}
	build.facts.hazard(HazardIndexBuild, "reads every row of "+i.Table+" (twice) and waits for older transactions; reads and writes go on")
	if mv {
		build.facts.hazard(HazardTableScan, "reads every row of materialized view "+i.Table+" twice under SHARE UPDATE EXCLUSIVE (reads go on; REFRESH waits for the build)")
	}
	parts := []part{build}
	var meta []string
	if i.Clustered {
		meta = append(meta, fmt.Sprintf("ALTER TABLE %s CLUSTER ON %s;", i.Table, schema.QuoteIdent(i.Name)))
	}
	if i.Comment != "" {
		meta = append(meta, fmt.Sprintf("COMMENT ON INDEX %s IS %s;", i.Key(), schema.QuoteLiteral(i.Comment)))
	}
	if len(meta) > 0 {
		parts = append(parts, part{summary: "comment and cluster mark of index " + i.Key(),
			downSummary: "(index " + i.Key() + " is dropped next)", up: meta})
	}
	return parts
}

// populatedMatView reports whether k is a materialized view that exists on
// both sides of the plan and holds rows (relispopulated): a plain CREATE
// INDEX on it takes SHARE (REFRESH and, for ... CONCURRENTLY, its writes
// wait) for the whole build; CREATE INDEX CONCURRENTLY works on
// materialized views too ("CREATE INDEX").
func (b *builder) populatedMatView(k string) bool {
	f, t := b.from.Views[k], b.to.Views[k]
	return f != nil && t != nil && f.Materialized && t.Materialized && f.WithData && f.Definition == t.Definition
}

// constraintRecipe adds a constraint to an existing table without holding
// a blocking lock for a scan or an index build ("ALTER TABLE" notes):
//   - CHECK and FOREIGN KEY: ADD ... NOT VALID (instant), then VALIDATE
//     CONSTRAINT in a transaction of its own (SHARE UPDATE EXCLUSIVE, with
//     ROW SHARE on the referenced table: reads and writes go on);
//   - UNIQUE and PRIMARY KEY: CREATE UNIQUE INDEX CONCURRENTLY, then
//     ADD CONSTRAINT ... USING INDEX (instant).
func (b *builder) constraintRecipe(tb *schema.Table, c *schema.Constraint) []part {
	t := b.existingTable(tb.Key())
	if t == nil {
		return nil
	}
	k := tb.Key()
	name := schema.QuoteIdent(c.Name)
	meta := b.constraintMeta(k, c)
	switch c.Type {
	case schema.ConstraintCheck, schema.ConstraintForeignKey:
		if !c.Validated {
			return nil // stays NOT VALID: adding it is already instant
		}
		if c.Type == schema.ConstraintForeignKey && t.Kind == schema.TablePartitioned && !b.targetAtLeast(18) {
			return nil // NOT VALID foreign keys on partitioned tables need PostgreSQL 18
		}
		rels := []string{k}
		addKind := pgfacts.AddCheckNotValid
		if c.Type == schema.ConstraintForeignKey {
			addKind = pgfacts.AddForeignKeyNotValid
			if c.ReferencedTable != "" && c.ReferencedTable != k {
				rels = append(rels, c.ReferencedTable)
			}
		}
		add := part{
			summary:     "add constraint " + name + " on " + k + " NOT VALID",
			downSummary: "drop constraint " + name + " on " + k,
			up:          append([]string{fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s NOT VALID;", k, name, c.Definition)}, meta...),
			down:        []string{fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;", k, name)},
			facts:       b.partFacts(addKind, rels...),
		}
		validate := part{
			summary:     "validate constraint " + name + " on " + k,
			downSummary: "(constraint " + name + " on " + k + " is dropped next)",
			up:          []string{fmt.Sprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s;", k, name)},
			stmtTimeout: backfillStatementLimit,
			facts:       b.partFacts(pgfacts.ValidateConstraint, rels...),
		}
		validate.facts.hazard(HazardTableScan, "scans "+k+" under SHARE UPDATE EXCLUSIVE (reads and writes continue); fails if existing rows violate it")
		return []part{add, validate}
	case schema.ConstraintUnique, schema.ConstraintPrimaryKey:
		cols, tail, ok := indexSpec(c)
		if !ok || c.Index == "" || t.Kind == schema.TablePartitioned {
			return nil // CREATE INDEX CONCURRENTLY is refused on partitioned tables (PG 11–18)
		}
		kw := "UNIQUE"
		if c.Type == schema.ConstraintPrimaryKey {
			kw = "PRIMARY KEY"
		}
		ixName := schema.QuoteIdent(c.Name)
		ixKey := c.Index
		build := part{
			summary:     "build unique index " + ixKey + " concurrently for constraint " + name,
			downSummary: "drop index " + ixKey + " concurrently",
			up:          []string{fmt.Sprintf("CREATE UNIQUE INDEX CONCURRENTLY %s ON %s %s;", ixName, k, cols)},
			down:        []string{"DROP INDEX CONCURRENTLY IF EXISTS " + ixKey + ";"},
			nonTx:       true,
			stmtTimeout: backfillStatementLimit,
			facts:       b.partFacts(pgfacts.CreateIndexConcurrently, k),
		}
		build.facts.hazard(HazardIndexBuild, "reads every row of "+k+" (twice) and waits for older transactions; reads and writes go on")
		attach := part{
			summary:     "add constraint " + name + " on " + k + " using index " + ixKey,
			downSummary: "drop constraint " + name + " on " + k,
			up:          append([]string{fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s USING INDEX %s%s;", k, name, kw, ixName, tail)}, meta...),
			down:        []string{fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;", k, name)},
			facts:       b.partFacts(pgfacts.AddUniqueUsingIndex, k),
		}
		return []part{build, attach}
	}
	return nil
}

// indexSpec splits a UNIQUE or PRIMARY KEY definition as
// pg_get_constraintdef prints it into the index's column part
// ("(a, b) INCLUDE (c)" with "NULLS NOT DISTINCT" moved after it) and the
// constraint's DEFERRABLE tail; ok is false for forms the recipe does not
// handle (storage parameters, tablespaces).
func indexSpec(c *schema.Constraint) (cols, tail string, ok bool) {
	def := c.Definition
	for _, p := range []string{"PRIMARY KEY ", "UNIQUE "} {
		def = strings.TrimPrefix(def, p)
	}
	nnd := false
	if strings.HasPrefix(def, "NULLS NOT DISTINCT ") {
		nnd, def = true, strings.TrimPrefix(def, "NULLS NOT DISTINCT ")
	}
	if i := strings.Index(def, " DEFERRABLE"); i >= 0 {
		def, tail = def[:i], def[i:]
	}
	if i := strings.Index(def, " NOT DEFERRABLE"); i >= 0 {
		def = def[:i]
	}
	// WITHOUT OVERLAPS keys (PG 18) are GiST-backed and cannot be added USING INDEX.
	if !strings.HasPrefix(def, "(") || strings.Contains(def, " WITH (") || strings.Contains(def, " USING INDEX TABLESPACE") ||
		strings.Contains(def, " WITHOUT OVERLAPS") {
		return "", "", false
	}
	if nnd {
		def += " NULLS NOT DISTINCT"
	}
	return def, tail, true
}

// nnCheckName is the name of the temporary CHECK that proves NOT NULL.
// It is at most 63 bytes for any names (generatedName).
func nnCheckName(table, col string) string {
	return generatedName("pgshift_nn_"+table+"_"+col, "")
}

// notNullRecipe makes an existing column NOT NULL without a long
// ACCESS EXCLUSIVE scan (PostgreSQL 12+: SET NOT NULL skips the scan when a
// validated CHECK (col IS NOT NULL) proves it; "ALTER TABLE", SET NOT NULL):
// add the CHECK NOT VALID, VALIDATE it in a transaction of its own, then SET
// NOT NULL and drop the CHECK. Other changes of the column go first.
func (b *builder) notNullRecipe(c *diff.AlterColumn) []part {
	if c.From.NotNull || !c.To.NotNull || b.existingTable(c.Table.Key()) == nil || c.From.Generated != c.To.Generated {
		return nil
	}
	k := c.Table.Key()
	col := schema.QuoteIdent(c.To.Name)
	check := schema.QuoteIdent(nnCheckName(c.Table.Name, c.To.Name))
	// The column's other changes go in a part of their own: before the NOT
	// NULL parts, or after them when it gains an identity (ADD ... AS
	// IDENTITY needs a NOT NULL column).
	var parts, after []part
	other := func(from, to *schema.Column) part {
		main := &diff.AlterColumn{Table: c.Table, From: from, To: to}
		up := b.alterColumn(main)
		down := b.alterColumn(main.Inverse().(*diff.AlterColumn))
		return part{summary: up.summary, downSummary: down.summary, up: up.sql, down: down.sql, facts: b.factsOf(main)}
	}
	if c.From.Identity == "" && c.To.Identity != "" {
		nn := *c.From
		nn.NotNull = true
		after = append(after, other(&nn, c.To))
	} else if rest := withNotNull(c.To, false); !diff.SameColumnBody(c.From, rest) {
		parts = append(parts, other(c.From, rest))
	}
	add := part{
		summary:     "add NOT NULL check on " + k + "." + col + " NOT VALID",
		downSummary: "drop NOT NULL check on " + k + "." + col,
		up:          []string{fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID;", k, check, col)},
		down:        []string{fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s;", k, check)},
		facts:       b.partFacts(pgfacts.AddCheckNotValid, k),
	}
	validate := part{
		summary:     "validate NOT NULL check on " + k + "." + col,
		downSummary: "(NOT NULL check on " + k + "." + col + " is dropped next)",
		up:          []string{fmt.Sprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s;", k, check)},
		stmtTimeout: backfillStatementLimit,
		facts:       b.partFacts(pgfacts.ValidateConstraint, k),
	}
	validate.facts.hazard(HazardTableScan, "scans "+k+" under SHARE UPDATE EXCLUSIVE (reads and writes continue); fails while NULLs remain")
	set := part{
		summary:     "set NOT NULL on " + k + "." + col + " (proved by the check)",
		downSummary: "drop NOT NULL on " + k + "." + col,
		up: []string{
			b.setNotNull(k, col, c.To.NotNullName),
			fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;", k, check),
		},
		down: []string{
			fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID;", k, check, col),
			fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL;", k, col),
		},
		facts: b.partFacts(pgfacts.SetNotNullProved, k),
	}
	set.facts.hazard(HazardBackwardIncompatible, "code that writes NULL into "+col+" fails from here on")
	return append(append(parts, add, validate, set), after...)
}

// singleKey returns the quoted name and type of a table's one-column
// primary key, for keyset pagination in backfills.
func singleKey(t *schema.Table) (name, typ string, ok bool) {
	for _, c := range t.Constraints {
		if c.Type != schema.ConstraintPrimaryKey {
			continue
		}
		inner := strings.TrimSuffix(strings.TrimPrefix(c.Definition, "PRIMARY KEY ("), ")")
		if strings.ContainsAny(inner, ",() ") {
			return "", "", false
		}
		for _, col := range t.Columns {
			if schema.QuoteIdent(col.Name) == inner {
				return inner, col.Type, true
			}
		}
	}
	return "", "", false
}

// backfillKey is singleKey for a batched backfill of table t: the key
// must be the same one-column primary key in the to model too, since an
// earlier step of the plan may drop or change it (a backfill that walks a
// dropped key fails, or runs unordered over a changed one).
func (b *builder) backfillKey(t *schema.Table) (name, typ string, ok bool) {
	name, typ, ok = singleKey(t)
	if !ok {
		return "", "", false
	}
	tt := b.to.Tables[t.Key()]
	if tt == nil {
		return "", "", false
	}
	if n2, t2, ok2 := singleKey(tt); !ok2 || n2 != name || t2 != typ {
		return "", "", false
	}
	return name, typ, true
}

// volatileDefaultRecipe adds a column whose default is volatile to an
// existing table without a rewrite under ACCESS EXCLUSIVE: add it without
// the default (instant), set the default for new rows, backfill existing
// rows in batches (one transaction per batch), then make it NOT NULL with
// the NOT NULL recipe.
func (b *builder) volatileDefaultRecipe(c *diff.AddColumn) []part {
	t := b.existingTable(c.Table.Key())
	if t == nil || c.Column.Default == "" || !b.volatileDefault(c.Column.Default) || c.Column.Identity != "" || c.Column.Generated != "" {
		return nil
	}
	key, keyType, ok := b.backfillKey(t)
	if !ok {
		b.notes = append(b.notes, fmt.Sprintf("%s has no single-column primary key (kept by the plan): column %s is added with its volatile default in one step (table rewrite)",
			t.Key(), schema.QuoteIdent(c.Column.Name)))
		return nil
	}
	k := t.Key()
	col := schema.QuoteIdent(c.Column.Name)
	bare := *c.Column
	bare.Default, bare.NotNull = "", false
	add := part{
		summary:     "add column " + k + "." + col + " (nullable, no default yet)",
		downSummary: "drop column " + k + "." + col,
		up:          b.addColumn(c.Table, &bare),
		down:        []string{fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s;", k, col)},
		facts:       b.partFacts(pgfacts.AddColumn, k),
		// Marked while the backfill runs (markRollouts): an interrupted
		// backfill is continued by the next plan.
		marks: []mark{artifact("COLUMN " + k + "." + col)},
	}
	def := part{
		summary:     "set default of " + k + "." + col + " for new rows",
		downSummary: "drop default of " + k + "." + col,
		up:          []string{fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s;", k, col, c.Column.Default)},
		down:        []string{fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT;", k, col)},
		facts:       b.partFacts(pgfacts.SetDefault, k),
	}
	fill := part{
		summary:     "backfill " + k + "." + col + " in batches",
		downSummary: "(column " + k + "." + col + " is dropped next)",
		up:          []string{backfill(k, key, keyType, col+" = "+c.Column.Default, col+" IS NULL", b.batchSize())},
		nonTx:       true,
		stmtTimeout: backfillStatementLimit,
		facts:       b.partFacts(pgfacts.Backfill, k),
		marks:       []mark{unmark("COLUMN "+k+"."+col, c.Column.Comment)},
	}
	parts := []part{add, def, fill}
	if c.Column.NotNull {
		// The default is set by the second part already.
		parts = append(parts, b.notNullRecipe(&diff.AlterColumn{Table: c.Table, From: withDefault(&bare, c.Column.Default), To: c.Column})...)
	}
	return parts
}

// requiredColumnRecipe adds a NOT NULL column without a default to a table
// that has rows (a plain ADD COLUMN fails there, and breaks old code that
// inserts without it; docs/hazards.md C5): expand adds it nullable; a later
// phase fills existing rows with the expression of a
// `-- pgshift:backfill EXPR` directive (or, without one, after a deploy of
// code that writes the column and a manual backfill) and makes it NOT NULL
// through a validated CHECK.
func (b *builder) requiredColumnRecipe(c *diff.AddColumn) []part {
	t := b.existingTable(c.Table.Key())
	col := c.Column
	if t == nil || !col.NotNull || col.Default != "" || col.Identity != "" || col.Generated != "" {
		return nil
	}
	k := t.Key()
	name := schema.QuoteIdent(col.Name)
	expr := b.backfillExpr(k, col.Name)
	bare := *col
	bare.NotNull = false
	add := part{
		summary:     "expand: add column " + k + "." + name + " (nullable until it is filled)",
		downSummary: "drop column " + k + "." + name,
		up:          b.addColumn(c.Table, &bare),
		down:        []string{fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s;", k, name)},
		facts:       b.partFacts(pgfacts.AddColumn, k),
		marks:       []mark{artifact("COLUMN " + k + "." + name)},
	}
	parts := []part{add}
	before := "deploy application code that writes " + k + "." + name + " on every insert"
	if expr != "" {
		key, keyType, ok := b.backfillKey(t)
		if !ok {
			b.notes = append(b.notes, fmt.Sprintf("%s has no single-column primary key (kept by the plan): backfill %s yourself before the contract phase", k, name))
		} else {
			parts = append(parts, part{
				summary:     "backfill " + k + "." + name + " with " + expr + " in batches",
				downSummary: "(column " + k + "." + name + " is dropped next)",
				up:          []string{backfill(k, key, keyType, name+" = "+expr, name+" IS NULL", b.batchSize())},
				nonTx:       true, stmtTimeout: backfillStatementLimit,
				facts: b.partFacts(pgfacts.Backfill, k),
				phase: phaseContract, before: before,
			})
		}
	} else {
		before += ", and fill existing rows (or declare `-- pgshift:backfill EXPR` on the column in schema.sql)"
		b.notes = append(b.notes, fmt.Sprintf("%s.%s is NOT NULL without a default: its existing rows need a value before the contract phase", k, name))
	}
	nn := b.notNullRecipe(&diff.AlterColumn{Table: c.Table, From: &bare, To: col})
	for i := range nn {
		nn[i].phase = phaseContract
		if i == 0 && len(parts) == 1 {
			nn[i].before = before
		}
	}
	parts = append(parts, nn...)
	if len(parts) > 1 {
		parts[1].marks = append(parts[1].marks, unmark("COLUMN "+k+"."+name, col.Comment))
	}
	return parts
}

// backfillExpr returns the expression of the `-- pgshift:backfill EXPR`
// directive on column col of table k ("" when there is none).
func (b *builder) backfillExpr(k, col string) string {
	expr := ""
	for _, a := range b.to.Annotations {
		if a.Kind == schema.AnnotationBackfill && a.Table == k && a.Column == col {
			expr = a.Expr
		}
	}
	return expr
}

// directBackfill is --mode direct's form of a NOT NULL column without a
// default declared with a backfill directive on a table that exists: ADD
// COLUMN nullable, one UPDATE with the expression, SET NOT NULL (a plain
// ADD COLUMN ... NOT NULL fails on a table with rows). nil when the
// column is not such a column.
func (b *builder) directBackfill(c *diff.AddColumn) []string {
	col := c.Column
	k := c.Table.Key()
	if b.existingTable(k) == nil || !col.NotNull || col.Default != "" || col.Identity != "" || col.Generated != "" {
		return nil
	}
	expr := b.backfillExpr(k, col.Name)
	if expr == "" {
		return nil
	}
	bare := *col
	bare.NotNull = false
	name := schema.QuoteIdent(col.Name)
	sql := b.addColumn(c.Table, &bare)
	return append(sql,
		fmt.Sprintf("UPDATE %s SET %s = %s WHERE %s IS NULL;", k, name, expr, name),
		b.setNotNull(k, name, col.NotNullName))
}

func withDefault(c *schema.Column, d string) *schema.Column {
	x := *c
	x.Default = d
	return &x
}

func (b *builder) batchSize() int {
	if b.opts.BatchSize > 0 {
		return b.opts.BatchSize
	}
	return defaultBatchSize
}

// backfill returns a DO block that runs UPDATE table SET <set> on every
// row matching <filter>, in batches of size rows by keyset pagination on
// the primary key, committing after each batch (transaction control in DO
// needs PostgreSQL 11+ and a call outside a transaction block: the step is
// non-transactional). The filter makes it idempotent: it can be re-run
// after an interruption.
func backfill(table, key, keyType, set, filter string, size int) string {
	return fmt.Sprintf(`DO $pgshift$
DECLARE
  pgshift_from %[3]s;
  pgshift_to %[3]s;
BEGIN
  LOOP
    SELECT max(k) INTO pgshift_to FROM (
      SELECT %[2]s AS k FROM %[1]s WHERE pgshift_from IS NULL OR %[2]s > pgshift_from ORDER BY %[2]s LIMIT %[6]d) batch;
    EXIT WHEN pgshift_to IS NULL;
    UPDATE %[1]s SET %[4]s
     WHERE (pgshift_from IS NULL OR %[2]s > pgshift_from) AND %[2]s <= pgshift_to AND %[5]s;
    pgshift_from := pgshift_to;
    COMMIT;
  END LOOP;
END
$pgshift$;`, table, key, keyType, set, filter, size)
}

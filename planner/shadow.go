package planner

import (
	"fmt"

	"github.com/pgshift/pgshift/diff"
	"github.com/pgshift/pgshift/internal/pgfacts"
	"github.com/pgshift/pgshift/schema"
)

// Phases of the expand / contract recipes.
const (
	phaseExpand   = 1
	phaseSwap     = 2
	phaseContract = 3
)

// shadowName is the name of the column a recipe builds beside an existing one.
// It is at most 63 bytes for any col (generatedName).
func shadowName(col, suffix string) string {
	return generatedName(col, "__pgshift_"+suffix)
}

// typeChangeRecipe changes the type of a column whose conversion rewrites
// the table (docs/hazards.md C13, C14; recipe R-TYPE) without holding
// ACCESS EXCLUSIVE for the rewrite:
//
//	expand   add a shadow column of the new type and a trigger that keeps it
//	         in sync with every write of the old code;
//	backfill copy existing rows in batches (one transaction per batch);
//	validate prove NOT NULL on the shadow column (when the column has it);
//	swap     one short transaction: rename old → c__pgshift_old, shadow → c,
//	         move the default and NOT NULL, reverse the trigger so the old
//	         column stays current (the swap can be undone without loss);
//	contract a release later: drop the trigger and the old column.
//
// It applies to a column of an existing table with a one-column primary key
// when nothing but the type (and collation) changes and no index,
// constraint, view, policy, trigger or function uses the column; other type
// changes are planned in place, with their hazards.
func (b *builder) typeChangeRecipe(c *diff.AlterColumn) []part {
	t := b.existingTable(c.Table.Key())
	if t == nil || t.Kind != schema.TableOrdinary || c.From.Type == c.To.Type {
		return nil
	}
	if rw, _ := pgfacts.TypeChangeRewrites(c.From.Type, c.To.Type, b.major()); !rw {
		return nil
	}
	from, to := c.From, c.To
	same := *to
	same.Type, same.Collation, same.Default, same.Deps = from.Type, from.Collation, from.Default, from.Deps
	same.NotNullName = from.NotNullName // the swap names the new column's NOT NULL
	if !diff.SameColumnBody(from, &same) || from.Identity != "" || from.Generated != "" || from.Comment != to.Comment {
		return nil
	}
	k := t.Key()
	inPlace := func(why string) []part {
		b.notes = append(b.notes, fmt.Sprintf("%s.%s: type %s → %s is planned in place, a table rewrite under ACCESS EXCLUSIVE (reads and writes wait for it): %s",
			k, schema.QuoteIdent(from.Name), from.Type, to.Type, why))
		return nil
	}
	if key, _, ok := singleKey(t); ok && key == schema.QuoteIdent(from.Name) {
		return inPlace("the column is the primary key, which the shadow-column recipe cannot swap (its index, and the foreign keys that reference it, would have to be rebuilt on the shadow column)")
	}
	key, keyType, ok := b.backfillKey(t)
	switch {
	case !ok:
		return inPlace("the shadow-column recipe needs a one-column primary key (the same on both sides of the plan) to backfill in batches")
	case !b.usedOnlyByItsTable(colID(k, from.Name)):
		return inPlace("an index, constraint (a foreign key too), view, policy, trigger or function uses the column, and the shadow-column recipe cannot move it")
	}

	col := schema.QuoteIdent(from.Name)
	shadow := schema.QuoteIdent(shadowName(from.Name, "new"))
	old := schema.QuoteIdent(shadowName(from.Name, "old"))
	fn := schema.QualName(t.Schema, shadowName("pgshift_sync_"+t.Name+"_"+from.Name, "fn"))
	trg := schema.QuoteIdent(shadowName("pgshift_sync_"+t.Name+"_"+from.Name, "trg"))
	nn := schema.QuoteIdent(nnCheckName(t.Name, shadowName(from.Name, "new")))
	typ := func(c *schema.Column) string {
		if c.Collation != "" {
			return c.Type + " COLLATE " + c.Collation
		}
		return c.Type
	}
	// The trigger converts only when the source column is written (an
	// INSERT, or an UPDATE that changes it): old code that updates other
	// columns of a row keeps working whatever the row holds.
	syncFn := func(target, source, sourceType, targetType string) string {
		return fmt.Sprintf("CREATE OR REPLACE FUNCTION %[1]s() RETURNS trigger LANGUAGE plpgsql AS $pgshift$\nBEGIN\n"+
			"  IF TG_OP = 'INSERT' OR NEW.%[3]s IS DISTINCT FROM OLD.%[3]s THEN\n    NEW.%[2]s := %[4]s;\n  END IF;\n  RETURN NEW;\nEND\n$pgshift$;",
			fn, target, source, b.castExpr("NEW."+source, sourceType, targetType))
	}
	alter := func(name, rest string) string {
		return fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s %s;", k, name, rest)
	}

	sc := syncedColumn{
		table: k, key: key, keyType: keyType, column: shadow,
		add:    []string{fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s %s;", k, shadow, typ(to))},
		syncFn: syncFn(shadow, col, from.Type, to.Type), fn: fn, trg: trg,
		notNull: to.NotNull, nn: nn,
		set:           fmt.Sprintf("%s = %s", shadow, b.castExpr(col, from.Type, to.Type)),
		filter:        fmt.Sprintf("%s IS DISTINCT FROM %s", shadow, b.castExpr(col, from.Type, to.Type)),
		expandSummary: fmt.Sprintf("expand: shadow column %s.%s %s kept in sync with %s", k, shadow, to.Type, col),
	}
	parts := b.expandParts(sc)
	if castOf(from.Type, to.Type) == castMayFail {
		b.preflight = append(b.preflight, castPreflight(k, col, from.Name, to.Type))
		parts[0].facts.hazard(HazardBackwardIncompatible, fmt.Sprintf(
			"from here on the sync trigger converts every value written to %s into %s: old code that writes a value that does not cast fails (the pre-flight step only checks the rows that exist when it runs)", col, to.Type))
	}

	// The first RENAME takes ACCESS EXCLUSIVE for the rest of the
	// transaction; no LOCK TABLE, which fails where a runner (psql -f)
	// sends statements outside a transaction block.
	swapUp := []string{
		fmt.Sprintf("ALTER TABLE %s RENAME COLUMN %s TO %s;", k, col, old),
		fmt.Sprintf("ALTER TABLE %s RENAME COLUMN %s TO %s;", k, shadow, col),
	}
	swapDown := []string{syncFn(shadow, col, from.Type, to.Type)}
	if to.Default != "" {
		swapUp = append(swapUp, alter(col, "SET DEFAULT "+to.Default))
		swapDown = append(swapDown, alter(col, "DROP DEFAULT"))
	}
	// PostgreSQL 18: the old column's NOT NULL constraint is parked under
	// another name, so that the new column's takes the name it has in a
	// fresh load (else it would get a numbered one, c_not_null1).
	var parked string
	if from.NotNull && from.NotNullName != "" && to.NotNull && to.NotNullName != "" && b.targetAtLeast(18) {
		parked = parkedNotNullName(t.Name, from.Name)
	}
	if to.NotNull {
		swapUp = append(swapUp, renameNotNull(k, from.NotNullName, parked)...)
		swapUp = append(swapUp, b.setNotNull(k, col, to.NotNullName), fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;", k, nn))
		// The check comes back as the expand left it: validated (proved by
		// the NOT NULL it stands in for) and marked (gone below).
		swapDown = append(swapDown, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID;", k, nn, col),
			fmt.Sprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s;", k, nn), alter(col, "DROP NOT NULL"))
	}
	// The column built beside the old one gets its comment, privileges and
	// settings; the old column keeps its own until the contract drops it.
	swapUp = append(swapUp, columnMeta(k, to.Name, to)...)
	swapUp = append(swapUp, syncFn(old, col, to.Type, from.Type))
	swapDown = append(swapDown,
		fmt.Sprintf("ALTER TABLE %s RENAME COLUMN %s TO %s;", k, col, shadow),
		fmt.Sprintf("ALTER TABLE %s RENAME COLUMN %s TO %s;", k, old, col))
	swapDown = append(swapDown, renameNotNull(k, parked, from.NotNullName)...)
	swap := part{
		summary:     fmt.Sprintf("swap: %s.%s becomes the %s column; the old values stay in %s, kept in sync", k, col, to.Type, old),
		downSummary: fmt.Sprintf("swap back: %s.%s is the %s column again", k, col, from.Type),
		up:          swapUp, down: swapDown,
		facts: b.partFacts(pgfacts.RenameColumn, k),
		phase: phaseSwap,
		marks: []mark{
			{target: "COLUMN " + k + "." + old, up: markVal{kind: markThis}, down: markVal{kind: markText, text: from.Comment}, restores: from.Name, comment: from.Comment},
			{target: sc.trgTarget(), up: markVal{kind: markThis}, down: markVal{kind: markPrev}},
			{target: sc.fnTarget(), up: markVal{kind: markThis}, down: markVal{kind: markPrev}},
			unmark("COLUMN "+k+"."+col, to.Comment),
		},
	}
	if to.NotNull {
		swap.marks = append(swap.marks, gone(sc.nnTarget()))
	}
	swap.facts.hazard(HazardBackwardIncompatible, fmt.Sprintf("code that needs %s to be %s sees %s from here on", col, from.Type, to.Type))
	if castOf(to.Type, from.Type) == castMayFail {
		// The old column is kept in sync for the swap back, through the
		// narrowing cast: a value beyond the old type fails to be written
		// until the contract drops the trigger.
		swap.facts.hazard(HazardBackwardIncompatible, fmt.Sprintf(
			"until the contract phase, a write of a value of %s that does not fit %s fails: the trigger keeps %s (%s) in sync so the swap can be undone; run the contract before relying on the wider range",
			col, from.Type, old, from.Type))
	}
	swap.facts.hazard(HazardColumnOrder, fmt.Sprintf("%s moves to the end of %s (the old values stay at its position as %s): "+
		"code that inserts positionally (INSERT INTO %s VALUES (...)) or reads SELECT * by position stores or reads the wrong columns; name the columns", col, k, old, k))

	contract := part{
		summary:     fmt.Sprintf("contract: drop %s.%s and its sync trigger", k, old),
		downSummary: fmt.Sprintf("re-create %s.%s, kept in sync with %s (filled in batches next)", k, old, col),
		up:          append(sc.dropSync(), fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s;", k, old)),
		facts:       b.partFacts(pgfacts.DropColumn, k),
		phase:       phaseContract,
		marks:       []mark{gone("COLUMN "+k+"."+old).restoring(from.Name, from.Comment), gone(sc.trgTarget()), gone(sc.fnTarget())},
	}
	contract.facts.hazard(HazardIrreversible, "the down re-creates "+old+" and refills it in batches from "+col+"; values that do not fit "+from.Type+" fail")
	contract.facts.hazard(HazardColumnOrder, fmt.Sprintf("dropping %s shifts the columns after it: positional INSERT and SELECT * by position see other columns; name the columns", old))
	oldName := shadowName(from.Name, "old")
	return append(append(parts, swap), b.refillContract(refill{
		table: k, key: key, keyType: keyType, oldName: oldName, typ: typ(from), col: from,
		syncFn: syncFn(old, col, to.Type, from.Type), trigger: sc.trigger(),
		set:    fmt.Sprintf("%s = %s", old, b.castExpr(col, to.Type, from.Type)),
		filter: fmt.Sprintf("%s IS DISTINCT FROM %s", old, b.castExpr(col, to.Type, from.Type)),
		nn:     schema.QuoteIdent(nnCheckName(t.Name, oldName)), notNullName: parked,
	}, contract)...)
}

// columnMeta writes the comment, privileges and settings of column c on the
// column called name of table k, from a column that has none.
func columnMeta(k, name string, c *schema.Column) []string {
	var sql []string
	if c.Comment != "" {
		sql = append(sql, fmt.Sprintf("COMMENT ON COLUMN %s.%s IS %s;", k, schema.QuoteIdent(name), schema.QuoteLiteral(c.Comment)))
	}
	sql = append(sql, privilegesOn("TABLE "+k, schema.QuoteIdent(name), nil, c.ACL)...)
	renamed := *c
	renamed.Name = name
	return append(sql, columnSettings(k, &renamed, nil)...)
}

// usedOnlyByItsTable reports whether nothing but the column's own table (and
// sequences it owns) depends on the column: no index, constraint, view,
// policy, trigger or function.
func (b *builder) usedOnlyByItsTable(id string) bool {
	for _, d := range b.fromIdx.dependents(id) {
		switch kind, _ := schema.SplitID(d); kind {
		case schema.KindColumn, schema.KindSequence, schema.KindTable:
		default:
			return false
		}
	}
	return true
}

// renameRecipe renames a column with old and new code running side by side
// (docs/hazards.md R-RENAMECOL): the new column is added and kept in sync
// with the old one in both directions by a trigger, existing rows are
// copied in batches, and a release later (after the application reads and
// writes only the new name) the old column and the trigger are dropped. It
// applies when nothing but the name changes and no index, constraint,
// view, policy, trigger or function uses the column; otherwise the plan
// renames in place (instant, but old code breaks at once).
func (b *builder) renameRecipe(c *diff.RenameColumn) []part {
	t := b.existingTable(c.Table.Key())
	if t == nil || t.Kind != schema.TableOrdinary {
		return nil
	}
	k := t.Key()
	target := b.to.Tables[k].Column(c.To.Name)
	if target == nil || !diff.SameColumnBody(c.To, target) || c.From.Identity != "" || c.From.Generated != "" {
		return nil
	}
	key, keyType, ok := b.backfillKey(t)
	if !ok || key == schema.QuoteIdent(c.From.Name) || !b.usedOnlyByItsTable(colID(k, c.From.Name)) {
		return nil
	}
	oldC, newC := schema.QuoteIdent(c.From.Name), schema.QuoteIdent(target.Name)
	fn := schema.QualName(t.Schema, shadowName("pgshift_sync_"+t.Name+"_"+c.From.Name, "fn"))
	trg := schema.QuoteIdent(shadowName("pgshift_sync_"+t.Name+"_"+c.From.Name, "trg"))
	nn := schema.QuoteIdent(nnCheckName(t.Name, target.Name))
	syncFn := fmt.Sprintf(`CREATE OR REPLACE FUNCTION %[1]s() RETURNS trigger LANGUAGE plpgsql AS $pgshift$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.%[3]s IS NULL THEN NEW.%[3]s := NEW.%[2]s; ELSIF NEW.%[2]s IS NULL THEN NEW.%[2]s := NEW.%[3]s; END IF;
  ELSIF NEW.%[2]s IS DISTINCT FROM OLD.%[2]s THEN NEW.%[3]s := NEW.%[2]s;
  ELSIF NEW.%[3]s IS DISTINCT FROM OLD.%[3]s THEN NEW.%[2]s := NEW.%[3]s;
  END IF;
  RETURN NEW;
END
$pgshift$;`, fn, oldC, newC)
	alter := func(name, rest string) string {
		return fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s %s;", k, name, rest)
	}

	bare := *target
	bare.NotNull, bare.Default = false, ""
	add := b.addColumn(c.Table, &bare)
	if target.Default != "" {
		add = append(add, alter(newC, "SET DEFAULT "+target.Default))
	}
	sc := syncedColumn{
		table: k, key: key, keyType: keyType, column: newC,
		add: add, syncFn: syncFn, fn: fn, trg: trg,
		notNull: target.NotNull, nn: nn,
		set:           fmt.Sprintf("%s = %s", newC, oldC),
		filter:        fmt.Sprintf("%s IS DISTINCT FROM %s", newC, oldC),
		expandSummary: fmt.Sprintf("expand: column %s.%s, kept in sync with %s both ways", k, newC, oldC),
	}
	parts := b.expandParts(sc)
	contractUp := append(sc.dropSync(), fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s;", k, oldC))
	var contractDown []string
	if target.NotNull {
		contractUp = append(contractUp, b.setNotNull(k, newC, target.NotNullName), fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;", k, nn))
		contractDown = []string{
			fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID;", k, nn, newC),
			alter(newC, "DROP NOT NULL"),
		}
	}
	contract := part{
		summary:     fmt.Sprintf("contract: drop %s.%s (renamed to %s) and the sync trigger", k, oldC, newC),
		downSummary: fmt.Sprintf("re-create %s.%s, kept in sync with %s (filled in batches next)", k, oldC, newC),
		up:          contractUp, down: contractDown,
		facts:  b.partFacts(pgfacts.DropColumn, k),
		phase:  phaseContract,
		before: fmt.Sprintf("deploy application code that reads and writes %s.%s instead of %s (writes through either name are kept in sync until this phase)", k, newC, oldC),
		marks:  append([]mark{unmark("COLUMN "+k+"."+newC, target.Comment)}, gone(sc.trgTarget()), gone(sc.fnTarget())),
	}
	if target.NotNull {
		contract.marks = append(contract.marks, gone(sc.nnTarget()))
	}
	contract.facts.hazard(HazardBackwardIncompatible, "code that still uses "+oldC+" breaks: deploy code that uses "+newC+" first")
	contract.facts.hazard(HazardIrreversible, "the down re-creates "+oldC+" and refills it in batches from "+newC)
	contract.facts.hazard(HazardColumnOrder, fmt.Sprintf("%s, added at the end of %s, takes the place of %s, and the columns after %s shift: "+
		"positional INSERT and SELECT * by position see other columns; name the columns", newC, k, oldC, oldC))
	oldType := c.From.Type
	if c.From.Collation != "" {
		oldType += " COLLATE " + c.From.Collation
	}
	return append(parts, b.refillContract(refill{
		table: k, key: key, keyType: keyType, oldName: c.From.Name, typ: oldType, col: c.From,
		syncFn: syncFn, trigger: sc.trigger(),
		set:    fmt.Sprintf("%s = %s", oldC, newC),
		filter: fmt.Sprintf("%s IS DISTINCT FROM %s", oldC, newC),
		nn:     schema.QuoteIdent(nnCheckName(t.Name, c.From.Name)), notNullName: c.From.NotNullName,
	}, contract)...)
}

func withNotNull(c *schema.Column, nn bool) *schema.Column {
	x := *c
	x.NotNull = nn
	if !nn {
		x.NotNullName = ""
	}
	return &x
}

// syncedColumn describes a column a recipe builds beside an existing one and
// keeps in sync with a trigger (R-TYPE, R-RENAMECOL).
type syncedColumn struct {
	table, key, keyType string // qualified table, its one-column key and key type
	column              string // quoted name of the column being built
	add                 []string
	syncFn              string // CREATE OR REPLACE FUNCTION of the sync trigger
	fn, trg             string // qualified function, quoted trigger name
	notNull             bool
	nn                  string // quoted name of the NOT NULL check
	set, filter         string // backfill SET list and row filter
	expandSummary       string
}

func (s syncedColumn) trigger() string {
	return fmt.Sprintf("CREATE TRIGGER %s BEFORE INSERT OR UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION %s();", s.trg, s.table, s.fn)
}

// dropSync drops the sync trigger and its function.
func (s syncedColumn) dropSync() []string {
	return []string{fmt.Sprintf("DROP TRIGGER %s ON %s;", s.trg, s.table), fmt.Sprintf("DROP FUNCTION %s();", s.fn)}
}

// expandParts returns the expand part (add the column, the sync function
// and trigger, and for NOT NULL a check added NOT VALID), the batched
// backfill, and for NOT NULL the validation of the check.
func (b *builder) expandParts(s syncedColumn) []part {
	k := s.table
	up := append(append([]string{}, s.add...), s.syncFn, s.trigger())
	down := append(s.dropSync(), fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s;", k, s.column))
	if s.notNull {
		up = append(up, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID;", k, s.nn, s.column))
		down = append([]string{fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s;", k, s.nn)}, down...)
	}
	parts := []part{{
		summary:     s.expandSummary,
		downSummary: fmt.Sprintf("drop column %s.%s and its sync trigger", k, s.column),
		up:          up, down: down,
		facts: b.partFacts(pgfacts.AddColumn, k),
		marks: s.artifacts(),
	}}
	fill := part{
		summary:     fmt.Sprintf("backfill %s.%s in batches", k, s.column),
		downSummary: fmt.Sprintf("(column %s.%s is dropped next)", k, s.column),
		up:          []string{backfill(k, s.key, s.keyType, s.set, s.filter, b.batchSize())},
		nonTx:       true, stmtTimeout: backfillStatementLimit,
		facts: b.partFacts(pgfacts.Backfill, k),
	}
	fill.facts.hazard(HazardTableScan, "reads every row of "+k+" in batches")
	parts = append(parts, fill)
	if s.notNull {
		v := part{
			summary:     fmt.Sprintf("validate NOT NULL check on %s.%s", k, s.column),
			downSummary: fmt.Sprintf("(NOT NULL check on %s.%s is dropped next)", k, s.column),
			up:          []string{fmt.Sprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s;", k, s.nn)},
			stmtTimeout: backfillStatementLimit,
			facts:       b.partFacts(pgfacts.ValidateConstraint, k),
		}
		v.facts.hazard(HazardTableScan, "scans "+k+" under SHARE UPDATE EXCLUSIVE (reads and writes continue)")
		parts = append(parts, v)
	}
	return parts
}

// refill describes how the down of a contract re-creates the column the
// contract drops: the column as it was (col: type, default, NOT NULL,
// comment, privileges, settings) under its quoted name old, the sync
// function and trigger that keep it current, the backfill (set, filter)
// and the name of the check that proves its NOT NULL on the way back.
type refill struct {
	table, key, keyType string
	oldName, typ        string // the dropped column's name (unquoted) and type (with COLLATE)
	col                 *schema.Column
	syncFn, trigger     string
	set, filter         string
	nn                  string
	notNullName         string // the restored NOT NULL constraint's name on PostgreSQL 18 ("": unnamed)
}

// refillContract returns the contract of a synced-column recipe as parts
// whose downs, in reverse, re-create the dropped column as non-blocking as
// the expand built it (the down path of a recipe is as non-blocking as
// its up path, issue 13): drop's down adds the column nullable with its
// sync trigger (catalog only, so every write from then on reaches it);
// then a batched backfill in a non-transactional file; then, when it was
// NOT NULL, a check validated under SHARE UPDATE EXCLUSIVE; last its
// default and SET NOT NULL, proved by the check (no scan, PostgreSQL 12+).
// The parts before drop have no up statements but their preparation of the
// old column (its default and NOT NULL go first): they exist for their
// downs. drop is the contract part; its down is replaced.
func (b *builder) refillContract(r refill, drop part) []part {
	k, old := r.table, schema.QuoteIdent(r.oldName)
	alter := func(rest string) string { return fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s %s;", k, old, rest) }
	var parts []part
	at := func(p part) part { p.phase, p.before = drop.phase, drop.before; return p }
	if r.col.NotNull || r.col.Default != "" {
		var up, down []string
		if r.col.NotNull {
			up = append(up, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID;", k, r.nn, old), alter("DROP NOT NULL"))
			down = append(down, b.setNotNull(k, old, r.notNullName), fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;", k, r.nn))
		}
		if r.col.Default != "" {
			up = append(up, alter("DROP DEFAULT"))
			down = append([]string{alter("SET DEFAULT " + r.col.Default)}, down...)
		}
		parts = append(parts, at(part{
			summary:     fmt.Sprintf("contract: %s.%s loses its default and NOT NULL before it is dropped", k, old),
			downSummary: fmt.Sprintf("%s.%s gets its default and NOT NULL back (proved by the validated check: no scan)", k, old),
			up:          up, down: down,
			facts: b.partFacts(pgfacts.SetNotNullProved, k),
		}))
	}
	if r.col.NotNull {
		v := at(part{
			summary:     fmt.Sprintf("contract: (nothing up; the down validates the NOT NULL check of %s.%s)", k, old),
			downSummary: fmt.Sprintf("validate the NOT NULL check of %s.%s", k, old),
			down:        []string{fmt.Sprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s;", k, r.nn)},
			stmtTimeout: backfillStatementLimit,
			facts:       b.partFacts(pgfacts.ValidateConstraint, k),
		})
		v.facts.hazard(HazardTableScan, "down path: scans "+k+" under SHARE UPDATE EXCLUSIVE (reads and writes continue)")
		parts = append(parts, v)
	}
	fill := at(part{
		summary:     fmt.Sprintf("contract: (nothing up; the down refills %s.%s in batches)", k, old),
		downSummary: fmt.Sprintf("refill %s.%s in batches", k, old),
		down:        []string{backfill(k, r.key, r.keyType, r.set, r.filter, b.batchSize())},
		nonTx:       true, stmtTimeout: backfillStatementLimit,
		facts: b.partFacts(pgfacts.Backfill, k),
	})
	fill.facts.hazard(HazardTableScan, "down path: reads every row of "+k+" in batches")
	parts = append(parts, fill)
	down := append([]string{fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s %s;", k, old, r.typ)}, r.syncFn, r.trigger)
	if r.col.NotNull {
		// The check the refill is proved by; the up's DROP COLUMN drops it.
		down = append(down, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID;", k, r.nn, old))
	}
	drop.down = append(drop.down, down...)
	drop.down = append(drop.down, columnMeta(k, r.oldName, withNotNull(withDefault(r.col, ""), false))...)
	return append(parts, drop)
}

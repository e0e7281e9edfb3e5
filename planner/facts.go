package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pgshift/pgshift/diff"
	"github.com/pgshift/pgshift/internal/pgfacts"
	"github.com/pgshift/pgshift/schema"
)

// major returns the major the facts are read for: the target's, or
// pgfacts.DefaultMajor when it is unknown.
func (b *builder) major() int {
	if m := b.targetMajor(); m != 0 {
		return m
	}
	return pgfacts.DefaultMajor
}

// fact returns the pgfacts row of kind k for the target major.
func (b *builder) fact(k pgfacts.Kind) pgfacts.Fact { return pgfacts.MustOf(k, b.major()) }

// partFacts returns the facts of a recipe part that runs as statement kind
// k on rels (the lock, rewrite and scan of pgfacts' row).
func (b *builder) partFacts(k pgfacts.Kind, rels ...string) facts {
	f := b.fact(k)
	return facts{lock: string(f.Lock), relations: rels, rewrites: f.Rewrite, scans: f.Scan}
}

// lockOf returns the lock of kind k on the target major, as Step.Lock spells it.
func (b *builder) lockOf(k pgfacts.Kind) string { return string(b.fact(k).Lock) }

// changeKinds returns the pgfacts statement kinds a change is planned as
// (one statement group), and the relations the lock is taken on. Every
// diff.Change type has a case (TestChangeCompleteness checks it); the
// facts (lock, rewrite, scan) come from package pgfacts alone.
func (b *builder) changeKinds(ch diff.Change) (kinds []pgfacts.Kind, rels []string) {
	switch c := ch.(type) {
	case *diff.CreateSchema, *diff.DropSchema, *diff.CreateExtension, *diff.DropExtension, *diff.AlterExtension,
		*diff.CreateType, *diff.DropType, *diff.CreateSequence, *diff.CreateFunction, *diff.DropFunction:
		return []pgfacts.Kind{pgfacts.CatalogOnly}, nil
	case *diff.ReplaceFunction:
		return []pgfacts.Kind{pgfacts.ReplaceFunction}, nil
	case *diff.AlterType:
		if enumNeedsRecreate(c.From, c.To) {
			for _, id := range b.columnsOfType(c.From.Key()) {
				_, key := schema.SplitID(id)
				rels = append(rels, key)
			}
			return []pgfacts.Kind{pgfacts.EnumRecreate}, rels
		}
		if len(c.To.Labels) > len(c.From.Labels) {
			return []pgfacts.Kind{pgfacts.EnumAddValue}, nil
		}
		return []pgfacts.Kind{pgfacts.CatalogOnly}, nil
	case *diff.DropSequence:
		return []pgfacts.Kind{pgfacts.DropSequence}, []string{c.Sequence.Key()}
	case *diff.AlterSequence:
		return []pgfacts.Kind{pgfacts.AlterSequence}, []string{c.To.Key()}
	case *diff.CreateTable:
		return []pgfacts.Kind{pgfacts.CreateTable}, nil
	case *diff.DropTable:
		return []pgfacts.Kind{pgfacts.DropTable}, []string{c.Table.Key()}
	case *diff.AlterTable:
		from, to := c.From, c.To
		if from.Unlogged != to.Unlogged {
			kinds = append(kinds, pgfacts.SetLogged)
		}
		if from.RLSEnabled != to.RLSEnabled {
			kinds = append(kinds, pgfacts.RowSecurity)
		}
		if from.ReplicaIdentity != to.ReplicaIdentity || from.ReplicaIdentityIndex != to.ReplicaIdentityIndex {
			kinds = append(kinds, pgfacts.ReplicaIdentity)
		}
		if !slices.Equal(from.Options, to.Options) {
			kinds = append(kinds, pgfacts.AlterTableOptions)
		}
		if from.RLSForced != to.RLSForced || from.PartitionOf != to.PartitionOf || from.PartitionBound != to.PartitionBound ||
			!slices.Equal(from.Inherits, to.Inherits) || len(kinds) == 0 {
			kinds = append(kinds, pgfacts.AlterTableOther)
		}
		return kinds, []string{to.Key()}
	case *diff.AddColumn:
		k := c.Table.Key()
		col := c.Column
		if b.existingTable(k) == nil {
			return []pgfacts.Kind{pgfacts.AddColumn}, []string{k}
		}
		switch {
		case col.Generated != "" && col.Virtual:
			return []pgfacts.Kind{pgfacts.AddColumnGeneratedVirtual}, []string{k}
		case col.Generated != "":
			return []pgfacts.Kind{pgfacts.AddColumnGeneratedStored}, []string{k}
		case col.Identity != "":
			return []pgfacts.Kind{pgfacts.AddColumnIdentity}, []string{k}
		case col.Default != "" && b.volatileDefault(col.Default):
			return []pgfacts.Kind{pgfacts.AddColumnVolatileDefault}, []string{k}
		case col.Default != "":
			return []pgfacts.Kind{pgfacts.AddColumnDefault}, []string{k}
		}
		return []pgfacts.Kind{pgfacts.AddColumn}, []string{k}
	case *diff.DropColumn:
		return []pgfacts.Kind{pgfacts.DropColumn}, []string{c.Table.Key()}
	case *diff.RenameColumn:
		return []pgfacts.Kind{pgfacts.RenameColumn}, []string{c.Table.Key()}
	case *diff.RenameTable:
		return []pgfacts.Kind{pgfacts.RenameTable}, []string{c.From.Key()}
	case *diff.AlterColumn:
		return b.alterColumnKinds(c), []string{c.Table.Key()}
	case *diff.AddConstraint:
		k := c.Table.Key()
		rels = []string{k}
		kc := c.Constraint
		switch kc.Type {
		case schema.ConstraintForeignKey:
			if kc.ReferencedTable != "" && kc.ReferencedTable != k {
				rels = append(rels, kc.ReferencedTable)
			}
			if kc.Validated && b.existingTable(k) != nil {
				return []pgfacts.Kind{pgfacts.AddForeignKey}, rels
			}
			return []pgfacts.Kind{pgfacts.AddForeignKeyNotValid}, rels
		case schema.ConstraintUnique, schema.ConstraintPrimaryKey:
			if b.existingTable(k) != nil {
				return []pgfacts.Kind{pgfacts.AddUnique}, rels
			}
			return []pgfacts.Kind{pgfacts.AddUniqueUsingIndex}, rels
		case schema.ConstraintExclusion:
			if b.existingTable(k) != nil {
				return []pgfacts.Kind{pgfacts.AddExclusion}, rels
			}
		}
		if kc.Validated && b.existingTable(k) != nil {
			return []pgfacts.Kind{pgfacts.AddCheck}, rels
		}
		return []pgfacts.Kind{pgfacts.AddCheckNotValid}, rels
	case *diff.DropConstraint:
		rels = []string{c.Table.Key()}
		if c.Constraint.Type == schema.ConstraintForeignKey && c.Constraint.ReferencedTable != "" {
			rels = append(rels, c.Constraint.ReferencedTable)
		}
		return []pgfacts.Kind{pgfacts.DropConstraint}, rels
	case *diff.ValidateConstraint:
		return []pgfacts.Kind{pgfacts.ValidateConstraint}, []string{c.Table.Key()}
	case *diff.InvalidateConstraint:
		// DROP CONSTRAINT, then ADD … NOT VALID.
		return []pgfacts.Kind{pgfacts.DropConstraint, pgfacts.AddCheckNotValid}, []string{c.Table.Key()}
	case *diff.CreateIndex:
		return []pgfacts.Kind{pgfacts.CreateIndex}, []string{c.Index.Table}
	case *diff.DropIndex:
		return []pgfacts.Kind{pgfacts.DropIndex}, []string{c.Index.Table}
	case *diff.AlterIndex:
		return []pgfacts.Kind{pgfacts.ClusterOn}, []string{c.To.Table}
	case *diff.CreateView:
		return []pgfacts.Kind{pgfacts.CreateView}, nil
	case *diff.DropView:
		return []pgfacts.Kind{pgfacts.DropView}, []string{c.View.Key()}
	case *diff.ReplaceView:
		return []pgfacts.Kind{pgfacts.ReplaceView}, []string{c.To.Key()}
	case *diff.CreateTrigger:
		return []pgfacts.Kind{pgfacts.CreateTrigger}, []string{c.Table}
	case *diff.DropTrigger:
		return []pgfacts.Kind{pgfacts.DropTrigger}, []string{c.Table}
	case *diff.AlterTrigger:
		return []pgfacts.Kind{pgfacts.EnableTrigger}, []string{c.Table}
	case *diff.CreatePolicy:
		return []pgfacts.Kind{pgfacts.CreatePolicy}, []string{c.Table}
	case *diff.DropPolicy:
		return []pgfacts.Kind{pgfacts.CreatePolicy}, []string{c.Table}
	case *diff.AlterPolicy:
		return []pgfacts.Kind{pgfacts.CreatePolicy}, []string{c.Table}
	case *diff.SetComment:
		if rel := relationOf(c.ID); rel != "" {
			return []pgfacts.Kind{pgfacts.Comment}, []string{rel}
		}
		return []pgfacts.Kind{pgfacts.CatalogOnly}, nil
	case *diff.SetPrivileges:
		if rel := relationOf(c.ID); rel != "" {
			return []pgfacts.Kind{pgfacts.Privileges}, []string{rel}
		}
		return []pgfacts.Kind{pgfacts.CatalogOnly}, nil
	case *diff.SetOwner:
		// ALTER TABLE / VIEW / SEQUENCE ... OWNER TO is an ALTER TABLE
		// subcommand (ACCESS EXCLUSIVE); on other objects catalog-only.
		if rel := relationOf(c.ID); rel != "" {
			return []pgfacts.Kind{pgfacts.AlterTableOther}, []string{rel}
		}
		return []pgfacts.Kind{pgfacts.CatalogOnly}, nil
	case *diff.Unsupported:
		return nil, nil
	}
	return nil, nil
}

// relationOf returns the table a comment or a privilege of object id locks
// (a table, view or one of their columns), or "".
func relationOf(id string) string {
	kind, key := schema.SplitID(id)
	switch kind {
	case schema.KindTable, schema.KindView:
		return key
	case schema.KindColumn:
		if parent, _, ok := schema.SplitSubKey(key); ok {
			return parent
		}
	}
	return ""
}

// alterColumnKinds returns the kinds of the subcommands an AlterColumn
// is planned as.
func (b *builder) alterColumnKinds(c *diff.AlterColumn) []pgfacts.Kind {
	var kinds []pgfacts.Kind
	existing := b.existingTable(c.Table.Key()) != nil
	if c.From.Type != c.To.Type {
		if rw, _ := pgfacts.TypeChangeRewrites(c.From.Type, c.To.Type, b.major()); rw && existing {
			kinds = append(kinds, pgfacts.AlterColumnTypeRewrite)
		} else {
			kinds = append(kinds, pgfacts.AlterColumnType)
		}
	}
	switch {
	case !c.From.NotNull && c.To.NotNull && existing:
		kinds = append(kinds, pgfacts.SetNotNull)
	case !c.From.NotNull && c.To.NotNull:
		kinds = append(kinds, pgfacts.SetNotNullProved)
	case c.From.NotNull && !c.To.NotNull:
		kinds = append(kinds, pgfacts.DropNotNull)
	}
	if c.From.Generated != c.To.Generated && c.To.Generated != "" && existing {
		kinds = append(kinds, pgfacts.SetGeneratedExpression)
	}
	if c.From.NotNull && c.To.NotNull && !diff.SameNotNullName(c.From.NotNullName, c.To.NotNullName) {
		kinds = append(kinds, pgfacts.RenameConstraint)
	}
	// Statistics and attribute options alone take SHARE UPDATE EXCLUSIVE;
	// any other change of the column ACCESS EXCLUSIVE.
	opts := *c.From
	opts.Options, opts.Statistics, opts.NotNullName = c.To.Options, c.To.Statistics, c.To.NotNullName
	if len(kinds) == 0 && diff.SameColumnBody(&opts, c.To) {
		kinds = append(kinds, pgfacts.AlterColumnOptions)
	} else if c.From.Default != c.To.Default || c.From.Identity != c.To.Identity || c.From.Collation != c.To.Collation ||
		c.From.Storage != c.To.Storage || c.From.Compression != c.To.Compression || c.From.Generated != c.To.Generated ||
		c.From.Virtual != c.To.Virtual || len(kinds) == 0 {
		kinds = append(kinds, pgfacts.SetDefault)
	}
	return kinds
}

// volatileDefault reports whether a column default (pg_get_expr text) is
// VOLATILE, so that ADD COLUMN with it rewrites the table ("ALTER TABLE"
// notes). Functions of the plan's schema count as their declared
// volatility; a function known to neither pgfacts nor the schema, or an
// expression that does not parse, counts as VOLATILE (PostgreSQL's default).
func (b *builder) volatileDefault(expr string) bool {
	v, _, _, err := pgfacts.DefaultVolatility(expr, b.functionVolatility)
	return err != nil || v == pgfacts.Volatile
}

// functionVolatility returns the declared volatility of a function of the
// target schema by unqualified name (the strongest of its overloads).
func (b *builder) functionVolatility(name string) (pgfacts.Volatility, bool) {
	found, v := false, pgfacts.Immutable
	for _, f := range b.to.Functions {
		if !strings.EqualFold(f.Name, name) {
			continue
		}
		found = true
		fv := pgfacts.Volatile
		switch {
		case strings.Contains(f.Definition, " IMMUTABLE"):
			fv = pgfacts.Immutable
		case strings.Contains(f.Definition, " STABLE"):
			fv = pgfacts.Stable
		}
		if fv > v {
			v = fv
		}
	}
	return v, found
}

// factsOf returns the lock and hazard facts of a change planned as one
// statement group: the strongest lock, rewrite and scan of its pgfacts
// kinds (PostgreSQL "Explicit Locking" table 13.2 and the "ALTER TABLE"
// notes; measured per version in docs/hazards.md and by pgfacts' tests),
// with the hazards a reviewer needs.
func (b *builder) factsOf(ch diff.Change) facts {
	kinds, rels := b.changeKinds(ch)
	var f facts
	var lock pgfacts.Lock
	for _, k := range kinds {
		x := b.fact(k)
		lock = pgfacts.Stronger(lock, x.Lock)
		f.rewrites = f.rewrites || x.Rewrite
		f.scans = f.scans || x.Scan
	}
	f.lock = string(lock)
	if lock != pgfacts.None {
		f.relations = rels
	}
	switch c := ch.(type) {
	case *diff.DropTable:
		f.hazard(HazardDataLoss, "drops table "+c.Table.Key()+" and its rows")
		f.hazard(HazardBackwardIncompatible, "code that uses "+c.Table.Key()+" breaks")
	case *diff.RenameTable:
		f.hazard(HazardBackwardIncompatible, "code that uses "+c.From.Key()+" breaks the moment the table is renamed")
	case *diff.RenameColumn:
		f.hazard(HazardBackwardIncompatible, "code that uses "+schema.QuoteIdent(c.From.Name)+" breaks the moment the column is renamed")
	case *diff.DropColumn:
		f.hazard(HazardDataLoss, "drops column "+schema.QuoteIdent(c.Column.Name)+" and its values")
		f.hazard(HazardBackwardIncompatible, "code that reads or writes "+schema.QuoteIdent(c.Column.Name)+" breaks")
	case *diff.AddColumn:
		k := c.Table.Key()
		switch {
		case f.rewrites:
			f.hazard(HazardTableRewrite, "fills every existing row: rewrites "+k+" and its indexes")
			f.hazard(HazardBlockingLock, f.lock+" on "+k+" for the whole rewrite")
		case b.existingTable(k) != nil && c.Column.NotNull && c.Column.Default == "" && c.Column.Identity == "" && c.Column.Generated == "":
			f.hazard(HazardBackwardIncompatible, "NOT NULL without a default: fails on a non-empty table, and old code that inserts without the column fails")
		}
	case *diff.AlterColumn:
		k := c.Table.Key()
		if b.existingTable(k) == nil {
			break
		}
		for _, kind := range kinds {
			switch kind {
			case pgfacts.AlterColumnTypeRewrite:
				f.hazard(HazardTableRewrite, fmt.Sprintf("type %s → %s rewrites %s and its indexes", c.From.Type, c.To.Type, k))
				f.hazard(HazardBlockingLock, f.lock+" on "+k+" for the whole rewrite")
			case pgfacts.SetNotNull:
				f.hazard(HazardTableScan, "SET NOT NULL scans "+k+" under "+f.lock)
				f.hazard(HazardBlockingLock, f.lock+" on "+k+" for the whole scan")
			case pgfacts.DropNotNull:
				f.hazard(HazardBackwardIncompatible, "readers may now see NULL in "+schema.QuoteIdent(c.To.Name))
			case pgfacts.SetGeneratedExpression:
				f.hazard(HazardTableRewrite, "recomputes the generated column for every row")
			}
		}
		if c.From.Generated == "" && c.To.Generated != "" {
			f.hazard(HazardColumnOrder, "the column is dropped and added again as generated, at the end of "+k+": positional INSERT and SELECT * by position see other columns")
		}
	case *diff.AddConstraint:
		k := c.Table.Key()
		if f.scans {
			f.hazard(HazardTableScan, "checks every existing row of "+k+" while holding "+f.lock)
			f.hazard(HazardBlockingLock, f.lock+" on "+k+" for the whole scan or index build")
			if slices.Contains(kinds, pgfacts.AddUnique) || slices.Contains(kinds, pgfacts.AddExclusion) {
				f.hazard(HazardIndexBuild, "builds the constraint's index, reading every row of "+k)
			}
		}
	case *diff.CreateIndex:
		if b.existingTable(c.Index.Table) != nil {
			f.hazard(HazardBlockingLock, f.lock+" on "+c.Index.Table+" blocks writes for the whole index build")
			f.hazard(HazardIndexBuild, "builds "+c.Index.Key()+", reading every row of "+c.Index.Table)
		} else {
			f.scans = false // a table created in this plan holds no rows
		}
	case *diff.AlterTable:
		if f.rewrites {
			f.hazard(HazardTableRewrite, "SET LOGGED/UNLOGGED rewrites "+c.To.Key())
		}
		if !c.From.RLSEnabled && c.To.RLSEnabled {
			f.hazard(HazardBackwardIncompatible, "with row-level security on, roles without a matching policy see no rows")
		}
		if c.From.RLSEnabled != c.To.RLSEnabled || c.From.RLSForced != c.To.RLSForced {
			f.hazard(HazardAuthz, "row-level security of "+c.To.Key()+" changes: which rows each role sees changes")
		}
		if slices.Contains(kinds, pgfacts.ReplicaIdentity) {
			f.hazard(HazardReplication, "replica identity of "+c.To.Key()+" changes: logical replication sends and matches rows by the new identity")
		}
	case *diff.CreatePolicy:
		f.hazard(HazardAuthz, "policy "+schema.QuoteIdent(c.Policy.Name)+" on "+c.Table+" changes which rows roles see or write")
	case *diff.AlterPolicy:
		f.hazard(HazardAuthz, "policy "+schema.QuoteIdent(c.To.Name)+" on "+c.Table+" changes which rows roles see or write")
	case *diff.DropPolicy:
		f.hazard(HazardAuthz, "policy "+schema.QuoteIdent(c.Policy.Name)+" on "+c.Table+" is dropped: the rows it allowed are no longer visible under row-level security")
	case *diff.SetPrivileges:
		f.hazard(HazardAuthz, "privileges on "+b.lookupTarget(c.ID)+" change")
	case *diff.SetOwner:
		f.hazard(HazardAuthz, "owner of "+b.lookupTarget(c.ID)+" changes: the new owner holds every privilege on it and may grant them")
	case *diff.DropSequence:
		f.hazard(HazardDataLoss, "drops sequence "+c.Sequence.Key()+": its position is lost (a sequence created again starts over)")
	case *diff.CreateFunction:
		if untrackedBody(c.Function) {
			f.hazard(HazardUntrackedDependencies, "PostgreSQL does not track what the body of "+c.Function.Key()+" uses: changing or dropping it later does not fail, calls do")
		}
	case *diff.ReplaceFunction:
		if untrackedBody(c.To) {
			f.hazard(HazardUntrackedDependencies, "PostgreSQL does not track what the body of "+c.To.Key()+" uses: running code sees the new body at once, and what it uses is not checked")
		}
	case *diff.AlterType:
		if f.rewrites {
			f.hazard(HazardTableRewrite, "every column of the enum is converted through text: its table is rewritten")
			f.hazard(HazardBlockingLock, "ACCESS EXCLUSIVE on each of those tables for the whole rewrite")
		}
	case *diff.DropView:
		f.hazard(HazardBackwardIncompatible, "queries on "+c.View.Key()+" fail until it is created again")
	case *diff.DropFunction:
		f.hazard(HazardBackwardIncompatible, "callers of "+c.Function.Key()+" fail until it is created again")
	}
	return f
}

// FactKinds returns the pgfacts statement kinds each change between from
// and to is planned as (one statement group each, as ModeDirect plans
// them), in diff order: what the planner's lock, rewrite and scan verdicts
// are read from. It is the planner side of the check that the planner and
// the linter (package planner/lint) give the same verdict for a statement.
func FactKinds(from, to *schema.Schema, opts Options) [][]pgfacts.Kind {
	b := newBuilder(from, to, opts)
	var out [][]pgfacts.Kind
	for _, ch := range b.normalize(diff.Compare(from, to)) {
		kinds, _ := b.changeKinds(ch)
		out = append(out, kinds)
	}
	return out
}

// untrackedBody reports whether PostgreSQL does not record the
// dependencies of a function's body ("CREATE FUNCTION": only a
// SQL-standard body, BEGIN ATOMIC or RETURN, PostgreSQL 14+, is parsed at
// creation and tracked in pg_depend; a body given as a string, in plpgsql
// or any other language, is not). C and internal functions use no SQL
// objects; aggregates have no body.
func untrackedBody(f *schema.Function) bool {
	if f.Kind == schema.FunctionAggregate {
		return false
	}
	d := strings.ToLower(f.Definition)
	i := strings.Index(d, "language ")
	if i < 0 {
		return false
	}
	lang := strings.Trim(strings.Fields(d[i+len("language "):] + " x")[0], "\"';")
	switch lang {
	case "c", "internal":
		return false
	case "sql":
		return !strings.Contains(d, "begin atomic") && (strings.Contains(d, " as $") || strings.Contains(d, " as '"))
	}
	return true
}

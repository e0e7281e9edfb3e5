package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pgshift/pgshift/diff"
	"github.com/pgshift/pgshift/internal/pgfacts"
	"github.com/pgshift/pgshift/schema"
)

// Declared table renames (`-- pgshift:renamed-from OLD` on the CREATE
// TABLE line; diff.RenameTable).
//
// ALTER TABLE ... RENAME TO is a catalog update under ACCESS EXCLUSIVE
// ("ALTER TABLE"): instant, but code that still names the old table fails
// at once. In safe mode the rename is planned as expand / contract
// (docs/hazards.md; pgroll and the lint rule rename-table give the same
// recipe):
//
//	expand    one transaction: rename the table, and create a view under
//	          the old name that selects its columns. A view over one table
//	          with plain column references is automatically updatable
//	          (PostgreSQL "CREATE VIEW", Updatable Views), so old code keeps
//	          reading and writing through it; the table's privileges are
//	          granted on the view.
//	contract  after the deploy of code that uses the new name: drop the view.
//
// Indexes, constraints, triggers, policies, comments and privileges belong
// to the table (by OID) and follow it; so do the foreign keys of other
// tables and the queries of views. A sequence the table owns keeps its
// name, unless the target names it after the new table (a serial column's
// <table>_<column>_seq), when it is renamed in the same step.

// tableRenameSQL renames the table and the sequences that go with it.
func tableRenameSQL(c *diff.RenameTable) []string {
	sql := []string{fmt.Sprintf("ALTER TABLE %s RENAME TO %s;", c.From.Key(), schema.QuoteIdent(c.To.Name))}
	for _, q := range c.Sequences {
		if _, name, ok := schema.SplitKey(q.To); ok {
			sql = append(sql, fmt.Sprintf("ALTER SEQUENCE %s RENAME TO %s;", q.From, schema.QuoteIdent(name)))
		}
	}
	return sql
}

// renderTableRename is the one-statement form (--mode direct, and the
// form the facts and the lint check are read from).
func renderTableRename(c *diff.RenameTable) rendered {
	return rendered{summary: fmt.Sprintf("rename table %s to %s", c.From.Key(), schema.QuoteIdent(c.To.Name)),
		rank: rankAlterTable, sql: tableRenameSQL(c)}
}

// compatViewApplies reports whether the expand / contract recipe applies
// to a table rename: a view cannot pass reads through a table with
// row-level security as the querying role before PostgreSQL 15
// (security_invoker), so such a table is renamed in place, with a note.
func (b *builder) compatViewApplies(c *diff.RenameTable) bool {
	if b.opts.Mode == ModeDirect || b.to.Tables[c.To.Key()] == nil {
		return false
	}
	return !c.From.RLSEnabled || b.major() >= 15
}

// compatView returns the CREATE VIEW of the compatibility view: the old
// name, the columns the table keeps (by name, in the table's order: a view
// names its columns, so a column dropped or swapped later in the same plan
// must not be in it), and the table's privileges.
func (b *builder) compatView(c *diff.RenameTable) []string {
	target := b.to.Tables[c.To.Key()]
	var cols []string
	var grants []string
	oldKey := c.From.Key()
	for _, col := range c.From.Columns {
		if target.Column(col.Name) == nil {
			continue
		}
		q := schema.QuoteIdent(col.Name)
		cols = append(cols, q)
		if len(col.ACL) > 0 {
			grants = append(grants, privilegesOn("TABLE "+oldKey, q, nil, col.ACL)...)
		}
	}
	with := ""
	if c.From.RLSEnabled {
		// The view checks the table's policies as the querying role, not
		// as the view's owner ("CREATE VIEW", security_invoker, PG 15+).
		with = " WITH (security_invoker = true)"
	}
	sql := []string{fmt.Sprintf("CREATE VIEW %s%s AS SELECT %s FROM %s;", oldKey, with, strings.Join(cols, ", "), c.To.Key())}
	sql = append(sql, privilegesOn("TABLE "+oldKey, "", nil, c.From.ACL)...)
	return append(sql, grants...)
}

// tableRenameRecipe is the expand / contract form of a declared table
// rename (see the top of this file); nil when it does not apply.
func (b *builder) tableRenameRecipe(c *diff.RenameTable) []part {
	if !b.compatViewApplies(c) {
		if b.opts.Mode != ModeDirect && c.From.RLSEnabled {
			b.notes = append(b.notes, fmt.Sprintf("%s: renamed to %s in place, without a view under the old name: the table has row-level security, which a view applies as the querying role only from PostgreSQL 15 (security_invoker)",
				c.From.Key(), c.To.Key()))
		}
		return nil
	}
	oldKey, newKey := c.From.Key(), c.To.Key()
	target := b.to.Tables[newKey]
	view := b.compatView(c)
	inverse := tableRenameSQL(c.Inverse().(*diff.RenameTable))
	expand := part{
		summary:     fmt.Sprintf("expand: rename table %s to %s, with a view %s in its place (old code reads and writes through it)", oldKey, schema.QuoteIdent(c.To.Name), oldKey),
		downSummary: fmt.Sprintf("drop the view %s and rename table %s back to %s", oldKey, newKey, schema.QuoteIdent(c.From.Name)),
		up:          append(tableRenameSQL(c), view...),
		down:        append([]string{"DROP VIEW " + oldKey + ";"}, inverse...),
		facts:       b.partFacts(pgfacts.RenameTable, oldKey),
		marks: []mark{
			{target: "TABLE " + newKey, up: markVal{kind: markThis}, down: markVal{kind: markText, text: c.From.Comment},
				restores: c.From.Name, comment: c.From.Comment},
			artifact("VIEW " + oldKey),
		},
	}
	expand.facts.hazard(HazardBackwardIncompatible, fmt.Sprintf(
		"until the contract, old code uses the view %s: SELECT, INSERT, UPDATE and DELETE (RETURNING, ON CONFLICT) pass through it; "+
			"TRUNCATE, COPY, LOCK TABLE, ALTER TABLE and new foreign keys naming %s fail, and triggers see TG_TABLE_NAME %s", oldKey, oldKey, schema.QuoteIdent(c.To.Name)))
	contract := part{
		summary:     fmt.Sprintf("contract: drop the view %s (table renamed to %s)", oldKey, newKey),
		downSummary: fmt.Sprintf("re-create the view %s over %s", oldKey, newKey),
		up:          []string{"DROP VIEW " + oldKey + ";"},
		down:        view,
		facts:       b.partFacts(pgfacts.DropView, oldKey),
		phase:       phaseContract,
		before:      fmt.Sprintf("deploy application code that uses %s instead of %s (the view %s passes reads and writes through until this phase)", newKey, oldKey, oldKey),
		// Its down marks the table as the expand did.
		marks: []mark{unmark("TABLE "+newKey, target.Comment).restoring(c.From.Name, c.From.Comment), gone("VIEW " + oldKey)},
	}
	contract.facts.hazard(HazardBackwardIncompatible, "code that still uses "+oldKey+" breaks: deploy code that uses "+newKey+" first")
	return []part{expand, contract}
}

// foldRenamedTableComments leaves out the comment change of a table
// renamed through the recipe: its comment carries the rollout marker until
// the contract, which gives it the target's comment (tableRenameRecipe).
func (b *builder) foldRenamedTableComments(changes []diff.Change) []diff.Change {
	ids := map[string]bool{}
	for _, ch := range changes {
		if c, ok := ch.(*diff.RenameTable); ok && b.compatViewApplies(c) {
			ids[schema.ID(schema.KindTable, c.To.Key())] = true
		}
	}
	if len(ids) == 0 {
		return changes
	}
	return slices.DeleteFunc(changes, func(ch diff.Change) bool {
		c, ok := ch.(*diff.SetComment)
		return ok && ids[c.ID]
	})
}

// renameFirst makes the first step of every table rename run before the
// steps of every other change: those are planned on the table under its
// new name (diff.WithTableRenames).
func renameFirst(nodes []*node, edge func(a, c *node)) {
	seen := map[diff.Change]bool{}
	for _, n := range nodes {
		if _, ok := n.change.(*diff.RenameTable); !ok || seen[n.change] {
			continue
		}
		seen[n.change] = true
		for _, m := range nodes {
			if _, ok := m.change.(*diff.RenameTable); !ok {
				edge(n, m)
			}
		}
	}
}

// tableRenameNotes reports the declared table renames the diff cannot
// apply to the current state (see renameNotes).
func tableRenameNotes(from *schema.Schema, a schema.Annotation) string {
	old, cur := from.Tables[a.From], from.Tables[a.Table]
	switch {
	case old == nil && cur == nil:
		return fmt.Sprintf("%s: pgshift:renamed-from %s: the current state has neither %s nor %s; %s is created empty",
			a.Pos, a.From, a.From, a.Table, a.Table)
	case old != nil && cur != nil:
		return fmt.Sprintf("%s: pgshift:renamed-from %s: the current state has both %s and %s; nothing is renamed",
			a.Pos, a.From, a.From, a.Table)
	}
	return ""
}

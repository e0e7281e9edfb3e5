package planner

import (
	"fmt"
	"slices"

	"github.com/pgshift/pgshift/diff"
	"github.com/pgshift/pgshift/schema"
)

// skipDrops removes DROP TABLE and DROP COLUMN changes (data loss) and
// every change that only they make possible: drops of the table's own
// constraints, indexes, triggers and policies, of sequences its columns
// use, of schemas or types it needs. Each skipped data drop is noted.
func (b *builder) skipDrops(changes []diff.Change) []diff.Change {
	kept := map[string]bool{} // IDs that stay because their drop is skipped
	keep := func(ids ...string) {
		for _, id := range ids {
			kept[id] = true
		}
	}
	var notes []string
	for _, ch := range changes {
		switch c := ch.(type) {
		case *diff.DropTable:
			if b.dropAnnotated(c.Table.Key(), "") {
				continue
			}
			keep(tableIDs(c.Table)...)
			keep(tableDeps(c.Table)...)
			for _, con := range c.Table.Constraints {
				keep(conID(c.Table.Key(), con.Name))
				keep(con.Deps...)
			}
			notes = append(notes, fmt.Sprintf("skipped: drop table %s (its rows would be lost); pass --allow-drop to plan it", c.Table.Key()))
		case *diff.DropColumn:
			if b.dropAnnotated(c.Table.Key(), c.Column.Name) {
				continue
			}
			keep(colID(c.Table.Key(), c.Column.Name))
			keep(c.Column.Deps...)
			notes = append(notes, fmt.Sprintf("skipped: drop column %s.%s (its values would be lost); pass --allow-drop to plan it",
				c.Table.Key(), schema.QuoteIdent(c.Column.Name)))
		}
	}
	if len(notes) == 0 {
		return changes
	}
	// Whatever a kept object depends on stays too, transitively.
	for changed := true; changed; {
		changed = false
		for id := range kept {
			if e := b.fromIdx.get(id); e != nil {
				for _, d := range e.deps {
					if !kept[d] {
						kept[d], changed = true, true
					}
				}
			}
		}
	}
	out := changes[:0:0]
	stays := map[string]bool{} // IDs whose drop is skipped: the object stays
	for _, ch := range changes {
		d := b.depsOf(ch)
		skip := false
		for _, id := range d.unsets {
			if kept[id] && !isSet(d, id) {
				skip = true
				stays[id] = true
			}
		}
		if s, ok := ch.(*diff.AlterSequence); ok && s.From.OwnedBy != "" && s.To.OwnedBy == "" &&
			kept[schema.ID(schema.KindColumn, s.From.OwnedBy)] {
			skip = true
		}
		switch c := ch.(type) {
		case *diff.DropTable:
			skip = !b.dropAnnotated(c.Table.Key(), "")
		case *diff.DropColumn:
			skip = !b.dropAnnotated(c.Table.Key(), c.Column.Name)
		}
		if !skip {
			out = append(out, ch)
		}
	}
	out, taken := b.skipDependents(out, kept, stays)
	notes = append(notes, taken...)
	b.notes = append(b.notes, notes...)
	b.unplanned = append(b.unplanned, notes...)
	return out
}

// skipDependents removes the changes that need a skipped drop done: the
// creation of an object under the ID of one that stays (it would fail with
// "already exists", e.g. a primary key moved to another column while a
// table whose foreign key uses the old one is kept), and DROP NOT NULL of a
// column a kept primary key covers (PostgreSQL refuses it: "column is in a
// primary key"); such a column change keeps its NOT NULL. It returns the
// kept changes and a note for each change it took out or cut down.
func (b *builder) skipDependents(changes []diff.Change, kept, stays map[string]bool) ([]diff.Change, []string) {
	var notes []string
	out := changes[:0:0]
	for _, ch := range changes {
		d := b.depsOf(ch)
		skip := ""
		for _, id := range d.sets {
			if stays[id] && !slices.Contains(d.unsets, id) {
				skip = id
			}
		}
		if skip != "" {
			notes = append(notes, fmt.Sprintf("skipped: %s: %s stays because its drop is skipped", b.render(ch, b.from, b.to).summary, skip))
			continue
		}
		if c, ok := ch.(*diff.AlterColumn); ok && c.From.NotNull && !c.To.NotNull && b.inKeptPrimaryKey(c.Table.Key(), c.From.Name, kept) {
			to := *c.To
			to.NotNull = true
			notes = append(notes, fmt.Sprintf("skipped: drop NOT NULL of %s.%s: the primary key that covers it stays because its drop is skipped",
				c.Table.Key(), schema.QuoteIdent(c.To.Name)))
			if diff.SameColumnBody(c.From, &to) {
				continue
			}
			ch = &diff.AlterColumn{Table: c.Table, From: c.From, To: &to}
		}
		out = append(out, ch)
	}
	return out, notes
}

// inKeptPrimaryKey reports whether column col of table is a column of the
// table's primary key in the from model and that key is kept.
func (b *builder) inKeptPrimaryKey(table, col string, kept map[string]bool) bool {
	t := b.from.Tables[table]
	if t == nil {
		return false
	}
	for _, con := range t.Constraints {
		if con.Type == schema.ConstraintPrimaryKey && kept[conID(table, con.Name)] &&
			slices.Contains(con.Deps, colID(table, col)) {
			return true
		}
	}
	return false
}

// dropAnnotated reports whether schema.sql allows dropping the table (column
// "") or column with a `-- pgshift:drop` directive.
func (b *builder) dropAnnotated(table, column string) bool {
	for _, a := range b.to.Annotations {
		if a.Kind == schema.AnnotationDrop && a.Table == table && a.Column == column {
			return true
		}
	}
	return false
}

// isSet reports whether the change brings id to a new state itself (an
// in-place change of a kept object is still planned).
func isSet(d depInfo, id string) bool {
	for _, s := range d.sets {
		if s == id {
			return true
		}
	}
	return false
}

package planner

import (
	"fmt"

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
	for _, ch := range changes {
		d := b.depsOf(ch)
		skip := false
		for _, id := range d.unsets {
			if kept[id] && !isSet(d, id) {
				skip = true
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
	b.notes = append(b.notes, notes...)
	b.unplanned = append(b.unplanned, notes...)
	return out
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

package planner

import (
	"fmt"

	"github.com/pgshift/pgshift/schema"
)

// renameNotes reports the declared renames (`-- pgshift:renamed-from OLD`
// in the target's schema.sql) that the diff cannot apply to the current
// state, so that a directive never goes unheeded in silence: the table's
// current state has neither column (the new one is added empty), or it
// has both (nothing is renamed). A rename already applied (only the new
// name exists) needs no note.
func (b *builder) renameNotes() []string {
	var notes []string
	for _, a := range b.to.Annotations {
		if a.Kind != schema.AnnotationRenamedFrom {
			continue
		}
		if a.Column == "" {
			if n := tableRenameNotes(b.orig, a); n != "" {
				notes = append(notes, n)
			}
			continue
		}
		t := b.from.Tables[a.Table]
		if t == nil {
			continue // a new table: nothing to rename
		}
		old, cur := t.Column(a.From), t.Column(a.Column)
		switch {
		case old == nil && cur == nil:
			notes = append(notes, fmt.Sprintf("%s: pgshift:renamed-from %s: %s has no column %s in the current state; %s is added without data",
				a.Pos, schema.QuoteIdent(a.From), a.Table, schema.QuoteIdent(a.From), schema.QuoteIdent(a.Column)))
		case old != nil && cur != nil:
			notes = append(notes, fmt.Sprintf("%s: pgshift:renamed-from %s: %s has both %s and %s in the current state; nothing is renamed",
				a.Pos, schema.QuoteIdent(a.From), a.Table, schema.QuoteIdent(a.From), schema.QuoteIdent(a.Column)))
		}
	}
	return notes
}

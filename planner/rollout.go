package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/pgshift/pgshift/diff"
	"github.com/pgshift/pgshift/schema"
)

// Rollout state.
//
// A change planned over several phases (a declared rename, a rewriting type
// change, a required column with a backfill) leaves artifacts between two
// deploys: shadow columns, sync triggers and functions, NOT VALID checks, a
// column added before it is filled. Each phase but the last ends with a
// step that puts a marker COMMENT (schema.RolloutMarker: the change, the
// phase applied, the next phase and what must be deployed before it, a
// hash of the change's plan) on every artifact; the last phase starts with
// a step that gives the surviving objects their own comments back. Every
// marker statement has its exact reverse in the step's down.
//
// Build on a model that carries markers (a live database, a dir:// replay
// or a schema.sql taken from either) plans from that state: it removes the
// marked artifacts to get the state before the rollout, plans from there
// to the target, checks that the target still asks for the same change
// (same hash) and drops the phases already applied. A schema.sql that asks
// for something else of a change in progress is refused: the artifacts of
// the old plan (a trigger syncing the old column, a shadow column of the
// old type) cannot be reused for another target, and undoing them is the
// down migrations' job, not a plan's. Other changes are planned on top.

// markKind says what one COMMENT of a marker step writes.
type markKind int

const (
	markSkip markKind = iota // no statement (the object does not exist then)
	markText                 // a literal comment; "" is NULL
	markThis                 // the marker of the step's phase
	markPrev                 // the marker of the change's previous phase
)

type markVal struct {
	kind markKind
	text string
}

// mark is one artifact of a recipe phase and the comments the phase's
// marker step writes on it (up) and back (down).
type mark struct {
	target   string // what COMMENT ON names: "COLUMN public.t.c", "TRIGGER x ON public.t"
	up, down markVal
	// restores and comment: see schema.RolloutMarker.
	restores, comment string
}

// artifact marks an object the phase creates (its down drops it).
func artifact(target string) mark {
	return mark{target: target, up: markVal{kind: markThis}, down: markVal{kind: markText}}
}

// unmark gives a marked object that stays its final comment.
func unmark(target, comment string) mark {
	return mark{target: target, up: markVal{kind: markText, text: comment}, down: markVal{kind: markPrev}}
}

// gone is an artifact the phase drops; its down re-creates it, marked as before.
func gone(target string) mark {
	return mark{target: target, up: markVal{kind: markSkip}, down: markVal{kind: markPrev}}
}

// restoring is m for an object that stands in for another under its old
// name (the old column a swap kept, a renamed table): the markers it
// writes say which name and comment a plan from there gives back
// (schema.RolloutMarker.Restores).
func (m mark) restoring(name, comment string) mark {
	m.restores, m.comment = name, comment
	return m
}

func (s syncedColumn) trgTarget() string { return "TRIGGER " + s.trg + " ON " + s.table }
func (s syncedColumn) fnTarget() string  { return "FUNCTION " + s.fn + "()" }
func (s syncedColumn) nnTarget() string  { return "CONSTRAINT " + s.nn + " ON " + s.table }

// artifacts are what the expand phase of a synced column leaves.
func (s syncedColumn) artifacts() []mark {
	m := []mark{artifact("COLUMN " + s.table + "." + s.column), artifact(s.trgTarget()), artifact(s.fnTarget())}
	if s.notNull {
		m = append(m, artifact(s.nnTarget()))
	}
	return m
}

// changeKey identifies a change across plans (the "change" of a rollout
// marker): kind and object, not the target state, which the plan hash
// covers. "" for changes that are never rolled out over several phases.
func changeKey(ch diff.Change) string {
	col := func(t *schema.Table, c *schema.Column) string { return t.Key() + "." + schema.QuoteIdent(c.Name) }
	switch c := ch.(type) {
	case *diff.AddColumn:
		return "add-column " + col(c.Table, c.Column)
	case *diff.AlterColumn:
		return "alter-column " + col(c.Table, c.From)
	case *diff.RenameColumn:
		return "rename-column " + col(c.Table, c.From)
	case *diff.RenameTable:
		return "rename-table " + c.From.Key()
	case *diff.DropColumn:
		return "drop-column " + col(c.Table, c.Column)
	case *diff.DropTable:
		return "drop-table " + c.Table.Key()
	}
	return ""
}

// subjectOf names what a change changes (Step.Subject).
func subjectOf(ch diff.Change) string {
	switch c := ch.(type) {
	case *diff.AddColumn:
		return c.Table.Name + "_" + c.Column.Name
	case *diff.AlterColumn:
		return c.Table.Name + "_" + c.To.Name
	case *diff.RenameColumn:
		return c.Table.Name + "_" + c.To.Name
	case *diff.RenameTable:
		return c.To.Name
	case *diff.DropColumn:
		return c.Table.Name + "_" + c.Column.Name
	case *diff.DropTable:
		return c.Table.Name
	case *diff.CreateTable:
		return c.Table.Name
	case *diff.AlterTable:
		return c.To.Name
	case *diff.AddConstraint:
		return c.Constraint.Name
	case *diff.CreateIndex:
		return c.Index.Name
	}
	return ""
}

// deferDrop puts a drop that schema.sql declares (`-- pgshift:drop`) in
// the contract phase: old code still reads the table or column, so it runs
// only after a deploy of code that no longer does.
func (b *builder) deferDrop(ch diff.Change, steps []*Step) {
	var what string
	switch c := ch.(type) {
	case *diff.DropColumn:
		if b.dropAnnotated(c.Table.Key(), c.Column.Name) {
			what = c.Table.Key() + "." + schema.QuoteIdent(c.Column.Name)
		}
	case *diff.DropTable:
		if b.dropAnnotated(c.Table.Key(), "") {
			what = c.Table.Key()
		}
	}
	if what == "" {
		return
	}
	for _, s := range steps {
		s.Phase = phaseContract
		s.Before = "deploy application code that no longer reads or writes " + what
		s.Hazards = append(s.Hazards, Hazard{Kind: HazardBackwardIncompatible, Message: "code that still uses " + what + " breaks"})
	}
}

// rolloutHash is the plan identity of a change: its steps' summaries and
// phases, hashed.
func rolloutHash(steps []*Step) string {
	h := sha256.New()
	for _, s := range steps {
		fmt.Fprintf(h, "%d\x00%s\x00", s.stage, s.Summary)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// markRollouts tags the steps of every change that spans several phases
// with Rollout and adds its marker steps: at the end of each phase but the
// last, and at the start of the last. A step of a marked change that runs
// outside a transaction (a batched backfill) gets a marker step before it
// that says the phase is in progress up to that step (RolloutMarker.Resume),
// so that a plan made after an interruption there (Ctrl-C, a lost
// connection, a failed batch) continues the backfill and the steps after
// it instead of seeing a finished phase or objects it does not know; in the
// last phase, and for a change of one phase (a column added with a
// volatile default), a step after the phase's last step then gives the
// objects their own comments back.
func (b *builder) markRollouts(plan *Plan) {
	byKey := map[string][]*Step{}
	var keys []string
	for _, s := range plan.Steps {
		if s.key == "" {
			continue
		}
		if byKey[s.key] == nil {
			keys = append(keys, s.key)
		}
		byKey[s.key] = append(byKey[s.key], s)
	}
	insertAfter := map[*Step][]*Step{}
	insertBefore := map[*Step][]*Step{}
	for _, key := range keys {
		steps := byKey[key]
		var nums []int
		outside := false
		for _, s := range steps {
			if !slices.Contains(nums, s.Phase) {
				nums = append(nums, s.Phase)
			}
			outside = outside || !s.Transactional
		}
		multi := len(nums) >= 2
		if !multi && !outside {
			continue
		}
		hash := rolloutHash(steps)
		ownIndex := map[*Step]int{}
		for i, s := range steps {
			ownIndex[s] = i + 1
		}
		marker := func(i int, m mark) string {
			p := plan.Phases[nums[i]-1]
			next := plan.Phases[nums[i+1]-1]
			return schema.RolloutMarker{Change: key, Phase: p.Number, Of: len(plan.Phases), Title: p.Title,
				Next: next.Title, NextBefore: next.Before, Plan: hash, Restores: m.restores, Comment: m.comment}.Text()
		}
		pending := func(i int, m mark, at *Step) string {
			p := plan.Phases[nums[i]-1]
			return schema.RolloutMarker{Change: key, Phase: p.Number, Of: len(plan.Phases), Title: p.Title,
				Next: p.Title, Plan: hash, Restores: m.restores, Comment: m.comment, Resume: ownIndex[at]}.Text()
		}
		markStep := func(summary string, up, down []string, n int, in []*Step) *Step {
			rollout := ""
			if multi {
				rollout = key
			}
			// COMMENT takes SHARE UPDATE EXCLUSIVE on the relation
			// (src/backend/commands/comment.c, CommentObject).
			return &Step{Summary: summary, Up: up, Down: down, Transactional: true, Phase: n, stage: in[0].stage,
				Rollout: rollout, key: key, Subject: in[0].Subject, Lock: LockShareUpdateExcl, Relations: in[0].Relations}
		}
		for i, n := range nums {
			var in []*Step
			var marks []mark
			for _, s := range steps {
				if multi {
					s.Rollout = key
				}
				if s.Phase == n {
					in = append(in, s)
					marks = append(marks, s.marks...)
				}
			}
			last := i == len(nums)-1
			value := func(v markVal, m mark) (string, bool) {
				switch v.kind {
				case markText:
					return commentValue(v.text), true
				case markThis:
					return schema.QuoteLiteral(marker(i, m)), !last
				case markPrev:
					return schema.QuoteLiteral(marker(i-1, m)), i > 0
				}
				return "", false
			}
			p := plan.Phases[n-1]

			// In-progress markers before the steps that run outside a
			// transaction. cur is the comment of each marked object at
			// that point of the phase.
			created := map[string]int{}  // object → index in in of the step that creates it
			final := map[string]string{} // object → its comment after the rollout (unmark)
			var targets []mark           // the objects that can carry a marker in this phase, first mark each
			seen := map[string]bool{}
			for j, s := range in {
				for _, m := range s.marks {
					if m.up.kind == markThis && m.down.kind == markText {
						if _, ok := created[m.target]; !ok {
							created[m.target] = j
						}
					}
					if m.up.kind == markText {
						final[m.target] = commentValue(m.up.text)
					}
					if m.up.kind != markSkip && !seen[m.target] {
						seen[m.target] = true
						targets = append(targets, m)
					}
				}
			}
			cur := map[string]string{}
			touched := map[string]bool{}
			for _, m := range targets {
				if last {
					if v, ok := final[m.target]; ok {
						cur[m.target] = v
					}
				} else if m.up.kind == markThis {
					if v, ok := value(m.down, m); ok {
						cur[m.target] = v
					}
				}
			}
			for j, s := range in {
				if s.Transactional {
					continue
				}
				var up, down []string
				for _, m := range targets {
					v, ok := cur[m.target]
					if c, made := created[m.target]; !ok || made && c >= j {
						continue
					}
					pv := schema.QuoteLiteral(pending(i, m, s))
					up = append(up, "COMMENT ON "+m.target+" IS "+pv+";")
					down = append(down, "COMMENT ON "+m.target+" IS "+v+";")
					cur[m.target], touched[m.target] = pv, true
				}
				if len(up) == 0 {
					continue
				}
				summary := fmt.Sprintf("mark rollout of %s: phase %d of %d (%s) in progress, a re-run continues at: %s", key, p.Number, len(plan.Phases), p.Title, s.Summary)
				insertBefore[s] = append(insertBefore[s], markStep(summary, up, down, n, in))
			}

			if last && len(touched) > 0 {
				var up, down []string
				for _, m := range targets {
					if touched[m.target] {
						up = append(up, "COMMENT ON "+m.target+" IS "+final[m.target]+";")
						down = append(down, "COMMENT ON "+m.target+" IS "+cur[m.target]+";")
					}
				}
				summary := fmt.Sprintf("end of rollout of %s: phase %d of %d (%s) is done, its objects get their own comments back", key, p.Number, len(plan.Phases), p.Title)
				insertAfter[in[len(in)-1]] = append(insertAfter[in[len(in)-1]], markStep(summary, up, down, n, in))
			}
			if !multi {
				continue
			}

			if !last {
				// An object a phase before the last drops gets its marker
				// back in the down of the step that drops it, which
				// re-creates it (the phase's marker step undoes first).
				for _, st := range in {
					for _, m := range st.marks {
						if m.up.kind == markSkip && i > 0 {
							st.Down = append(st.Down, "COMMENT ON "+m.target+" IS "+schema.QuoteLiteral(marker(i-1, m))+";")
						}
					}
				}
			}
			var up, down []string
			for _, m := range marks {
				if !last && m.up.kind == markSkip {
					continue
				}
				if v, ok := value(m.up, m); ok {
					up = append(up, "COMMENT ON "+m.target+" IS "+v+";")
				}
				v, ok := value(m.down, m)
				if !last && touched[m.target] {
					v, ok = cur[m.target], true
				}
				if ok {
					down = append(down, "COMMENT ON "+m.target+" IS "+v+";")
				}
			}
			if len(up)+len(down) == 0 {
				continue
			}
			summary := fmt.Sprintf("mark rollout of %s: phase %d of %d (%s) applied", key, p.Number, len(plan.Phases), p.Title)
			if last {
				summary = fmt.Sprintf("end of rollout of %s: its objects get their own comments back", key)
			}
			ms := markStep(summary, up, down, n, in)
			if last {
				insertBefore[in[0]] = append([]*Step{ms}, insertBefore[in[0]]...)
			} else {
				insertAfter[in[len(in)-1]] = append(insertAfter[in[len(in)-1]], ms)
			}
		}
	}
	if len(insertAfter)+len(insertBefore) == 0 {
		return
	}
	out := make([]*Step, 0, len(plan.Steps)+len(insertAfter)+len(insertBefore))
	for _, s := range plan.Steps {
		out = append(out, insertBefore[s]...)
		out = append(out, s)
		out = append(out, insertAfter[s]...)
	}
	plan.Steps = out
}

// commentValue is the SQL of a COMMENT's text: a literal, NULL for "".
func commentValue(text string) string {
	if text == "" {
		return "NULL"
	}
	return schema.QuoteLiteral(text)
}

// inProgress returns the rollouts marked in from that to does not carry
// as well (when both sides are mid-rollout, they are compared as they are).
func inProgress(from, to *schema.Schema) []schema.Rollout {
	rs := from.Rollouts()
	if len(rs) == 0 {
		return nil
	}
	same := map[string]bool{}
	for _, r := range to.Rollouts() {
		same[r.Change+"\x00"+r.Plan+"\x00"+r.Title] = true
	}
	var out []schema.Rollout
	for _, r := range rs {
		if !same[r.Change+"\x00"+r.Plan+"\x00"+r.Title] {
			out = append(out, r)
		}
	}
	return out
}

// beforeRollouts returns a copy of s without the artifacts of rs: the state
// the rollouts started from. A marked old column that a swap kept
// (Restores) takes back its name and comment, in place of its replacement.
func beforeRollouts(s *schema.Schema, rs []schema.Rollout) *schema.Schema {
	out := *s
	out.Tables = make(map[string]*schema.Table, len(s.Tables))
	for k, t := range s.Tables {
		out.Tables[k] = t
	}
	out.Functions = make(map[string]*schema.Function, len(s.Functions))
	for k, f := range s.Functions {
		out.Functions[k] = f
	}
	out.Views = make(map[string]*schema.View, len(s.Views))
	for k, v := range s.Views {
		out.Views[k] = v
	}
	type tableRename struct{ key, name, comment string }
	var renames []tableRename
	copied := map[string]bool{}
	table := func(k string) *schema.Table {
		t := out.Tables[k]
		if t == nil || copied[k] {
			return t
		}
		c := *t
		c.Columns = slices.Clone(t.Columns)
		c.Constraints = slices.Clone(t.Constraints)
		c.Triggers = slices.Clone(t.Triggers)
		out.Tables[k], copied[k] = &c, true
		return &c
	}
	for _, r := range rs {
		for _, o := range r.Objects {
			kind, key := schema.SplitID(o.ID)
			switch kind {
			case schema.KindFunction:
				delete(out.Functions, key)
				continue
			case schema.KindView:
				delete(out.Views, key)
				continue
			case schema.KindTable:
				if o.Marker.Restores != "" {
					renames = append(renames, tableRename{key, o.Marker.Restores, o.Marker.Comment})
				}
				continue
			}
			tk, name, ok := schema.SplitSubKey(key)
			t := table(tk)
			if !ok || t == nil {
				continue
			}
			switch kind {
			case schema.KindColumn:
				if o.Marker.Restores != "" {
					t.Columns = slices.DeleteFunc(t.Columns, func(c *schema.Column) bool { return c.Name == o.Marker.Restores })
					for i, c := range t.Columns {
						if c.Name == name {
							old := *c
							old.Name, old.Comment = o.Marker.Restores, o.Marker.Comment
							t.Columns[i] = &old
						}
					}
					continue
				}
				t.Columns = slices.DeleteFunc(t.Columns, func(c *schema.Column) bool { return c.Name == name })
			case schema.KindConstraint:
				t.Constraints = slices.DeleteFunc(t.Constraints, func(c *schema.Constraint) bool { return c.Name == name })
			case schema.KindTrigger:
				t.Triggers = slices.DeleteFunc(t.Triggers, func(tr *schema.Trigger) bool { return tr.Name == name })
			}
		}
	}
	// A renamed table takes back its old name and comment (its
	// compatibility view is gone above); a sequence renamed with it keeps
	// its new name, which the plan from there leaves as it is.
	res := &out
	for _, r := range renames {
		t := res.Tables[r.key]
		if t == nil {
			continue
		}
		res = res.WithTableRenamed(r.key, r.name, nil)
		res.Tables[schema.QualName(t.Schema, r.name)].Comment = r.comment
	}
	return res
}

// RolloutError is a refused plan: the target no longer asks for the change
// a rollout in progress is making.
type RolloutError struct {
	Rollout schema.Rollout
	Reason  string
}

func (e *RolloutError) Error() string {
	r := e.Rollout
	return fmt.Sprintf("rollout of %s is in progress (phase %d of %d, %s, applied; plan %s): %s; "+
		"finish it with the schema.sql it was planned from, or roll its applied phases back with their down migrations first",
		r.Change, r.Phase, r.Of, r.Title, r.Plan, e.Reason)
}

// resume plans from a model that carries rollouts in progress: from the
// state before them to the target, without the phases already applied.
func resume(from, to *schema.Schema, opts Options, rs []schema.Rollout) (*Plan, error) {
	full, err := build(beforeRollouts(from, rs), to, opts)
	if err != nil {
		return nil, err
	}
	drop := map[*Step]bool{}
	for _, r := range rs {
		var steps []*Step
		for _, s := range full.Steps {
			if s.key == r.Change {
				steps = append(steps, s)
			}
		}
		if opts.Mode == ModeDirect {
			// Direct mode has no phases to continue: the rollout's change
			// is left out, and said so.
			for _, s := range steps {
				drop[s] = true
			}
			full.Notes = append(full.Notes, fmt.Sprintf("rollout of %s in progress (phase %d of %d, %s): not planned in direct mode", r.Change, r.Phase, r.Of, r.Title))
			continue
		}
		var own []*Step
		for _, s := range steps {
			if !strings.HasPrefix(s.Summary, "mark rollout of ") && !strings.HasPrefix(s.Summary, "end of rollout of ") {
				own = append(own, s)
			}
		}
		if len(steps) == 0 {
			return nil, &RolloutError{Rollout: r, Reason: "the target schema no longer asks for this change"}
		}
		if h := rolloutHash(own); h != r.Plan {
			return nil, &RolloutError{Rollout: r, Reason: fmt.Sprintf("the target schema now asks for a different change of the same object (plan %s)", h)}
		}
		if r.Resume > 0 {
			// Phase r.Phase stopped at (or in) its Resume-th step: the
			// steps before it are applied, that step runs again.
			if r.Resume > len(own) || own[r.Resume-1].Transactional {
				return nil, &RolloutError{Rollout: r, Reason: fmt.Sprintf("the plan's step %d is not the step the phase stopped at", r.Resume)}
			}
			at := own[r.Resume-1]
			for _, s := range steps {
				if s == at {
					break
				}
				drop[s] = true
			}
			full.Notes = append(full.Notes, fmt.Sprintf("rollout of %s: phase %d of %d (%s) was interrupted; continuing at: %s", r.Change, r.Phase, r.Of, r.Title, at.Summary))
			continue
		}
		applied := phaseNumber(full.Phases, r.Title)
		if applied < 0 {
			return nil, &RolloutError{Rollout: r, Reason: "the plan has no phase " + r.Title}
		}
		for _, s := range steps {
			if s.Phase <= applied {
				drop[s] = true
			}
		}
		full.Notes = append(full.Notes, fmt.Sprintf("rollout of %s: phase %d of %d (%s) is applied; planning from there", r.Change, r.Phase, r.Of, r.Title))
	}
	full.Steps = slices.DeleteFunc(full.Steps, func(s *Step) bool { return drop[s] })
	full.Phases = phases(full.Steps)
	return full, nil
}

// phaseNumber is the number of the last phase titled title, -1 if none.
func phaseNumber(phases []Phase, title string) int {
	n := -1
	for i, p := range phases {
		if p.Title == title {
			n = i + 1
		}
	}
	return n
}

// Split returns the part of the plan that may run before the next
// application deploy (its first phase) and the phases that follow, each
// after the deploy its Before names. now keeps every Phase of the plan, so
// its files say "phase 1 of n"; later is nil when there is nothing after.
func (p *Plan) Split() (now *Plan, later []Phase) {
	if len(p.Phases) < 2 {
		return p, nil
	}
	n := &Plan{Phases: p.Phases, Notes: p.Notes}
	for _, s := range p.Steps {
		if s.PhaseOf() == 1 {
			n.Steps = append(n.Steps, s)
		}
	}
	return n, p.Phases[1:]
}

// StepsIn returns the steps of phase number n.
func (p *Plan) StepsIn(n int) []*Step {
	var out []*Step
	for _, s := range p.Steps {
		if s.PhaseOf() == n {
			out = append(out, s)
		}
	}
	return out
}

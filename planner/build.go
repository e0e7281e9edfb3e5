package planner

import (
	"container/heap"
	"fmt"
	"slices"
	"strings"

	"github.com/pgshift/pgshift/diff"
	"github.com/pgshift/pgshift/schema"
)

// Options tune the plan.
type Options struct {
	// Mode is ModeSafe (default, "") or ModeDirect.
	Mode Mode
	// AllowDrop plans DROP TABLE and DROP COLUMN. Without it those changes
	// (and the drops that only they need) are skipped and listed in
	// Plan.Notes: pgshift never drops data it was not asked to.
	AllowDrop bool
	// BatchSize is the number of rows per backfill batch; 0 means 1,000.
	BatchSize int
	// TargetVersion is the PostgreSQL major (e.g. 14; a server_version_num
	// is accepted too) the migration will run on. 0 means the major of the
	// server the from model was read from. Changes whose SQL the target
	// cannot run become "unsupported" notes (see version.go).
	TargetVersion int
}

// Build diffs from against to and returns the ordered plan that migrates a
// database in state from to state to. Both models must come from
// schema.Introspect (directly, or through schema.LoadSQL) so they share one
// normal form.
//
// Order: one dependency graph over all steps. A step that creates an object
// runs after the steps that create what it depends on (from the to model's
// pg_depend edges); a step that drops or rewrites an object runs after the
// steps that drop what depends on it (the from model's edges); an object is
// dropped before it is created again. Views, functions, triggers, policies,
// indexes and constraints that depend on an object being dropped or on a
// column whose type changes are dropped and recreated around that change.
//
// A from model with rollouts in progress (schema.Rollouts) is planned
// from that state: only the phases not applied yet (see rollout.go).
//
// The returned error reports a dependency cycle the planner cannot break,
// or (*RolloutError) a target that no longer asks for a change in progress.
func Build(from, to *schema.Schema, opts Options) (*Plan, error) {
	if rs := inProgress(from, to); len(rs) > 0 {
		return resume(from, to, opts, rs)
	}
	return build(from, to, opts)
}

func build(from, to *schema.Schema, opts Options) (*Plan, error) {
	b := newBuilder(from, to, opts)
	b.notes = append(b.notes, b.renameNotes()...)
	changes := b.foldRenamedTableComments(b.normalize(diff.Compare(from, to)))
	changes = b.addDependents(changes)
	if !opts.AllowDrop {
		changes = b.skipDrops(changes)
	}
	changes = b.gateVersion(changes)
	if err := b.checkCasts(changes); err != nil {
		return nil, err
	}
	return b.order(changes)
}

type builder struct {
	from, to *schema.Schema
	orig     *schema.Schema // from before the declared table renames (newBuilder)
	opts     Options
	fromIdx  *index
	toIdx    *index
	notes    []string
	// unplanned are the notes of differences the plan leaves out (Plan.Unplanned).
	unplanned []string
	// preflight are checks that run as the plan's first steps, before
	// anything changes (castPreflight).
	preflight []*Step
	// typeColumns caches columnsOfType; tableKeys are the from model's
	// table keys, sorted, once.
	typeColumns map[string][]string
	tableKeys   []string
}

// newBuilder returns a builder whose from model has the declared table
// renames of to applied (diff.WithTableRenames), as diff.Compare compares
// it; orig is from as it is.
func newBuilder(from, to *schema.Schema, opts Options) *builder {
	orig := from
	from, _ = diff.WithTableRenames(from, to)
	return &builder{orig: orig, from: from, to: to, opts: opts, fromIdx: newIndex(from), toIdx: newIndex(to), typeColumns: map[string][]string{}}
}

// node is a step in the dependency graph.
type node struct {
	change diff.Change
	step   *Step
	rank   int
	seq    int
	deps   depInfo
	after  []*node // nodes that must run after this one
	nIn    int
}

// depInfo tells how a change relates to the objects it touches.
type depInfo struct {
	sets   []string // objects it creates or brings to their new state
	needs  []string // objects (to model) that must exist in their new state first
	unsets []string // objects it drops or invalidates
	uses   []string // objects (from model) that must still exist when it runs
}

func (b *builder) order(changes []diff.Change) (*Plan, error) {
	unmanaged := unmanagedNotes(b.from, b.to)
	plan := &Plan{Notes: append(b.notes, unmanaged...), Unplanned: append(b.unplanned, unmanaged...)}
	noted := len(b.notes)
	var nodes []*node
	var chain [][2]*node
	for _, ch := range changes {
		if u, ok := ch.(*diff.Unsupported); ok {
			n := fmt.Sprintf("unsupported: %s: %s", u.ID, u.Reason)
			plan.Notes = append(plan.Notes, n)
			plan.Unplanned = append(plan.Unplanned, n)
			continue
		}
		deps := b.depsOf(ch)
		steps, rank := b.stepsFor(ch)
		var prev *node
		b.deferDrop(ch, steps)
		for _, step := range steps {
			step.key, step.stage, step.Subject = changeKey(ch), step.PhaseOf(), subjectOf(ch)
			n := &node{change: ch, step: step, rank: rank, seq: len(nodes), deps: deps}
			nodes = append(nodes, n)
			if prev != nil {
				chain = append(chain, [2]*node{prev, n})
			}
			prev = n
		}
	}
	// Edges.
	setters := map[string][]*node{}
	unsetters := map[string][]*node{}
	for _, n := range nodes {
		for _, id := range n.deps.sets {
			setters[id] = append(setters[id], n)
		}
		for _, id := range n.deps.unsets {
			unsetters[id] = append(unsetters[id], n)
		}
	}
	edge := func(a, c *node) {
		if a != c && a.change != c.change {
			a.after = append(a.after, c)
			c.nIn++
		}
	}
	for _, c := range chain {
		c[0].after = append(c[0].after, c[1])
		c[1].nIn++
	}
	renameFirst(nodes, edge)
	for _, n := range nodes {
		for _, id := range n.deps.needs {
			for _, s := range setters[id] {
				edge(s, n)
			}
		}
		for _, id := range n.deps.uses {
			for _, u := range unsetters[id] {
				edge(n, u)
			}
		}
		for _, id := range n.deps.unsets {
			// An object is dropped before it is created again, unless the
			// change needs it in place itself (a column whose type changes
			// after a declared rename brought it to its new name).
			if slices.Contains(n.deps.needs, id) {
				continue
			}
			for _, s := range setters[id] {
				edge(n, s)
			}
		}
	}
	// Kahn's algorithm, smallest (rank, seq) first.
	q := &nodeQueue{}
	for _, n := range nodes {
		if n.nIn == 0 {
			heap.Push(q, n)
		}
	}
	for q.Len() > 0 {
		n := heap.Pop(q).(*node)
		plan.Steps = append(plan.Steps, n.step)
		for _, m := range n.after {
			m.nIn--
			if m.nIn == 0 {
				heap.Push(q, m)
			}
		}
	}
	if len(plan.Steps) != len(nodes) {
		return nil, fmt.Errorf("plan: dependency cycle: %s", strings.Join(findCycle(nodes), " → "))
	}
	// Notes the recipes added while their steps were built.
	plan.Notes = append(plan.Notes, b.notes[noted:]...)
	plan.Steps = append(b.preflight, plan.Steps...)
	plan.Phases = phases(plan.Steps)
	plan.OwnerRoles = b.ownerRoles(changes)
	b.markRollouts(plan)
	return plan, nil
}

// phases makes the steps' recipe phases non-decreasing along the plan (a
// step that must follow a later-phase step joins that phase), numbers the
// phases present 1..n (Step.Phase) and describes them, with what must be
// deployed before each.
func phases(steps []*Step) []Phase {
	cur := 1
	used := map[int]bool{}
	before := map[int][]string{}
	for _, s := range steps {
		if s.stage > cur {
			cur = s.stage
		}
		s.stage = cur
		used[cur] = true
		if s.Before != "" && !slices.Contains(before[cur], s.Before) {
			before[cur] = append(before[cur], s.Before)
		}
	}
	defaults := map[int]string{
		phaseSwap:     "deploy application code that works with the new column types as well as the old ones (the swap changes the type under the column's name; the old values stay in sync until the contract)",
		phaseContract: "deploy application code that no longer needs the old columns (they are kept in sync until this phase)",
	}
	var out []Phase
	number := map[int]int{}
	for _, p := range []Phase{{Number: phaseExpand, Title: "expand"}, {Number: phaseSwap, Title: "swap"}, {Number: phaseContract, Title: "contract"}} {
		if !used[p.Number] {
			continue
		}
		if len(used) == 1 && p.Number == phaseExpand {
			p.Title = "migrate"
		}
		p.Before = strings.Join(before[p.Number], "; ")
		if p.Before == "" {
			p.Before = defaults[p.Number]
		}
		number[p.Number] = len(out) + 1
		p.Number = len(out) + 1
		out = append(out, p)
	}
	for _, s := range steps {
		s.Phase = number[s.stage]
	}
	return out
}

// unmanagedNotes reports unmanaged objects (schema.Unmanaged) present on one
// side only: pgshift does not migrate them, and says so.
func unmanagedNotes(from, to *schema.Schema) []string {
	key := func(u schema.Unmanaged) string { return u.Kind + " " + u.Name }
	in := func(list []schema.Unmanaged, k string) bool {
		for _, u := range list {
			if key(u) == k {
				return true
			}
		}
		return false
	}
	var notes []string
	for _, u := range to.Unmanaged {
		if !in(from.Unmanaged, key(u)) {
			notes = append(notes, fmt.Sprintf("unmanaged: %s exists only in the target state; pgshift does not create it", key(u)))
		}
	}
	for _, u := range from.Unmanaged {
		if !in(to.Unmanaged, key(u)) {
			notes = append(notes, fmt.Sprintf("unmanaged: %s exists only in the current state; pgshift does not drop it", key(u)))
		}
	}
	return notes
}

// findCycle returns the summaries of one cycle among the nodes Kahn's
// algorithm could not place (those with nIn > 0), first node repeated last.
func findCycle(nodes []*node) []string {
	const (
		white = iota
		grey
		black
	)
	color := map[*node]int{}
	var stack []*node
	var cycle []string
	var visit func(n *node) bool
	visit = func(n *node) bool {
		color[n] = grey
		stack = append(stack, n)
		for _, m := range n.after {
			if m.nIn == 0 {
				continue
			}
			switch color[m] {
			case grey:
				i := len(stack) - 1
				for stack[i] != m {
					i--
				}
				for _, x := range stack[i:] {
					cycle = append(cycle, x.step.Summary)
				}
				cycle = append(cycle, m.step.Summary)
				return true
			case white:
				if visit(m) {
					return true
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[n] = black
		return false
	}
	for _, n := range nodes {
		if n.nIn > 0 && color[n] == white && visit(n) {
			return cycle
		}
	}
	return []string{"(not found)"}
}

type nodeQueue []*node

func (q nodeQueue) Len() int { return len(q) }
func (q nodeQueue) Less(i, j int) bool {
	if pi, pj := q[i].step.stage, q[j].step.stage; pi != pj {
		return pi < pj
	}
	if q[i].rank != q[j].rank {
		return q[i].rank < q[j].rank
	}
	return q[i].seq < q[j].seq
}
func (q nodeQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *nodeQueue) Push(x any)   { *q = append(*q, x.(*node)) }
func (q *nodeQueue) Pop() any {
	old := *q
	n := old[len(old)-1]
	*q = old[:len(old)-1]
	return n
}

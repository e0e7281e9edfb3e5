package schema

import (
	"encoding/json"
	"sort"
	"strings"
)

// RolloutPrefix starts the COMMENT that marks an artifact of a multi-phase
// change in progress (a shadow column, a sync trigger or function, a NOT
// VALID check, a column added before it is filled): "pgshift:rollout "
// followed by a RolloutMarker as JSON. The marker lives in the catalog
// (pg_description), so every source of a model — a live database, a
// dir:// replay, a schema.sql dumped from either — carries it.
const RolloutPrefix = "pgshift:rollout "

// RolloutMarker is the content of one artifact's marker comment.
type RolloutMarker struct {
	// Change identifies the change being rolled out, e.g.
	// "rename-column public.users.name" (planner's change key).
	Change string `json:"change"`
	// Phase is the last phase applied, of Of phases of the plan that
	// wrote it; Title is that phase's title ("expand", "swap").
	Phase int    `json:"phase"`
	Of    int    `json:"of"`
	Title string `json:"title"`
	// Next is the title of the change's next phase and NextBefore what
	// must be deployed before it runs.
	Next       string `json:"next"`
	NextBefore string `json:"next_before,omitempty"`
	// Plan is a hash of the change's steps over all phases: a schema.sql
	// that asks for something else of the same change gives another hash.
	Plan string `json:"plan"`
	// Restores is set on the old column a swap keeps beside its
	// replacement: the column name it had, and Comment its comment then;
	// and on a table renamed with a view under its old name in its place
	// (rename-table): the table name it had, and Comment its comment then.
	Restores string `json:"restores,omitempty"`
	Comment  string `json:"comment,omitempty"`
	// Resume, when set, says that phase Phase is in progress, not
	// applied: it stopped before (or during) the Resume-th step of the
	// change (1-based, counting the change's own steps over all phases,
	// not its marker steps), a step that runs outside a transaction such
	// as a batched backfill. A plan made from this state continues at that
	// step; such a step can run again (a backfill fills only the rows it
	// has not filled yet).
	Resume int `json:"resume,omitempty"`
}

// Text returns the marker as the text of a COMMENT.
func (m RolloutMarker) Text() string {
	b, _ := json.Marshal(m) // strings and ints only: cannot fail
	return RolloutPrefix + string(b)
}

// ParseRolloutMarker reads a marker from a comment; ok is false for any
// other comment (including a malformed marker, which then stays an
// ordinary comment and shows as a difference).
func ParseRolloutMarker(comment string) (RolloutMarker, bool) {
	var m RolloutMarker
	rest, found := strings.CutPrefix(comment, RolloutPrefix)
	if !found || json.Unmarshal([]byte(rest), &m) != nil || m.Change == "" || m.Phase < 1 {
		return RolloutMarker{}, false
	}
	return m, true
}

// RolloutObject is one marked artifact: its ID (see ID, SubID) and marker.
type RolloutObject struct {
	ID     string
	Marker RolloutMarker
}

// Rollout is one change in progress, as its artifacts' markers describe it.
type Rollout struct {
	Change, Title, Next, NextBefore, Plan string
	Phase, Of                             int
	// Resume is the marker's Resume: phase Phase is in progress and
	// continues at the change's Resume-th step (0: Phase is applied).
	Resume  int
	Objects []RolloutObject
}

// Rollouts returns the changes in progress in s: the marked tables,
// columns, constraints, triggers, views and functions grouped by change, sorted by change.
// Objects whose markers disagree on the phase are grouped under the latest
// phase (a phase interrupted half-way leaves both); within one phase an
// applied marker wins over one in progress, and a later Resume over an
// earlier one.
func (s *Schema) Rollouts() []Rollout {
	byChange := map[string]*Rollout{}
	add := func(id, comment string) {
		m, ok := ParseRolloutMarker(comment)
		if !ok {
			return
		}
		r := byChange[m.Change]
		if r == nil {
			r = &Rollout{Change: m.Change}
			byChange[m.Change] = r
		}
		if m.Phase > r.Phase || m.Phase == r.Phase && (m.Resume == 0 || r.Resume != 0 && m.Resume >= r.Resume) {
			r.Phase, r.Of, r.Title, r.Next, r.NextBefore, r.Plan, r.Resume = m.Phase, m.Of, m.Title, m.Next, m.NextBefore, m.Plan, m.Resume
		}
		r.Objects = append(r.Objects, RolloutObject{ID: id, Marker: m})
	}
	for _, k := range SortedKeys(s.Tables) {
		t := s.Tables[k]
		add(ID(KindTable, k), t.Comment)
		for _, c := range t.Columns {
			add(SubID(KindColumn, k, c.Name), c.Comment)
		}
		for _, c := range t.Constraints {
			add(SubID(KindConstraint, k, c.Name), c.Comment)
		}
		for _, tr := range t.Triggers {
			add(SubID(KindTrigger, k, tr.Name), tr.Comment)
		}
	}
	for _, k := range SortedKeys(s.Views) {
		add(ID(KindView, k), s.Views[k].Comment)
	}
	for _, k := range SortedKeys(s.Functions) {
		add(ID(KindFunction, k), s.Functions[k].Comment)
	}
	out := make([]Rollout, 0, len(byChange))
	for _, r := range byChange {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Change < out[j].Change })
	return out
}

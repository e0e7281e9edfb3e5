package emit

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pgshift/pgshift/planner"
)

// ReportVersion is the version of the JSON report schema (the "version"
// field of JSON and of the drift report).
const ReportVersion = 1

// JSONStep is one step of the JSON report.
type JSONStep struct {
	Summary          string           `json:"summary"`
	Phase            int              `json:"phase"`
	Transactional    bool             `json:"transactional"`
	Lock             string           `json:"lock,omitempty"`
	Relations        []string         `json:"relations,omitempty"`
	Rewrites         bool             `json:"rewrites,omitempty"`
	Scans            bool             `json:"scans,omitempty"`
	Hazards          []planner.Hazard `json:"hazards"`
	StatementTimeout string           `json:"statement_timeout,omitempty"`
	Up               []string         `json:"up"`
	Down             []string         `json:"down"`
	Irreversible     string           `json:"irreversible,omitempty"`
}

// JSONPhase is one phase of the JSON report.
type JSONPhase struct {
	Number int    `json:"number"`
	Title  string `json:"title,omitempty"`
	Before string `json:"before,omitempty"`
}

// JSONPlan is the JSON report of a plan.
type JSONPlan struct {
	Version int `json:"version"`
	// SourceFingerprint and TargetFingerprint are schema.Fingerprint of the
	// plan's --from and --to models, so that `pgshift apply --plan` can
	// refuse a database that changed since the plan was made and check
	// what the plan reaches; empty when not computed.
	SourceFingerprint string      `json:"source_fingerprint,omitempty"`
	TargetFingerprint string      `json:"target_fingerprint,omitempty"`
	Phases            []JSONPhase `json:"phases"`
	Steps             []JSONStep  `json:"steps"`
	Notes             []string    `json:"notes"`
	// Unplanned are the notes that are differences the plan does not
	// migrate (planner.Plan.Unplanned); omitted when there are none.
	Unplanned []string `json:"unplanned,omitempty"`
}

// PlanReport returns the JSON report structure of plan (empty, not nil,
// lists for an empty plan).
func PlanReport(plan *planner.Plan) JSONPlan {
	r := JSONPlan{Version: ReportVersion, Phases: []JSONPhase{}, Steps: []JSONStep{}, Notes: []string{}}
	if plan == nil {
		return r
	}
	for _, p := range plan.Phases {
		r.Phases = append(r.Phases, JSONPhase{Number: p.Number, Title: p.Title, Before: p.Before})
	}
	for _, s := range plan.Steps {
		js := JSONStep{
			Summary: s.Summary, Phase: s.PhaseOf(), Transactional: s.Transactional,
			Lock: s.Lock, Relations: s.Relations, Rewrites: s.Rewrites, Scans: s.Scans,
			Hazards: s.Hazards, StatementTimeout: s.StatementTimeout,
			Up: s.Up, Down: s.Down, Irreversible: s.Irreversible,
		}
		if js.Hazards == nil {
			js.Hazards = []planner.Hazard{}
		}
		if js.Up == nil {
			js.Up = []string{}
		}
		if js.Down == nil {
			js.Down = []string{}
		}
		r.Steps = append(r.Steps, js)
	}
	r.Notes = append(r.Notes, plan.Notes...)
	r.Unplanned = plan.Unplanned
	return r
}

// Plan rebuilds the plan a report describes (a saved `diff --format json`),
// for applying it: phases, and per step the fields the report carries. It
// is an error when the report's version is not ReportVersion or a step
// names a phase the report does not list.
func (r JSONPlan) Plan() (*planner.Plan, error) {
	if r.Version != ReportVersion {
		return nil, fmt.Errorf("plan report version %d, want %d", r.Version, ReportVersion)
	}
	p := &planner.Plan{Notes: r.Notes}
	known := map[int]bool{}
	for _, ph := range r.Phases {
		p.Phases = append(p.Phases, planner.Phase{Number: ph.Number, Title: ph.Title, Before: ph.Before})
		known[ph.Number] = true
	}
	for i, s := range r.Steps {
		if len(known) > 0 && !known[s.Phase] {
			return nil, fmt.Errorf("step %d (%s): phase %d is not in the report's phases", i+1, s.Summary, s.Phase)
		}
		p.Steps = append(p.Steps, &planner.Step{
			Summary: s.Summary, Up: s.Up, Down: s.Down, Transactional: s.Transactional,
			Irreversible: s.Irreversible, Phase: s.Phase, Lock: s.Lock, Relations: s.Relations,
			Rewrites: s.Rewrites, Scans: s.Scans, Hazards: s.Hazards, StatementTimeout: s.StatementTimeout,
		})
	}
	return p, nil
}

// JSON returns the versioned JSON report of plan: phases, and per step its
// summary, phase, transactionality, lock, hazards and up/down SQL. It ends
// in a newline.
func JSON(plan *planner.Plan) []byte { return ReportJSON(PlanReport(plan)) }

// ReportJSON returns r as indented JSON ending in a newline.
func ReportJSON(r JSONPlan) []byte {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		// Only strings, numbers, bools and slices of them: cannot fail.
		return []byte(fmt.Sprintf("{\"version\": %d, \"error\": %q}\n", ReportVersion, err.Error()))
	}
	return append(b, '\n')
}

// Markdown returns a PR-ready summary of plan: per phase, what must be
// deployed before it, its steps with lock and hazards and the up SQL, then
// the down path.
func Markdown(plan *planner.Plan) string {
	var b strings.Builder
	b.WriteString("## pgshift migration plan\n\n")
	if plan == nil || plan.Empty() {
		b.WriteString("No changes.\n")
		return b.String()
	}
	phases := phaseList(plan)
	hazards := 0
	for _, s := range plan.Steps {
		hazards += len(s.Hazards)
	}
	fmt.Fprintf(&b, "%d step(s) in %d phase(s), %d hazard(s).\n", len(plan.Steps), len(phases), hazards)
	for _, p := range phases {
		title := fmt.Sprintf("Phase %d", p.Number)
		if p.Title != "" {
			title += ": " + p.Title
		}
		fmt.Fprintf(&b, "\n### %s\n\n", title)
		if p.Before != "" {
			fmt.Fprintf(&b, "> **Before this phase:** %s\n\n", oneLine(p.Before))
		}
		b.WriteString("| # | Step | Tx | Lock | Hazards |\n|---|---|---|---|---|\n")
		var steps []*planner.Step
		for i, s := range plan.Steps {
			if s.PhaseOf() != p.Number {
				continue
			}
			steps = append(steps, s)
			tx := "yes"
			if !s.Transactional {
				tx = "**no**"
			}
			lock := s.Lock
			if lock != "" && len(s.Relations) > 0 {
				lock += " on " + strings.Join(s.Relations, ", ")
			}
			var hz []string
			for _, h := range s.Hazards {
				t := "`" + string(h.Kind) + "`"
				if h.Message != "" {
					t += " " + oneLine(h.Message)
				}
				hz = append(hz, t)
			}
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", i+1, mdCell(s.Summary), tx, mdCell(lock), mdCell(strings.Join(hz, "; ")))
		}
		b.WriteString("\n<details><summary>SQL</summary>\n\n```sql\n")
		b.WriteString(upText(steps))
		b.WriteString("```\n\n</details>\n")
	}
	b.WriteString("\n### Down path\n\n")
	var irr []string
	for _, s := range plan.Steps {
		if s.Irreversible != "" {
			irr = append(irr, fmt.Sprintf("- %s: %s", mdCell(s.Summary), mdCell(s.Irreversible)))
		}
	}
	if len(irr) > 0 {
		b.WriteString("Not exactly reversible:\n\n" + strings.Join(irr, "\n") + "\n\n")
	}
	b.WriteString("<details><summary>Down SQL</summary>\n\n```sql\n")
	b.WriteString(DownSQL(plan))
	b.WriteString("```\n\n</details>\n")
	if len(plan.Notes) > 0 {
		b.WriteString("\n### Notes\n\n")
		for _, n := range plan.Notes {
			b.WriteString("- " + mdCell(n) + "\n")
		}
	}
	return b.String()
}

// phaseList returns the plan's phases, adding a bare entry for every phase
// number the steps use that Phases does not describe.
func phaseList(plan *planner.Plan) []planner.Phase {
	seen := map[int]bool{}
	var out []planner.Phase
	for _, p := range plan.Phases {
		seen[p.Number] = true
		out = append(out, p)
	}
	for _, s := range plan.Steps {
		if n := s.PhaseOf(); !seen[n] {
			seen[n] = true
			out = append(out, planner.Phase{Number: n})
		}
	}
	// Phases in number order (insertion sort: tiny lists).
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Number < out[j-1].Number; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// mdCell makes s safe for one markdown table cell.
func mdCell(s string) string {
	return strings.ReplaceAll(oneLine(s), "|", `\|`)
}

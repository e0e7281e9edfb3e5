package drift

import (
	"fmt"
	"strings"

	"github.com/pgshift/pgshift/schema"
)

// Rollout is one change in progress (a multi-phase change whose
// last phase has not run yet), as its artifacts' marker comments describe
// it (schema.RolloutMarker). In progress is not drift.
type Rollout struct {
	Change     string `json:"change"`
	Phase      int    `json:"phase"`
	Of         int    `json:"of"`
	Title      string `json:"title"`
	Next       string `json:"next"`
	NextBefore string `json:"next_before,omitempty"`
	Plan       string `json:"plan"`
	// Resume is set when phase Phase was interrupted (a backfill stopped):
	// it continues at the change's Resume-th step (schema.RolloutMarker).
	Resume     int      `json:"resume,omitempty"`
	Objects    []string `json:"objects"`
	NextAction string   `json:"next_action"`
}

// Rollouts lists the rollouts in progress in s (schema.Schema.Rollouts).
func Rollouts(s *schema.Schema) []Rollout {
	out := []Rollout{}
	for _, r := range s.Rollouts() {
		st := Rollout{Change: r.Change, Phase: r.Phase, Of: r.Of, Title: r.Title, Next: r.Next, NextBefore: r.NextBefore, Plan: r.Plan, Objects: []string{}}
		for _, o := range r.Objects {
			st.Objects = append(st.Objects, o.ID)
		}
		st.NextAction = fmt.Sprintf("%s; then run pgshift generate again with the same schema.sql: it writes the %s phase", orNothing(r.NextBefore), r.Next)
		if r.Resume > 0 {
			st.Resume = r.Resume
			st.NextAction = fmt.Sprintf("run pgshift apply (or generate) again with the same schema.sql: it continues the %s phase", r.Title)
		}
		out = append(out, st)
	}
	return out
}

// rolloutLine is the one-line text form of a rollout in progress.
func rolloutLine(r Rollout) string {
	if r.Resume > 0 {
		return fmt.Sprintf("rollout in progress (not drift): %s: phase %d of %d (%s) interrupted before its end; next: %s",
			r.Change, r.Phase, r.Of, r.Title, r.NextAction)
	}
	return fmt.Sprintf("rollout in progress (not drift): %s: phase %d of %d (%s) applied; next: %s phase, after: %s",
		r.Change, r.Phase, r.Of, r.Title, r.Next, r.NextAction)
}

// WriteRolloutsText writes one line per rollout in progress.
func WriteRolloutsText(b *strings.Builder, rs []Rollout) {
	for _, r := range rs {
		b.WriteString(rolloutLine(r) + "\n")
	}
}

// WriteRolloutAnnotations writes a GitHub ::notice per rollout in progress.
func WriteRolloutAnnotations(b *strings.Builder, rs []Rollout) {
	for _, r := range rs {
		fmt.Fprintf(b, "::notice title=%s::%s\n", ghProp("Rollout in progress"), ghEscape(rolloutLine(r)))
	}
}

// RolloutsMarkdown is the step-summary section of the rollouts in progress.
func RolloutsMarkdown(rs []Rollout) string {
	if len(rs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("### Rollouts in progress (not drift)\n\n| Change | Applied | Next | Deploy first |\n|---|---|---|---|\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "| `%s` | phase %d of %d (%s) | %s | %s |\n", r.Change, r.Phase, r.Of, r.Title, r.Next, strings.ReplaceAll(r.NextBefore, "|", `\|`))
	}
	return b.String() + "\n"
}

func orNothing(s string) string {
	if s == "" {
		return "nothing to deploy"
	}
	return s
}

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pgshift/pgshift/emit"
	"github.com/pgshift/pgshift/schema"
)

// rolloutStatus is one change in progress (a multi-phase change whose
// last phase has not run yet), as its artifacts' marker comments describe
// it (schema.RolloutMarker). In progress is not drift.
type rolloutStatus struct {
	Change     string   `json:"change"`
	Phase      int      `json:"phase"`
	Of         int      `json:"of"`
	Title      string   `json:"title"`
	Next       string   `json:"next"`
	NextBefore string   `json:"next_before,omitempty"`
	Plan       string   `json:"plan"`
	Objects    []string `json:"objects"`
	NextAction string   `json:"next_action"`
}

// rolloutStatuses lists the rollouts in progress in s.
func rolloutStatuses(s *schema.Schema) []rolloutStatus {
	out := []rolloutStatus{}
	for _, r := range s.Rollouts() {
		st := rolloutStatus{Change: r.Change, Phase: r.Phase, Of: r.Of, Title: r.Title, Next: r.Next, NextBefore: r.NextBefore, Plan: r.Plan, Objects: []string{}}
		for _, o := range r.Objects {
			st.Objects = append(st.Objects, o.ID)
		}
		st.NextAction = fmt.Sprintf("%s; then run pgshift generate again with the same schema.sql: it writes the %s phase", firstNonEmpty(r.NextBefore, "nothing to deploy"), r.Next)
		out = append(out, st)
	}
	return out
}

// rolloutLine is the one-line text form of a rollout in progress.
func rolloutLine(r rolloutStatus) string {
	return fmt.Sprintf("rollout in progress (not drift): %s: phase %d of %d (%s) applied; next: %s phase, after: %s",
		r.Change, r.Phase, r.Of, r.Title, r.Next, r.NextAction)
}

// writeRolloutsText writes one line per rollout in progress.
func writeRolloutsText(b *strings.Builder, rs []rolloutStatus) {
	for _, r := range rs {
		b.WriteString(rolloutLine(r) + "\n")
	}
}

// writeRolloutAnnotations writes a GitHub ::notice per rollout in progress.
func writeRolloutAnnotations(b *strings.Builder, rs []rolloutStatus) {
	for _, r := range rs {
		fmt.Fprintf(b, "::notice title=%s::%s\n", ghProp("Rollout in progress"), ghEscape(rolloutLine(r)))
	}
}

// rolloutsMarkdown is the step-summary section of the rollouts in progress.
func rolloutsMarkdown(rs []rolloutStatus) string {
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

// statusReport is the output of pgshift status (--format json).
type statusReport struct {
	Version  int             `json:"version"`
	Source   string          `json:"source"`
	Rollouts []rolloutStatus `json:"rollouts"`
}

func newStatusCmd(e env) *cobra.Command {
	var dbURL, dir, format string
	var df devFlags
	cmd := &cobra.Command{
		Use:   "status --url URL | --dir DIR",
		Short: "List the multi-phase changes in progress and what comes next",
		Long: `status lists the rollouts in progress in a database (--url, default
$DATABASE_URL) or in a migrations directory (--dir, replayed on the dev
server): changes planned in phases whose last phase has not run yet. For each:
the phase applied, the next phase, the deploy it waits for, and the objects
pgshift keeps meanwhile (marked with a "pgshift:rollout" COMMENT). Exit 0.`,
		Example: `  pgshift status --url "$DATABASE_URL"
  pgshift status --dir db/migrations --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			switch format {
			case "text", "json", "github":
			default:
				return fmt.Errorf("--format %q: want text, json or github", format)
			}
			src := firstNonEmpty(dbURL, e.getenv("DATABASE_URL"))
			if dir != "" {
				if dbURL != "" {
					return errors.New("status takes --url or --dir, not both")
				}
				src = schema.DirPrefix + dir
			}
			if src == "" {
				return errors.New("status needs --url (a database) or --dir (a migrations directory)")
			}
			if !schema.IsURL(src) && !schema.IsDirSource(src) {
				return fmt.Errorf("--url %q: want a postgres:// or postgresql:// URL", src)
			}
			dev := ""
			if dir != "" {
				ds := newDevSource(e, df)
				defer ds.Close()
				u, err := ds.URL(ctx)
				if err != nil {
					return err
				}
				dev = u
			}
			r, err := schema.LoadSource(ctx, src, dev)
			if err != nil {
				return err
			}
			rep := statusReport{Version: emit.ReportVersion, Source: firstNonEmpty(dir, redact(src)), Rollouts: rolloutStatuses(r.Schema)}
			return writeStatus(e.stdout, rep, format)
		},
	}
	cmd.Flags().StringVarP(&dbURL, "url", "u", "", "database (default $DATABASE_URL)")
	cmd.Flags().StringVar(&dir, "dir", "", "migrations directory (replayed on the dev server)")
	cmd.Flags().StringVar(&format, "format", "text", "output: text, json or github (annotations)")
	df.register(cmd)
	return cmd
}

func writeStatus(w io.Writer, rep statusReport, format string) error {
	var b strings.Builder
	switch format {
	case "json":
		j, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return fmt.Errorf("write report: %w", err)
		}
		b.Write(append(j, '\n'))
	case "github":
		writeRolloutAnnotations(&b, rep.Rollouts)
		fallthrough
	default:
		if len(rep.Rollouts) == 0 {
			fmt.Fprintf(&b, "%s: no rollout in progress\n", rep.Source)
		}
		for _, r := range rep.Rollouts {
			fmt.Fprintf(&b, "%s: phase %d of %d (%s) applied\n  next: the %s phase\n  deploy first: %s\n  then: pgshift generate with the same schema.sql\n  objects kept meanwhile: %s\n",
				r.Change, r.Phase, r.Of, r.Title, r.Next, firstNonEmpty(r.NextBefore, "nothing"), strings.Join(r.Objects, ", "))
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pgshift/pgshift/emit"
	"github.com/pgshift/pgshift/emit/drift"
	"github.com/pgshift/pgshift/schema"
	"github.com/pgshift/pgshift/schema/source"
)

// statusReport is the output of pgshift status (--format json).
type statusReport struct {
	Version  int             `json:"version"`
	Source   string          `json:"source"`
	Rollouts []drift.Rollout `json:"rollouts"`
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
			r, err := source.LoadArg(ctx, src, dev)
			if err != nil {
				return err
			}
			rep := statusReport{Version: emit.ReportVersion, Source: firstNonEmpty(dir, redact(src)), Rollouts: drift.Rollouts(r.Schema)}
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
		drift.WriteRolloutAnnotations(&b, rep.Rollouts)
		fallthrough
	default:
		if len(rep.Rollouts) == 0 {
			fmt.Fprintf(&b, "%s: no rollout in progress\n", rep.Source)
		}
		for _, r := range rep.Rollouts {
			if r.Resume > 0 {
				fmt.Fprintf(&b, "%s: phase %d of %d (%s) interrupted before its end (at its step %d)\n  next: %s\n  objects kept meanwhile: %s\n",
					r.Change, r.Phase, r.Of, r.Title, r.Resume, r.NextAction, strings.Join(r.Objects, ", "))
				continue
			}
			fmt.Fprintf(&b, "%s: phase %d of %d (%s) applied\n  next: the %s phase\n  deploy first: %s\n  then: pgshift generate with the same schema.sql\n  objects kept meanwhile: %s\n",
				r.Change, r.Phase, r.Of, r.Title, r.Next, firstNonEmpty(r.NextBefore, "nothing"), strings.Join(r.Objects, ", "))
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

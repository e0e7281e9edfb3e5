package apply

import (
	"context"
	"fmt"
	"strings"

	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
)

// Target is what a plan must reach: a model, or (for a saved plan, which
// carries no model) only its fingerprint. The zero Target is a plan that
// leaves differences unplanned (skipped drops): its up is not checked
// against a model, but its down must come back to the source and its up
// again must reach what the first up reached.
type Target struct {
	Schema      *schema.Schema
	Fingerprint string // schema.Fingerprint of the target; derived from Schema when empty
}

func (t Target) fingerprint() string {
	if t.Fingerprint == "" && t.Schema != nil {
		return schema.Fingerprint(t.Schema)
	}
	return t.Fingerprint
}

// VerifyError is a failed verification: Stage says which replay failed
// ("up", "down", "up again", or "rebuild source"), Err the statement or
// the difference.
type VerifyError struct {
	Stage string
	Err   error
}

func (e *VerifyError) Error() string { return fmt.Sprintf("verify (%s): %v", e.Stage, e.Err) }
func (e *VerifyError) Unwrap() error { return e.Err }

// Verify replays steps on a scratch database of the dev server devURL that
// is first built to from (the plan from an empty database to from): the up
// steps must reach to, their down steps (in reverse) must come back to
// from, and the up steps again must reach to. States are compared by
// schema.Fingerprint (column order ignored). A failure is a *VerifyError
// naming the stage and wrapping the failing step's *StepError or the
// difference (a canonical diff when the expected model is known). The
// scratch database is always dropped. Lock waits do not matter there: the
// steps run with the plan's own settings.
func Verify(ctx context.Context, devURL string, from *schema.Schema, steps []*planner.Step, to Target, opts Options) error {
	empty := opts.Empty
	if empty == nil {
		var err error
		if empty, err = schema.EmptyFrom(ctx, devURL); err != nil {
			return err
		}
	}
	build, err := planner.Build(empty, from, planner.Options{Mode: planner.ModeDirect})
	if err != nil {
		return &VerifyError{"rebuild source", fmt.Errorf("plan: %w", err)}
	}
	var sql strings.Builder
	for _, s := range build.Steps {
		for _, q := range s.Up {
			sql.WriteString(q)
			sql.WriteString("\n")
		}
	}
	src := Target{Schema: from}
	return schema.WithScratchSQL(ctx, devURL, "source schema", []byte(sql.String()), func(scratchURL string, _ []string) error {
		if err := compare(ctx, scratchURL, src); err != nil {
			return &VerifyError{"rebuild source", err}
		}
		quiet := opts
		quiet.Log = nil
		for i, stage := range []struct {
			name  string
			steps []*planner.Step
			want  Target
		}{
			{"up", steps, to},
			{"down", Reverse(steps), src},
			{"up again", steps, to},
		} {
			if i == 2 {
				stage.want = to // what the first up reached when to was the zero Target
			}
			if _, err := Run(ctx, scratchURL, stage.steps, quiet); err != nil {
				return &VerifyError{stage.name, err}
			}
			if stage.want.fingerprint() == "" {
				got, err := schema.IntrospectURL(ctx, scratchURL)
				if err != nil {
					return &VerifyError{stage.name, err}
				}
				to = Target{Schema: got}
				opts.log("verify: %s reached a schema with differences left unplanned; up again must reach it", stage.name)
				continue
			}
			if err := compare(ctx, scratchURL, stage.want); err != nil {
				return &VerifyError{stage.name, err}
			}
			opts.log("verify: %s reaches the expected schema", stage.name)
		}
		return nil
	})
}

// compare introspects the database and checks it against want.
func compare(ctx context.Context, connString string, want Target) error {
	got, err := schema.IntrospectURL(ctx, connString)
	if err != nil {
		return err
	}
	if schema.Fingerprint(got) == want.fingerprint() {
		return nil
	}
	if want.Schema == nil {
		return fmt.Errorf("the result differs from the plan's target schema (fingerprint %s, want %s)", short(schema.Fingerprint(got)), short(want.fingerprint()))
	}
	opts := schema.CanonicalOptions{IgnoreColumnOrder: true, IgnoreViewData: true}
	d := schema.CanonicalDiff(schema.Canonical(want.Schema, opts), schema.Canonical(got, opts))
	if lines := strings.Split(d, "\n"); len(lines) > 40 {
		d = strings.Join(lines[:40], "\n") + fmt.Sprintf("\n... (%d more lines)", len(lines)-40)
	}
	return fmt.Errorf("the result differs from the expected schema (- expected, + got):\n%s", d)
}

func short(fp string) string {
	if len(fp) > 12 {
		return fp[:12]
	}
	return fp
}

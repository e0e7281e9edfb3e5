package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/pgshift/pgshift/emit"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
)

// Output formats of diff.
const (
	diffFormatSQL      = "sql"
	diffFormatJSON     = "json"
	diffFormatMarkdown = "markdown"
)

// timeoutFlags are --lock-timeout and --statement-timeout (diff, generate).
type timeoutFlags struct {
	lockTimeout, statementTimeout string
}

func (f *timeoutFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.lockTimeout, "lock-timeout", emit.DefaultLockTimeout,
		`lock_timeout of every migration ("none" to set none); transactional files use SET LOCAL`)
	cmd.Flags().StringVar(&f.statementTimeout, "statement-timeout", "",
		`statement_timeout of every migration (default: not set); a step's own value (e.g. "0" for VALIDATE) wins`)
}

// diffOutput renders plan in the diff --format: the SQL script (session
// settings first), the versioned JSON report (with the fingerprints of
// from and to, for apply --plan) or the markdown summary.
func diffOutput(plan *planner.Plan, format string, tf timeoutFlags, from, to *schema.Schema) (string, error) {
	switch format {
	case diffFormatSQL, "":
		return emit.Script(plan, emit.Options{LockTimeout: tf.lockTimeout, StatementTimeout: tf.statementTimeout}), nil
	case diffFormatJSON:
		r := emit.PlanReport(plan)
		r.SourceFingerprint, r.TargetFingerprint = schema.Fingerprint(from), schema.Fingerprint(to)
		return string(emit.ReportJSON(r)), nil
	case diffFormatMarkdown:
		return emit.Markdown(plan), nil
	}
	return "", fmt.Errorf("--format %q: want sql, json or markdown", format)
}

// checkDiffFormat validates diff --format before any work is done.
func checkDiffFormat(format string) error {
	switch format {
	case diffFormatSQL, diffFormatJSON, diffFormatMarkdown:
		return nil
	}
	return fmt.Errorf("--format %q: want sql, json or markdown", format)
}

// generateFormat returns the migration format generate writes: the flag
// when given, else the format of the files already in dir, else
// golang-migrate. A flag that contradicts the directory is an error.
func generateFormat(flag, dir string) (string, error) {
	detected, err := emit.DetectFormat(dir)
	if err != nil {
		return "", err
	}
	if flag == "" {
		if detected == "" {
			return emit.FormatGolangMigrate, nil
		}
		return detected, nil
	}
	if err := emit.CheckFormat(flag); err != nil {
		return "", fmt.Errorf("--format: %w", err)
	}
	if detected != "" && detected != flag {
		return "", fmt.Errorf("--format %s, but %s already holds %s migrations", flag, dir, detected)
	}
	return flag, nil
}

// defaultFrom is generate's --from when none is given: the migrations
// directory itself (its migrations replayed on the dev server), or, while
// the directory does not exist yet, an empty one (an empty database). The
// returned cleanup removes what it created.
func defaultFrom(dir string) (string, func(), error) {
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return schema.DirPrefix + dir, func() {}, nil
	}
	tmp, err := os.MkdirTemp("", "pgshift-empty-")
	if err != nil {
		return "", nil, err
	}
	return schema.DirPrefix + tmp, func() { _ = os.RemoveAll(tmp) }, nil
}

// prepareGenerate checks the directory before planning: its format and
// its pgshift.sum (an edited generated file is an error naming it).
func prepareGenerate(e env, formatFlag, dir string) (string, error) {
	format, err := generateFormat(formatFlag, dir)
	if err != nil {
		return "", err
	}
	unlisted, err := emit.CheckSum(dir)
	if err != nil {
		return "", err
	}
	for _, n := range sumNotes(dir, unlisted) {
		fmt.Fprintf(e.stderr, "-- note: %s\n", n)
	}
	return format, nil
}

// writeGenerated renders plan as files of format into dir, with pgshift.sum,
// and prints the paths written. Nothing is written once ctx is cancelled
// (Ctrl-C): then it returns errInterrupted.
func writeGenerated(ctx context.Context, e env, plan *planner.Plan, format, dir, name, desc string, tf timeoutFlags) error {
	files, err := emit.Files(plan, emit.Options{
		Format:           format,
		Name:             name,
		Description:      desc,
		Dir:              dir,
		LockTimeout:      tf.lockTimeout,
		StatementTimeout: tf.statementTimeout,
	})
	if err != nil {
		return err
	}
	if err := checkInterrupted(ctx); err != nil {
		return err
	}
	paths, err := emit.WriteWithSum(dir, files)
	if err != nil {
		return err
	}
	for _, p := range paths {
		fmt.Fprintln(e.stdout, p)
	}
	return nil
}

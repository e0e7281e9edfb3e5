package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pgshift/pgshift/emit"
	"github.com/pgshift/pgshift/emit/apply"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
	"github.com/pgshift/pgshift/schema/source"
)

// defaultRefusedHazards need --allow-hazards before apply runs a step that
// has them: they lose data, break running code, or block traffic.
var defaultRefusedHazards = []planner.HazardKind{
	planner.HazardDataLoss, planner.HazardBackwardIncompatible, planner.HazardBlockingLock, planner.HazardTableRewrite,
}

// applyFlags are the flags of apply and verify.
type applyFlags struct {
	url, to, plan  string
	dev            devFlags
	mode           string
	allowDrop      bool
	batchSize      int
	autoApprove    bool
	dryRun         bool
	allPhases      bool
	noVerify       bool
	allowHazards   []string
	lockTimeout    time.Duration
	lockBudget     time.Duration
	statementLimit string
}

func newApplyCmd(e env) *cobra.Command {
	var f applyFlags
	cmd := &cobra.Command{
		Use:   "apply --url URL (--to SRC | --plan FILE)",
		Short: "Bring a database to the desired schema: plan, review, verify, apply",
		Long: `apply plans the migration from the database at --url to --to (as diff does),
prints the plan (steps, locks, hazards), verifies it on the dev server (a
scratch copy of the database's schema: up, down, up again must reach the
expected schemas; --no-verify skips it), asks for confirmation when stdin is
a terminal, and applies it step by step: transactional steps each in a
transaction, CREATE INDEX CONCURRENTLY and batched backfills outside any.
Every attempt waits at most --lock-timeout for its locks and is retried with
backoff while the lock is not available, up to --lock-budget per step.

By default it runs the phases that may run before the next application
deploy and says what to deploy before running it again; --all-phases runs
every phase (development databases). Steps with the hazards data-loss,
backward-incompatible, blocking-lock or table-rewrite need
--allow-hazards KIND,... (or "all").

--plan FILE applies a saved plan (diff --format json) exactly, and refuses
when the database's schema changed since the plan was made. On failure apply
stops, says what was applied, drops an INVALID index it left, and exits 1;
running it again continues from the database's state. Ctrl-C stops the
running statement (a batched backfill keeps its committed batches) and exits.`,
		Example: `  pgshift apply --url postgres://postgres@127.0.0.1:5432/app --to schema.sql
  pgshift apply --url "$DATABASE_URL" --to schema.sql --dry-run
  pgshift diff --from "$DATABASE_URL" --to schema.sql --format json > plan.json
  pgshift apply --url "$DATABASE_URL" --plan plan.json --auto-approve`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runApply(cmd.Context(), e, f, false) },
	}
	f.register(cmd, true)
	return cmd
}

func newVerifyCmd(e env) *cobra.Command {
	var f applyFlags
	cmd := &cobra.Command{
		Use:   "verify --url URL (--to SRC | --plan FILE)",
		Short: "Replay a plan on a scratch copy: up, down, up again must reach the expected schemas",
		Long: `verify plans the migration from --url (a database, a .sql file or dir://DIR)
to --to, or takes a saved plan (--plan, diff --format json), and replays it
on a scratch database of the dev server that is first built to the source
schema: the up steps must reach the target schema, the down steps must come
back to the source, the up steps again must reach the target. Nothing is
changed on --url. Exit status 0 when it holds, 1 with the failing stage and
statement (or the difference) when not.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runApply(cmd.Context(), e, f, true) },
	}
	f.register(cmd, false)
	return cmd
}

func (f *applyFlags) register(cmd *cobra.Command, applying bool) {
	fl := cmd.Flags()
	if applying {
		fl.StringVarP(&f.url, "url", "u", "", "database to migrate (default $DATABASE_URL)")
	} else {
		fl.StringVarP(&f.url, "url", "u", "", "current schema: postgres:// URL, .sql file, git:REV:PATH or dir://DIR (default $DATABASE_URL)")
	}
	fl.StringVar(&f.to, "to", "", "desired schema: postgres:// URL, .sql file, git:REV:PATH or dir://DIR")
	fl.StringVar(&f.plan, "plan", "", "a saved plan (`FILE` from diff --format json) instead of --to")
	f.dev.register(cmd)
	fl.StringVar(&f.mode, "mode", string(planner.ModeSafe), "safe or direct (as for diff)")
	fl.BoolVar(&f.allowDrop, "allow-drop", false, "plan DROP TABLE and DROP COLUMN (data loss)")
	fl.IntVar(&f.batchSize, "batch-size", 1000, "rows per batch in backfills")
	if !applying {
		return
	}
	fl.BoolVar(&f.autoApprove, "auto-approve", false, "apply without asking (required when stdin is not a terminal)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the plan and its SQL, change nothing")
	fl.BoolVar(&f.allPhases, "all-phases", false, "run every phase now, not only those before the next deploy (no old code running)")
	fl.BoolVar(&f.noVerify, "no-verify", false, "skip replaying the plan on the dev server first")
	fl.StringSliceVar(&f.allowHazards, "allow-hazards", nil, "hazard kinds to allow (data-loss, backward-incompatible, blocking-lock, table-rewrite, or all)")
	fl.DurationVar(&f.lockTimeout, "lock-timeout", apply.DefaultLockTimeout, "lock_timeout of one attempt of a step")
	fl.DurationVar(&f.lockBudget, "lock-budget", apply.DefaultLockBudget, "time one step may spend retrying for its locks")
	fl.StringVar(&f.statementLimit, "statement-timeout", "", "statement_timeout of every step (default: none; a step's own value wins)")
}

// runApply is apply (verifyOnly false) and verify (true).
func runApply(ctx context.Context, e env, f applyFlags, verifyOnly bool) error {
	f.url = firstNonEmpty(f.url, e.getenv("DATABASE_URL"))
	if f.url == "" {
		return errors.New("--url is required (or set DATABASE_URL)")
	}
	if !verifyOnly && !schema.IsURL(f.url) {
		return fmt.Errorf("--url %q: want a postgres:// or postgresql:// URL", f.url)
	}
	if (f.to == "") == (f.plan == "") {
		return errors.New("give exactly one of --to and --plan")
	}
	allowed, err := parseAllowHazards(f.allowHazards)
	if err != nil {
		return err
	}
	// One dev server for loading --to and for the verification.
	ds := newDevSource(e, f.dev)
	defer ds.Close()
	needDev := verifyOnly || !f.noVerify || f.to != "" && !schema.IsURL(f.to) || f.plan != "" && !schema.IsURL(f.url)
	if needDev {
		if f.dev.devURL, err = ds.URL(ctx); err != nil {
			return err
		}
	}

	var plan *planner.Plan
	var from *schema.Schema
	target := apply.Target{}
	if f.plan != "" {
		plan, from, target, err = savedPlan(ctx, e, f)
	} else {
		var to *schema.Schema
		sf := sourceFlags{from: f.url, to: f.to, dev: f.dev, mode: f.mode, allowDrop: f.allowDrop, batchSize: f.batchSize}
		plan, from, to, err = planSourceModels(ctx, e, sf)
		if err == nil {
			target = verifyTarget(plan, to)
		}
	}
	if err != nil {
		return err
	}
	if plan.Empty() {
		fmt.Fprintln(e.stderr, "-- no changes")
		return nil
	}
	steps, next := untilDeploy(plan, f.allPhases || verifyOnly)
	if !verifyOnly {
		printPlanSummary(e, plan, steps, next)
	}
	if verifyOnly || !f.noVerify {
		fmt.Fprintf(e.stderr, "-- verify: replaying %d step(s) on the dev server (up, down, up again)\n", len(plan.Steps))
		if err := apply.Verify(ctx, f.dev.devURL, from, plan.Steps, target, apply.Options{Log: logTo(e)}); err != nil {
			return err
		}
		fmt.Fprintln(e.stderr, "-- verify: ok")
		if verifyOnly {
			return nil
		}
	}
	if refused := refusedSteps(steps, allowed); len(refused) > 0 {
		return fmt.Errorf("refusing to apply steps with hazards that need --allow-hazards:\n  %s\n(pass --allow-hazards %s to apply them)",
			strings.Join(refused, "\n  "), strings.Join(hazardNames(steps, allowed), ","))
	}
	if f.dryRun {
		_, err := fmt.Fprint(e.stdout, emit.Script(&planner.Plan{Steps: steps, Phases: plan.Phases}, emit.Options{}))
		return err
	}
	if !f.autoApprove {
		if err := confirm(e, len(steps), f.url); err != nil {
			return err
		}
	}
	start := time.Now()
	n, err := apply.Run(ctx, f.url, steps, apply.Options{
		LockTimeout: f.lockTimeout, LockBudget: f.lockBudget, StatementTimeout: f.statementLimit, Log: logTo(e),
	})
	if err != nil {
		if ctx.Err() != nil {
			// Ctrl-C or SIGTERM: the running statement was cancelled, its
			// transaction (or a backfill's current batch) rolled back.
			fmt.Fprintf(e.stderr, "-- interrupted: applied %d of %d step(s); step %d (%s) was stopped and rolled back (a batched backfill keeps the batches it committed)\n",
				n, len(steps), n+1, steps[min(n, len(steps)-1)].Summary)
			fmt.Fprintln(e.stderr, "-- run pgshift apply again to continue (it plans from the database)")
			return fmt.Errorf("interrupted after %d of %d step(s): %w", n, len(steps), err)
		}
		fmt.Fprintf(e.stderr, "-- applied %d of %d step(s) before the failure; run pgshift apply again to continue (it plans from the database)\n", n, len(steps))
		return err
	}
	fmt.Fprintf(e.stderr, "-- applied %d step(s) in %s\n", n, time.Since(start).Round(time.Millisecond))
	if next != nil {
		fmt.Fprintf(e.stderr, "-- next: phase %d%s; before it: %s\n-- then run pgshift apply again\n", next.Number, titled(next.Title), oneLineText(next.Before))
	}
	return nil
}

// verifyPlan is generate's verification: plan replayed on a scratch copy of
// from on the dev server devURL (apply.Verify) must reach to, come back to
// from and reach to again. It says on stderr that it runs, or that it is
// skipped (noVerify, or no dev server: devURL ""); the error is the
// *apply.VerifyError naming the stage and statement.
func verifyPlan(ctx context.Context, e env, devURL string, noVerify bool, from, to *schema.Schema, plan *planner.Plan) error {
	switch {
	case noVerify:
		fmt.Fprintln(e.stderr, "-- verify: skipped (--no-verify)")
		return nil
	case devURL == "":
		return nil
	}
	if err := checkInterrupted(ctx); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "-- verify: replaying %d step(s) on the dev server (up, down, up again)\n", len(plan.Steps))
	if err := apply.Verify(ctx, devURL, from, plan.Steps, verifyTarget(plan, to), apply.Options{}); err != nil {
		if ierr := checkInterrupted(ctx); ierr != nil {
			return ierr
		}
		return fmt.Errorf("%w\n(nothing written; --no-verify writes the plan anyway)", err)
	}
	fmt.Fprintln(e.stderr, "-- verify: ok")
	return nil
}

// verifyTarget is what the plan must reach: to, or, when the plan leaves
// differences unplanned (drops skipped without --allow-drop), the zero
// Target (up again must reach what up reached).
func verifyTarget(plan *planner.Plan, to *schema.Schema) apply.Target {
	if len(plan.Unplanned) > 0 {
		return apply.Target{}
	}
	return apply.Target{Schema: to}
}

// savedPlan reads --plan and checks it against the database: the plan's
// source fingerprint must be the database's.
func savedPlan(ctx context.Context, e env, f applyFlags) (*planner.Plan, *schema.Schema, apply.Target, error) {
	raw, err := os.ReadFile(f.plan)
	if err != nil {
		return nil, nil, apply.Target{}, fmt.Errorf("--plan: %w", err)
	}
	var r emit.JSONPlan
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, nil, apply.Target{}, fmt.Errorf("--plan %s: not a plan report (diff --format json): %w", f.plan, err)
	}
	plan, err := r.Plan()
	if err != nil {
		return nil, nil, apply.Target{}, fmt.Errorf("--plan %s: %w", f.plan, err)
	}
	if r.SourceFingerprint == "" || r.TargetFingerprint == "" {
		return nil, nil, apply.Target{}, fmt.Errorf("--plan %s has no source_fingerprint/target_fingerprint: make it with pgshift diff --format json", f.plan)
	}
	src, err := source.LoadArg(ctx, f.url, f.dev.devURL)
	if err != nil {
		return nil, nil, apply.Target{}, err
	}
	if got := schema.Fingerprint(src.Schema); got != r.SourceFingerprint {
		return nil, nil, apply.Target{}, fmt.Errorf("refusing --plan %s: the schema of %s changed since the plan was made (fingerprint %.12s, the plan was made from %.12s); make a new plan",
			f.plan, redact(f.url), got, r.SourceFingerprint)
	}
	return plan, src.Schema, apply.Target{Fingerprint: r.TargetFingerprint}, nil
}

// untilDeploy returns the steps that may run now: those of the phase
// before the next application deploy (planner.Plan.Split), and the phase
// that waits for that deploy (nil when every step may run, or all is set).
func untilDeploy(p *planner.Plan, all bool) ([]*planner.Step, *planner.Phase) {
	if all {
		return p.Steps, nil
	}
	now, later := p.Split()
	if len(later) == 0 {
		return p.Steps, nil
	}
	return now.Steps, &later[0]
}

func printPlanSummary(e env, plan *planner.Plan, steps []*planner.Step, next *planner.Phase) {
	fmt.Fprintf(e.stderr, "-- plan: %d step(s)", len(steps))
	if len(steps) < len(plan.Steps) {
		fmt.Fprintf(e.stderr, " now, %d after the next deploy", len(plan.Steps)-len(steps))
	}
	fmt.Fprintln(e.stderr)
	for i, s := range steps {
		var extra []string
		if s.Lock != "" {
			extra = append(extra, "lock: "+s.Lock)
		}
		if hs := hazardKinds(s); len(hs) > 0 {
			extra = append(extra, "hazards: "+strings.Join(hs, ", "))
		}
		if !s.Transactional {
			extra = append(extra, "outside a transaction")
		}
		line := fmt.Sprintf("--   %d. %s", i+1, s.Summary)
		if len(extra) > 0 {
			line += " (" + strings.Join(extra, "; ") + ")"
		}
		fmt.Fprintln(e.stderr, line)
	}
	if next != nil {
		fmt.Fprintf(e.stderr, "--   then deploy: %s\n", oneLineText(next.Before))
	}
}

func hazardKinds(s *planner.Step) []string {
	var out []string
	seen := map[planner.HazardKind]bool{}
	for _, h := range s.Hazards {
		if !seen[h.Kind] {
			seen[h.Kind] = true
			out = append(out, string(h.Kind))
		}
	}
	return out
}

// parseAllowHazards reads --allow-hazards: known refused kinds, or "all".
func parseAllowHazards(list []string) (map[planner.HazardKind]bool, error) {
	allowed := map[planner.HazardKind]bool{}
	for _, v := range list {
		v = strings.TrimSpace(v)
		if v == "all" {
			for _, k := range defaultRefusedHazards {
				allowed[k] = true
			}
			continue
		}
		ok := false
		for _, k := range defaultRefusedHazards {
			if string(k) == v {
				allowed[k], ok = true, true
			}
		}
		if !ok {
			return nil, fmt.Errorf("--allow-hazards %q: want one of data-loss, backward-incompatible, blocking-lock, table-rewrite or all", v)
		}
	}
	return allowed, nil
}

// refusedSteps lists the steps with a refused hazard the flags do not allow.
func refusedSteps(steps []*planner.Step, allowed map[planner.HazardKind]bool) []string {
	var out []string
	for i, s := range steps {
		var kinds []string
		for _, k := range refusedKinds(s, allowed) {
			kinds = append(kinds, string(k))
		}
		if len(kinds) > 0 {
			out = append(out, fmt.Sprintf("%d. %s (%s)", i+1, s.Summary, strings.Join(kinds, ", ")))
		}
	}
	return out
}

func refusedKinds(s *planner.Step, allowed map[planner.HazardKind]bool) []planner.HazardKind {
	var out []planner.HazardKind
	for _, k := range defaultRefusedHazards {
		if allowed[k] {
			continue
		}
		for _, h := range s.Hazards {
			if h.Kind == k {
				out = append(out, k)
				break
			}
		}
	}
	return out
}

// hazardNames lists the refused kinds present in steps, sorted.
func hazardNames(steps []*planner.Step, allowed map[planner.HazardKind]bool) []string {
	seen := map[string]bool{}
	for _, s := range steps {
		for _, k := range refusedKinds(s, allowed) {
			seen[string(k)] = true
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// confirm asks on the terminal; without one it refuses.
func confirm(e env, n int, dbURL string) error {
	if !e.interactive || e.stdin == nil {
		return errors.New("refusing to apply without confirmation: stdin is not a terminal (review with --dry-run, then pass --auto-approve)")
	}
	fmt.Fprintf(e.stderr, "Apply %d step(s) to %s? Only 'yes' is accepted: ", n, redact(dbURL))
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if strings.TrimSpace(line) != "yes" {
		if err != nil && line == "" {
			return errors.New("not applied: no answer")
		}
		return errors.New("not applied")
	}
	return nil
}

func logTo(e env) func(string) {
	return func(line string) { fmt.Fprintf(e.stderr, "-- %s\n", line) }
}

func titled(t string) string {
	if t == "" {
		return ""
	}
	return " (" + t + ")"
}

func oneLineText(s string) string { return strings.Join(strings.Fields(s), " ") }

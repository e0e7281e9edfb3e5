package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pgshift/pgshift/emit"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
	"github.com/pgshift/pgshift/schema/source"
)

// Exit statuses.
const (
	exitOK      = 0
	exitError   = 1
	exitChanges = 2
)

// env is what a run of the command sees of the outside world.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	// stdin is read for confirmations, only when interactive (stdin is a
	// terminal); nil in tests.
	stdin       io.Reader
	interactive bool
	// stderrTerminal is whether stderr is a terminal: progress is printed
	// by default then (newProgress).
	stderrTerminal bool
	// out holds the root's --progress, --quiet and --timings flags (set by
	// newRoot).
	out *outputFlags
	// afterPlan, when set (tests), is called once both sides are loaded,
	// their scratch databases dropped and the plan built: the moment a
	// Ctrl-C must still stop the run before anything is written.
	afterPlan func()
	// editPlan, when set (tests), may change the plan right after it is
	// built, e.g. break a step to show that verification catches it.
	editPlan func(*planner.Plan)
}

// errInterrupted is the error of a run whose context was cancelled (Ctrl-C,
// SIGTERM) while its command would otherwise have succeeded.
var errInterrupted = errors.New("interrupted")

// checkInterrupted returns errInterrupted (wrapping the cause) once ctx is
// cancelled; diff and generate call it right before writing output, so
// that nothing is written then.
func checkInterrupted(ctx context.Context) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w: nothing written (%w)", errInterrupted, context.Cause(ctx))
	}
	return nil
}

// exitCode is an error-free request for a non-zero exit status.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// run executes the command line args and returns the exit status. Errors
// are printed to e.stderr as "pgshift: <error>"; a panic is turned into an
// internal error, never a crash.
func run(ctx context.Context, args []string, e env) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(e.stderr, "pgshift: internal error: %v\n", r)
			code = exitError
		}
	}()
	root := newRoot(e)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if ctx.Err() != nil && (err == nil || errors.As(err, new(exitCode))) {
		// A signal that came after the command's last check: the run did
		// not complete as asked, so it never exits 0 (nor 2).
		err = fmt.Errorf("%w (%w)", errInterrupted, context.Cause(ctx))
	}
	var ec exitCode
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ec):
		return int(ec)
	default:
		if ctx.Err() != nil && !errors.Is(err, errInterrupted) && !strings.Contains(err.Error(), "context canceled") {
			err = fmt.Errorf("%w (interrupted)", err)
		}
		fmt.Fprintf(e.stderr, "pgshift: %v\n", err)
		return exitError
	}
}

// newRoot builds the command tree for one run.
func newRoot(e env) *cobra.Command {
	e.out = &outputFlags{}
	root := &cobra.Command{
		Use:   "pgshift",
		Short: "Declarative PostgreSQL schema migration planner",
		Long: `pgshift compares two PostgreSQL schemas, each a live database (postgres:// URL)
or a schema.sql file, and prints or writes the migration that takes the first
to the second. A schema.sql file is loaded into a scratch database on a dev
server (--dev-url) and read back from the catalog, so both sides are compared
in the server's own normal form.`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	var cf configFlags
	cf.register(root)
	e.out.register(root)
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error { return applyConfig(cmd, e, cf) }
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.Version = readBuildVersion().short()
	root.SetVersionTemplate("pgshift {{.Version}}\n")
	root.AddCommand(newDiffCmd(e), newGenerateCmd(e), newInspectCmd(e))
	root.AddCommand(newVersionCmd(e))
	root.AddCommand(newLintCmd(e))
	root.AddCommand(newDriftCmd(e), newStatusCmd(e))
	root.AddCommand(newHashCmd(e))
	root.AddCommand(newBaselineCmd(e))
	root.AddCommand(newApplyCmd(e), newVerifyCmd(e))
	return root
}

// sourceFlags are the flags shared by diff and generate.
type sourceFlags struct {
	from, to  string
	dev       devFlags
	offline   bool
	mode      string
	allowDrop bool
	batchSize int
	pgVersion int
	allPhases bool
	scope     scopeFlags
}

// planOptions returns the planner options the flags ask for.
func (f *sourceFlags) planOptions() (planner.Options, error) {
	m := planner.Mode(f.mode)
	if m != planner.ModeSafe && m != planner.ModeDirect {
		return planner.Options{}, fmt.Errorf("--mode must be %q or %q, not %q", planner.ModeSafe, planner.ModeDirect, f.mode)
	}
	return planner.Options{Mode: m, AllowDrop: f.allowDrop, BatchSize: f.batchSize, TargetVersion: f.pgVersion}, nil
}

// sourceHelp lists the forms of a --from/--to source (README "Usage").
const sourceHelp = "postgres:// URL, .sql file (\\i and \\ir followed), directory of .sql files (name order), dir://DIR (migrations replayed on the dev server) or git:REV:PATH"

// register adds the source, dev-server and planner flags; fromRequired is
// false for generate, whose --from defaults to dir://--dir.
func (f *sourceFlags) register(cmd *cobra.Command, fromRequired bool) {
	fromHelp := "current schema: " + sourceHelp + " (required)"
	if !fromRequired {
		fromHelp = "current schema: " + sourceHelp + " (default: dir://DIR of --dir, its migrations)"
	}
	cmd.Flags().StringVar(&f.from, "from", "", fromHelp)
	cmd.Flags().StringVar(&f.to, "to", "", "desired schema: "+sourceHelp+" (required)")
	f.dev.register(cmd)
	cmd.Flags().BoolVar(&f.offline, "offline", false, "model .sql files from their parse tree alone, with no server (see README: known offline gaps)")
	cmd.Flags().StringVar(&f.mode, "mode", string(planner.ModeSafe), "safe: split changes to existing tables into non-blocking steps (CONCURRENTLY, NOT VALID + VALIDATE, batched backfills); direct: one plain statement per change")
	cmd.Flags().BoolVar(&f.allowDrop, "allow-drop", false, "plan DROP TABLE and DROP COLUMN (data loss); without it they are skipped and listed")
	cmd.Flags().IntVar(&f.batchSize, "batch-size", 1000, "rows per batch in backfills")
	cmd.Flags().IntVar(&f.pgVersion, "pg-version", 0, "PostgreSQL major the migration will run on (13-18; default: the --from database's, else the dev server's)")
	cmd.Flags().BoolVar(&f.allPhases, "all-phases", false, "every phase at once, deploy boundaries included (development databases where no old code runs); default: only the phase that may run before the next deploy")
	f.scope.register(cmd, "")
	if fromRequired {
		_ = cmd.MarkFlagRequired("from")
	}
	_ = cmd.MarkFlagRequired("to")
}

func newDiffCmd(e env) *cobra.Command {
	var f sourceFlags
	var exitOnChanges bool
	var diffFormat string
	var tf timeoutFlags
	cmd := &cobra.Command{
		Use:   "diff --from SRC --to SRC",
		Short: "Print the migration SQL from one schema to another",
		Example: `  pgshift diff --from postgres://postgres@127.0.0.1:5432/app --to schema.sql
  pgshift diff --from current.sql --to schema.sql --dev-url postgres://postgres@127.0.0.1:5432/postgres --exit-code`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkDiffFormat(diffFormat); err != nil {
				return err
			}
			plan, from, to, err := planSourceModels(cmd.Context(), e, f)
			if err != nil {
				return err
			}
			if err := checkInterrupted(cmd.Context()); err != nil {
				return err
			}
			if plan.Empty() && diffFormat == diffFormatSQL {
				if !plan.Differs() {
					fmt.Fprintln(e.stderr, "-- no changes")
					return nil
				}
				fmt.Fprintf(e.stderr, "-- no planned steps, but %s (see the notes above)\n", unplannedCount(plan))
				if exitOnChanges {
					return exitCode(exitChanges)
				}
				return nil
			}
			t0 := time.Now()
			sql, err := diffOutput(plan, diffFormat, tf, from, to, f.allPhases)
			if err != nil {
				return err
			}
			newTimer(e).since("emit", t0)
			if _, err := io.WriteString(e.stdout, sql); err != nil {
				return fmt.Errorf("write output: %w", err)
			}
			if len(plan.Unplanned) > 0 {
				fmt.Fprintf(e.stderr, "-- %s (see the notes above)\n", unplannedCount(plan))
			}
			if exitOnChanges && plan.Differs() {
				return exitCode(exitChanges)
			}
			return nil
		},
	}
	f.register(cmd, true)
	cmd.Flags().BoolVar(&exitOnChanges, "exit-code", false, "exit with status 2 when the schemas differ, planned or not (skipped drops and unsupported changes count)")
	cmd.Flags().StringVar(&diffFormat, "format", diffFormatSQL, "output: sql (script with session lock_timeout), json (versioned report) or markdown (PR summary)")
	tf.register(cmd)
	return cmd
}

func newGenerateCmd(e env) *cobra.Command {
	var f sourceFlags
	var dir, format, name string
	var noVerify bool
	var tf timeoutFlags
	cmd := &cobra.Command{
		Use:   "generate [--from SRC] --to SRC --dir DIR",
		Short: "Write migration files from one schema to another",
		Long: `generate writes the migration into DIR (created if missing) as files of
--format: golang-migrate (<version>_<name>.up.sql / .down.sql), goose
(-- +goose Up / Down), dbmate (-- migrate:up / down) or flyway (V<version>__<name>.sql,
U<version>__<name>.sql, .sql.conf for non-transactional ones). The default is
the format of the files already in DIR, else golang-migrate. Versions follow
DIR's numbering: the next integers in a directory numbered 001, 0001, ...
(same width), else UTC YYYYMMDDHHMMSS, newer than any file already there.
DIR is locked for the run: a second generate into it at the same time fails. Files never mix phases; each
statement that cannot run in a transaction gets a migration of its own.
Transactional files start with SET LOCAL lock_timeout (--lock-timeout).

A change planned in phases (expand / swap / contract) is written one deploy
at a time: only the phase that may run before the next application deploy.
Once its files are applied and the deploy is out, run generate again with the
same schema.sql: the database (or DIR) carries the rollout's state, and the
next phase is written, until there is nothing left. --all-phases writes every
phase at once (development databases where no old code runs).

Without --from, the current schema is DIR itself: its migrations replayed on
the dev server (dir://DIR). pgshift.sum in DIR records a hash of every file;
an edited generated file is an error. Nothing is written when there are no
changes or on error.

Before writing, the whole plan (every phase) is verified on the dev server,
as pgshift verify does: replayed on a scratch copy of the current schema, up
must reach --to, down must come back, up again must reach --to. A failure
names the stage and the failing statement, exits 1 and writes nothing.
--no-verify skips it (and --offline, which has no server).`,
		Example: `  pgshift generate --from postgres://postgres@127.0.0.1:5432/app --to schema.sql --dir migrations --name add_users
  pgshift generate --to schema.sql --dir migrations --format goose --dev-url postgres://postgres@127.0.0.1:5432/postgres`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			unlock, err := emit.LockDir(dir)
			if err != nil {
				return err
			}
			defer unlock()
			fmtName, err := prepareGenerate(e, format, dir)
			if err != nil {
				return err
			}
			desc := fmt.Sprintf("from: %s\nto: %s", redact(f.from), redact(f.to))
			if f.from == "" {
				from, cleanup, err := defaultFrom(dir)
				if err != nil {
					return err
				}
				defer cleanup()
				f.from = from
				desc = fmt.Sprintf("from: %s (its migrations)\nto: %s", dir, redact(f.to))
			}
			// One dev server for loading the sides and for the
			// verification, which needs it to outlive the loads.
			verifyURL := ""
			if !noVerify && !f.offline {
				ds := newDevSource(e, f.dev)
				defer ds.Close()
				if u, err := ds.URL(cmd.Context()); err == nil {
					verifyURL, f.dev.devURL = u, u
				} else {
					fmt.Fprintf(e.stderr, "-- verify: skipped: no dev server (%v)\n", err)
				}
			}
			plan, from, to, err := planSourceModels(cmd.Context(), e, f)
			if err != nil {
				return err
			}
			if !plan.Empty() {
				if err := verifyPlan(cmd.Context(), e, verifyURL, noVerify, from, to, plan); err != nil {
					return err
				}
			}
			if plan.Empty() {
				if plan.Differs() {
					fmt.Fprintf(e.stderr, "-- no planned steps: nothing written; %s (see the notes above)\n", unplannedCount(plan))
					return nil
				}
				fmt.Fprintln(e.stderr, "-- no changes: nothing written")
				return nil
			}
			if f.allPhases {
				return writeGenerated(cmd.Context(), e, plan, fmtName, dir, name, desc, tf)
			}
			now, later := plan.Split()
			if err := writeGenerated(cmd.Context(), e, now, fmtName, dir, name, desc, tf); err != nil {
				return err
			}
			fmt.Fprint(e.stderr, laterNote(plan, later))
			return nil
		},
	}
	f.register(cmd, false)
	cmd.Flags().StringVar(&dir, "dir", "", "migrations directory (required)")
	cmd.Flags().StringVar(&format, "format", "", "migration file format: golang-migrate, goose, dbmate or flyway (default: that of the files in --dir, else golang-migrate)")
	cmd.Flags().StringVar(&name, "name", emit.DefaultName, "migration name used in file names")
	cmd.Flags().BoolVar(&noVerify, "no-verify", false, "skip replaying the plan on the dev server (up, down, up again) before writing")
	tf.register(cmd)
	_ = cmd.MarkFlagRequired("dir")
	return cmd
}

func newInspectCmd(e env) *cobra.Command {
	var dbURL string
	var df devFlags
	var sf scopeFlags
	cmd := &cobra.Command{
		Use:   "inspect [--url URL]",
		Short: "Print a database's schema as SQL",
		Long: `inspect prints the SQL that creates the schema of the database at --url
(default $DATABASE_URL, else the PG* environment variables) in an empty
database: the plan from a freshly created database to it. It connects to
that database only (no dev server).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if dbURL != "" && !schema.IsURL(dbURL) {
				return fmt.Errorf("--url %q: want a postgres:// or postgresql:// URL", dbURL)
			}
			src := firstNonEmpty(dbURL, e.getenv("DATABASE_URL"))
			flt, err := sf.filter("")
			if err != nil {
				return err
			}
			// The baseline is the model of a fresh database of the
			// source's server (schema.EmptyModel): no dev server needed.
			tm, t0, pr := newTimer(e), time.Now(), newProgress(e)
			pr.printf("introspecting %s", redact(firstNonEmpty(src, "the database of the PG* variables")))
			r, err := source.LoadArg(ctx, src, "")
			if err != nil {
				return err
			}
			tm.load("source", r, time.Since(t0))
			pr.printf("introspected: %d tables", len(r.Schema.Tables))
			empty, err := schema.EmptyModelURL(ctx, src)
			if err != nil {
				return err
			}
			scopeNotes := applyFilter(flt, empty, r.Schema)
			t0 = time.Now()
			plan, err := planner.Build(empty, r.Schema, planner.Options{Mode: planner.ModeDirect})
			if err != nil {
				return fmt.Errorf("plan: %w", err)
			}
			tm.since("plan", t0)
			pr.printf("planned: %d steps", len(plan.Steps))
			report(e, append(r.Notes, scopeNotes...), r.Schema.Unmanaged, plan.Notes)
			t0 = time.Now()
			sql := emit.SQL(plan)
			tm.since("emit", t0)
			if _, err := io.WriteString(e.stdout, sql); err != nil {
				return fmt.Errorf("write output: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&dbURL, "url", "u", "", "database to inspect (default $DATABASE_URL, else PG* variables)")
	df.register(cmd)
	sf.register(cmd, "")
	_ = cmd.Flags().MarkHidden("dev-url") // accepted, not needed: inspect uses no dev server
	return cmd
}

// planSources loads both sides of f and plans from -> to; load notes,
// unmanaged objects and plan notes go to stderr.
func planSources(ctx context.Context, e env, f sourceFlags) (*planner.Plan, error) {
	plan, _, _, err := planSourceModels(ctx, e, f)
	return plan, err
}

// planSourceModels is planSources that also returns both sides' models.
func planSourceModels(ctx context.Context, e env, f sourceFlags) (*planner.Plan, *schema.Schema, *schema.Schema, error) {
	flt, err := f.scope.filter(f.to)
	if err != nil {
		return nil, nil, nil, err
	}
	pr := newProgress(e)
	from, to, done, err := loadSides(ctx, e, f, pr)
	defer done()
	if err != nil {
		return nil, nil, nil, err
	}
	scopeNotes := applyFilter(flt, from.Schema, to.Schema)
	pr.printf("planning")
	tm, t0 := newTimer(e), time.Now()
	tm.diff(from.Schema, to.Schema)
	if err := checkVersions(f, from.Schema, to.Schema); err != nil {
		return nil, nil, nil, err
	}
	opts, err := f.planOptions()
	if err != nil {
		return nil, nil, nil, err
	}
	t0 = time.Now()
	plan, err := planner.Build(from.Schema, to.Schema, opts)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("plan: %w", err)
	}
	tm.since("plan", t0)
	if e.editPlan != nil {
		e.editPlan(plan)
	}
	pr.printf("planned: %d steps", len(plan.Steps))
	if err := noteOwnerRoles(ctx, f.from, plan); err != nil {
		return nil, nil, nil, err
	}
	unmanaged := append(append([]schema.Unmanaged(nil), from.Schema.Unmanaged...), to.Schema.Unmanaged...)
	report(e, append(append(from.Notes, to.Notes...), scopeNotes...), unmanaged, plan.Notes)
	if e.afterPlan != nil {
		e.afterPlan()
	}
	return plan, from.Schema, to.Schema, nil
}

// noteOwnerRoles adds a plan note for the roles the plan makes owners of
// objects: those missing on the --from server when it is a database (the
// OWNER TO would fail there: "role ... does not exist"), or all of them
// when the target is not a live database and cannot be asked.
func noteOwnerRoles(ctx context.Context, from string, plan *planner.Plan) error {
	if len(plan.OwnerRoles) == 0 {
		return nil
	}
	quoted := func(rs []string) string {
		q := make([]string, len(rs))
		for i, r := range rs {
			q[i] = schema.QuoteIdent(r)
		}
		return strings.Join(q, ", ")
	}
	if !schema.IsURL(from) {
		plan.Notes = append(plan.Notes, fmt.Sprintf("owners: the plan makes %s owner(s) of objects (ALTER ... OWNER TO): the role(s) must exist where it runs", quoted(plan.OwnerRoles)))
		return nil
	}
	missing, err := schema.MissingRoles(ctx, from, plan.OwnerRoles)
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	if len(missing) > 0 {
		plan.Notes = append(plan.Notes, fmt.Sprintf("owners: role(s) %s do not exist on the --from server %s: the plan's ALTER ... OWNER TO fails there until they are created (CREATE ROLE)", quoted(missing), schema.ServerAddr(from)))
	}
	return nil
}

// unplannedCount says how many differences the plan leaves out.
func unplannedCount(plan *planner.Plan) string {
	if n := len(plan.Unplanned); n != 1 {
		return fmt.Sprintf("%d differences are not planned", n)
	}
	return "1 difference is not planned"
}

// sideError names the side of a failed load, except for errors located
// in a file ("file:line:col: ..."), which already say where they are.
func sideError(flag string, err error) error {
	var pe *schema.PosError
	if errors.As(err, &pe) {
		return err
	}
	return fmt.Errorf("%s: %w", flag, err)
}

// report prints loader notes, unmanaged objects (deduplicated, sorted) and
// plan notes to stderr.
func report(e env, loadNotes []string, unmanaged []schema.Unmanaged, planNotes []string) {
	for _, n := range loadNotes {
		fmt.Fprintf(e.stderr, "-- note: %s\n", n)
	}
	seen := map[string]bool{}
	var lines []string
	for _, u := range unmanaged {
		l := fmt.Sprintf("-- unmanaged: %s %s", u.Kind, u.Name)
		if !seen[l] {
			seen[l] = true
			lines = append(lines, l)
		}
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Fprintln(e.stderr, l)
	}
	for _, n := range planNotes {
		fmt.Fprintf(e.stderr, "-- note: %s\n", n)
	}
}

// resolveDevURL picks the dev server: the flag, then $PGSHIFT_DEV_URL, then
// the postgres database on the server of the first of sources that is a
// URL. It is an error when needed and none is found.
func resolveDevURL(e env, flag string, needed bool, sources ...string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if v := e.getenv("PGSHIFT_DEV_URL"); v != "" {
		return v, nil
	}
	for _, s := range sources {
		if schema.IsURL(s) {
			u, err := url.Parse(s)
			if err != nil {
				return "", fmt.Errorf("parse URL %s: %w", redact(s), err)
			}
			u.Path = "/postgres"
			u.RawPath = ""
			return u.String(), nil
		}
	}
	if len(sources) > 0 && sources[0] == "" {
		// inspect without --url or DATABASE_URL: the PG* variables name the server.
		return "dbname=postgres", nil
	}
	if needed {
		return "", errors.New("a dev database is needed to load schema.sql: pass --dev-url or set PGSHIFT_DEV_URL")
	}
	return "", nil
}

// redact hides the password of a URL; other sources are returned as is.
func redact(src string) string {
	if !schema.IsURL(src) {
		return src
	}
	u, err := url.Parse(src)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

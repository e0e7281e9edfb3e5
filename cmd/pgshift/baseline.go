package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"

	"github.com/pgshift/pgshift/emit"
	"github.com/pgshift/pgshift/emit/drift"
	"github.com/pgshift/pgshift/internal/runner"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
	"github.com/pgshift/pgshift/schema/source"
)

// baselineFlags are the flags of baseline.
type baselineFlags struct {
	dbURL, dir, format, name, version, table string
	dev                                      devFlags
	scope                                    scopeFlags
	tf                                       timeoutFlags
}

func newBaselineCmd(e env) *cobra.Command {
	var f baselineFlags
	cmd := &cobra.Command{
		Use:   "baseline --url URL --dir DIR [--format FORMAT]",
		Short: "Adopt pgshift on an existing database: write its schema as the first migration and record it as applied",
		Long: `baseline writes the schema of the live database at --url (the SQL inspect prints,
with the same filters) as the first migration in DIR, in the runner's format,
and records it as applied in the runner's own table (golang-migrate
schema_migrations, goose goose_db_version, dbmate schema_migrations, Flyway
flyway_schema_history as a BASELINE row), creating the table if it is
missing. The runner's next "up" then does nothing and drift is clean.

Before anything is written, the migration is replayed on the dev server and
compared with the database: a baseline that would not reproduce it is refused.
A DIR that already holds migrations is refused unless --version names the
file that matches the database: then no file is written and the versions up
to it are recorded (after the same check). A runner table that already
records a migration is refused.`,
		Example: `  pgshift baseline --url "$DATABASE_URL" --dir db/migrations --format goose --exclude-schema river
  pgshift baseline --url "$DATABASE_URL" --dir db/migrations --version 20240101000000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBaseline(cmd.Context(), e, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.dbURL, "url", "u", "", "live database (default $DATABASE_URL)")
	fl.StringVar(&f.dir, "dir", "", "migrations directory (required; created if missing)")
	fl.StringVar(&f.format, "format", "", "migration format: golang-migrate, goose, dbmate or flyway (default: that of the files in --dir, else golang-migrate)")
	fl.StringVar(&f.name, "name", "baseline", "migration name used in file names")
	fl.StringVar(&f.version, "version", "", "the baseline version: with migrations already in --dir, the file that matches the database; else the version of the new file (UTC YYYYMMDDHHMMSS)")
	fl.StringVar(&f.table, "migrations-table", "", "the runner's table ([schema.]table; default: the runner's own name)")
	f.dev.register(cmd)
	f.scope.register(cmd, "")
	f.tf.register(cmd)
	_ = cmd.MarkFlagRequired("dir")
	return cmd
}

func runBaseline(ctx context.Context, e env, f baselineFlags) error {
	if f.dbURL != "" && !schema.IsURL(f.dbURL) {
		return fmt.Errorf("--url %q: want a postgres:// or postgresql:// URL", f.dbURL)
	}
	dbURL := firstNonEmpty(f.dbURL, e.getenv("DATABASE_URL"))
	format, err := prepareGenerate(e, f.format, f.dir)
	if err != nil {
		return err
	}
	flt, err := f.scope.filter("")
	if err != nil {
		return err
	}
	var existing *schema.MigrationDir
	if st, err := os.Stat(f.dir); err == nil && st.IsDir() {
		md, err := schema.ReadMigrationDir(f.dir, format)
		if err != nil {
			return err
		}
		if len(md.Migrations) > 0 {
			if f.version == "" {
				return fmt.Errorf("%s already holds %d migration(s): pass --version V to record the migrations up to V (the one that matches the database) as applied, or baseline into an empty directory", f.dir, len(md.Migrations))
			}
			if md.Find(f.version) == nil {
				return fmt.Errorf("--version %s: no migration of that version in %s", f.version, f.dir)
			}
			existing = md
		}
	}
	var now time.Time
	if f.version != "" && existing == nil {
		if now, err = time.Parse("20060102150405", f.version); err != nil {
			return fmt.Errorf("--version %s: want a UTC YYYYMMDDHHMMSS version for the new file", f.version)
		}
	}

	conn, err := pgx.Connect(ctx, schema.CleanURL(dbURL))
	if err != nil {
		return fmt.Errorf("connect to database %s: %w", schema.ServerAddr(dbURL), err)
	}
	defer conn.Close(context.Background())
	rt, err := runner.TableFor(format, dbURL, f.table)
	if err != nil {
		return err
	}
	table := rt.String()
	tableKey := table
	if !strings.Contains(table, ".") {
		var cur string
		if err := conn.QueryRow(ctx, "SELECT current_schema()").Scan(&cur); err != nil {
			return fmt.Errorf("read current_schema: %w", err)
		}
		tableKey = cur + "." + table
	}
	nsp, name, _ := strings.Cut(tableKey, ".")

	ds := newDevSource(e, f.dev)
	defer ds.Close()
	dev, err := ds.URL(ctx)
	if err != nil {
		return err
	}
	live, err := source.LoadArg(ctx, dbURL, "")
	if err != nil {
		return err
	}
	schema.DropRunnerTable(live.Schema, nsp, name)
	notes := applyFilter(flt, live.Schema)

	var files []emit.File
	var versions []string
	var replay *schema.MigrationDir
	include := func(*schema.Migration) bool { return true }
	if existing != nil {
		replay = existing
		for _, m := range existing.Migrations {
			if m.Version != "" && schema.CompareVersions(m.Version, f.version) <= 0 {
				versions = append(versions, m.Version)
			}
		}
		include = func(m *schema.Migration) bool {
			return m.Version == "" || schema.CompareVersions(m.Version, f.version) <= 0
		}
	} else {
		empty, err := schema.EmptyFrom(ctx, dev)
		if err != nil {
			return err
		}
		applyFilter(flt, empty)
		plan, err := planner.Build(empty, live.Schema, planner.Options{Mode: planner.ModeDirect})
		if err != nil {
			return fmt.Errorf("plan: %w", err)
		}
		if plan.Empty() {
			return errors.New("nothing to baseline: the database holds no objects in scope")
		}
		notes = append(notes, plan.Notes...)
		files, err = emit.Files(plan, emit.Options{Format: format, Name: f.name, Dir: f.dir, Now: now,
			Description: "baseline of " + redact(dbURL), LockTimeout: f.tf.lockTimeout, StatementTimeout: f.tf.statementTimeout})
		if err != nil {
			return err
		}
		seen := map[uint64]bool{}
		for _, fl := range files {
			if !seen[fl.Version] {
				seen[fl.Version] = true
				versions = append(versions, fmt.Sprint(fl.Version))
			}
		}
		tmp, err := os.MkdirTemp("", "pgshift-baseline-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		if _, err := emit.Write(tmp, files); err != nil {
			return err
		}
		if replay, err = schema.ReadMigrationDir(tmp, format); err != nil {
			return err
		}
	}
	sort.Slice(versions, func(i, j int) bool { return schema.CompareVersions(versions[i], versions[j]) < 0 })
	for _, n := range notes {
		fmt.Fprintf(e.stderr, "-- note: %s\n", n)
	}
	for _, u := range live.Schema.Unmanaged {
		fmt.Fprintf(e.stderr, "-- unmanaged: %s %s (not in the baseline)\n", u.Kind, u.Name)
	}

	// The baseline must reproduce the database: replayed on the dev
	// server, it is compared with it the way drift will.
	r, err := replay.Load(ctx, dev, include)
	if err != nil {
		return fmt.Errorf("replay the baseline: %w", err)
	}
	applyFilter(flt, r.Schema)
	// As drift does: owners the replayed migrations leave to whoever runs
	// them (the dev server's user here) are not compared.
	schema.ForgetOwners(live.Schema, r.Schema)
	check, err := planner.Build(r.Schema, live.Schema, drift.PlanOptions())
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	if !check.Empty() {
		var sums []string
		for i, s := range check.Steps {
			if i == 10 {
				sums = append(sums, fmt.Sprintf("... (%d in all)", len(check.Steps)))
				break
			}
			sums = append(sums, s.Summary)
		}
		what := "the baseline migration"
		if existing != nil {
			what = "the migrations up to version " + f.version
		}
		return fmt.Errorf("%s would not reproduce the database (nothing written): %s", what, strings.Join(sums, "; "))
	}

	// Record, write, commit: nothing half done.
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() { _ = tx.Rollback(context.Background()) }()
	if _, err := tx.Exec(ctx, "SET LOCAL lock_timeout = '5s'"); err != nil {
		return err
	}
	qual, err := runner.Record(ctx, tx, format, rt, versions)
	if err != nil {
		return err
	}
	var paths []string
	hadSum := fileExists(filepath.Join(f.dir, emit.SumFile))
	if len(files) > 0 {
		if paths, err = emit.WriteWithSum(f.dir, files); err != nil {
			return err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		for _, p := range paths {
			if !hadSum || !strings.HasSuffix(p, emit.SumFile) {
				_ = os.Remove(p)
			}
		}
		if hadSum {
			_, _, _ = emit.Rehash(f.dir, nil)
		}
		return fmt.Errorf("record the baseline in %s: %w (files removed again)", qual, err)
	}
	for _, p := range paths {
		fmt.Fprintln(e.stdout, p)
	}
	recorded := versions
	if format == runner.GolangMigrate || format == runner.Flyway {
		recorded = versions[len(versions)-1:]
	}
	fmt.Fprintf(e.stderr, "-- baseline: recorded version(s) %s as applied in %s (%s)\n", strings.Join(recorded, ", "), qual, format)
	return nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/pgshift/pgshift/emit/drift"
	"github.com/pgshift/pgshift/schema"
	"github.com/pgshift/pgshift/schema/source"
)

// driftFlags are the flags of drift.
type driftFlags struct {
	dbURL, dir, schemaFile, format, table, dirFormat string
	dev                                              devFlags
	scope                                            scopeFlags
}

func newDriftCmd(e env) *cobra.Command {
	var f driftFlags
	cmd := &cobra.Command{
		Use:   "drift --url URL --dir DIR [--to schema.sql]",
		Short: "Check that a live database matches its migrations (CI)",
		Long: `drift compares the live database at --url with the schema its migrations say it
has. It reads the runner's table (golang-migrate, goose, dbmate or Flyway; found
by its shape, or --migrations-table), replays the migrations of --dir up to the
applied version on the dev server, and reports:

  - objects changed outside migrations (drift),
  - pending migrations (files newer than the applied version; not drift),
  - a dirty / failed migration, INVALID indexes (e.g. a failed CREATE INDEX
    CONCURRENTLY), applied versions with no file, files below the current
    version that were never applied (out of order),
  - with --to, changes in schema.sql that no migration makes yet,
  - a unified diff of the two schemas as SQL.

The database is only read (read-only transaction). pgshift.sum in --dir is
checked first. Exit status: 0 in sync, 2 drift, 1 error.`,
		Example: `  pgshift drift --url "$DATABASE_URL" --dir db/migrations --format github
  pgshift drift --url postgres://ci@db/app --dir migrations --to schema.sql --format json --exclude-schema river`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDrift(cmd.Context(), e, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.dbURL, "url", "u", "", "live database, as given to the runner (default $DATABASE_URL); its search_path and x-migrations-table / x-migrations-table-quoted are honoured, x-* parameters are not sent to the server")
	fl.StringVar(&f.dir, "dir", "", "migrations directory")
	fl.StringVar(&f.schemaFile, "to", "", "desired schema.sql (or a directory of .sql files): also report changes no migration makes yet (alone: compare the database with it)")
	f.scope.register(cmd, "only compare the schema `NAME` (repeatable; a glob); a value ending in .sql is the desired schema file, as --to")
	fl.StringVar(&f.format, "format", "text", "output: text, json or github (annotations, and a summary in $GITHUB_STEP_SUMMARY)")
	fl.StringVar(&f.table, "migrations-table", "", "the runner's table ([schema.]table; default: found by shape)")
	fl.StringVar(&f.dirFormat, "dir-format", "", "format of --dir: golang-migrate, goose, dbmate or flyway (default: detected)")
	f.dev.register(cmd)
	return cmd
}

func runDrift(ctx context.Context, e env, f driftFlags) error {
	switch f.format {
	case "text", "json", "github":
	default:
		return fmt.Errorf("--format %q: want text, json or github", f.format)
	}
	if err := f.splitSchemaFlag(); err != nil {
		return err
	}
	flt, err := f.scope.filter(f.schemaFile)
	if err != nil {
		return err
	}
	if f.dir == "" && f.schemaFile == "" {
		return errors.New("drift needs --dir (a migrations directory) or --to (a schema.sql)")
	}
	if f.dbURL != "" && !schema.IsURL(f.dbURL) {
		return fmt.Errorf("--url %q: want a postgres:// or postgresql:// URL", f.dbURL)
	}
	if f.dir != "" {
		if st, err := os.Stat(f.dir); err != nil || !st.IsDir() {
			return fmt.Errorf("--dir %s: not a directory", f.dir)
		}
	}
	dbURL := firstNonEmpty(f.dbURL, e.getenv("DATABASE_URL"))
	// Migrations are replayed on a dev server (--dev-url, $PGSHIFT_DEV_URL,
	// else a throw-away local cluster), never on the production server.
	ds := newDevSource(e, f.dev)
	defer ds.Close()
	dev, err := ds.URL(ctx)
	if err != nil {
		return err
	}
	rep, err := drift.Check(ctx, drift.Options{DBURL: dbURL, Database: redact(dbURL), Dir: f.dir, DirFormat: f.dirFormat,
		Table: f.table, SchemaFile: f.schemaFile, DevURL: dev, Filter: flt, SumNotes: sumNotes})
	if err != nil {
		return err
	}
	summary, output := "", ""
	if f.format == "github" {
		summary, output = e.getenv("GITHUB_STEP_SUMMARY"), e.getenv("GITHUB_OUTPUT")
	}
	if err := drift.Write(e.stdout, rep, f.format, summary, output); err != nil {
		return err
	}
	if rep.Drifted() {
		return exitCode(exitChanges)
	}
	return nil
}

// splitSchemaFlag moves a --schema value that names a schema file (the
// flag's meaning before the filters came) to --to.
func (f *driftFlags) splitSchemaFlag() error {
	var names []string
	for _, v := range f.scope.schemas {
		if source.IsSchemaFile(v) {
			if f.schemaFile != "" && f.schemaFile != v {
				return fmt.Errorf("two desired schema files: %s and %s", f.schemaFile, v)
			}
			f.schemaFile = v
			continue
		}
		names = append(names, v)
	}
	f.scope.schemas = names
	return nil
}

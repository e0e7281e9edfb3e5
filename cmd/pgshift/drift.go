package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"

	"github.com/pgshift/pgshift/emit"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
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
    CONCURRENTLY), applied versions with no file,
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
	fl.StringVarP(&f.dbURL, "url", "u", "", "live database (default $DATABASE_URL); runner-only x-* parameters are ignored")
	fl.StringVar(&f.dir, "dir", "", "migrations directory")
	fl.StringVar(&f.schemaFile, "to", "", "desired schema.sql (or a directory of .sql files): also report changes no migration makes yet (alone: compare the database with it)")
	f.scope.register(cmd, "only compare the schema `NAME` (repeatable; a glob); a value ending in .sql is the desired schema file, as --to")
	fl.StringVar(&f.format, "format", "text", "output: text, json or github (annotations, and a summary in $GITHUB_STEP_SUMMARY)")
	fl.StringVar(&f.table, "migrations-table", "", "the runner's table ([schema.]table; default: found by shape)")
	fl.StringVar(&f.dirFormat, "dir-format", "", "format of --dir: golang-migrate, goose, dbmate or flyway (default: detected)")
	f.dev.register(cmd)
	return cmd
}

// driftReport is the result of a drift check; its JSON form is the
// "--format json" output (schema version emit.ReportVersion).
type driftReport struct {
	Version    int              `json:"version"`
	Status     string           `json:"status"` // in_sync | drift
	Database   string           `json:"database"`
	Dir        string           `json:"dir,omitempty"`
	Schema     string           `json:"schema,omitempty"`
	Migrations *driftMigrations `json:"migrations,omitempty"`
	// Drift are the steps that take the expected schema to the live one:
	// changes made outside migrations.
	Drift          []driftChange  `json:"drift"`
	InvalidIndexes []invalidIndex `json:"invalid_indexes"`
	// SchemaChanges are the steps from the full migrations directory to
	// --schema: changes no migration makes yet.
	SchemaChanges []driftChange `json:"schema_changes,omitempty"`
	// Rollouts are multi-phase changes in progress in the live database
	// (not drift): the phase applied and the deploy the next one waits for.
	Rollouts []rolloutStatus `json:"rollouts"`
	Diff     string          `json:"diff"`
	Notes    []string        `json:"notes"`
}

type driftMigrations struct {
	Tool           string   `json:"tool"`
	Table          string   `json:"table"`
	CurrentVersion string   `json:"current_version"`
	Dirty          bool     `json:"dirty"`
	Applied        []string `json:"applied"`
	Pending        []string `json:"pending"`
	UnknownApplied []string `json:"unknown_applied"`
}

type driftChange struct {
	Summary string           `json:"summary"`
	SQL     []string         `json:"sql"`
	Reverse []string         `json:"reverse_sql"`
	Hazards []planner.Hazard `json:"hazards"`
}

type invalidIndex struct {
	Name  string `json:"name"`
	Table string `json:"table"`
}

// drifted reports whether anything in r fails the check.
func (r *driftReport) drifted() bool {
	m := r.Migrations
	return len(r.Drift) > 0 || len(r.InvalidIndexes) > 0 || len(r.SchemaChanges) > 0 ||
		m != nil && (m.Dirty || len(m.UnknownApplied) > 0)
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
	dbURL := firstNonEmpty(f.dbURL, e.getenv("DATABASE_URL"))
	// Migrations are replayed on a dev server (--dev-url, $PGSHIFT_DEV_URL,
	// else a throw-away local cluster), never on the production server.
	ds := newDevSource(e, f.dev)
	defer ds.Close()
	dev, err := ds.URL(ctx)
	if err != nil {
		return err
	}
	rep := &driftReport{Version: emit.ReportVersion, Database: redact(dbURL), Dir: f.dir, Schema: f.schemaFile,
		Drift: []driftChange{}, InvalidIndexes: []invalidIndex{}, Notes: []string{}}

	// The live database: its schema, and the runner's state.
	live, err := schema.LoadSource(ctx, dbURL, "")
	if err != nil {
		return err
	}
	scopeNotes := applyFilter(flt, live.Schema)
	var expected *schema.Schema
	var md *schema.MigrationDir
	var state *runnerState
	if f.dir != "" {
		unlisted, err := emit.CheckSum(f.dir)
		if err != nil {
			return err
		}
		rep.Notes = append(rep.Notes, sumNotes(f.dir, unlisted)...)
		if st, err := os.Stat(f.dir); err != nil || !st.IsDir() {
			return fmt.Errorf("--dir %s: not a directory", f.dir)
		}
		md, err = schema.ReadMigrationDir(f.dir, f.dirFormat)
		if err != nil {
			return err
		}
		state, err = readRunnerState(ctx, dbURL, f.table, md.Format)
		if err != nil {
			return err
		}
		rep.Migrations = state.compare(md)
		if state.table == "" {
			rep.Notes = append(rep.Notes, "no migrations table found in the database: no migration counts as applied")
		} else {
			dropRunnerTable(live.Schema, state.schema, state.name)
		}
		applied := map[*schema.Migration]bool{}
		for _, m := range md.Migrations {
			applied[m] = state.isApplied(m)
		}
		r, err := md.Load(ctx, dev, func(m *schema.Migration) bool { return applied[m] })
		if err != nil {
			return fmt.Errorf("replay migrations: %w", err)
		}
		rep.Notes = append(rep.Notes, r.Notes...)
		expected = r.Schema
		scopeNotes = append(scopeNotes, applyFilter(flt, expected)...)
	}
	if f.schemaFile != "" {
		desired, err := schema.LoadSource(ctx, f.schemaFile, dev)
		if err != nil {
			return sideError("--schema", err)
		}
		rep.Notes = append(rep.Notes, desired.Notes...)
		scopeNotes = append(scopeNotes, applyFilter(flt, desired.Schema)...)
		if md == nil {
			expected = desired.Schema
		} else {
			full := expected
			if len(rep.Migrations.Pending) > 0 {
				r, err := md.Load(ctx, dev, nil)
				if err != nil {
					return fmt.Errorf("replay migrations: %w", err)
				}
				full = r.Schema
				applyFilter(flt, full)
			}
			p, err := planner.Build(full, desired.Schema, driftPlanOptions())
			if err != nil {
				return fmt.Errorf("plan: %w", err)
			}
			rep.SchemaChanges = changes(p)
		}
	}

	plan, err := planner.Build(expected, live.Schema, driftPlanOptions())
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	rep.Drift = changes(plan)
	rep.Notes = append(rep.Notes, uniqueStrings(scopeNotes)...)
	rep.Notes = append(rep.Notes, plan.Notes...)
	rep.InvalidIndexes = invalidIndexes(live.Schema)
	rep.Rollouts = rolloutStatuses(live.Schema)

	// The unified diff of both schemas as SQL.
	empty, err := schema.EmptyFrom(ctx, dev)
	if err != nil {
		return err
	}
	applyFilter(flt, empty)
	expSQL, err := schemaSQL(empty, expected)
	if err != nil {
		return err
	}
	liveSQL, err := schemaSQL(empty, live.Schema)
	if err != nil {
		return err
	}
	expName := "expected"
	if rep.Migrations != nil {
		expName = fmt.Sprintf("expected (%s at version %s)", f.dir, firstNonEmpty(rep.Migrations.CurrentVersion, "none"))
	} else if f.schemaFile != "" {
		expName = "expected (" + f.schemaFile + ")"
	}
	rep.Diff = emit.UnifiedDiff(expName, "live ("+redact(dbURL)+")", expSQL, liveSQL)

	rep.Status = "in_sync"
	if rep.drifted() {
		rep.Status = "drift"
	}
	if err := writeDriftReport(e, rep, f.format); err != nil {
		return err
	}
	if rep.drifted() {
		return exitCode(exitChanges)
	}
	return nil
}

// splitSchemaFlag moves a --schema value that names a schema file (the
// flag's meaning before the filters came) to --to.
func (f *driftFlags) splitSchemaFlag() error {
	var names []string
	for _, v := range f.scope.schemas {
		if isFileSource(v) {
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

// uniqueStrings returns ss without repeats, in first-seen order.
func uniqueStrings(ss []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// driftPlanOptions plan every difference, drops included, one plain
// statement per change.
func driftPlanOptions() planner.Options {
	return planner.Options{Mode: planner.ModeDirect, AllowDrop: true}
}

// schemaSQL renders s as the SQL that creates it in an empty database.
func schemaSQL(empty, s *schema.Schema) (string, error) {
	p, err := planner.Build(empty, s, driftPlanOptions())
	if err != nil {
		return "", fmt.Errorf("render schema as SQL: %w", err)
	}
	return emit.SQL(p), nil
}

func changes(p *planner.Plan) []driftChange {
	out := []driftChange{}
	for _, s := range p.Steps {
		c := driftChange{Summary: s.Summary, SQL: s.Up, Reverse: s.Down, Hazards: s.Hazards}
		if c.SQL == nil {
			c.SQL = []string{}
		}
		if c.Reverse == nil {
			c.Reverse = []string{}
		}
		if c.Hazards == nil {
			c.Hazards = []planner.Hazard{}
		}
		out = append(out, c)
	}
	return out
}

// invalidIndexes lists the indexes of s that are not valid.
func invalidIndexes(s *schema.Schema) []invalidIndex {
	out := []invalidIndex{}
	for _, k := range schema.SortedKeys(s.Tables) {
		for _, ix := range s.Tables[k].Indexes {
			if !ix.Valid {
				out = append(out, invalidIndex{Name: ix.Key(), Table: k})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// dropRunnerTable removes the runner's own table (and sequences it owns)
// from the live model: it is not part of the migrated schema.
func dropRunnerTable(s *schema.Schema, nsp, name string) {
	key := schema.QualName(nsp, name)
	delete(s.Tables, key)
	for k, seq := range s.Sequences {
		if strings.HasPrefix(seq.OwnedBy, key+".") {
			delete(s.Sequences, k)
		}
	}
}

// runnerState is what the runner's table says.
type runnerState struct {
	tool, schema, name, table string // table: qualified, for messages; "" when none
	current                   string
	dirty                     bool
	applied                   []string // versions, in the table's order
	appliedSet                map[string]bool
	// upTo: golang-migrate keeps only the current version; every file up
	// to it counts as applied.
	upTo bool
	// baseline is the version of a Flyway BASELINE row: every versioned
	// migration up to it counts as applied (Flyway docs, "Baseline").
	baseline string
}

func (s *runnerState) isApplied(m *schema.Migration) bool {
	if s.table == "" {
		return false
	}
	if m.Version == "" {
		return s.tool == schema.FormatFlyway && len(s.applied) > 0 // repeatables: assume applied once anything is
	}
	if s.upTo {
		return s.current != "" && schema.CompareVersions(m.Version, s.current) <= 0
	}
	if s.baseline != "" && schema.CompareVersions(m.Version, s.baseline) <= 0 {
		return true
	}
	return s.appliedSet[normVersion(m.Version)]
}

// compare lists applied, pending and unknown applied versions.
func (s *runnerState) compare(md *schema.MigrationDir) *driftMigrations {
	r := &driftMigrations{Tool: s.tool, Table: s.table, CurrentVersion: s.current, Dirty: s.dirty,
		Applied: []string{}, Pending: []string{}, UnknownApplied: []string{}}
	files := map[string]bool{}
	for _, m := range md.Migrations {
		if m.Version == "" {
			continue
		}
		files[normVersion(m.Version)] = true
		if s.isApplied(m) {
			r.Applied = append(r.Applied, m.Version)
		} else {
			r.Pending = append(r.Pending, filepath.Base(m.File))
		}
	}
	if s.upTo {
		if s.current != "" && !files[normVersion(s.current)] {
			r.UnknownApplied = append(r.UnknownApplied, s.current)
		}
	} else {
		for _, v := range s.applied {
			if !files[normVersion(v)] {
				r.UnknownApplied = append(r.UnknownApplied, v)
			}
		}
	}
	return r
}

// normVersion is a version's comparable form ("1.0" and "1" are equal).
func normVersion(v string) string {
	k, err := schema.ParseVersion(v)
	if err != nil {
		return v
	}
	parts := make([]string, len(k))
	for i, n := range k {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, ".")
}

// runnerTables are the default table names of the runners.
var runnerTables = []string{"schema_migrations", "goose_db_version", "flyway_schema_history"}

// readRunnerState finds the runner's table in the database at dbURL (by
// name and shape; table overrides the name) and reads the applied
// versions in a read-only transaction. No table gives an empty state.
func readRunnerState(ctx context.Context, dbURL, table, dirFormat string) (*runnerState, error) {
	conn, err := pgx.Connect(ctx, schema.CleanURL(dbURL))
	if err != nil {
		return nil, fmt.Errorf("connect to database %s: %w", schema.ServerAddr(dbURL), err)
	}
	defer conn.Close(context.Background())
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("begin read-only transaction: %w", err)
	}
	defer func() { _ = tx.Rollback(context.Background()) }()

	names := runnerTables
	wantSchema := ""
	if table != "" {
		if i := strings.LastIndexByte(table, '.'); i > 0 {
			wantSchema, table = table[:i], table[i+1:]
		}
		names = []string{table}
	}
	rows, err := tx.Query(ctx, `
SELECT table_schema::text, table_name::text, column_name::text, data_type::text
FROM information_schema.columns
WHERE table_name = ANY($1) AND ($2 = '' OR table_schema = $2)
  AND table_schema NOT IN ('pg_catalog', 'information_schema')
ORDER BY table_schema, table_name, ordinal_position`, names, wantSchema)
	if err != nil {
		return nil, fmt.Errorf("look for the migrations table: %w", err)
	}
	type cand struct {
		schema, name string
		cols         map[string]string
	}
	var cands []*cand
	byKey := map[string]*cand{}
	for rows.Next() {
		var nsp, name, col, typ string
		if err := rows.Scan(&nsp, &name, &col, &typ); err != nil {
			return nil, fmt.Errorf("look for the migrations table: %w", err)
		}
		k := nsp + "." + name
		c := byKey[k]
		if c == nil {
			c = &cand{schema: nsp, name: name, cols: map[string]string{}}
			byKey[k] = c
			cands = append(cands, c)
		}
		c.cols[col] = typ
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("look for the migrations table: %w", err)
	}
	type found struct {
		c    *cand
		tool string
	}
	var fs []found
	for _, c := range cands {
		tool := ""
		switch {
		case c.cols["version_id"] != "" && c.cols["is_applied"] != "":
			tool = schema.FormatGoose
		case c.cols["installed_rank"] != "" && c.cols["success"] != "":
			tool = schema.FormatFlyway
		case c.cols["version"] == "bigint" && c.cols["dirty"] != "":
			tool = schema.FormatGolangMigrate
		case c.cols["version"] != "" && len(c.cols) == 1:
			tool = schema.FormatDbmate
		}
		if tool != "" {
			fs = append(fs, found{c, tool})
		}
	}
	if len(fs) > 1 && dirFormat != "" {
		var same []found
		for _, x := range fs {
			if x.tool == dirFormat {
				same = append(same, x)
			}
		}
		if len(same) > 0 {
			fs = same
		}
	}
	switch {
	case len(fs) == 0 && table != "":
		return nil, fmt.Errorf("--migrations-table %s: no such table with the columns of a golang-migrate, goose, dbmate or Flyway table", table)
	case len(fs) == 0:
		return &runnerState{}, nil
	case len(fs) > 1:
		var ns []string
		for _, x := range fs {
			ns = append(ns, fmt.Sprintf("%s (%s)", schema.QualName(x.c.schema, x.c.name), x.tool))
		}
		return nil, fmt.Errorf("several migrations tables: %s; pass --migrations-table", strings.Join(ns, ", "))
	}
	c, tool := fs[0].c, fs[0].tool
	st := &runnerState{tool: tool, schema: c.schema, name: c.name, table: schema.QualName(c.schema, c.name), appliedSet: map[string]bool{}}
	ident := pgx.Identifier{c.schema, c.name}.Sanitize()
	add := func(v string) {
		st.applied = append(st.applied, v)
		st.appliedSet[normVersion(v)] = true
	}
	switch tool {
	case schema.FormatGolangMigrate:
		st.upTo = true
		var v int64
		err := tx.QueryRow(ctx, "SELECT version, dirty FROM "+ident+" LIMIT 1").Scan(&v, &st.dirty)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return nil, fmt.Errorf("read %s: %w", st.table, err)
		}
		if err == nil {
			st.current = fmt.Sprint(v)
			add(st.current)
		}
	case schema.FormatGoose:
		// The applied set: versions whose latest row (by id) is applied.
		rows, err := tx.Query(ctx, "SELECT version_id, is_applied FROM (SELECT DISTINCT ON (version_id) version_id, is_applied, id FROM "+ident+
			" ORDER BY version_id, id DESC) t WHERE version_id <> 0 ORDER BY id")
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", st.table, err)
		}
		for rows.Next() {
			var v int64
			var ok bool
			if err := rows.Scan(&v, &ok); err != nil {
				return nil, fmt.Errorf("read %s: %w", st.table, err)
			}
			if ok {
				add(fmt.Sprint(v))
				st.current = fmt.Sprint(v) // the most recently applied
			}
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", st.table, err)
		}
	case schema.FormatDbmate:
		rows, err := tx.Query(ctx, "SELECT version::text FROM "+ident)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", st.table, err)
		}
		vs, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", st.table, err)
		}
		sort.Slice(vs, func(i, j int) bool { return schema.CompareVersions(vs[i], vs[j]) < 0 })
		for _, v := range vs {
			add(v)
		}
		if len(vs) > 0 {
			st.current = vs[len(vs)-1]
		}
	case schema.FormatFlyway:
		rows, err := tx.Query(ctx, "SELECT version, type, success FROM "+ident+" WHERE version IS NOT NULL ORDER BY installed_rank")
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", st.table, err)
		}
		for rows.Next() {
			var v, typ string
			var ok bool
			if err := rows.Scan(&v, &typ, &ok); err != nil {
				return nil, fmt.Errorf("read %s: %w", st.table, err)
			}
			switch {
			case !ok:
				st.dirty = true
			case strings.HasPrefix(typ, "UNDO"):
				delete(st.appliedSet, normVersion(v))
			case typ == "BASELINE":
				st.baseline = v
				add(v)
				st.current = v
			default:
				add(v)
				st.current = v
			}
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", st.table, err)
		}
		var kept []string
		for _, v := range st.applied {
			if st.appliedSet[normVersion(v)] {
				kept = append(kept, v)
			}
		}
		st.applied = kept
	}
	return st, nil
}

// writeDriftReport prints rep in format (text, json, github); github also
// appends a markdown summary to $GITHUB_STEP_SUMMARY and outputs to
// $GITHUB_OUTPUT when they are set.
func writeDriftReport(e env, rep *driftReport, format string) error {
	var err error
	switch format {
	case "json":
		var b []byte
		b, err = json.MarshalIndent(rep, "", "  ")
		if err == nil {
			_, err = e.stdout.Write(append(b, '\n'))
		}
	case "github":
		if err = writeAnnotations(e.stdout, rep); err == nil {
			err = writeDriftText(e.stdout, rep)
		}
		if p := e.getenv("GITHUB_STEP_SUMMARY"); p != "" && err == nil {
			err = appendFile(p, driftMarkdown(rep))
		}
		if p := e.getenv("GITHUB_OUTPUT"); p != "" && err == nil {
			err = appendFile(p, fmt.Sprintf("drift=%t\nchanges=%d\n", rep.drifted(), len(rep.Drift)))
		}
	default:
		err = writeDriftText(e.stdout, rep)
	}
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeDriftText(w io.Writer, rep *driftReport) error {
	var b strings.Builder
	fmt.Fprintf(&b, "database: %s\n", rep.Database)
	if m := rep.Migrations; m != nil {
		if m.Table == "" {
			fmt.Fprintf(&b, "migrations: no migrations table; %d file(s) in %s\n", len(m.Pending), rep.Dir)
		} else {
			fmt.Fprintf(&b, "migrations: %s table %s, current version %s, %d applied, %d pending\n",
				m.Tool, m.Table, firstNonEmpty(m.CurrentVersion, "none"), len(m.Applied), len(m.Pending))
		}
		if m.Dirty {
			fmt.Fprintf(&b, "DIRTY: migration %s failed or was left dirty; fix it before migrating further\n", firstNonEmpty(m.CurrentVersion, "(unknown)"))
		}
		for _, v := range m.UnknownApplied {
			fmt.Fprintf(&b, "applied but no file: version %s\n", v)
		}
		for _, p := range m.Pending {
			fmt.Fprintf(&b, "pending (not drift): %s\n", p)
		}
	}
	if len(rep.Drift) > 0 {
		fmt.Fprintf(&b, "DRIFT: %d change(s) made outside migrations:\n", len(rep.Drift))
		for _, c := range rep.Drift {
			fmt.Fprintf(&b, "  - %s\n", c.Summary)
		}
	}
	for _, ix := range rep.InvalidIndexes {
		fmt.Fprintf(&b, "INVALID index %s on %s (a failed CREATE INDEX CONCURRENTLY?): drop it and build it again\n", ix.Name, ix.Table)
	}
	if len(rep.SchemaChanges) > 0 {
		fmt.Fprintf(&b, "%s: %d change(s) not in any migration yet:\n", rep.Schema, len(rep.SchemaChanges))
		for _, c := range rep.SchemaChanges {
			fmt.Fprintf(&b, "  - %s\n", c.Summary)
		}
	}
	writeRolloutsText(&b, rep.Rollouts)
	for _, n := range rep.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	if rep.Diff != "" {
		b.WriteString("\n" + rep.Diff + "\n")
	}
	if rep.drifted() {
		b.WriteString("status: drift\n")
	} else {
		b.WriteString("status: in sync\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ghEscape escapes an annotation message; ghProp a property value.
func ghEscape(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func writeAnnotations(w io.Writer, rep *driftReport) error {
	var b strings.Builder
	ann := func(level, file, title, msg string) {
		props := "title=" + ghProp(title)
		if file != "" {
			props = "file=" + ghProp(file) + "," + props
		}
		fmt.Fprintf(&b, "::%s %s::%s\n", level, props, ghEscape(msg))
	}
	if m := rep.Migrations; m != nil {
		if m.Dirty {
			ann("error", "", "Dirty migration", fmt.Sprintf("migration %s in %s failed or was left dirty", m.CurrentVersion, m.Table))
		}
		for _, v := range m.UnknownApplied {
			ann("error", "", "Applied migration without a file", "version "+v+" is applied but has no file in "+rep.Dir)
		}
		for _, p := range m.Pending {
			ann("warning", filepath.Join(rep.Dir, p), "Pending migration", p+" is not applied yet")
		}
	}
	for _, c := range rep.Drift {
		ann("error", "", "Schema drift", "changed outside migrations: "+c.Summary)
	}
	for _, ix := range rep.InvalidIndexes {
		ann("error", "", "Invalid index", fmt.Sprintf("index %s on %s is INVALID (a failed CREATE INDEX CONCURRENTLY?)", ix.Name, ix.Table))
	}
	for _, c := range rep.SchemaChanges {
		ann("error", rep.Schema, "Not in a migration", c.Summary)
	}
	writeRolloutAnnotations(&b, rep.Rollouts)
	_, err := io.WriteString(w, b.String())
	return err
}

// driftMarkdown is the GitHub step summary of rep.
func driftMarkdown(rep *driftReport) string {
	var b strings.Builder
	if rep.drifted() {
		b.WriteString("## pgshift drift: :x: drift\n\n")
	} else {
		b.WriteString("## pgshift drift: :white_check_mark: in sync\n\n")
	}
	fmt.Fprintf(&b, "Database `%s`", rep.Database)
	if m := rep.Migrations; m != nil && m.Table != "" {
		fmt.Fprintf(&b, ", %s table `%s` at version `%s`", m.Tool, m.Table, firstNonEmpty(m.CurrentVersion, "none"))
		if m.Dirty {
			b.WriteString(" (**dirty**)")
		}
	}
	b.WriteString(".\n\n")
	if len(rep.Drift) > 0 {
		b.WriteString("### Changed outside migrations\n\n")
		for _, c := range rep.Drift {
			fmt.Fprintf(&b, "- %s\n", c.Summary)
		}
		b.WriteString("\n")
	}
	if len(rep.InvalidIndexes) > 0 {
		b.WriteString("### INVALID indexes\n\n")
		for _, ix := range rep.InvalidIndexes {
			fmt.Fprintf(&b, "- `%s` on `%s`\n", ix.Name, ix.Table)
		}
		b.WriteString("\n")
	}
	if m := rep.Migrations; m != nil && len(m.Pending) > 0 {
		b.WriteString("### Pending migrations (not drift)\n\n")
		for _, p := range m.Pending {
			fmt.Fprintf(&b, "- `%s`\n", p)
		}
		b.WriteString("\n")
	}
	b.WriteString(rolloutsMarkdown(rep.Rollouts))
	if len(rep.SchemaChanges) > 0 {
		fmt.Fprintf(&b, "### In `%s` but in no migration\n\n", rep.Schema)
		for _, c := range rep.SchemaChanges {
			fmt.Fprintf(&b, "- %s\n", c.Summary)
		}
		b.WriteString("\n")
	}
	if rep.Diff != "" {
		b.WriteString("<details><summary>Schema diff</summary>\n\n```diff\n" + rep.Diff + "```\n\n</details>\n")
	}
	return b.String()
}

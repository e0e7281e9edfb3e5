// Package drift checks that a live database matches its migrations
// directory (and optionally a desired schema.sql): it reads the runner's
// version table (internal/runner), replays the applied migrations on a
// dev server (schema.MigrationDir.Load), plans the difference (planner)
// and reports it as text, JSON or GitHub annotations. cmd/pgshift's drift
// command is a thin wrapper around Check and Write.
package drift

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/pgshift/pgshift/emit"
	"github.com/pgshift/pgshift/internal/ordered"
	"github.com/pgshift/pgshift/internal/runner"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
	"github.com/pgshift/pgshift/schema/source"
)

// Options are the inputs of Check.
type Options struct {
	// DBURL is the live database, as given to the runner: its search_path
	// and runner parameters (x-migrations-table, x-migrations-table-quoted)
	// are honoured; x-* parameters are not sent to the server.
	DBURL string
	// Database is DBURL for messages (password redacted).
	Database string
	// Dir is the migrations directory ("" with SchemaFile: compare with it).
	Dir string
	// DirFormat is Dir's format ("" detects it).
	DirFormat string
	// Table is the runner's table ("[schema.]table"); "" finds it by the
	// URL's parameters, then by name and shape.
	Table string
	// SchemaFile is a desired schema.sql.
	SchemaFile string
	// DevURL is the dev server the migrations are replayed on.
	DevURL string
	// Filter limits the comparison to some schemas / objects (nil: all);
	// what it leaves out is noted once.
	Filter *schema.Filter
	// SumNotes turns the files of Dir that pgshift.sum does not list into
	// notes (nil: a plain note per file).
	SumNotes func(dir string, unlisted []string) []string
}

// Report is the result of a drift check; its JSON form is the
// "--format json" output (schema version emit.ReportVersion).
type Report struct {
	Version    int         `json:"version"`
	Status     string      `json:"status"` // in_sync | drift
	Database   string      `json:"database"`
	Dir        string      `json:"dir,omitempty"`
	Schema     string      `json:"schema,omitempty"`
	Migrations *Migrations `json:"migrations,omitempty"`
	// Drift are the steps that take the expected schema to the live one:
	// changes made outside migrations.
	Drift          []Change       `json:"drift"`
	InvalidIndexes []InvalidIndex `json:"invalid_indexes"`
	// SchemaChanges are the steps from the full migrations directory to
	// --schema: changes no migration makes yet.
	SchemaChanges []Change `json:"schema_changes,omitempty"`
	// Rollouts are multi-phase changes in progress in the live database
	// (not drift): the phase applied and the deploy the next one waits for.
	Rollouts []Rollout `json:"rollouts"`
	Diff     string    `json:"diff"`
	Notes    []string  `json:"notes"`
	// Unplanned are differences between the expected and the live schema
	// that pgshift does not migrate (unsupported changes, unmanaged
	// objects on one side): drift too.
	Unplanned []string `json:"unplanned,omitempty"`
}

// Migrations is the migration-history part of a Report.
type Migrations struct {
	Tool           string `json:"tool"`
	Table          string `json:"table"`
	CurrentVersion string `json:"current_version"`
	Dirty          bool   `json:"dirty"`
	// DirtyError is the error the dirty version's file gives when
	// replayed ("" when it replays or nothing is dirty).
	DirtyError     string   `json:"dirty_error,omitempty"`
	Applied        []string `json:"applied"`
	Pending        []string `json:"pending"`
	UnknownApplied []string `json:"unknown_applied"`
	// OutOfOrder are files below the current version that were never
	// applied (golang-migrate skips them for good; goose refuses to go on
	// without -allow-missing; dbmate --strict and Flyway refuse them).
	OutOfOrder []string `json:"out_of_order"`
	// GoMigrations are goose Go migrations: counted as files, not replayed.
	GoMigrations []string `json:"go_migrations,omitempty"`
}

// Change is one planned step of a Report.
type Change struct {
	Summary string           `json:"summary"`
	SQL     []string         `json:"sql"`
	Reverse []string         `json:"reverse_sql"`
	Hazards []planner.Hazard `json:"hazards"`
}

// InvalidIndex is an index with pg_index.indisvalid false.
type InvalidIndex struct {
	Name  string `json:"name"`
	Table string `json:"table"`
}

// Drifted reports whether anything in r fails the check.
func (r *Report) Drifted() bool { return r.Problems() > 0 }

// Problems counts what fails the check: drift steps, INVALID indexes,
// changes in no migration, a dirty version, applied versions without a
// file, out-of-order files.
func (r *Report) Problems() int {
	n := len(r.Drift) + len(r.InvalidIndexes) + len(r.SchemaChanges) + len(r.Unplanned)
	if m := r.Migrations; m != nil {
		n += len(m.UnknownApplied) + len(m.OutOfOrder)
		if m.Dirty {
			n++
		}
	}
	return n
}

// PlanOptions plan every difference, drops included, one plain
// statement per change.
func PlanOptions() planner.Options {
	return planner.Options{Mode: planner.ModeDirect, AllowDrop: true}
}

// Check compares the live database with its migrations (and/or
// SchemaFile). The live database is only read, in a read-only
// transaction. Errors: unreadable inputs, a connection failure (naming
// the host), a migration file that fails in the replay (other than the
// dirty version's, which is reported in the Report).
func Check(ctx context.Context, o Options) (*Report, error) {
	rep := &Report{Version: emit.ReportVersion, Database: o.Database, Dir: o.Dir, Schema: o.SchemaFile,
		Drift: []Change{}, InvalidIndexes: []InvalidIndex{}, Rollouts: []Rollout{}, Notes: []string{}}
	// Three independent reads run at the same time: the live database's
	// introspection, the migrations (version table, then the replay) and
	// the desired schema file. The error is the one reading them in this
	// order gives (package ordered).
	var live, desired *schema.LoadResult
	var expected, full *schema.Schema
	var md *schema.MigrationDir
	var state *runner.State
	g := ordered.New(ctx)
	g.Go(func(ctx context.Context) (err error) {
		live, err = source.LoadArg(ctx, o.DBURL, "")
		return err
	})
	if o.Dir != "" {
		g.Go(func(ctx context.Context) (err error) {
			md, state, expected, full, err = readMigrations(ctx, o, rep)
			return err
		})
	}
	if o.SchemaFile != "" {
		g.Go(func(ctx context.Context) (err error) {
			desired, err = source.LoadArg(ctx, o.SchemaFile, o.DevURL)
			var pe *schema.PosError
			if err != nil && !errors.As(err, &pe) {
				err = fmt.Errorf("--schema: %w", err)
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var scopeNotes []string
	filter := func(s *schema.Schema) {
		if o.Filter != nil {
			scopeNotes = append(scopeNotes, o.Filter.Apply(s)...)
		}
	}
	filter(live.Schema)
	if md != nil {
		if state.Table.Name != "" {
			schema.DropRunnerTable(live.Schema, state.Table.Schema, state.Table.Name)
		}
		filter(expected)
	}
	if desired != nil {
		rep.Notes = append(rep.Notes, desired.Notes...)
		filter(desired.Schema)
		if state != nil && state.Table.Name != "" {
			// A dump of the database (dbmate's schema.sql always) holds
			// the runner's table: it is not part of the schema.
			schema.DropRunnerTable(desired.Schema, state.Table.Schema, state.Table.Name)
		}
		if md == nil {
			expected = desired.Schema
		} else {
			if full != nil {
				filter(full)
			} else {
				full = expected
			}
			p, err := planner.Build(full, desired.Schema, PlanOptions())
			if err != nil {
				return nil, fmt.Errorf("plan: %w", err)
			}
			rep.SchemaChanges = changes(p)
		}
	}

	// Owners the expected state does not declare are whoever ran the
	// migrations: not drift.
	schema.ForgetOwners(live.Schema, expected)
	plan, err := planner.Build(expected, live.Schema, PlanOptions())
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	if md != nil && md.Format == runner.GolangMigrate && !plan.Empty() {
		// golang-migrate never runs a file below its current version
		// that was added later: find such a file before calling its
		// objects dropped by hand.
		if f, s := findOutOfOrder(ctx, o, md, state, plan, live.Schema); f != nil {
			rep.Migrations.OutOfOrder = append(rep.Migrations.OutOfOrder, filepath.Base(f.File))
			for i, a := range rep.Migrations.Applied {
				if a == f.Version {
					rep.Migrations.Applied = append(rep.Migrations.Applied[:i:i], rep.Migrations.Applied[i+1:]...)
					break
				}
			}
			expected = s
			if plan, err = planner.Build(expected, live.Schema, PlanOptions()); err != nil {
				return nil, fmt.Errorf("plan: %w", err)
			}
		}
	}
	rep.Drift = changes(plan)
	rep.Unplanned = plan.Unplanned
	rep.Notes = append(rep.Notes, uniqueStrings(scopeNotes)...)
	rep.Notes = append(rep.Notes, plan.Notes...)
	rep.InvalidIndexes = invalidIndexes(live.Schema)
	rep.Rollouts = Rollouts(live.Schema)

	// The unified diff of both schemas as SQL.
	// The empty baseline is a model (schema.EmptyModel), not a scratch
	// database: no CREATE and DROP DATABASE in the wait.
	empty, err := schema.EmptyModelURL(ctx, o.DevURL)
	if err != nil {
		return nil, err
	}
	if o.Filter != nil {
		o.Filter.Apply(empty)
	}
	expSQL, err := schemaSQL(empty, expected)
	if err != nil {
		return nil, err
	}
	liveSQL, err := schemaSQL(empty, live.Schema)
	if err != nil {
		return nil, err
	}
	expName := "expected"
	if rep.Migrations != nil {
		expName = fmt.Sprintf("expected (%s at version %s)", o.Dir, orNone(rep.Migrations.CurrentVersion))
	} else if o.SchemaFile != "" {
		expName = "expected (" + o.SchemaFile + ")"
	}
	rep.Diff = emit.UnifiedDiff(expName, "live ("+o.Database+")", expSQL, liveSQL)
	if rep.Diff != "" && len(rep.Drift) == 0 {
		co := schema.CanonicalOptions{IgnoreColumnOrder: true}
		if schema.Canonical(expected, co) == schema.Canonical(live.Schema, co) {
			rep.Notes = append(rep.Notes, "the schema diff below differs only in the order of table columns: not drift (PostgreSQL cannot reorder the columns of an existing table, so a column added by ALTER TABLE comes last; pgshift does not count column order as a difference)")
		}
	}
	rep.Status = "in_sync"
	if rep.Drifted() {
		rep.Status = "drift"
	}
	return rep, nil
}

// readMigrations reads the migrations directory of o (its pgshift.sum
// checked, notes in rep), the runner's version table in the live database,
// and replays the applied migrations on the dev server: expected is their
// schema. With a desired schema file and migrations not applied yet
// (pending, out of order), full is the schema of all of them, else nil.
// rep.Migrations is set; rep is not touched by the other reads of Check.
func readMigrations(ctx context.Context, o Options, rep *Report) (md *schema.MigrationDir, state *runner.State, expected, full *schema.Schema, err error) {
	unlisted, err := emit.CheckSum(o.Dir)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if o.SumNotes != nil {
		rep.Notes = append(rep.Notes, o.SumNotes(o.Dir, unlisted)...)
	} else {
		for _, u := range unlisted {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%s is not in %s", filepath.Join(o.Dir, u), emit.SumFile))
		}
	}
	md, err = schema.ReadMigrationDir(o.Dir, o.DirFormat)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	md.SearchPath = runner.SearchPath(o.DBURL)
	state, err = readState(ctx, o.DBURL, o.Table, md.Format)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if md.Format == "" {
		md.Format = state.Format
	}
	if state.Table.Name != "" {
		md.Table = state.Table
	} else if md.Format != "" {
		if md.Table, err = runner.TableFor(md.Format, o.DBURL, o.Table); err != nil {
			return nil, nil, nil, nil, err
		}
		rep.Notes = append(rep.Notes, "no migrations table found in the database: no migration counts as applied")
	}
	rep.Migrations = compare(state, md)
	expected, err = replayApplied(ctx, o, md, state, rep)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if o.SchemaFile != "" && (len(rep.Migrations.Pending) > 0 || len(rep.Migrations.OutOfOrder) > 0) {
		r, err := md.Load(ctx, o.DevURL, nil)
		if err != nil {
			return nil, nil, nil, nil, fmt.Errorf("replay migrations: %w", err)
		}
		full = r.Schema
	}
	return md, state, expected, full, nil
}

// replayApplied replays the applied migrations. A dirty version (the
// runner stopped in its middle) whose file fails is reported in rep, and
// the expected schema is the one before it.
func replayApplied(ctx context.Context, o Options, md *schema.MigrationDir, state *runner.State, rep *Report) (*schema.Schema, error) {
	applied := func(m *schema.Migration) bool { return state.IsApplied(m) }
	r, err := md.Load(ctx, o.DevURL, applied)
	var re *schema.ReplayError
	if err != nil && state.Dirty && errors.As(err, &re) && runner.CompareVersions(re.Migration.Version, state.Current) == 0 {
		rep.Migrations.DirtyError = re.Error()
		dirty := re.Migration
		r, err = md.Load(ctx, o.DevURL, func(m *schema.Migration) bool { return m != dirty && applied(m) })
	}
	if err != nil {
		return nil, fmt.Errorf("replay migrations: %w", err)
	}
	rep.Notes = append(rep.Notes, r.Notes...)
	return r.Schema, nil
}

// findOutOfOrder looks for the golang-migrate file below the current
// version whose objects the drift plan says are missing: a candidate
// names an object the plan drops; it is confirmed when the replay
// without it matches the live schema. It returns the file and that
// replay's schema, or nil.
func findOutOfOrder(ctx context.Context, o Options, md *schema.MigrationDir, state *runner.State, plan *planner.Plan, live *schema.Schema) (*schema.Migration, *schema.Schema) {
	var names []string
	for _, s := range plan.Steps {
		if !strings.HasPrefix(s.Summary, "drop ") {
			return nil, nil // something else changed: not (only) a skipped file
		}
		f := strings.Fields(s.Summary)
		n := f[len(f)-1]
		if i := strings.LastIndexByte(n, '.'); i >= 0 {
			n = n[i+1:]
		}
		names = append(names, strings.ToLower(strings.Trim(n, `"`)))
	}
	tried := 0
	for i := len(md.Migrations) - 1; i >= 0 && tried < 3; i-- {
		m := md.Migrations[i]
		if m.Version == "" || runner.CompareVersions(m.Version, state.Current) >= 0 || !state.IsApplied(m) {
			continue
		}
		up := strings.ToLower(m.Up)
		hit := false
		for _, n := range names {
			if strings.Contains(up, n) {
				hit = true
			}
		}
		if !hit {
			continue
		}
		tried++
		r, err := md.Load(ctx, o.DevURL, func(x *schema.Migration) bool { return x != m && state.IsApplied(x) })
		if err != nil {
			continue
		}
		if o.Filter != nil {
			o.Filter.Apply(r.Schema)
		}
		p, err := planner.Build(r.Schema, live, PlanOptions())
		if err == nil && p.Empty() {
			return m, r.Schema
		}
	}
	return nil, nil
}

// schemaSQL renders s as the SQL that creates it in an empty database.
func schemaSQL(empty, s *schema.Schema) (string, error) {
	p, err := planner.Build(empty, s, PlanOptions())
	if err != nil {
		return "", fmt.Errorf("render schema as SQL: %w", err)
	}
	return emit.SQL(p), nil
}

func changes(p *planner.Plan) []Change {
	out := []Change{}
	for _, s := range p.Steps {
		c := Change{Summary: s.Summary, SQL: s.Up, Reverse: s.Down, Hazards: s.Hazards}
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
func invalidIndexes(s *schema.Schema) []InvalidIndex {
	out := []InvalidIndex{}
	for _, k := range schema.SortedKeys(s.Tables) {
		for _, ix := range s.Tables[k].Indexes {
			if !ix.Valid {
				out = append(out, InvalidIndex{Name: ix.Key(), Table: k})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// compare lists applied, pending, out-of-order and unknown applied versions.
func compare(s *runner.State, md *schema.MigrationDir) *Migrations {
	r := &Migrations{Tool: s.Format, Table: s.Table.String(), CurrentVersion: s.Current, Dirty: s.Dirty,
		Applied: []string{}, Pending: []string{}, UnknownApplied: []string{}, OutOfOrder: []string{}}
	if s.Table.Name == "" {
		r.Table = ""
	}
	files := map[string]bool{}
	for _, m := range md.Migrations {
		if m.Go {
			r.GoMigrations = append(r.GoMigrations, filepath.Base(m.File))
		}
		if m.Version == "" {
			continue
		}
		files[runner.NormVersion(m.Version)] = true
		switch {
		case s.IsApplied(m):
			r.Applied = append(r.Applied, m.Version)
		case s.Current != "" && runner.CompareVersions(m.Version, s.Current) < 0:
			r.OutOfOrder = append(r.OutOfOrder, filepath.Base(m.File))
		default:
			r.Pending = append(r.Pending, filepath.Base(m.File))
		}
	}
	for _, v := range s.Applied {
		if !files[runner.NormVersion(v)] {
			r.UnknownApplied = append(r.UnknownApplied, v)
		}
	}
	return r
}

// readState finds the runner's table in the database at dbURL and reads
// the applied versions in a read-only transaction. The table is the one
// table names (--migrations-table), else the one the URL's runner
// parameters name (x-migrations-table), else found by the runners'
// default names and their shapes (runner.Classify), preferring the
// URL's search_path schemas. No table gives an empty state.
func readState(ctx context.Context, dbURL, table, dirFormat string) (*runner.State, error) {
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

	var names []string
	wantSchema := ""
	explicit := false
	if table != "" {
		t, _ := runner.TableFor(dirFormat, "", table)
		names, wantSchema, explicit = []string{t.Name}, t.Schema, true
	} else if t, err := runner.TableFor(runner.GolangMigrate, dbURL, ""); err != nil {
		return nil, err
	} else if t.Explicit {
		names, wantSchema, explicit = []string{t.Name}, t.Schema, true
		if wantSchema == "" {
			if err := tx.QueryRow(ctx, "SELECT coalesce(current_schema(), '')").Scan(&wantSchema); err != nil {
				return nil, fmt.Errorf("read current_schema(): %w", err)
			}
		}
	} else {
		for _, f := range runner.Formats() {
			names = append(names, runner.DefaultTable(f))
		}
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
		t    runner.Table
		cols map[string]string
		tool string
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
			c = &cand{t: runner.Table{Schema: nsp, Name: name, Explicit: explicit}, cols: map[string]string{}}
			byKey[k] = c
			cands = append(cands, c)
		}
		c.cols[col] = typ
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("look for the migrations table: %w", err)
	}
	var fs []*cand
	for _, c := range cands {
		if c.tool = runner.Classify(c.cols); c.tool != "" {
			fs = append(fs, c)
		}
	}
	keep := func(ok func(*cand) bool) {
		var same []*cand
		for _, c := range fs {
			if ok(c) {
				same = append(same, c)
			}
		}
		if len(same) > 0 {
			fs = same
		}
	}
	if len(fs) > 1 && dirFormat != "" {
		keep(func(c *cand) bool { return c.tool == dirFormat })
	}
	if sp := runner.SearchPath(dbURL); len(fs) > 1 && len(sp) > 0 {
		keep(func(c *cand) bool { return c.t.Schema == sp[0] })
	}
	switch {
	case len(fs) == 0 && explicit:
		return nil, fmt.Errorf("migrations table %s: no such table with the columns of a golang-migrate, goose, dbmate or Flyway table", names[0])
	case len(fs) == 0:
		return &runner.State{Format: dirFormat}, nil
	case len(fs) > 1:
		var ns []string
		for _, c := range fs {
			ns = append(ns, fmt.Sprintf("%s (%s)", schema.QualName(c.t.Schema, c.t.Name), c.tool))
		}
		return nil, fmt.Errorf("several migrations tables: %s; pass --migrations-table", strings.Join(ns, ", "))
	}
	return runner.ReadState(ctx, tx, fs[0].tool, fs[0].t)
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

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

package schema

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pgshift/pgshift/internal/runner"
)

// Migration directory formats (the runners pgshift reads and writes); the
// rules of each live in internal/runner.
const (
	FormatGolangMigrate = runner.GolangMigrate
	FormatGoose         = runner.Goose
	FormatDbmate        = runner.Dbmate
	FormatFlyway        = runner.Flyway
)

// MigrationFormats lists the supported directory formats.
var MigrationFormats = runner.Formats()

// DirPrefix marks a migrations directory as a source: "dir://migrations".
const DirPrefix = "dir://"

// IsDirSource reports whether src names a migrations directory ("dir://PATH").
func IsDirSource(src string) bool { return strings.HasPrefix(src, DirPrefix) }

// Migration is one versioned migration of a directory (see runner.Migration).
type Migration = runner.Migration

// MigrationDir is a parsed migrations directory, with how the runner is
// run against it (its URL's search_path and version table).
type MigrationDir struct {
	*runner.Dir
	// SearchPath is the search_path the runner's session has (from the
	// search_path parameter of its URL); nil: the server default.
	SearchPath []string
	// Table is the runner's version table, created before the first
	// migration as the runner does; Name "" means the runner's default.
	Table runner.Table
}

// DetectMigrationFormat returns the format of the migration files in dir
// ("" when there are none); see runner.Detect.
func DetectMigrationFormat(dir string) (string, error) { return runner.Detect(dir) }

// ReadMigrationDir parses the migrations directory dir in the given format
// ("" detects it); see runner.ReadDir for the rules and errors.
func ReadMigrationDir(dir, format string) (*MigrationDir, error) {
	d, err := runner.ReadDir(dir, format)
	if err != nil {
		return nil, err
	}
	return &MigrationDir{Dir: d}, nil
}

// ParseVersion splits a migration version into its numeric parts (see
// runner.ParseVersion).
func ParseVersion(v string) ([]uint64, error) { return runner.ParseVersion(v) }

// CompareVersions compares two versions numerically (see
// runner.CompareVersions).
func CompareVersions(a, b string) int { return runner.CompareVersions(a, b) }

// LoadMigrationDir replays the up parts of the migrations in dir (format
// "" detects it) into a scratch database on the dev server and returns its
// model; see MigrationDir.Load.
func LoadMigrationDir(ctx context.Context, devURL, dir, format string) (*LoadResult, error) {
	d, err := ReadMigrationDir(dir, format)
	if err != nil {
		return nil, err
	}
	if d.Format == "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("migrations directory: %w", err)
		}
	}
	return d.Load(ctx, devURL, nil)
}

// ReplayError is a migration that failed in the replay.
type ReplayError struct {
	Migration *Migration
	Err       error
}

func (e *ReplayError) Error() string { return e.Err.Error() }
func (e *ReplayError) Unwrap() error { return e.Err }

// Load replays, in order, the up parts of the migrations for which include
// returns true (nil: all) into a fresh scratch database on the dev server
// the way the runner runs them: first the runner's version table is
// created (runner.CreateTableSQL; migrations may grant on or alter it),
// the session's search_path is d.SearchPath, then each file runs as one
// query (golang-migrate, dbmate) or statement by statement (goose,
// Flyway), in a transaction unless the file says otherwise. The returned
// model leaves out the version table. Roles the files refer to that do
// not exist are created as NOLOGIN stubs. goose Go migrations cannot be
// run: each gives a note. The scratch database is always dropped. A
// failing file gives a *ReplayError wrapping a *PosError located at the
// failing statement.
func (d *MigrationDir) Load(ctx context.Context, devURL string, include func(*Migration) bool) (*LoadResult, error) {
	res := &LoadResult{}
	var ms []*Migration
	var stmts [][]Statement
	var all []Statement
	for _, m := range d.Migrations {
		if include != nil && !include(m) {
			continue
		}
		if m.Go {
			res.Notes = append(res.Notes, fmt.Sprintf("%s: goose Go migration (version %s): pgshift cannot run Go code, so what it changes is not in the replayed schema", m.File, m.Version))
			continue
		}
		// The dev server decides about syntax newer than ParserMajor.
		st, err := SplitStatements(m.File, []byte(m.Up))
		if err != nil {
			return nil, &ReplayError{Migration: m, Err: err}
		}
		ms = append(ms, m)
		stmts = append(stmts, st)
		all = append(all, st...)
	}
	table := d.Table
	if table.Name == "" {
		table.Name = runner.DefaultTable(d.Format)
	}
	err := withScratch(ctx, devURL, nil, func(admin *pgx.Conn, scratchURL string) error {
		if err := stubRoles(ctx, admin, all, res); err != nil {
			return err
		}
		conn, err := connect(ctx, "dev server", scratchURL)
		if err != nil {
			return err
		}
		defer conn.Close(context.Background())
		if len(d.SearchPath) > 0 {
			if _, err := conn.Exec(ctx, "SELECT set_config('search_path', $1, false)", quoteSearchPath(d.SearchPath)); err != nil {
				return fmt.Errorf("set search_path on the dev server: %w", err)
			}
		}
		var nsp string
		if d.Format != "" {
			for _, q := range runner.CreateTableSQL(d.Format, table) {
				if _, err := conn.Exec(ctx, q); err != nil {
					return fmt.Errorf("create the %s version table %s on the dev server: %w", d.Format, table, err)
				}
			}
			if err := conn.QueryRow(ctx, "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)", table.Ident()).Scan(&nsp); err != nil {
				return fmt.Errorf("find the version table %s on the dev server: %w", table, err)
			}
		}
		for i, m := range ms {
			if err := replay(ctx, conn, m, stmts[i]); err != nil {
				return &ReplayError{Migration: m, Err: err}
			}
		}
		ic, err := connect(ctx, "dev server", scratchURL)
		if err != nil {
			return err
		}
		defer ic.Close(context.Background())
		s, err := Introspect(ctx, ic)
		if err != nil {
			return fmt.Errorf("introspect migrations %s replayed on the dev server: %w", d.Dir.Dir, err)
		}
		if nsp != "" {
			DropRunnerTable(s, nsp, table.Name)
		}
		if _, err := blankLoaderOwners(ctx, ic, s); err != nil {
			return err
		}
		res.Schema = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// quoteSearchPath writes schemas as a search_path value.
func quoteSearchPath(schemas []string) string {
	q := make([]string, len(schemas))
	for i, s := range schemas {
		q[i] = pgx.Identifier{s}.Sanitize()
	}
	return strings.Join(q, ", ")
}

// DropRunnerTable removes a runner's version table nsp.name (and the
// sequences it owns) from s: it is the runner's bookkeeping, not part of
// the migrated schema.
func DropRunnerTable(s *Schema, nsp, name string) {
	key := QualName(nsp, name)
	delete(s.Tables, key)
	for k, seq := range s.Sequences {
		if strings.HasPrefix(seq.OwnedBy, key+".") {
			delete(s.Sequences, k)
		}
	}
}

// replay runs one migration's up part on conn.
func replay(ctx context.Context, conn *pgx.Conn, m *Migration, stmts []Statement) error {
	exec := func(sql string) error {
		_, err := conn.Exec(ctx, sql, pgx.QueryExecModeSimpleProtocol)
		return err
	}
	if len(stmts) == 0 {
		return nil
	}
	// golang-migrate has no transaction of its own: the single query is
	// an implicit transaction when it holds several statements.
	inTx := m.Transactional && m.Format != FormatGolangMigrate
	if inTx {
		if err := exec("BEGIN"); err != nil {
			return fmt.Errorf("%s: begin: %w", m.File, err)
		}
	}
	fail := func(err error) error {
		if inTx {
			_ = exec("ROLLBACK")
		}
		return err
	}
	if m.OneExec {
		if err := exec(m.Up); err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return fail(fmt.Errorf("%s: %w", m.File, cerr))
			}
			err = fail(err)
			return locateOneExec(ctx, conn, m, stmts, err)
		}
	} else if err := ExecStatements(ctx, conn, m.File, stmts); err != nil {
		return fail(err)
	}
	if inTx {
		if err := exec("COMMIT"); err != nil {
			return fmt.Errorf("%s: commit: %w", m.File, err)
		}
	}
	return nil
}

// locateOneExec places the error of a file sent as one query at the
// statement that raised it. The server gives a position relative to the
// whole query when it has one; otherwise (errors raised at execution,
// e.g. "relation does not exist" from a function, a constraint violated
// by a data statement) the statements are run again one by one in a
// transaction that is rolled back, to find the failing one. The failed
// query left nothing behind (it was one implicit transaction), and
// neither does this search.
func locateOneExec(ctx context.Context, conn *pgx.Conn, m *Migration, stmts []Statement, err error) error {
	var pe *pgconn.PgError
	whole := Statement{Text: m.Up, Line: 1, Col: 1}
	if !errors.As(err, &pe) || pe.Position > 0 || len(stmts) < 2 || !m.Transactional {
		if len(stmts) == 1 && (pe == nil || pe.Position == 0) {
			return stmtError(m.File, stmts[0], err)
		}
		return stmtError(m.File, whole, err)
	}
	for _, st := range stmts {
		if st.Kind == "TransactionStmt" {
			return stmtError(m.File, stmts[0], err)
		}
	}
	exec := func(sql string) error {
		_, e := conn.Exec(ctx, sql, pgx.QueryExecModeSimpleProtocol)
		return e
	}
	if exec("BEGIN") != nil {
		return stmtError(m.File, stmts[0], err)
	}
	defer func() { _ = exec("ROLLBACK") }()
	for _, st := range stmts {
		if e := exec(st.Text); e != nil {
			return stmtError(m.File, st, e)
		}
	}
	return stmtError(m.File, stmts[0], err)
}

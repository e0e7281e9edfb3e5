package schema

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ScratchPrefix starts the name of every scratch database LoadSQL and
// EmptyFrom create; the full name is ScratchPrefix +
// "<pid>_<host>_<boot>_<start>_<random>" (see scratchName), so databases left
// behind by a killed process can be recognised and dropped by a later run
// (dropStaleScratch).
const ScratchPrefix = "pgshift_scratch_"

// dropTimeout bounds the DROP DATABASE of a scratch database. Dropping a
// database of 10,000 tables (some 70,000 files, and the checkpoint DROP
// DATABASE forces) takes well over 30 seconds on a busy server.
const dropTimeout = 5 * time.Minute

// LoadResult is a loaded schema with the notes the loader has for the user
// (e.g. stub roles it had to create).
type LoadResult struct {
	Schema *Schema
	Notes  []string
	// Timings are the durations of the load's phases, for benchmarks.
	Timings LoadTimings
}

// LoadTimings are the durations of the phases of a load: parsing the file,
// executing it on the dev server (creating and dropping the scratch
// database included) and introspecting. Phases that did not run are zero.
type LoadTimings struct {
	Parse, Exec, Introspect time.Duration
	// CreateScratch and DropScratch are the parts of Exec spent creating
	// and dropping the scratch database.
	CreateScratch, DropScratch time.Duration
}

// LoadURL introspects the database at u (a postgres:// or postgresql://
// URL, or "" for DATABASE_URL and then the libpq PG* variables); runner
// parameters (x-...) are removed first (CleanURL). Turning a --from/--to
// argument into a model is package schema/source's job. Errors name the host.
func LoadURL(ctx context.Context, u string) (*LoadResult, error) {
	start := time.Now()
	s, err := introspectURL(ctx, u)
	if err != nil {
		return nil, err
	}
	return &LoadResult{Schema: s, Timings: LoadTimings{Introspect: time.Since(start)}}, nil
}

// IsSchemaDir reports whether path is a directory (a desired schema in
// several .sql files, read in name order).
func IsSchemaDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// IsURL reports whether src is a postgres:// or postgresql:// URL.
func IsURL(src string) bool {
	l := strings.ToLower(src)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// CleanURL returns the connection string pgx should parse for a
// user-supplied URL: runner-only query parameters starting with "x-"
// (golang-migrate's x-migrations-table, ...) are removed, since the server
// would reject them as unknown settings. An empty u becomes DATABASE_URL (or
// stays empty, so that pgx reads the PG* variables). Non-URL strings
// (keyword=value) are returned unchanged.
func CleanURL(u string) string {
	if u == "" {
		u = os.Getenv("DATABASE_URL")
	}
	if !IsURL(u) {
		return u
	}
	pu, err := url.Parse(u)
	if err != nil {
		return u // let pgx report the syntax error
	}
	q := pu.Query()
	changed := false
	for k := range q {
		if strings.HasPrefix(strings.ToLower(k), "x-") {
			q.Del(k)
			changed = true
		}
	}
	if changed {
		pu.RawQuery = q.Encode()
	}
	return pu.String()
}

// ServerAddr returns "host:port" of a connection string, for messages; it
// never contains the password.
func ServerAddr(connString string) string {
	cfg, err := pgconn.ParseConfig(CleanURL(connString))
	if err != nil {
		if pu, perr := url.Parse(connString); perr == nil && pu.Host != "" {
			return pu.Host
		}
		return "(unparsable connection string)"
	}
	return net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))
}

// connect opens a connection for a user-supplied URL; role says what the
// server is for ("dev server", "database") in the error message.
func connect(ctx context.Context, role, connString string) (*pgx.Conn, error) {
	cs := CleanURL(connString)
	cfg, err := pgx.ParseConfig(cs)
	if err != nil {
		return nil, fmt.Errorf("%s connection string: %w", role, err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to %s %s: %w", role, net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))), err)
	}
	return conn, nil
}

// introspectURL connects to a live database and introspects it.
func introspectURL(ctx context.Context, u string) (*Schema, error) {
	conn, err := connect(ctx, "database", u)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	s, err := Introspect(ctx, conn)
	if err != nil {
		return nil, fmt.Errorf("introspect %s: %w", ServerAddr(u), err)
	}
	return s, nil
}

// LoadSQL loads the schema file at path into a fresh scratch database on
// the dev server devURL and returns its introspected model. The file is
// split first (SplitStatements: a statement pgshift's parser does not know
// is left to the dev server, so syntax of a newer major loads on a dev
// server of that major; a syntax error either rejects is reported at its
// position as the parser saw it); pure data
// statements are skipped; roles it refers to that do not exist are created
// cluster-wide as NOLOGIN stubs. The scratch database is always dropped,
// also on error and cancellation. Errors in the file are *PosError values
// ("file:line:col: ERROR: message (SQLSTATE xxxxx)").
func LoadSQL(ctx context.Context, devURL, path string) (*Schema, error) {
	r, err := LoadSQLFile(ctx, devURL, path)
	if err != nil {
		return nil, err
	}
	return r.Schema, nil
}

// LoadSQLFile is LoadSQL that also returns the loader's notes.
func LoadSQLFile(ctx context.Context, devURL, path string) (*LoadResult, error) {
	start := time.Now()
	// The dev server decides about statements pgshift's parser does not
	// know (syntax newer than ParserMajor): ReadSchemaFile keeps them
	// (SplitStatements).
	stmts, files, err := ReadSchemaFile(path)
	if err != nil {
		return nil, err
	}
	var anns []Annotation
	for _, f := range files {
		a, err := parseAnnotations(f.Path, string(f.Src), f.Stmts)
		if err != nil {
			return nil, err
		}
		anns = append(anns, a...)
	}
	files = nil
	res := &LoadResult{}
	res.Timings.Parse = time.Since(start)
	start = time.Now()
	var exec []Statement
	for _, st := range stmts {
		switch {
		case st.IsData():
		case st.Kind == "CreatedbStmt" || st.Kind == "DropdbStmt" || st.Kind == "AlterDatabaseStmt" ||
			st.Kind == "AlterDatabaseSetStmt" || st.Kind == "AlterDatabaseRefreshCollStmt":
			// Database-level statements would act on other databases of the dev server.
			res.Notes = append(res.Notes, fmt.Sprintf("%s:%d:%d: skipped %s (database-level statement)", st.FileOr(path), st.Line, st.Col, st.Kind))
		default:
			exec = append(exec, st)
		}
	}
	owners := ownerClauses(path, exec)
	err = withScratch(ctx, devURL, &res.Timings, func(admin *pgx.Conn, scratchURL string) error {
		if err := newerSyntaxPossible(admin, exec); err != nil {
			return err
		}
		// The parse trees are needed until the statements have run, not
		// during the introspection after it (for a 10 MB file each takes
		// some hundreds of MB): the closure must not keep them.
		run := exec
		exec = nil
		if err := loadScratch(ctx, admin, scratchURL, path, run, res); err != nil {
			return err
		}
		run = nil
		// A fresh connection: the file may have changed session state
		// (search_path, role, an open transaction).
		ic, err := connect(ctx, "dev server", scratchURL)
		if err != nil {
			return err
		}
		defer ic.Close(context.Background())
		istart := time.Now()
		s, err := Introspect(ctx, ic)
		if err != nil {
			return fmt.Errorf("introspect %s loaded on the dev server: %w", path, err)
		}
		res.Timings.Introspect = time.Since(istart)
		loader, err := blankLoaderOwners(ctx, ic, s)
		if err != nil {
			return err
		}
		if n := loaderOwnerNote(owners, loader); n != "" {
			res.Notes = append(res.Notes, n)
		}
		if s.Annotations, err = resolveAnnotations(s, anns); err != nil {
			return err
		}
		res.Schema = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.Timings.Exec = time.Since(start) - res.Timings.Introspect
	return res, nil
}

// newerSyntaxPossible returns the parse error of the first statement in
// stmts that pgshift's parser rejected (Statement.Unparsed) when the dev
// server of admin is not newer than ParserMajor: its grammar has nothing the
// parser lacks, so the statement is an error and nothing is executed.
func newerSyntaxPossible(admin *pgx.Conn, stmts []Statement) error {
	for _, st := range stmts {
		if st.Unparsed == nil {
			continue
		}
		var major int
		if f := strings.FieldsFunc(admin.PgConn().ParameterStatus("server_version"), func(r rune) bool { return r < '0' || r > '9' }); len(f) > 0 {
			major, _ = strconv.Atoi(f[0])
		}
		if major > 0 && major <= ParserMajor {
			return st.Unparsed
		}
		return nil
	}
	return nil
}

// EmptyFrom returns the model of a freshly created, empty database on the
// dev server devURL (it has the public schema and whatever the server puts
// into every new database, such as plpgsql). A diff from it to a model
// creates only the model's own objects. The scratch database is dropped.
func EmptyFrom(ctx context.Context, devURL string) (*Schema, error) {
	var s *Schema
	err := withScratch(ctx, devURL, nil, func(_ *pgx.Conn, scratchURL string) error {
		conn, err := connect(ctx, "dev server", scratchURL)
		if err != nil {
			return err
		}
		defer conn.Close(context.Background())
		s, err = Introspect(ctx, conn)
		if err != nil {
			return fmt.Errorf("introspect empty scratch database: %w", err)
		}
		return nil
	})
	return s, err
}

// withScratch connects to the dev server, creates a scratch database from
// template0, calls fn with the admin connection and the scratch database's
// connection string, and always drops the scratch database afterwards (on
// a fresh connection with a background context, so that a cancelled ctx
// still cleans up). The error of fn comes first; a failed drop is reported
// when fn succeeded. tm, when not nil, gets the durations of the CREATE and
// the DROP DATABASE.
func withScratch(ctx context.Context, devURL string, tm *LoadTimings, fn func(admin *pgx.Conn, scratchURL string) error) (err error) {
	admin, err := connect(ctx, "dev server", devURL)
	if err != nil {
		return err
	}
	defer admin.Close(context.Background())
	self := currentProc()
	dropStaleScratch(ctx, admin, self)
	name, err := scratchName(self)
	if err != nil {
		return err
	}
	ident := pgx.Identifier{name}.Sanitize()
	// The default strategy (WAL_LOG from PostgreSQL 15 on) is kept: with
	// FILE_COPY the CREATE forces two checkpoints, and CREATE plus DROP
	// took 0.86 s against 0.57 s on PostgreSQL 15 (README "Performance").
	t0 := time.Now()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+ident+" TEMPLATE template0"); err != nil {
		return fmt.Errorf("create scratch database on dev server %s: %w", ServerAddr(devURL), err)
	}
	if tm != nil {
		tm.CreateScratch = time.Since(t0)
	}
	defer func() {
		t0 := time.Now()
		if derr := dropScratch(devURL, ident); derr != nil && err == nil {
			err = derr
		}
		if tm != nil {
			tm.DropScratch = time.Since(t0)
		}
	}()
	scratchURL, err := withDatabase(admin.Config(), name)
	if err != nil {
		return err
	}
	// Commits in the scratch database need not wait for the WAL flush: it
	// is dropped afterwards, and a crash loses nothing that matters. As a
	// connection parameter it is the session default, which RESET ALL in
	// the file keeps (PostgreSQL docs, "Asynchronous Commit").
	scratchURL += " synchronous_commit='off'"
	return fn(admin, scratchURL)
}

// dropScratch drops a scratch database on a fresh admin connection.
func dropScratch(devURL, ident string) error {
	ctx, cancel := context.WithTimeout(context.Background(), dropTimeout)
	defer cancel()
	c, err := connect(ctx, "dev server", devURL)
	if err != nil {
		return fmt.Errorf("drop scratch database %s: %w", ident, err)
	}
	defer c.Close(context.Background())
	if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop scratch database %s: %w", ident, err)
	}
	return nil
}

// withDatabase returns a keyword/value connection string for the server of
// cfg with database db (the password, TLS mode and runtime parameters are
// kept).
func withDatabase(cfg *pgx.ConnConfig, db string) (string, error) {
	kv := func(k, v string) string {
		return k + "='" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
	}
	parts := []string{
		kv("host", cfg.Host),
		kv("port", strconv.Itoa(int(cfg.Port))),
		kv("user", cfg.User),
		kv("dbname", db),
	}
	if cfg.Password != "" {
		parts = append(parts, kv("password", cfg.Password))
	}
	if cfg.TLSConfig == nil {
		parts = append(parts, kv("sslmode", "disable"))
	}
	if cfg.ConnectTimeout > 0 {
		parts = append(parts, kv("connect_timeout", strconv.Itoa(int(cfg.ConnectTimeout.Seconds()))))
	}
	keys := SortedKeys(cfg.RuntimeParams)
	for _, k := range keys {
		if k == "application_name" || k == "search_path" || k == "options" {
			parts = append(parts, kv(k, cfg.RuntimeParams[k]))
		}
	}
	return strings.Join(parts, " "), nil
}

// ExecFile applies the SQL file at path to conn statement by statement over
// the simple protocol, in file order (data statements included). It stops
// at the first error, returned as a *PosError
// "file:line:col: ERROR: message (SQLSTATE xxxxx)"; a parse error executes
// nothing.
func ExecFile(ctx context.Context, conn *pgx.Conn, path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read SQL file: %w", err)
	}
	stmts, err := SplitSQL(path, src)
	if err != nil {
		return err
	}
	return ExecStatements(ctx, conn, path, stmts)
}

// ExecStatements executes stmts (from SplitSQL of the file path) one by one
// over the simple protocol. A server error becomes a *PosError at the
// statement's position, moved to the error's own position inside the
// statement when the server gives one; it wraps the *pgconn.PgError.
func ExecStatements(ctx context.Context, conn *pgx.Conn, path string, stmts []Statement) error {
	for _, st := range stmts {
		if _, err := conn.Exec(ctx, st.Text, pgx.QueryExecModeSimpleProtocol); err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return fmt.Errorf("%s:%d:%d: %w", st.FileOr(path), st.Line, st.Col, cerr)
			}
			return stmtError(path, st, err)
		}
	}
	return nil
}

// stmtError locates a server error in the file.
func stmtError(path string, st Statement, err error) error {
	path = st.FileOr(path)
	line, col := st.Line, st.Col
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return &PosError{File: path, Line: line, Col: col, Msg: err.Error(), Err: err}
	}
	if st.Unparsed != nil && pe.Code == "42601" { // syntax_error: the server agrees with pgshift's parser
		return st.Unparsed
	}
	if pe.Position > 0 {
		// Position is a 1-based character index into the statement text.
		off := charToByte(st.Text, 0, int(pe.Position)-1)
		before := st.Text[:off]
		if n := strings.Count(before, "\n"); n > 0 {
			line += n
			col = len([]rune(before[strings.LastIndexByte(before, '\n')+1:])) + 1
		} else {
			col += len([]rune(before))
		}
	}
	msg := fmt.Sprintf("%s: %s (SQLSTATE %s)", pe.Severity, pe.Message, pe.Code)
	return &PosError{File: path, Line: line, Col: col, Msg: msg, Err: err}
}

// skipExistingRoles drops from stmts the CREATE ROLE statements for roles
// that already exist on the dev server (roles are cluster-wide, not part
// of a database's schema), with a note in res for each; the CREATE ROLE
// statements it keeps get a note too.
func skipExistingRoles(ctx context.Context, admin *pgx.Conn, path string, stmts []Statement, res *LoadResult) ([]Statement, error) {
	out := make([]Statement, 0, len(stmts))
	for _, st := range stmts {
		if cr := st.Node.GetCreateRoleStmt(); cr != nil {
			var exists bool
			if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1)", cr.Role).Scan(&exists); err != nil {
				return nil, fmt.Errorf("look up role %s on the dev server: %w", QuoteIdent(cr.Role), err)
			}
			if exists {
				res.Notes = append(res.Notes, fmt.Sprintf("%s:%d:%d: role %s already exists on the dev server; CREATE ROLE skipped", st.FileOr(path), st.Line, st.Col, QuoteIdent(cr.Role)))
				continue
			}
			res.Notes = append(res.Notes, fmt.Sprintf("%s:%d:%d: CREATE ROLE %s runs on the dev server and creates the role cluster-wide", st.FileOr(path), st.Line, st.Col, QuoteIdent(cr.Role)))
		}
		out = append(out, st)
	}
	return out, nil
}

// stubRoles creates, on the dev server, NOLOGIN stub roles for the roles
// stmts refer to that do not exist, and notes it in res.
func stubRoles(ctx context.Context, admin *pgx.Conn, stmts []Statement, res *LoadResult) error {
	created, err := ensureRoles(ctx, admin, referencedRoles(stmts))
	if err != nil {
		return err
	}
	if len(created) > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("created missing role(s) %s on the dev server as NOLOGIN stub roles (cluster-wide)", strings.Join(created, ", ")))
	}
	return nil
}

// ensureRoles creates, as NOLOGIN roles, those of names that do not exist on
// the server, and returns the names it created.
func ensureRoles(ctx context.Context, admin *pgx.Conn, names []string) ([]string, error) {
	if len(names) == 0 {
		return nil, nil
	}
	rows, err := admin.Query(ctx, "SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = ANY($1)", names)
	if err != nil {
		return nil, fmt.Errorf("look up roles on the dev server: %w", err)
	}
	existing, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("look up roles on the dev server: %w", err)
	}
	have := map[string]bool{}
	for _, r := range existing {
		have[r] = true
	}
	var created []string
	for _, n := range names {
		if have[n] {
			continue
		}
		if _, err := admin.Exec(ctx, "CREATE ROLE "+pgx.Identifier{n}.Sanitize()+" NOLOGIN"); err != nil {
			var pe *pgconn.PgError
			if errors.As(err, &pe) && pe.Code == "42710" { // duplicate_object: created concurrently
				continue
			}
			return created, fmt.Errorf("create stub role %s on the dev server: %w", QuoteIdent(n), err)
		}
		created = append(created, n)
	}
	return created, nil
}

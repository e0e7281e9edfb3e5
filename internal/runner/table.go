package runner

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Table is a runner's version table. Schema "" means the first schema of
// the session's search_path that exists (current_schema()), which is
// where each runner puts an unqualified table.
type Table struct {
	Schema, Name string
	// Explicit: the name came from the URL or a flag, not the default.
	Explicit bool
}

// DefaultTable returns the runner's default table name: golang-migrate
// and dbmate schema_migrations, goose goose_db_version, Flyway
// flyway_schema_history.
func DefaultTable(format string) string {
	switch format {
	case Goose:
		return "goose_db_version"
	case Flyway:
		return "flyway_schema_history"
	default:
		return "schema_migrations"
	}
}

// Ident returns t as a quoted SQL name (unqualified when Schema is "").
func (t Table) Ident() string {
	if t.Schema == "" {
		return pgx.Identifier{t.Name}.Sanitize()
	}
	return pgx.Identifier{t.Schema, t.Name}.Sanitize()
}

// String is t for messages.
func (t Table) String() string {
	if t.Schema == "" {
		return t.Name
	}
	return t.Schema + "." + t.Name
}

// SearchPath returns the schemas of the search_path parameter of a
// postgres:// URL (nil when absent). Runners pass it to the server as a
// session setting (lib/pq and pgx turn unknown URL parameters into
// runtime parameters); dbmate also creates the first one.
func SearchPath(rawURL string) []string {
	pu, err := url.Parse(rawURL)
	if err != nil {
		return nil
	}
	sp := pu.Query().Get("search_path")
	if sp == "" {
		return nil
	}
	var out []string
	for _, s := range strings.Split(sp, ",") {
		s = strings.TrimSpace(s)
		if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
			s = strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

var reQuotedPart = regexp.MustCompile(`"(.*?)"`)

// TableFor returns the version table the runner uses for a database URL
// (the URL the user gives the runner) and an optional override
// ("[schema.]table", from --migrations-table):
//
//   - golang-migrate (database/postgres/postgres.go): x-migrations-table
//     names the table, taken literally (dots included) in current_schema(),
//     unless x-migrations-table-quoted=true, where it is "schema"."table"
//     or "table"; the default is schema_migrations in current_schema().
//   - dbmate: schema_migrations; with search_path in the URL, in its first
//     schema (dbmate creates that schema), else current_schema().
//   - goose: goose_db_version in current_schema() (goose -table takes
//     "schema.table").
//   - Flyway: flyway_schema_history in the default schema.
//
// Errors: a bad x-migrations-table-quoted value, as golang-migrate
// reports it.
func TableFor(format, rawURL, override string) (Table, error) {
	t := Table{Name: DefaultTable(format)}
	if override != "" {
		t.Explicit = true
		if i := strings.LastIndexByte(override, '.'); i > 0 {
			t.Schema, t.Name = override[:i], override[i+1:]
		} else {
			t.Name = override
		}
		return t, nil
	}
	q := url.Values{}
	if pu, err := url.Parse(rawURL); err == nil {
		q = pu.Query()
	}
	switch format {
	case GolangMigrate, "":
		name := q.Get("x-migrations-table")
		quoted := false
		if s := q.Get("x-migrations-table-quoted"); s != "" {
			b, err := strconv.ParseBool(s)
			if err != nil {
				return t, fmt.Errorf("unable to parse option x-migrations-table-quoted: %w", err)
			}
			quoted = b
		}
		if name == "" {
			break
		}
		t.Explicit = true
		if !quoted {
			t.Name = name
			break
		}
		if name[0] != '"' || name[len(name)-1] != '"' {
			return t, fmt.Errorf("x-migrations-table must be quoted (for instance '\"migrate\".\"schema_migrations\"') when x-migrations-table-quoted is enabled, current value is: %s", name)
		}
		parts := reQuotedPart.FindAllStringSubmatch(name, -1)
		if len(parts) > 2 {
			return t, fmt.Errorf("%q MigrationsTable contains too many dot characters", name)
		}
		t.Name = parts[len(parts)-1][1]
		if len(parts) == 2 {
			t.Schema = parts[0][1]
		}
	case Dbmate:
		if sp := SearchPath(rawURL); len(sp) > 0 {
			t.Schema = sp[0]
		}
	}
	return t, nil
}

// CreateTableSQL returns the statements the runner runs before its first
// migration to create its version table t (schema "" = current_schema()):
//
//   - golang-migrate ensureVersionTable: CREATE TABLE IF NOT EXISTS t
//     (version bigint not null primary key, dirty boolean not null)
//   - goose (internal/dialects/postgres.go CreateTable) plus the seed row
//     version 0 it inserts right after
//   - dbmate (pkg/driver/postgres CreateMigrationsTable): CREATE SCHEMA IF
//     NOT EXISTS for a search_path schema, then CREATE TABLE IF NOT EXISTS
//     t (version varchar(128) primary key)
//   - Flyway (createMetaDataTable.sql for PostgreSQL)
func CreateTableSQL(format string, t Table) []string {
	id := t.Ident()
	var out []string
	if t.Schema != "" && t.Schema != "public" {
		out = append(out, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{t.Schema}.Sanitize())
	}
	switch format {
	case Goose:
		out = append(out, `CREATE TABLE `+id+` (
	id integer PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,
	version_id bigint NOT NULL,
	is_applied boolean NOT NULL,
	tstamp timestamp NOT NULL DEFAULT now()
)`, `INSERT INTO `+id+` (version_id, is_applied) VALUES (0, true)`)
	case Dbmate:
		out = append(out, `CREATE TABLE IF NOT EXISTS `+id+` (version varchar(128) primary key)`)
	case Flyway:
		pk := pgx.Identifier{t.Name + "_pk"}.Sanitize()
		idx := pgx.Identifier{t.Name + "_s_idx"}.Sanitize()
		out = append(out, `CREATE TABLE `+id+` (
	"installed_rank" INT NOT NULL,
	"version" VARCHAR(50),
	"description" VARCHAR(200) NOT NULL,
	"type" VARCHAR(20) NOT NULL,
	"script" VARCHAR(1000) NOT NULL,
	"checksum" INTEGER,
	"installed_by" VARCHAR(100) NOT NULL,
	"installed_on" TIMESTAMP NOT NULL DEFAULT now(),
	"execution_time" INTEGER NOT NULL,
	"success" BOOLEAN NOT NULL
)`, `ALTER TABLE `+id+` ADD CONSTRAINT `+pk+` PRIMARY KEY ("installed_rank")`,
			`CREATE INDEX `+idx+` ON `+id+` ("success")`)
	default:
		out = append(out, `CREATE TABLE IF NOT EXISTS `+id+` (version bigint not null primary key, dirty boolean not null)`)
	}
	return out
}

// RecordSQL returns the statements the runner runs to record migration m
// as applied in t: golang-migrate SetVersion (TRUNCATE, then one row,
// dirty false), goose InsertVersion (is_applied true), dbmate
// InsertMigration, Flyway a history row (type SQL, checksum NULL: pgshift
// does not compute Flyway's CRC32, so `flyway validate` will ask for a
// repair). Versions are written as literals (they are digits and dots).
func RecordSQL(format string, t Table, m *Migration) []string {
	id := t.Ident()
	lit := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	switch format {
	case Goose:
		return []string{`INSERT INTO ` + id + ` (version_id, is_applied) VALUES (` + NormVersion(m.Version) + `, true)`}
	case Dbmate:
		return []string{`INSERT INTO ` + id + ` (version) VALUES (` + lit(m.Version) + `)`}
	case Flyway:
		desc := strings.ReplaceAll(m.Name, "_", " ")
		ver := "NULL"
		typ := "SQL"
		if m.Version != "" {
			ver = lit(strings.ReplaceAll(m.Version, "_", "."))
		}
		return []string{`INSERT INTO ` + id + ` (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) ` +
			`SELECT coalesce(max(installed_rank), 0) + 1, ` + ver + `, ` + lit(desc) + `, '` + typ + `', ` + lit(m.Files[0]) + `, NULL, current_user, 0, true FROM ` + id}
	default:
		return []string{`TRUNCATE ` + id, `INSERT INTO ` + id + ` (version, dirty) VALUES (` + NormVersion(m.Version) + `, false)`}
	}
}

// Classify returns the runner whose version table has these columns
// (name -> information_schema data_type), "" for none. The shapes are
// those CreateTableSQL makes; dbmate's table has exactly one column.
func Classify(cols map[string]string) string {
	switch {
	case cols["version_id"] != "" && cols["is_applied"] != "":
		return Goose
	case cols["installed_rank"] != "" && cols["success"] != "":
		return Flyway
	case cols["version"] == "bigint" && cols["dirty"] != "":
		return GolangMigrate
	case cols["version"] != "" && len(cols) == 1:
		return Dbmate
	}
	return ""
}

// State is what a runner's version table says.
type State struct {
	Format string
	Table  Table
	// Current is the current version: golang-migrate's one row, goose's
	// most recently applied row, dbmate's highest, Flyway's last
	// successful; "" when none.
	Current string
	// Dirty: golang-migrate's dirty flag, or a failed Flyway row.
	Dirty bool
	// Applied are the applied versions in the table's order (goose: by
	// id; dbmate: by version; Flyway: by installed_rank).
	Applied []string
	applied map[string]bool
	// UpTo: golang-migrate records only the current version; every file
	// up to it counts as applied (files below it added later are never
	// run: "no change").
	UpTo bool
	// Baseline is the version of a Flyway BASELINE row: every versioned
	// migration up to it counts as applied (Flyway docs, "Baseline").
	Baseline string
}

// IsApplied reports whether the runner counts migration m as applied.
// Flyway repeatables count as applied once anything is.
func (s *State) IsApplied(m *Migration) bool {
	if s == nil || s.Table.Name == "" {
		return false
	}
	if m.Version == "" {
		return s.Format == Flyway && len(s.Applied) > 0
	}
	if s.UpTo {
		return s.Current != "" && CompareVersions(m.Version, s.Current) <= 0
	}
	if s.Baseline != "" && CompareVersions(m.Version, s.Baseline) <= 0 {
		return true
	}
	return s.applied[NormVersion(m.Version)]
}

// ReadState reads the applied versions from t (which the caller found,
// schema set) in q, in the runner's own terms (the queries follow each
// runner's "version"/"status" code: golang-migrate Version, goose
// ListMigrations, dbmate SelectMigrations, Flyway's history by
// installed_rank).
func ReadState(ctx context.Context, q pgx.Tx, format string, t Table) (*State, error) {
	st := &State{Format: format, Table: t, applied: map[string]bool{}}
	id := t.Ident()
	add := func(v string) {
		st.Applied = append(st.Applied, v)
		st.applied[NormVersion(v)] = true
	}
	fail := func(err error) (*State, error) { return nil, fmt.Errorf("read %s: %w", t, err) }
	switch format {
	case GolangMigrate:
		st.UpTo = true
		var v int64
		err := q.QueryRow(ctx, "SELECT version, dirty FROM "+id+" LIMIT 1").Scan(&v, &st.Dirty)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fail(err)
		}
		if err == nil {
			st.Current = strconv.FormatInt(v, 10)
			add(st.Current)
		}
	case Goose:
		// Applied set: versions whose latest row (by id) is applied.
		rows, err := q.Query(ctx, "SELECT version_id, is_applied FROM (SELECT DISTINCT ON (version_id) version_id, is_applied, id FROM "+id+
			" ORDER BY version_id, id DESC) t WHERE version_id <> 0 ORDER BY id")
		if err != nil {
			return fail(err)
		}
		for rows.Next() {
			var v int64
			var ok bool
			if err := rows.Scan(&v, &ok); err != nil {
				return fail(err)
			}
			if ok {
				add(strconv.FormatInt(v, 10))
				st.Current = strconv.FormatInt(v, 10)
			}
		}
		if err := rows.Err(); err != nil {
			return fail(err)
		}
	case Dbmate:
		rows, err := q.Query(ctx, "SELECT version::text FROM "+id)
		if err != nil {
			return fail(err)
		}
		vs, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return fail(err)
		}
		sort.Slice(vs, func(i, j int) bool { return CompareVersions(vs[i], vs[j]) < 0 })
		for _, v := range vs {
			add(v)
		}
		if len(vs) > 0 {
			st.Current = vs[len(vs)-1]
		}
	case Flyway:
		rows, err := q.Query(ctx, "SELECT version, type, success FROM "+id+" WHERE version IS NOT NULL ORDER BY installed_rank")
		if err != nil {
			return fail(err)
		}
		for rows.Next() {
			var v, typ string
			var ok bool
			if err := rows.Scan(&v, &typ, &ok); err != nil {
				return fail(err)
			}
			switch {
			case !ok:
				st.Dirty = true
			case strings.HasPrefix(typ, "UNDO"):
				delete(st.applied, NormVersion(v))
			case typ == "BASELINE":
				st.Baseline = v
				add(v)
				st.Current = v
			default:
				add(v)
				st.Current = v
			}
		}
		if err := rows.Err(); err != nil {
			return fail(err)
		}
		var kept []string
		for _, v := range st.Applied {
			if st.applied[NormVersion(v)] {
				kept = append(kept, v)
			}
		}
		st.Applied = kept
	default:
		return nil, CheckFormat(format)
	}
	return st, nil
}

package schema

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Migration directory formats (the runners pgshift reads and writes).
const (
	FormatGolangMigrate = "golang-migrate"
	FormatGoose         = "goose"
	FormatDbmate        = "dbmate"
	FormatFlyway        = "flyway"
)

// MigrationFormats lists the supported directory formats.
var MigrationFormats = []string{FormatGolangMigrate, FormatGoose, FormatDbmate, FormatFlyway}

// DirPrefix marks a migrations directory as a source: "dir://migrations".
const DirPrefix = "dir://"

// IsDirSource reports whether src names a migrations directory ("dir://PATH").
func IsDirSource(src string) bool { return strings.HasPrefix(src, DirPrefix) }

// Migration is one versioned migration of a directory.
type Migration struct {
	// Version is the version as written in the file name ("20260314150926",
	// "1.2" for Flyway); "" for a Flyway repeatable (R__) migration.
	Version string
	// Name is the description part of the file name.
	Name string
	// File is the path of the file holding the up part.
	File string
	// Files are the base names of every file of the migration (up, down,
	// .conf), for integrity checks and reports.
	Files []string
	// Transactional is false when the runner runs the up part outside a
	// transaction block (goose NO TRANSACTION, dbmate transaction:false,
	// Flyway executeInTransaction=false). golang-migrate has no marker: it
	// sends the file as one query (an implicit transaction when the file
	// holds several statements).
	Transactional bool
	// up is the file text with everything but the up part blanked
	// (newlines kept), so that positions in it are positions in the file.
	up string
	// oneExec: the runner sends the up part as one query (golang-migrate,
	// dbmate); otherwise statement by statement (goose, Flyway).
	oneExec bool
	format  string
	key     []uint64
}

// Up returns the up SQL of m (the rest of the file blanked, so line
// numbers match the file).
func (m *Migration) Up() string { return m.up }

// MigrationDir is a parsed migrations directory.
type MigrationDir struct {
	Dir    string
	Format string
	// Migrations are in the order the runner applies them: by version;
	// Flyway repeatable migrations last, by name.
	Migrations []*Migration
}

var (
	reGolangMigrate = regexp.MustCompile(`^([0-9]+)_(.*)\.(up|down)\.sql$`)
	reNumbered      = regexp.MustCompile(`^([0-9]+)_(.*)\.sql$`)
	reFlyway        = regexp.MustCompile(`^([VUR])([0-9][0-9._]*)?__(.*)\.sql$`)
	reGooseUp       = regexp.MustCompile(`(?m)^\s*--\s*\+goose\s+Up\b`)
	reGooseDown     = regexp.MustCompile(`(?m)^\s*--\s*\+goose\s+Down\b`)
	reGooseNoTx     = regexp.MustCompile(`(?m)^\s*--\s*\+goose\s+NO TRANSACTION\b`)
	reDbmateUp      = regexp.MustCompile(`(?m)^--\s*migrate:up(.*)$`)
	reDbmateDown    = regexp.MustCompile(`(?m)^--\s*migrate:down(.*)$`)
	reFlywayNoTx    = regexp.MustCompile(`(?m)^\s*executeInTransaction\s*=\s*false\s*$`)
)

// DetectMigrationFormat returns the format of the migration files in dir:
// golang-migrate when there are *.up.sql files, Flyway for V<ver>__*.sql,
// goose or dbmate by the "-- +goose Up" / "-- migrate:up" marker of a
// <digits>_*.sql file. It returns "" (and no error) for a directory that
// does not exist or holds no migration files.
func DetectMigrationFormat(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("scan migrations directory: %w", err)
	}
	var numbered []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() {
			continue
		}
		switch {
		case reGolangMigrate.MatchString(n):
			return FormatGolangMigrate, nil
		case reFlyway.MatchString(n):
			return FormatFlyway, nil
		case reNumbered.MatchString(n):
			numbered = append(numbered, n)
		}
	}
	for _, n := range numbered {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return "", fmt.Errorf("read migration file: %w", err)
		}
		switch {
		case reGooseUp.Match(b):
			return FormatGoose, nil
		case reDbmateUp.Match(b):
			return FormatDbmate, nil
		}
	}
	if len(numbered) > 0 {
		return "", fmt.Errorf("migrations directory %s: cannot tell the format of %s (no -- +goose Up or -- migrate:up marker); pass the format", dir, numbered[0])
	}
	return "", nil
}

// ReadMigrationDir parses the migrations directory dir in the given format
// ("" detects it). A directory without migration files gives no
// migrations. Errors: unreadable files, a file the runner could not parse,
// duplicate versions.
func ReadMigrationDir(dir, format string) (*MigrationDir, error) {
	if format == "" {
		f, err := DetectMigrationFormat(dir)
		if err != nil {
			return nil, err
		}
		format = f
	}
	d := &MigrationDir{Dir: dir, Format: format}
	if format == "" {
		return d, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations directory: %w", err)
	}
	byVersion := map[string]*Migration{}
	add := func(m *Migration) error {
		m.format = format
		if m.Version == "" {
			d.Migrations = append(d.Migrations, m)
			return nil
		}
		k := versionKeyString(m.key)
		if o := byVersion[k]; o != nil {
			return fmt.Errorf("migrations directory %s: version %s used by both %s and %s", dir, m.Version, filepath.Base(o.File), filepath.Base(m.File))
		}
		byVersion[k] = m
		d.Migrations = append(d.Migrations, m)
		return nil
	}
	downs := map[string][]string{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		n := e.Name()
		path := filepath.Join(dir, n)
		switch format {
		case FormatGolangMigrate:
			mm := reGolangMigrate.FindStringSubmatch(n)
			if mm == nil {
				continue
			}
			if mm[3] == "down" {
				downs[mm[1]] = append(downs[mm[1]], n)
				continue
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("read migration file: %w", err)
			}
			m := &Migration{Version: mm[1], Name: mm[2], File: path, Files: []string{n}, up: string(b), oneExec: true, Transactional: true}
			if m.key, err = ParseVersion(mm[1]); err != nil {
				return nil, fmt.Errorf("migration file %s: %w", path, err)
			}
			if err := add(m); err != nil {
				return nil, err
			}
		case FormatGoose, FormatDbmate:
			mm := reNumbered.FindStringSubmatch(n)
			if mm == nil {
				continue
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("read migration file: %w", err)
			}
			m := &Migration{Version: mm[1], Name: mm[2], File: path, Files: []string{n}, Transactional: true}
			if m.key, err = ParseVersion(mm[1]); err != nil {
				return nil, fmt.Errorf("migration file %s: %w", path, err)
			}
			if format == FormatGoose {
				err = parseGoose(m, string(b))
			} else {
				err = parseDbmate(m, string(b))
			}
			if err != nil {
				return nil, err
			}
			if err := add(m); err != nil {
				return nil, err
			}
		case FormatFlyway:
			mm := reFlyway.FindStringSubmatch(n)
			if mm == nil {
				continue
			}
			if mm[1] == "U" {
				downs[mm[2]] = append(downs[mm[2]], n)
				continue
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("read migration file: %w", err)
			}
			m := &Migration{Name: mm[3], File: path, Files: []string{n}, up: string(b), Transactional: true}
			if mm[1] == "V" {
				if mm[2] == "" {
					return nil, fmt.Errorf("migration file %s: no version", path)
				}
				m.Version = mm[2]
				if m.key, err = ParseVersion(mm[2]); err != nil {
					return nil, fmt.Errorf("migration file %s: %w", path, err)
				}
			}
			if conf, err := os.ReadFile(path + ".conf"); err == nil {
				m.Files = append(m.Files, n+".conf")
				if reFlywayNoTx.Match(conf) {
					m.Transactional = false
				}
			}
			if err := add(m); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("unknown migrations format %q (supported: %s)", format, strings.Join(MigrationFormats, ", "))
		}
	}
	for _, m := range d.Migrations {
		for _, dn := range downs[m.Version] {
			m.Files = append(m.Files, dn)
			if _, err := os.Stat(filepath.Join(dir, dn+".conf")); err == nil {
				m.Files = append(m.Files, dn+".conf")
			}
		}
	}
	sort.SliceStable(d.Migrations, func(i, j int) bool {
		a, b := d.Migrations[i], d.Migrations[j]
		if (a.Version == "") != (b.Version == "") {
			return b.Version == ""
		}
		if a.Version == "" {
			return a.Name < b.Name
		}
		return compareKeys(a.key, b.key) < 0
	})
	return d, nil
}

// parseGoose takes the up section of a goose file.
func parseGoose(m *Migration, text string) error {
	up := reGooseUp.FindStringIndex(text)
	if up == nil {
		return fmt.Errorf("%s: no -- +goose Up annotation", m.File)
	}
	end := len(text)
	if dn := reGooseDown.FindStringIndex(text); dn != nil {
		if dn[0] < up[0] {
			return fmt.Errorf("%s: -- +goose Down before -- +goose Up", m.File)
		}
		end = dn[0]
	}
	m.up = blankOutside(text, up[1], end)
	m.Transactional = !reGooseNoTx.MatchString(text)
	return nil
}

// parseDbmate takes the up block of a dbmate file.
func parseDbmate(m *Migration, text string) error {
	ups := reDbmateUp.FindAllStringSubmatchIndex(text, -1)
	if len(ups) == 0 {
		return fmt.Errorf("%s: no -- migrate:up block", m.File)
	}
	if len(ups) > 1 {
		return fmt.Errorf("%s: several -- migrate:up blocks (dbmate applies only the first)", m.File)
	}
	up := ups[0]
	end := len(text)
	if dn := reDbmateDown.FindStringIndex(text); dn != nil && dn[0] > up[0] {
		end = dn[0]
	}
	m.up = blankOutside(text, up[1], end)
	m.oneExec = true
	m.Transactional = !strings.Contains(text[up[2]:up[3]], "transaction:false")
	return nil
}

// blankOutside replaces every byte of text outside [from, to) by a space,
// keeping newlines, so positions stay those of the file.
func blankOutside(text string, from, to int) string {
	b := []byte(text)
	for i := range b {
		if (i < from || i >= to) && b[i] != '\n' {
			b[i] = ' '
		}
	}
	return string(b)
}

// ParseVersion splits a migration version ("20260314150926", "1.2.3",
// "1_2") into its numeric parts.
func ParseVersion(v string) ([]uint64, error) {
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == '.' || r == '_' })
	if len(parts) == 0 {
		return nil, fmt.Errorf("bad version %q", v)
	}
	key := make([]uint64, len(parts))
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad version %q: %w", v, err)
		}
		key[i] = n
	}
	// Trailing zero parts do not count (Flyway: 1.0 == 1).
	for len(key) > 1 && key[len(key)-1] == 0 {
		key = key[:len(key)-1]
	}
	return key, nil
}

// CompareVersions compares two version strings numerically, part by part
// (-1, 0, 1); unparsable versions compare as strings.
func CompareVersions(a, b string) int {
	ka, errA := ParseVersion(a)
	kb, errB := ParseVersion(b)
	if errA != nil || errB != nil {
		return strings.Compare(a, b)
	}
	return compareKeys(ka, kb)
}

func compareKeys(a, b []uint64) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		switch {
		case a[i] < b[i]:
			return -1
		case a[i] > b[i]:
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

func versionKeyString(k []uint64) string {
	s := make([]string, len(k))
	for i, n := range k {
		s[i] = strconv.FormatUint(n, 10)
	}
	return strings.Join(s, ".")
}

// Find returns the migration with the given version (compared numerically), or nil.
func (d *MigrationDir) Find(version string) *Migration {
	for _, m := range d.Migrations {
		if m.Version != "" && CompareVersions(m.Version, version) == 0 {
			return m
		}
	}
	return nil
}

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

// Load replays, in order, the up parts of the migrations for which include
// returns true (nil: all) into a fresh scratch database on the dev server,
// the way the runner runs them (one query per file for golang-migrate and
// dbmate, statement by statement for goose and Flyway; in a transaction
// unless the file says otherwise), and returns the introspected model. Roles
// the files refer to that do not exist are created as NOLOGIN stubs. The
// scratch database is always dropped. Errors in a file are *PosError values
// located in that file.
func (d *MigrationDir) Load(ctx context.Context, devURL string, include func(*Migration) bool) (*LoadResult, error) {
	res := &LoadResult{}
	var ms []*Migration
	var stmts [][]Statement
	var all []Statement
	for _, m := range d.Migrations {
		if include != nil && !include(m) {
			continue
		}
		st, err := SplitSQL(m.File, []byte(m.up))
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
		stmts = append(stmts, st)
		all = append(all, st...)
	}
	err := withScratch(ctx, devURL, func(admin *pgx.Conn, scratchURL string) error {
		if err := stubRoles(ctx, admin, all, res); err != nil {
			return err
		}
		conn, err := connect(ctx, "dev server", scratchURL)
		if err != nil {
			return err
		}
		defer conn.Close(context.Background())
		for i, m := range ms {
			if err := replay(ctx, conn, m, stmts[i]); err != nil {
				return err
			}
		}
		ic, err := connect(ctx, "dev server", scratchURL)
		if err != nil {
			return err
		}
		defer ic.Close(context.Background())
		s, err := Introspect(ctx, ic)
		if err != nil {
			return fmt.Errorf("introspect migrations %s replayed on the dev server: %w", d.Dir, err)
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
	inTx := m.Transactional && m.format != FormatGolangMigrate
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
	if m.oneExec {
		whole := Statement{Text: m.up, Line: 1, Col: 1}
		if err := exec(m.up); err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return fail(fmt.Errorf("%s: %w", m.File, cerr))
			}
			return fail(stmtError(m.File, whole, err))
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

package runner

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Migration directory formats (the runners pgshift reads and writes).
const (
	GolangMigrate = "golang-migrate"
	Goose         = "goose"
	Dbmate        = "dbmate"
	Flyway        = "flyway"
)

// Formats lists the supported directory formats.
func Formats() []string { return []string{GolangMigrate, Goose, Dbmate, Flyway} }

// CheckFormat returns an error for an unsupported format name.
func CheckFormat(format string) error {
	for _, f := range Formats() {
		if f == format {
			return nil
		}
	}
	return fmt.Errorf("unsupported migration format %q (supported: %s)", format, strings.Join(Formats(), ", "))
}

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
	// Up is the file text with everything but the up part blanked
	// (newlines kept), so that positions in it are positions in the file.
	Up string
	// OneExec: the runner sends the up part as one query (golang-migrate,
	// dbmate); otherwise statement by statement (goose, Flyway).
	OneExec bool
	// Go marks a goose Go migration (N_name.go): goose runs Go code that
	// pgshift cannot run; Up is empty.
	Go bool
	// Format is the directory's format.
	Format string
	// Key is the numeric form of Version (trailing zero parts dropped).
	Key []uint64
}

// Dir is a parsed migrations directory.
type Dir struct {
	Dir    string
	Format string
	// Migrations are in the order the runner applies them: by version;
	// Flyway repeatable migrations last, by name.
	Migrations []*Migration
}

// File name patterns, from each runner's source:
//   - golang-migrate source/parse.go: ^([0-9]+)_(.*)\.(down|up)\.(.*)$
//   - goose migration.go NumericComponent: digits before the first "_",
//     extension .sql or .go (not _test.go), version >= 1
//   - dbmate: ^(\d+).*\.sql$ (pkg/dbmate/migration.go)
//   - Flyway: V<version>__<desc>.sql, U<version>__..., R__<desc>.sql
var (
	reGolangMigrate = regexp.MustCompile(`^([0-9]+)_(.*)\.(up|down)\.(.*)$`)
	reGooseFile     = regexp.MustCompile(`^([0-9]+)_(.*)\.(sql|go)$`)
	reDbmateFile    = regexp.MustCompile(`^([0-9]+)(.*)\.sql$`)
	reFlyway        = regexp.MustCompile(`^([VUR])([0-9][0-9._]*)?__(.*)\.sql$`)
	reGooseUpAny    = regexp.MustCompile(`(?mi)^\s*--\s*\+goose\s+up\b`)
	reDbmateUp      = regexp.MustCompile(`(?m)^--\s*migrate:up(.*)$`)
	reDbmateDown    = regexp.MustCompile(`(?m)^--\s*migrate:down(.*)$`)
	reFlywayNoTx    = regexp.MustCompile(`(?m)^\s*executeInTransaction\s*=\s*false\s*$`)
	// reFlywayNonTxStmt: statements Flyway's PostgreSQL parser
	// (PostgreSQLParser.detectCanExecuteInTransaction) recognises as unable
	// to run in a transaction block, so it runs the file without one.
	reFlywayNonTxStmt = regexp.MustCompile(`(?im)^\s*(CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY|DROP\s+INDEX\s+CONCURRENTLY|REINDEX\b[^;]*\bCONCURRENTLY|VACUUM|(CREATE|DROP)\s+(DATABASE|TABLESPACE)|ALTER\s+SYSTEM|ALTER\s+TYPE\b[^;]*\bADD\s+VALUE)\b`)
)

// Detect returns the format of the migration files in dir: golang-migrate
// when there are N_name.up.sql files, Flyway for V<ver>__*.sql, goose or
// dbmate by the "-- +goose Up" (any case) / "-- migrate:up" marker of a
// <digits>_*.sql file, goose for N_name.go files. It returns "" (and no
// error) for a directory that does not exist or holds no migration files.
func Detect(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("scan migrations directory: %w", err)
	}
	var numbered []string
	goFiles := false
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() {
			continue
		}
		switch {
		case reGolangMigrate.MatchString(n) && strings.HasSuffix(n, ".sql"):
			return GolangMigrate, nil
		case reFlyway.MatchString(n):
			return Flyway, nil
		case strings.HasSuffix(n, ".sql") && reGooseFile.MatchString(n):
			numbered = append(numbered, n)
		case strings.HasSuffix(n, ".go") && reGooseFile.MatchString(n) && !strings.HasSuffix(n, "_test.go"):
			goFiles = true
		}
	}
	for _, n := range numbered {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return "", fmt.Errorf("read migration file: %w", err)
		}
		switch {
		case reGooseUpAny.Match(b):
			return Goose, nil
		case reDbmateUp.Match(b):
			return Dbmate, nil
		}
	}
	if len(numbered) > 0 {
		return "", fmt.Errorf("migrations directory %s: cannot tell the format of %s (no -- +goose Up or -- migrate:up marker); pass the format", dir, numbered[0])
	}
	if goFiles {
		return Goose, nil
	}
	return "", nil
}

// RuleError is a file the runner refuses: File and Line locate it, Rule
// says which of the runner's rules it breaks (in the runner's words where
// it has them).
type RuleError struct {
	Runner, File string
	Line         int
	Rule         string
}

func (e *RuleError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:1: %s refuses this file: %s", e.File, e.Line, e.Runner, e.Rule)
	}
	return fmt.Sprintf("%s: %s refuses this file: %s", e.File, e.Runner, e.Rule)
}

// ReadDir parses the migrations directory dir in the given format (""
// detects it). A directory without migration files gives no migrations.
// Errors: unreadable files, a file the runner refuses (*RuleError),
// duplicate versions (every runner refuses them).
func ReadDir(dir, format string) (*Dir, error) {
	if format == "" {
		f, err := Detect(dir)
		if err != nil {
			return nil, err
		}
		format = f
	}
	d := &Dir{Dir: dir, Format: format}
	if format == "" {
		return d, nil
	}
	if err := CheckFormat(format); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations directory: %w", err)
	}
	byVersion := map[string]*Migration{}
	add := func(m *Migration) error {
		m.Format = format
		if m.Version == "" {
			d.Migrations = append(d.Migrations, m)
			return nil
		}
		var err error
		if m.Key, err = ParseVersion(m.Version); err != nil {
			return fmt.Errorf("migration file %s: %w", m.File, err)
		}
		k := keyString(m.Key)
		if o := byVersion[k]; o != nil {
			return fmt.Errorf("migrations directory %s: version %s used by both %s and %s (%s refuses duplicate versions)", dir, m.Version, filepath.Base(o.File), filepath.Base(m.File), format)
		}
		byVersion[k] = m
		d.Migrations = append(d.Migrations, m)
		return nil
	}
	read := func(path string) (string, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("read migration file: %w", err)
		}
		return string(b), nil
	}
	downs := map[string][]string{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		n := e.Name()
		path := filepath.Join(dir, n)
		var m *Migration
		switch format {
		case GolangMigrate:
			mm := reGolangMigrate.FindStringSubmatch(n)
			if mm == nil {
				continue
			}
			if mm[3] == "down" {
				downs[mm[1]] = append(downs[mm[1]], n)
				continue
			}
			text, err := read(path)
			if err != nil {
				return nil, err
			}
			m = &Migration{Version: mm[1], Name: mm[2], File: path, Files: []string{n}, Up: text, OneExec: true, Transactional: true}
		case Goose:
			mm := reGooseFile.FindStringSubmatch(n)
			if mm == nil || strings.HasSuffix(n, "_test.go") {
				continue
			}
			m = &Migration{Version: mm[1], Name: mm[2], File: path, Files: []string{n}, Transactional: true}
			if mm[3] == "go" {
				m.Go = true
			} else {
				text, err := read(path)
				if err != nil {
					return nil, err
				}
				if err := parseGoose(m, text); err != nil {
					return nil, err
				}
			}
			if mm[1] == strings.Repeat("0", len(mm[1])) {
				return nil, &RuleError{Runner: Goose, File: path, Rule: "migration version must be greater than zero"}
			}
		case Dbmate:
			mm := reDbmateFile.FindStringSubmatch(n)
			if mm == nil {
				continue
			}
			text, err := read(path)
			if err != nil {
				return nil, err
			}
			m = &Migration{Version: mm[1], Name: strings.TrimPrefix(mm[2], "_"), File: path, Files: []string{n}, Transactional: true}
			if err := parseDbmate(m, text); err != nil {
				return nil, err
			}
		case Flyway:
			mm := reFlyway.FindStringSubmatch(n)
			if mm == nil {
				continue
			}
			if mm[1] == "U" {
				downs[mm[2]] = append(downs[mm[2]], n)
				continue
			}
			text, err := read(path)
			if err != nil {
				return nil, err
			}
			m = &Migration{Name: mm[3], File: path, Files: []string{n}, Up: text, Transactional: true}
			if mm[1] == "V" {
				if mm[2] == "" {
					return nil, &RuleError{Runner: Flyway, File: path, Rule: "a versioned migration V<version>__<description>.sql needs a version"}
				}
				m.Version = mm[2]
			}
			if reFlywayNonTxStmt.MatchString(text) {
				m.Transactional = false
			}
			if conf, err := os.ReadFile(path + ".conf"); err == nil {
				m.Files = append(m.Files, n+".conf")
				if reFlywayNoTx.Match(conf) {
					m.Transactional = false
				}
			}
		}
		if err := add(m); err != nil {
			return nil, err
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
		return compareKeys(a.Key, b.Key) < 0
	})
	return d, nil
}

// Find returns the migration with the given version (compared
// numerically), or nil.
func (d *Dir) Find(version string) *Migration {
	for _, m := range d.Migrations {
		if m.Version != "" && CompareVersions(m.Version, version) == 0 {
			return m
		}
	}
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

// parseDbmate takes the up block of a dbmate file. dbmate
// (pkg/dbmate/migration.go parseMigrationContents) requires an
// "-- migrate:up" and an "-- migrate:down" line, each at the start of a
// line, the up block first; options such as transaction:false follow the
// directive on its line. The up block runs as one Exec.
func parseDbmate(m *Migration, text string) error {
	ups := reDbmateUp.FindAllStringSubmatchIndex(text, -1)
	if len(ups) == 0 {
		return &RuleError{Runner: Dbmate, File: m.File, Rule: "dbmate requires each migration to define an up block with '-- migrate:up'"}
	}
	if len(ups) > 1 {
		return &RuleError{Runner: Dbmate, File: m.File, Line: lineOf(text, ups[1][0]), Rule: "several -- migrate:up blocks: dbmate applies only the first and records the file as applied"}
	}
	up := ups[0]
	dn := reDbmateDown.FindStringIndex(text)
	if dn == nil {
		return &RuleError{Runner: Dbmate, File: m.File, Rule: "dbmate requires each migration to define a down block with '-- migrate:down'"}
	}
	if dn[0] < up[0] {
		// dbmate looks for the down block after the up block only.
		return &RuleError{Runner: Dbmate, File: m.File, Line: lineOf(text, dn[0]), Rule: "dbmate requires each migration to define a down block with '-- migrate:down' (after '-- migrate:up')"}
	}
	m.Up = blankOutside(text, up[1], dn[0])
	m.OneExec = true
	m.Transactional = !strings.Contains(text[up[2]:up[3]], "transaction:false")
	return nil
}

// lineOf returns the 1-based line of byte offset off in text.
func lineOf(text string, off int) int { return strings.Count(text[:off], "\n") + 1 }

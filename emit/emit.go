// Package emit renders a planner.Plan as SQL text and as migration files
// for a migration runner (golang-migrate for now), and writes those files
// atomically.
package emit

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/pgshift/pgshift/internal/runner"
	"github.com/pgshift/pgshift/planner"
)

// Migration file formats.
const (
	// FormatGolangMigrate: <version>_<name>.up.sql and <version>_<name>.down.sql.
	FormatGolangMigrate = runner.GolangMigrate
	// FormatGoose: <version>_<name>.sql with -- +goose Up / -- +goose Down.
	FormatGoose = runner.Goose
	// FormatDbmate: <version>_<name>.sql with -- migrate:up / -- migrate:down.
	FormatDbmate = runner.Dbmate
	// FormatFlyway: V<version>__<name>.sql, U<version>__<name>.sql and,
	// for a non-transactional migration, a .sql.conf next to each.
	FormatFlyway = runner.Flyway
)

// Formats lists the supported file formats.
var Formats = runner.Formats()

// DefaultName is the migration name used when Options.Name is empty (or
// sanitizes to nothing).
const DefaultName = "pgshift"

// DefaultLockTimeout is the lock_timeout every file sets unless told otherwise.
const DefaultLockTimeout = "5s"

// Options control Files.
type Options struct {
	// Format is the runner format (Format* constants); "" means
	// FormatGolangMigrate.
	Format string
	// Name is the migration name put in file names; it is sanitized to
	// [a-z0-9_]. "" means DefaultName.
	Name string
	// Description goes into the header comment of every file (may be multi-line).
	Description string
	// Dir is the migrations directory the files are meant for: its existing
	// versions are scanned so that new versions are strictly greater. ""
	// (or a directory that does not exist) means no existing versions.
	Dir string
	// Now is the generation time; zero means time.Now(). It is used in UTC.
	Now time.Time
	// LockTimeout is the lock_timeout of every file: "" means
	// DefaultLockTimeout, "none" sets none.
	LockTimeout string
	// StatementTimeout is the statement_timeout of every file; "" sets
	// none. A step's own StatementTimeout overrides it for the step's file.
	StatementTimeout string
}

// File is one migration file to write.
type File struct {
	// Name is the base name, e.g. "20260102150405_add_users.up.sql".
	Name string
	// Version is the file's version number.
	Version uint64
	// Content is the complete file text.
	Content []byte
}

// CheckFormat returns an error for an unsupported format name.
func CheckFormat(format string) error { return runner.CheckFormat(format) }

// Files renders plan as migration files of opts.Format. Steps are grouped
// into migrations: consecutive transactional steps of the same phase (and
// the same statement_timeout) share one migration; a new migration starts
// at every phase change; every non-transactional step is a migration of
// its own (for golang-migrate and dbmate, whose runners send a file as one
// query, one migration per statement). Versions follow the numbering of
// opts.Dir (runner.NumberingOf): in a sequentially numbered directory
// (001, 0001, ...) the next integers, zero-padded alike; otherwise UTC
// YYYYMMDDHHMMSS, at least Now and strictly greater than every version
// already there, one second apart. A migration's down part holds the down statements of
// its steps in reverse step order. Every transactional file starts with
// SET LOCAL lock_timeout (and statement_timeout, when set). An empty plan
// gives no files. Errors: an unsupported format, an unreadable Dir.
func Files(plan *planner.Plan, opts Options) ([]File, error) {
	if opts.Format == "" {
		opts.Format = FormatGolangMigrate
	}
	if err := CheckFormat(opts.Format); err != nil {
		return nil, err
	}
	if plan == nil || plan.Empty() {
		return nil, nil
	}
	groups := groupSteps(plan.Steps, opts.Format == FormatGolangMigrate || opts.Format == FormatDbmate)
	numbering, err := existingVersions(opts.Dir)
	if err != nil {
		return nil, err
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	vs := &versions{n: numbering, now: now.UTC().Truncate(time.Second), last: numbering.Max}
	r := renderer{opts: opts, name: SanitizeName(opts.Name), plan: plan}
	var files []File
	var txs []bool // per file: its migration is transactional
	for _, g := range groups {
		fs := r.files(vs.next(), vs, g)
		files = append(files, fs...)
		for range fs {
			txs = append(txs, g.tx)
		}
	}
	markReviewed(files, txs, opts.Format)
	return files, nil
}

// group is the steps of one migration.
type group struct {
	steps []*planner.Step
	tx    bool
}

// groupSteps splits steps into migrations: runs of consecutive
// transactional steps with the same phase and statement timeout, and each
// non-transactional step alone (split per up statement when oneStatement).
func groupSteps(steps []*planner.Step, oneStatement bool) []group {
	var groups []group
	var cur []*planner.Step
	flush := func() {
		if len(cur) > 0 {
			groups = append(groups, group{steps: cur, tx: true})
			cur = nil
		}
	}
	for _, s := range steps {
		if !s.Transactional {
			flush()
			if oneStatement && len(s.Up) > 1 {
				// The runner sends the file as one query, an implicit
				// transaction: one statement per file. The step's down
				// goes with its last statement.
				for i, u := range s.Up {
					part := *s
					part.Up = []string{u}
					part.Down = nil
					part.Irreversible = ""
					if i == len(s.Up)-1 {
						part.Down = s.Down
						part.Irreversible = s.Irreversible
					}
					if i > 0 {
						part.Summary = fmt.Sprintf("%s (part %d of %d)", s.Summary, i+1, len(s.Up))
					} else {
						part.Summary = fmt.Sprintf("%s (part 1 of %d)", s.Summary, len(s.Up))
					}
					groups = append(groups, group{steps: []*planner.Step{&part}})
				}
				continue
			}
			groups = append(groups, group{steps: []*planner.Step{s}})
			continue
		}
		if len(cur) > 0 {
			last := cur[len(cur)-1]
			if last.PhaseOf() != s.PhaseOf() || last.StatementTimeout != s.StatementTimeout ||
				statements(cur)+max(len(s.Up), len(s.Down)) > MaxFileStatements {
				flush()
			}
		}
		cur = append(cur, s)
	}
	flush()
	return groups
}

// MaxFileStatements bounds the statements of one transactional file. A plan
// of thousands of steps in one transaction takes a lock per touched
// relation and can exhaust the server's lock table ("out of shared memory",
// max_locks_per_transaction × max_connections slots); larger runs of steps
// are split into consecutive files, each its own transaction.
const MaxFileStatements = 300

// statements counts the up or down statements of steps, whichever is more.
func statements(steps []*planner.Step) int {
	up, down := 0, 0
	for _, s := range steps {
		up += len(s.Up)
		down += len(s.Down)
	}
	return max(up, down)
}

// SQL returns the plan's up script: every step's Up statements in order,
// each step preceded by a "-- <Summary>" comment (and, for a step that must
// run outside a transaction block, a "-- non-transactional: ..." line); ""
// for an empty plan.
func SQL(plan *planner.Plan) string {
	if plan == nil || plan.Empty() {
		return ""
	}
	return upText(plan.Steps)
}

// DownSQL returns the plan's down script: every step's Down statements in
// reverse step order, with "-- irreversible: <reason>" comments; "" for an
// empty plan.
func DownSQL(plan *planner.Plan) string {
	if plan == nil || plan.Empty() {
		return ""
	}
	return downText(plan.Steps)
}

// upText renders steps' Up statements in order.
func upText(steps []*planner.Step) string {
	var b strings.Builder
	writeSteps(&b, steps, false, writeStatement)
	return b.String()
}

// downText renders steps' Down statements in reverse step order.
func downText(steps []*planner.Step) string {
	var b strings.Builder
	writeSteps(&b, steps, true, writeStatement)
	return b.String()
}

// writeSteps writes the up (or, when down, the down in reverse step
// order) statements of steps, each step preceded by its comment lines;
// stmt writes one statement.
func writeSteps(b *strings.Builder, steps []*planner.Step, down bool, stmt func(*strings.Builder, string)) {
	for i := range steps {
		s := steps[i]
		if down {
			s = steps[len(steps)-1-i]
		}
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString("-- " + oneLine(s.Summary) + "\n")
		if !down {
			if l := lockLine(s); l != "" {
				b.WriteString("-- " + l + "\n")
			}
			if !s.Transactional {
				b.WriteString("-- non-transactional: must run outside a transaction block\n")
			}
		} else if s.Irreversible != "" {
			b.WriteString("-- irreversible: " + oneLine(s.Irreversible) + "\n")
		}
		stmts := s.Up
		if down {
			stmts = s.Down
		}
		for _, st := range stmts {
			stmt(b, st)
		}
	}
}

// lockLine describes a step's lock and hazards:
// "lock: ACCESS EXCLUSIVE on public.users; hazards: table-rewrite, blocking-lock";
// "" when it has neither.
func lockLine(s *planner.Step) string {
	var parts []string
	if s.Lock != "" {
		l := "lock: " + s.Lock
		if len(s.Relations) > 0 {
			l += " on " + strings.Join(s.Relations, ", ")
		}
		parts = append(parts, l)
	}
	if len(s.Hazards) > 0 {
		var ks []string
		seen := map[planner.HazardKind]bool{}
		for _, h := range s.Hazards {
			if !seen[h.Kind] {
				seen[h.Kind] = true
				ks = append(ks, string(h.Kind))
			}
		}
		parts = append(parts, "hazards: "+strings.Join(ks, ", "))
	}
	return strings.Join(parts, "; ")
}

// writeStatement writes one statement on its own line(s), ending in ";".
func writeStatement(b *strings.Builder, st string) {
	st = strings.TrimRight(st, " \t\r\n")
	if st == "" {
		return
	}
	b.WriteString(st)
	if !strings.HasSuffix(st, ";") {
		if i := strings.LastIndexByte(st, '\n'); strings.Contains(st[i+1:], "--") {
			b.WriteString("\n") // do not put the semicolon into a trailing line comment
		}
		b.WriteString(";")
	}
	b.WriteString("\n")
}

// oneLine joins a multi-line text into one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

var nonName = regexp.MustCompile(`[^a-z0-9_]+`)

// SanitizeName lowercases name and replaces every run of characters
// outside [a-z0-9_] by one underscore, trimming underscores at both ends
// and cutting it to 64 characters; an empty result gives DefaultName.
func SanitizeName(name string) string {
	n := nonName.ReplaceAllString(strings.ToLower(name), "_")
	n = strings.Trim(n, "_")
	if len(n) > 64 {
		n = strings.TrimRight(n[:64], "_")
	}
	if n == "" {
		return DefaultName
	}
	return n
}

// migrationFile matches a migration file name (golang-migrate, goose,
// dbmate: <digits>_..., Flyway: V<digits>[._...]__...) and captures its
// (first) version number.
var migrationFile = regexp.MustCompile(`^(?:[0-9]+_.*|[VU][0-9]+(?:[._][0-9]+)*__.*)\.sql$`)

var leadingDigits = regexp.MustCompile(`[0-9]+`)

// existingVersions returns the numbering of the migration files in dir
// (runner.NumberingOf over their leading version digits; zero when there
// are none or dir does not exist).
func existingVersions(dir string) (runner.Numbering, error) {
	if dir == "" {
		return runner.Numbering{}, nil
	}
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return runner.Numbering{}, nil
	}
	if err != nil {
		return runner.Numbering{}, fmt.Errorf("scan migrations directory: %w", err)
	}
	var vs []string
	for _, e := range entries {
		if !migrationFile.MatchString(e.Name()) || e.IsDir() {
			continue
		}
		vs = append(vs, leadingDigits.FindString(e.Name()))
	}
	n, err := runner.NumberingOf(vs)
	if err != nil {
		return n, fmt.Errorf("migrations directory %s: %w", dir, err)
	}
	return n, nil
}

// versions hands out strictly increasing versions in the directory's
// numbering (runner.Numbering): timestamps one second apart, or the next
// integers of a sequentially numbered directory.
type versions struct {
	n    runner.Numbering
	now  time.Time
	last uint64
}

// next returns the next version.
func (v *versions) next() uint64 {
	v.last = v.n.Next(v.last, v.now)
	return v.last
}

// format writes a version the way the directory does.
func (v *versions) format(n uint64) string { return v.n.Format(n) }

// Write writes files into dir (created if missing) atomically: every file
// is first written and synced under a temporary name in dir, then renamed
// into place; on any error everything written so far is removed, so the
// directory is left as it was. It refuses to overwrite an existing file or
// to add a version that is not greater than every version already in dir.
// It returns the paths written, in order.
func Write(dir string, files []File) ([]string, error) {
	if len(files) == 0 {
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create migrations directory: %w", err)
	}
	existing, err := existingVersions(dir)
	if err != nil {
		return nil, err
	}
	maxV := existing.Max
	for _, f := range files {
		if f.Name != filepath.Base(f.Name) || f.Name == "" {
			return nil, fmt.Errorf("bad migration file name %q", f.Name)
		}
		if f.Version <= maxV {
			return nil, fmt.Errorf("migration %s: version %d is not newer than version %d already in %s", f.Name, f.Version, maxV, dir)
		}
		if _, err := os.Lstat(filepath.Join(dir, f.Name)); err == nil {
			return nil, fmt.Errorf("migration %s already exists in %s", f.Name, dir)
		}
	}
	var temps, done []string
	cleanup := func() {
		for _, p := range temps {
			_ = os.Remove(p)
		}
		for _, p := range done {
			_ = os.Remove(p)
		}
	}
	for _, f := range files {
		tmp, err := writeTemp(dir, f.Content)
		if tmp != "" {
			temps = append(temps, tmp)
		}
		if err != nil {
			cleanup()
			return nil, err
		}
	}
	for i, f := range files {
		dst := filepath.Join(dir, f.Name)
		if err := os.Rename(temps[i], dst); err != nil {
			cleanup()
			return nil, fmt.Errorf("write migration file: %w", err)
		}
		done = append(done, dst)
		temps[i] = dst // already moved: cleanup removes it through done
	}
	return done, nil
}

// writeTemp writes content to a new temporary file in dir and returns its
// path (also on a write error, so the caller can remove it).
func writeTemp(dir string, content []byte) (string, error) {
	f, err := os.CreateTemp(dir, ".pgshift-*.tmp")
	if err != nil {
		return "", fmt.Errorf("write migration file: %w", err)
	}
	name := f.Name()
	if _, err := f.Write(content); err != nil {
		f.Close()
		return name, fmt.Errorf("write migration file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return name, fmt.Errorf("write migration file: %w", err)
	}
	if err := f.Close(); err != nil {
		return name, fmt.Errorf("write migration file: %w", err)
	}
	if err := os.Chmod(name, 0o644); err != nil {
		return name, fmt.Errorf("write migration file: %w", err)
	}
	return name, nil
}

// DetectFormat returns the format of the migration files already in dir
// ("" when there are none or dir does not exist).
func DetectFormat(dir string) (string, error) { return runner.Detect(dir) }

// Script returns the plan's up script for running in one session (psql):
// "SET lock_timeout" (and "SET statement_timeout") from opts, then SQL(plan).
// A step's own StatementTimeout is set before it and the plan's value
// restored after it. "" for an empty plan.
func Script(plan *planner.Plan, opts Options) string {
	if plan == nil || plan.Empty() {
		return ""
	}
	r := renderer{opts: opts}
	var b strings.Builder
	for _, kv := range r.settings(group{}) {
		b.WriteString("SET " + kv[0] + " = " + quoteLiteral(kv[1]) + ";\n")
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	base := opts.StatementTimeout
	for i, s := range plan.Steps {
		if i > 0 {
			b.WriteString("\n")
		}
		if s.StatementTimeout != "" {
			b.WriteString("SET statement_timeout = " + quoteLiteral(s.StatementTimeout) + ";\n")
		}
		writeSteps(&b, []*planner.Step{s}, false, writeStatement)
		if s.StatementTimeout != "" {
			if base == "" || base == "none" {
				b.WriteString("RESET statement_timeout;\n")
			} else {
				b.WriteString("SET statement_timeout = " + quoteLiteral(base) + ";\n")
			}
		}
	}
	return b.String()
}

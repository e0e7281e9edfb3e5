// Package emit renders a planner.Plan as SQL text and as migration files
// for a migration runner (golang-migrate for now), and writes those files
// atomically.
package emit

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pgshift/pgshift/planner"
)

// FormatGolangMigrate is the golang-migrate file format:
// <version>_<name>.up.sql and <version>_<name>.down.sql.
const FormatGolangMigrate = "golang-migrate"

// DefaultName is the migration name used when Options.Name is empty (or
// sanitizes to nothing).
const DefaultName = "pgshift"

// timeLayout is the golang-migrate `migrate create` version layout (UTC).
const timeLayout = "20060102150405"

// Options control Files.
type Options struct {
	// Format is the runner format; "" means FormatGolangMigrate, the only one supported.
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

// Files renders plan as golang-migrate file pairs. Consecutive
// transactional steps share one pair; every non-transactional step gets a
// pair of its own (golang-migrate sends a file as one implicit transaction).
// Versions are UTC YYYYMMDDHHMMSS, at least Now and strictly greater than
// every version already in opts.Dir, one second apart. The down file of a
// pair holds the down statements of its steps in reverse step order. An
// empty plan gives no files. Errors: an unsupported format, an unreadable
// Dir.
func Files(plan *planner.Plan, opts Options) ([]File, error) {
	if opts.Format != "" && opts.Format != FormatGolangMigrate {
		return nil, fmt.Errorf("unsupported migration format %q (supported: %s)", opts.Format, FormatGolangMigrate)
	}
	if plan == nil || plan.Empty() {
		return nil, nil
	}
	groups := groupSteps(plan.Steps)
	maxV, width, err := existingVersions(opts.Dir)
	if err != nil {
		return nil, err
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	vs := newVersions(now.UTC().Truncate(time.Second), maxV, width)
	name := SanitizeName(opts.Name)
	header := headerComment(opts.Description)
	var files []File
	for _, g := range groups {
		v := vs.next()
		base := vs.format(v) + "_" + name
		files = append(files,
			File{Name: base + ".up.sql", Version: v, Content: []byte(header + upText(g))},
			File{Name: base + ".down.sql", Version: v, Content: []byte(header + downText(g))},
		)
	}
	return files, nil
}

// groupSteps splits steps into runs of consecutive transactional steps,
// with each non-transactional step alone.
func groupSteps(steps []*planner.Step) [][]*planner.Step {
	var groups [][]*planner.Step
	var cur []*planner.Step
	for _, s := range steps {
		if !s.Transactional {
			if len(cur) > 0 {
				groups = append(groups, cur)
				cur = nil
			}
			groups = append(groups, []*planner.Step{s})
			continue
		}
		cur = append(cur, s)
	}
	if len(cur) > 0 {
		groups = append(groups, cur)
	}
	return groups
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
	for i, s := range steps {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString("-- " + oneLine(s.Summary) + "\n")
		if !s.Transactional {
			b.WriteString("-- non-transactional: must run outside a transaction block\n")
		}
		writeStatements(&b, s.Up)
	}
	return b.String()
}

// downText renders steps' Down statements in reverse step order.
func downText(steps []*planner.Step) string {
	var b strings.Builder
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		if i < len(steps)-1 {
			b.WriteString("\n")
		}
		b.WriteString("-- " + oneLine(s.Summary) + "\n")
		if s.Irreversible != "" {
			b.WriteString("-- irreversible: " + oneLine(s.Irreversible) + "\n")
		}
		writeStatements(&b, s.Down)
	}
	return b.String()
}

// writeStatements writes each statement on its own line(s), ending in ";".
func writeStatements(b *strings.Builder, stmts []string) {
	for _, st := range stmts {
		st = strings.TrimRight(st, " \t\r\n")
		if st == "" {
			continue
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
}

// headerComment returns the header lines of every file.
func headerComment(desc string) string {
	var b strings.Builder
	b.WriteString("-- generated by pgshift\n")
	desc = strings.TrimSpace(desc)
	if desc != "" {
		for _, l := range strings.Split(desc, "\n") {
			b.WriteString(strings.TrimRight("-- "+strings.TrimRight(l, "\r"), " ") + "\n")
		}
	}
	b.WriteString("\n")
	return b.String()
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

// migrationFile matches a golang-migrate file name and captures its version.
var migrationFile = regexp.MustCompile(`^([0-9]+)_.*\.sql$`)

// existingVersions returns the highest version among the migration files
// in dir and the digit count it is written with (0, 0 when there are none
// or dir does not exist).
func existingVersions(dir string) (maxV uint64, width int, err error) {
	if dir == "" {
		return 0, 0, nil
	}
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("scan migrations directory: %w", err)
	}
	for _, e := range entries {
		m := migrationFile.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() {
			continue
		}
		v, err := strconv.ParseUint(m[1], 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("migration file %s: version %s: %w", filepath.Join(dir, e.Name()), m[1], err)
		}
		if v >= maxV {
			maxV, width = v, len(m[1])
		}
	}
	return maxV, width, nil
}

// versions hands out strictly increasing versions: timestamps one second
// apart, or plain integers when the directory already holds a version
// beyond the current time that is not a timestamp.
type versions struct {
	t       time.Time // next timestamp, in timestamp mode
	n       uint64    // next integer, in integer mode
	integer bool
	width   int // zero-padding width in integer mode
}

// newVersions starts after max(now, last existing version + 1).
func newVersions(now time.Time, maxExisting uint64, width int) *versions {
	if v, _ := strconv.ParseUint(now.Format(timeLayout), 10, 64); v > maxExisting {
		return &versions{t: now}
	}
	if t, err := time.Parse(timeLayout, fmt.Sprintf("%014d", maxExisting)); err == nil && maxExisting >= 1e13 {
		return &versions{t: t.Add(time.Second)}
	}
	return &versions{n: maxExisting + 1, integer: true, width: width}
}

// next returns the next version.
func (v *versions) next() uint64 {
	if v.integer {
		n := v.n
		v.n++
		return n
	}
	n, _ := strconv.ParseUint(v.t.Format(timeLayout), 10, 64)
	v.t = v.t.Add(time.Second)
	return n
}

// format writes a version the way the directory does.
func (v *versions) format(n uint64) string {
	if v.integer {
		return fmt.Sprintf("%0*d", v.width, n)
	}
	return strconv.FormatUint(n, 10)
}

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
	maxV, _, err := existingVersions(dir)
	if err != nil {
		return nil, err
	}
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

package emit

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// SumFile is the integrity file of a migrations directory: one SHA-256 per
// migration file and a total over them, in the spirit of atlas.sum:
//
//	h1:<base64 SHA-256 of the lines below>
//	<file name> h1:<base64 SHA-256 of the file>
//	...
//
// Files are the *.sql and *.sql.conf files of the directory (not hidden
// ones), sorted by name.
const SumFile = "pgshift.sum"

// sumTracked reports whether a directory entry is covered by pgshift.sum.
func sumTracked(name string) bool {
	return !strings.HasPrefix(name, ".") && (strings.HasSuffix(name, ".sql") || strings.HasSuffix(name, ".sql.conf"))
}

func hashOf(b []byte) string {
	h := sha256.Sum256(b)
	return "h1:" + base64.StdEncoding.EncodeToString(h[:])
}

// SumText returns the pgshift.sum text for files (base name -> content).
func SumText(files map[string][]byte) []byte {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var body strings.Builder
	for _, n := range names {
		body.WriteString(n + " " + hashOf(files[n]) + "\n")
	}
	return []byte(hashOf([]byte(body.String())) + "\n" + body.String())
}

// dirFiles reads the files of dir that pgshift.sum covers; a missing dir
// gives none.
func dirFiles(dir string) (map[string][]byte, error) {
	out := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("scan migrations directory: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || !sumTracked(e.Name()) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration file: %w", err)
		}
		out[e.Name()] = b
	}
	return out, nil
}

// SumError says which files of a migrations directory do not match its
// pgshift.sum.
type SumError struct {
	Dir string
	// Edited files differ from their recorded hash; Missing files are
	// recorded but gone.
	Edited, Missing []string
	// Corrupt is set when the sum file itself cannot be read.
	Corrupt string
}

func (e *SumError) Error() string {
	var parts []string
	if e.Corrupt != "" {
		parts = append(parts, fmt.Sprintf("%s is not a valid sum file: %s", filepath.Join(e.Dir, SumFile), e.Corrupt))
	}
	for _, f := range e.Edited {
		parts = append(parts, fmt.Sprintf("%s was edited after it was generated (its hash differs from %s)", filepath.Join(e.Dir, f), SumFile))
	}
	for _, f := range e.Missing {
		parts = append(parts, fmt.Sprintf("%s is listed in %s but missing", filepath.Join(e.Dir, f), SumFile))
	}
	return strings.Join(parts, "; ")
}

// CheckSum verifies dir against its pgshift.sum. It returns the tracked
// files that the sum does not list (written by hand after the last
// generate; not an error), and a *SumError naming every edited or missing
// file. A directory without pgshift.sum passes.
func CheckSum(dir string) (unlisted []string, err error) {
	raw, err := os.ReadFile(filepath.Join(dir, SumFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", SumFile, err)
	}
	files, err := dirFiles(dir)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	se := &SumError{Dir: dir}
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "h1:") {
		se.Corrupt = "the first line is not a total hash"
		return nil, se
	}
	body := strings.Join(lines[1:], "\n")
	if len(lines) > 1 {
		body += "\n"
	}
	if hashOf([]byte(body)) != lines[0] {
		se.Corrupt = "the total hash does not match its lines (edited by hand?)"
	}
	listed := map[string]bool{}
	for _, l := range lines[1:] {
		i := strings.LastIndex(l, " h1:")
		if i <= 0 {
			se.Corrupt = fmt.Sprintf("bad line %q", l)
			continue
		}
		name, h := l[:i], l[i+1:]
		listed[name] = true
		b, ok := files[name]
		switch {
		case !ok:
			se.Missing = append(se.Missing, name)
		case hashOf(b) != h:
			se.Edited = append(se.Edited, name)
		}
	}
	for n := range files {
		if !listed[n] {
			unlisted = append(unlisted, n)
		}
	}
	sort.Strings(unlisted)
	if se.Corrupt != "" || len(se.Edited) > 0 || len(se.Missing) > 0 {
		return unlisted, se
	}
	return unlisted, nil
}

// WriteWithSum checks dir against its pgshift.sum (an edited or missing
// generated file is an error, see CheckSum), writes files atomically (see
// Write) and then rewrites pgshift.sum over every file of the directory.
// When the sum cannot be written, the new files are removed again. It
// returns the paths written, the sum file last.
func WriteWithSum(dir string, files []File) ([]string, error) {
	if len(files) == 0 {
		return nil, nil
	}
	if _, err := CheckSum(dir); err != nil {
		return nil, err
	}
	paths, err := Write(dir, files)
	if err != nil {
		return nil, err
	}
	if err := WriteSum(dir); err != nil {
		for _, p := range paths {
			_ = os.Remove(p)
		}
		return nil, err
	}
	return append(paths, filepath.Join(dir, SumFile)), nil
}

// WriteSum (re)writes dir's pgshift.sum over the files now in dir, atomically.
func WriteSum(dir string) error {
	files, err := dirFiles(dir)
	if err != nil {
		return err
	}
	tmp, err := writeTemp(dir, SumText(files))
	if err != nil {
		if tmp != "" {
			_ = os.Remove(tmp)
		}
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, SumFile)); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", SumFile, err)
	}
	return nil
}

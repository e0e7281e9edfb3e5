package e2e

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pgshift/pgshift/planner"
)

// corpusEntry is one corpus schema: its name (the directory's base name),
// its directory, and the majors its schema.sql loads on.
type corpusEntry struct {
	name, dir string
	lo, hi    int // majors schema.sql loads on (planner.MinMajor..planner.MaxMajor when unbounded)
}

// corpusEntries lists the corpus: every directory of ../shared/corpus with a
// schema.sql, plus the entries testdata/corpus/entries.tsv names elsewhere
// under ../shared (e.g. corpus-next/openslides), sorted by name. The majors
// an entry loads on come from a min_major / max_major file next to its
// schema.sql, else from its row in entries.tsv, else 13-18. It returns
// load.sh's path; a missing ../shared/corpus skips the test (fails on CI),
// an unreadable or malformed table fails it.
func corpusEntries(t *testing.T) (loadSh string, entries []corpusEntry) {
	t.Helper()
	shared := filepath.Join(repoRoot(t), "..", "shared")
	dir := filepath.Join(shared, "corpus")
	loadSh = filepath.Join(dir, "load.sh")
	if _, err := os.Stat(loadSh); err != nil {
		// CI always has shared/ beside the clone: there a missing corpus is
		// an error, never a silent pass.
		if os.Getenv("CI") != "" {
			t.Fatalf("corpus not found at %s (CI expects ../shared/corpus next to the repository): %v", dir, err)
		}
		t.Skipf("corpus not found at %s (expected ../shared/corpus next to the repository): %v", dir, err)
	}
	table, err := readCorpusTable(filepath.Join(repoRoot(t), "testdata", "corpus", "entries.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	add := func(entryDir string) {
		e := corpusEntry{name: filepath.Base(entryDir), dir: entryDir, lo: planner.MinMajor, hi: planner.MaxMajor}
		if seen[e.name] {
			t.Fatalf("corpus entry %s twice (%s)", e.name, entryDir)
		}
		seen[e.name] = true
		rel, _ := filepath.Rel(shared, entryDir)
		if b, ok := table[filepath.ToSlash(rel)]; ok {
			e.lo, e.hi = b[0], b[1]
		}
		for i, f := range []string{"min_major", "max_major"} {
			raw, err := os.ReadFile(filepath.Join(entryDir, f))
			if os.IsNotExist(err) {
				continue
			}
			m, err2 := strconv.Atoi(strings.TrimSpace(string(raw)))
			if err != nil || err2 != nil {
				t.Fatalf("%s: want a major number: %v %v", filepath.Join(entryDir, f), err, err2)
			}
			if i == 0 {
				e.lo = m
			} else {
				e.hi = m
			}
		}
		entries = append(entries, e)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range ents {
		if _, err := os.Stat(filepath.Join(dir, de.Name(), "schema.sql")); de.IsDir() && err == nil {
			add(filepath.Join(dir, de.Name()))
		}
	}
	for _, rel := range sortedTableKeys(table) {
		if strings.HasPrefix(rel, "corpus/") {
			continue
		}
		p := filepath.Join(shared, filepath.FromSlash(rel))
		if _, err := os.Stat(filepath.Join(p, "schema.sql")); err != nil {
			t.Fatalf("testdata/corpus/entries.tsv names %s: %v", rel, err)
		}
		add(p)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	return loadSh, entries
}

// readCorpusTable reads testdata/corpus/entries.tsv: entry path (relative
// to ../shared) -> [min_major, max_major].
func readCorpusTable(path string) (map[string][2]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string][2]int{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Fields(line)
		if len(fs) < 3 {
			return nil, fmt.Errorf("%s:%d: want: entry min_major max_major [why]", path, n)
		}
		b := [2]int{planner.MinMajor, planner.MaxMajor}
		for i, v := range fs[1:3] {
			if v == "-" {
				continue
			}
			m, err := strconv.Atoi(v)
			if err != nil || m < planner.MinMajor || m > planner.MaxMajor {
				return nil, fmt.Errorf("%s:%d: %q: want a major %d-%d or -", path, n, v, planner.MinMajor, planner.MaxMajor)
			}
			b[i] = m
		}
		out[fs[0]] = b
	}
	return out, sc.Err()
}

func sortedTableKeys(m map[string][2]int) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// loadsOn reports whether the entry's schema.sql is documented to load on
// major m.
func (e corpusEntry) loadsOn(m int) bool { return m >= e.lo && m <= e.hi }

// TestCorpusEntries: the table is read, openslides from corpus-next is an
// entry, and the majors come from the table (musicbrainz 15+, chado up to
// 16) — on the real server, each entry documented not to load on it indeed
// fails to load.
func TestCorpusEntries(t *testing.T) {
	loadSh, entries := corpusEntries(t)
	got := map[string]corpusEntry{}
	for _, e := range entries {
		got[e.name] = e
	}
	for name, want := range map[string][2]int{"musicbrainz": {15, planner.MaxMajor}, "chado": {planner.MinMajor, 16}, "openslides": {15, planner.MaxMajor}, "pagila": {planner.MinMajor, planner.MaxMajor}} {
		e, ok := got[name]
		if !ok {
			t.Errorf("corpus entry %s missing", name)
			continue
		}
		if [2]int{e.lo, e.hi} != want {
			t.Errorf("%s loads on %d-%d, want %d-%d", name, e.lo, e.hi, want[0], want[1])
		}
	}
	if e := got["openslides"]; !strings.Contains(filepath.ToSlash(e.dir), "corpus-next/openslides") {
		t.Errorf("openslides dir %q, want ../shared/corpus-next/openslides", e.dir)
	}
	m := serverMajor(t)
	for _, e := range entries {
		if e.loadsOn(m) {
			continue
		}
		if err := tryLoadCorpus(t, loadSh, e.dir, fmt.Sprintf("pgshift_corpus_entries_%s_%d", e.name, os.Getpid())); err == nil {
			t.Errorf("%s: documented to load on %d-%d only, but schema.sql loads on %d", e.name, e.lo, e.hi, m)
		}
	}
}

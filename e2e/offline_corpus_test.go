package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pgshift/pgshift/schema"
	"github.com/pgshift/pgshift/schema/offline"
)

// TestOfflineParityCorpus compares, for every corpus schema.sql, the
// offline model (offline.LoadOfflineFile) with the model introspected after
// loading the file with load.sh, object by object, and reports per corpus
// entry "objects equal / total" with the known gaps the file uses (the
// table in README.md "Offline parity"). It fails only when the offline
// loader itself fails; PARITY_VERBOSE=1 logs every differing object.
func TestOfflineParityCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus tests are slow; skipped in -short mode")
	}
	// Runs beside the other parallel tests (the round-trip cases), not
	// before all of them.
	t.Parallel()
	loadSh, entries := corpusEntries(t)
	var names []string
	for _, e := range entries {
		names = append(names, e.name)
	}
	type row struct {
		equal, total int
		gaps         []string
		kinds        map[string][2]int // object kind -> equal, total
	}
	var mu sync.Mutex
	rows := map[string]*row{}
	t.Run("entries", func(t *testing.T) {
		for _, e := range entries {
			name := e.name
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				acquire(t)
				file := filepath.Join(e.dir, "schema.sql")
				off, err := offline.LoadOfflineFile(file)
				if err != nil {
					t.Fatalf("offline: %v", err)
				}
				db := fmt.Sprintf("pgshift_offline_%s_%d", name, os.Getpid())
				if err := tryLoadCorpus(t, loadSh, e.dir, db); err != nil {
					t.Skipf("does not load on this server: %v", err)
				}
				u := loadCorpus(t, loadSh, e.dir, db, false)
				in := introspect(t, u)
				rep := offline.CompareParity(in, off.Schema)
				r := &row{equal: rep.Equal, total: rep.Total, kinds: map[string][2]int{}}
				for _, g := range off.Gaps {
					r.gaps = append(r.gaps, g.Gap)
				}
				// per-kind counts: every object not in Diffs is equal
				all := parityIDs(in, off.Schema)
				for _, id := range all {
					kind, _ := schema.SplitID(id)
					c := r.kinds[kind]
					c[1]++
					if _, bad := rep.Diffs[id]; !bad {
						c[0]++
					}
					r.kinds[kind] = c
				}
				mu.Lock()
				rows[name] = r
				mu.Unlock()
				if os.Getenv("PARITY_VERBOSE") != "" {
					for _, id := range schema.SortedKeys(rep.Diffs) {
						t.Logf("%s:\n%s", id, rep.Diffs[id])
					}
				}
			})
		}
	})
	var b strings.Builder
	fmt.Fprintf(&b, "| corpus | objects equal / total | tables | types | sequences | functions | views | known gaps used |\n|---|---|---|---|---|---|---|---|\n")
	for _, n := range names {
		r := rows[n]
		if r == nil {
			continue
		}
		k := func(kind string) string {
			c := r.kinds[kind]
			if c[1] == 0 {
				return "-"
			}
			return fmt.Sprintf("%d/%d", c[0], c[1])
		}
		fmt.Fprintf(&b, "| %s | %d / %d (%.0f %%) | %s | %s | %s | %s | %s | %s |\n", n, r.equal, r.total,
			100*float64(r.equal)/float64(max(r.total, 1)), k("table"), k("type"), k("sequence"), k("function"), k("view"), strings.Join(r.gaps, ", "))
	}
	t.Logf("offline parity per corpus schema.sql:\n%s", b.String())
}

// parityIDs lists the object IDs CompareParity compares (union of both models).
func parityIDs(a, b *schema.Schema) []string {
	set := map[string]bool{}
	for _, s := range []*schema.Schema{a, b} {
		for k := range s.Namespaces {
			set[schema.ID(schema.KindSchema, k)] = true
		}
		for k := range s.Extensions {
			set[schema.ID(schema.KindExtension, k)] = true
		}
		for k := range s.Types {
			set[schema.ID(schema.KindType, k)] = true
		}
		for k := range s.Sequences {
			set[schema.ID(schema.KindSequence, k)] = true
		}
		for k := range s.Tables {
			set[schema.ID(schema.KindTable, k)] = true
		}
		for k := range s.Views {
			set[schema.ID(schema.KindView, k)] = true
		}
		for k := range s.Functions {
			set[schema.ID(schema.KindFunction, k)] = true
		}
		if len(s.Unmanaged) > 0 {
			set["unmanaged"] = true
		}
	}
	return schema.SortedKeys(set)
}

package offline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pgshift/pgshift/internal/devdb"
	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/schema"
)

// parityResult is one file's parity outcome.
type parityResult struct {
	name  string
	r     *ParityReport
	gaps  []string
	err   error
	total int
}

// TestOfflineParityCases compares, for every testdata/cases/*/*/{from,to}.sql
// (and the example), the offline model with the model introspected after
// loading the file on the test server. Files that use a known offline gap
// are listed with the gap names; every other file must match 100 %.
// PARITY_FILTER=substring limits the files; PARITY_VERBOSE=1 also shows the
// differences of files that use gaps.
func TestOfflineParityCases(t *testing.T) {
	if testing.Short() {
		t.Skip("loads every case file on the server")
	}
	files, _ := filepath.Glob("../../testdata/cases/*/*/*.sql")
	files = append(files, "../../testdata/example/schema.sql", "../../testdata/example/current.sql")
	sort.Strings(files)
	if f := os.Getenv("PARITY_FILTER"); f != "" {
		var keep []string
		for _, x := range files {
			if strings.Contains(x, f) {
				keep = append(keep, x)
			}
		}
		files = keep
	}
	// A throw-away cluster of its own when server binaries exist (faster
	// and independent of the shared server), else the test server.
	dev := pgtest.AdminURL()
	if bin, err := devdb.FindBinaries(devdb.FindOptions{BinDir: os.Getenv("PGSHIFT_PG_BIN"), Path: os.Getenv("PATH")}); err == nil {
		srv, err := devdb.Start(context.Background(), devdb.Options{BinDir: bin})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		dev = srv.URL
	}
	var mu sync.Mutex
	var results []parityResult
	sem := make(chan struct{}, 6)
	t.Run("files", func(t *testing.T) {
		for _, f := range files {
			f := f
			name := strings.TrimPrefix(f, "../../testdata/")
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				sem <- struct{}{}
				defer func() { <-sem }()
				res := parityResult{name: name}
				off, err := LoadOfflineFile(f)
				if err != nil {
					t.Fatalf("offline: %v", err)
				}
				in, err := schema.LoadSQL(context.Background(), dev, f)
				if err != nil {
					t.Fatalf("load: %v", err)
				}
				res.r = CompareParity(in, off.Schema)
				for _, g := range off.Gaps {
					res.gaps = append(res.gaps, g.Gap)
				}
				mu.Lock()
				results = append(results, res)
				mu.Unlock()
				if len(res.gaps) > 0 && os.Getenv("PARITY_VERBOSE") == "" {
					return
				}
				for _, id := range schema.SortedKeys(res.r.Diffs) {
					msg := fmt.Sprintf("%s differs offline (-introspected +offline):\n%s", id, res.r.Diffs[id])
					if len(res.gaps) > 0 {
						t.Logf("(gaps %v) %s", res.gaps, msg)
					} else {
						t.Error(msg)
					}
				}
			})
		}
	})
	sort.Slice(results, func(i, j int) bool { return results[i].name < results[j].name })
	var total, equal, clean, gapped, cleanTotal, cleanEqual int
	var lines []string
	for _, r := range results {
		total += r.r.Total
		equal += r.r.Equal
		if len(r.gaps) == 0 {
			clean++
			cleanTotal += r.r.Total
			cleanEqual += r.r.Equal
			continue
		}
		gapped++
		lines = append(lines, fmt.Sprintf("%-58s %3d/%-3d gaps: %s", r.name, r.r.Equal, r.r.Total, strings.Join(r.gaps, ", ")))
	}
	t.Logf("offline parity on testdata: %d/%d objects equal; %d files without gaps: %d/%d objects equal; %d files using gaps:\n%s",
		equal, total, clean, cleanEqual, cleanTotal, gapped, strings.Join(lines, "\n"))
}

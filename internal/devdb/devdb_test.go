package devdb

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func findOrSkip(t *testing.T) string {
	t.Helper()
	dir, err := FindBinaries(FindOptions{BinDir: os.Getenv("PGSHIFT_PG_BIN"), Path: os.Getenv("PATH")})
	if err != nil {
		t.Skipf("no server binaries: %v", err)
	}
	return dir
}

// postgresPids returns the pids of running processes whose executable is
// in binDir/postgres and whose command line mentions dir.
func postgresPids(t *testing.T, dir string) []int {
	t.Helper()
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		if strings.Contains(string(cmdline), dir) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func TestStartClose(t *testing.T) {
	bin := findOrSkip(t)
	var log strings.Builder
	s, err := Start(context.Background(), Options{BinDir: bin, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	tmp := s.TempDir()
	if !strings.Contains(log.String(), "PostgreSQL ") || s.VersionNum < 100000 {
		t.Errorf("log %q, version %d", log.String(), s.VersionNum)
	}
	c, err := pgx.Connect(context.Background(), s.URL)
	if err != nil {
		t.Fatal(err)
	}
	var listen string
	if err := c.QueryRow(context.Background(), "SHOW listen_addresses").Scan(&listen); err != nil || listen != "" {
		t.Errorf("listen_addresses = %q (%v), want empty", listen, err)
	}
	c.Close(context.Background())
	if len(postgresPids(t, tmp)) == 0 {
		t.Errorf("no postgres process found for %s", tmp)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("%s still exists (%v)", tmp, err)
	}
	if p := postgresPids(t, tmp); len(p) > 0 {
		t.Errorf("processes left: %v", p)
	}
}

func TestCacheReuse(t *testing.T) {
	bin := findOrSkip(t)
	base := t.TempDir()
	for _, d := range []string{filepath.Dir(base), base} {
		if err := os.Chmod(d, 0o755); err != nil { // the server may run as another user
			t.Fatal(err)
		}
	}
	cache := filepath.Join(base, "cache")
	for i := 0; i < 2; i++ {
		var log strings.Builder
		s, err := Start(context.Background(), Options{BinDir: bin, CacheDir: cache, Log: &log})
		if err != nil {
			t.Fatal(err)
		}
		created := strings.Contains(log.String(), "created")
		if created != (i == 0) {
			t.Errorf("run %d: log %q", i, log.String())
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(cache, "data", "PG_VERSION")); err != nil {
		t.Errorf("cluster not kept: %v", err)
	}
}

func TestFindBinariesNone(t *testing.T) {
	_, err := FindBinaries(FindOptions{SearchRoots: []string{t.TempDir()}})
	if err == nil || !strings.Contains(err.Error(), "no PostgreSQL server binaries") {
		t.Errorf("err = %v", err)
	}
}

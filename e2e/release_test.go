package e2e

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMakeBuildStampsVersion builds pgshift the way release builds do
// (make build, -buildvcs=false, version and commit passed by -ldflags) and
// checks that `pgshift version` reports them.
func TestMakeBuildStampsVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	// Runs beside the other parallel tests (the round-trip cases), not
	// before all of them.
	t.Parallel()
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not installed")
	}
	root := repoRoot(t)
	head, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skip("not a git checkout")
	}
	bin := filepath.Join(t.TempDir(), "pgshift")
	cmd := exec.Command("make", "-s", "build", "BIN="+bin, "VERSION=v9.9.9-test")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "pgshift v9.9.9-test\ncommit: " + strings.TrimSpace(string(head)) + "\n"
	if !strings.HasPrefix(string(out), want) || !strings.Contains(string(out), "\nparser: github.com/pganalyze/pg_query_go/") {
		t.Fatalf("pgshift version:\n%s\nwant prefix:\n%s", out, want)
	}
}

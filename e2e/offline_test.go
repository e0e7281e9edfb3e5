package e2e

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pgshift/pgshift/internal/devdb"
)

// buildPgshift builds the command into a temp dir and returns its path.
func buildPgshift(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "pgshift")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/pgshift")
	cmd.Dir = repoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// privateTmp returns a fresh TMPDIR the provisioned server (which runs as
// an unprivileged user when the tests run as root) can enter.
func privateTmp(t *testing.T) string {
	t.Helper()
	d := t.TempDir()
	for _, p := range []string{filepath.Dir(d), d} {
		if err := os.Chmod(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// cleanEnv is the environment without any dev server: PGSHIFT_DEV_URL and
// DATABASE_URL unset, and libpq defaults pointing at a closed port, so that
// nothing can fall back to the server at 127.0.0.1:5432.
func cleanEnv(tmp string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "PGSHIFT_DEV_URL", "DATABASE_URL", "PGHOST", "PGPORT", "TMPDIR", "PGSHIFT_PG_BIN":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "TMPDIR="+tmp, "PGHOST=127.0.0.1", "PGPORT=1")
}

// serverProcesses lists the processes whose command line mentions dir.
func serverProcesses(dir string) []string {
	ents, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		cl := strings.ReplaceAll(string(b), "\x00", " ")
		if strings.Contains(cl, dir) {
			out = append(out, e.Name()+": "+cl)
		}
	}
	return out
}

// assertNothingLeft checks that tmp is empty and no process refers to it.
func assertNothingLeft(t *testing.T, tmp string) {
	t.Helper()
	ents, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		t.Errorf("left behind in TMPDIR: %s", e.Name())
	}
	// The postmaster exits within the shutdown; give the kernel a moment to reap.
	for i := 0; i < 50 && len(serverProcesses(tmp)) > 0; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	for _, p := range serverProcesses(tmp) {
		t.Errorf("process left running: %s", p)
	}
}

func needBinaries(t *testing.T) {
	t.Helper()
	if _, err := devdb.FindBinaries(devdb.FindOptions{Path: os.Getenv("PATH")}); err != nil {
		t.Skipf("no PostgreSQL server binaries: %v", err)
	}
}

// TestMainJobAutoProvisioned runs the README's main-job command with no dev
// server configured and libpq pointing at a closed port: pgshift starts a
// throw-away cluster on a Unix socket, and afterwards no process, socket or
// temp directory is left.
func TestMainJobAutoProvisioned(t *testing.T) {
	needBinaries(t)
	bin := buildPgshift(t)
	tmp := privateTmp(t)
	cmd := exec.Command(bin, "diff", "--from", "testdata/example/current.sql", "--to", "testdata/example/schema.sql", "--verbose")
	cmd.Dir = repoRoot(t)
	cmd.Env = cleanEnv(tmp)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pgshift diff: %v\nstderr:\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "-- dev database: PostgreSQL ") || !strings.Contains(stderr.String(), "stopped and removed") {
		t.Errorf("stderr does not report the dev database:\n%s", stderr.String())
	}
	if !strings.Contains(stdout.String(), "comments") {
		t.Errorf("stdout lacks the migration:\n%s", stdout.String())
	}
	assertNothingLeft(t, tmp)
}

// TestInterruptCleansUp sends SIGINT (Ctrl-C) while the throw-away cluster
// is in use: pgshift stops it and removes its files before exiting.
func TestInterruptCleansUp(t *testing.T) {
	needBinaries(t)
	bin := buildPgshift(t)
	tmp := privateTmp(t)
	// A large schema keeps the load busy long enough to be interrupted.
	big := filepath.Join(t.TempDir(), "big.sql")
	var sb strings.Builder
	for i := 0; i < 3000; i++ {
		sb.WriteString("CREATE TABLE t" + strconv.Itoa(i) + " (id serial PRIMARY KEY, a text, b int CHECK (b > 0));\n")
	}
	if err := os.WriteFile(big, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "diff", "--from", "testdata/example/current.sql", "--to", big, "--verbose")
	cmd.Dir = repoRoot(t)
	cmd.Env = cleanEnv(tmp)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	sc := bufio.NewScanner(stderr)
	started := false
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "-- dev database: PostgreSQL") {
			started = true
			time.Sleep(300 * time.Millisecond) // inside the load
			_ = cmd.Process.Signal(syscall.SIGINT)
		}
	}
	err = cmd.Wait()
	if !started {
		t.Fatalf("dev database never started:\n%s", log.String())
	}
	if err == nil {
		t.Logf("pgshift finished before the interrupt reached it:\n%s", log.String())
	} else if !strings.Contains(log.String(), "interrupted") && !strings.Contains(log.String(), "context canceled") {
		t.Errorf("exit %v without an interruption message:\n%s", err, log.String())
	}
	assertNothingLeft(t, tmp)
}

// TestOfflineGitRevision: pgshift diff --offline --from git:HEAD~1:PATH --to
// PATH in a repository where PATH changed in the last commit.
func TestOfflineGitRevision(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	bin := buildPgshift(t)
	repo := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	path := filepath.Join(repo, "testdata", "example", "schema.sql")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile := func(src string) {
		b, err := os.ReadFile(filepath.Join(repoRoot(t), src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q")
	copyFile("testdata/example/current.sql")
	git("add", ".")
	git("commit", "-q", "-m", "old")
	copyFile("testdata/example/schema.sql")
	git("add", ".")
	git("commit", "-q", "-m", "new")

	cmd := exec.Command(bin, "diff", "--offline", "--from", "git:HEAD~1:testdata/example/schema.sql", "--to", "testdata/example/schema.sql")
	cmd.Dir = repo
	cmd.Env = cleanEnv(t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pgshift diff --offline: %v\nstderr:\n%s", err, stderr.String())
	}
	for _, want := range []string{"comments", "blocked"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("offline migration does not mention %q:\n%s\nstderr:\n%s", want, stdout.String(), stderr.String())
		}
	}
	// The view in the example is a known gap: --offline says so.
	if !strings.Contains(stderr.String(), `offline gap "view"`) {
		t.Errorf("no warning for the view gap:\n%s", stderr.String())
	}
	// No changes between a revision and itself.
	cmd = exec.Command(bin, "diff", "--offline", "--from", "git:HEAD:testdata/example/schema.sql", "--to", "testdata/example/schema.sql", "--exit-code")
	cmd.Dir = repo
	cmd.Env = cleanEnv(t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("same revision: %v\n%s", err, out)
	}
}

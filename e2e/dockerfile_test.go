package e2e

import (
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/pgshift/pgshift/emit"
	"github.com/pgshift/pgshift/internal/pgtest"
)

// dockerfileArrangement is what TestDockerfileRuntime reads off the
// Dockerfile: the build stage's go build command, the path it writes and
// the path the final stage copies, the PostgreSQL major and binaries
// directory, the user and the entry point.
type dockerfileArrangement struct {
	build, buildOut, copied, pgMajor, pgBin, user, entry string
}

func readDockerfile(t *testing.T, path string) dockerfileArrangement {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(src), "\\\n", " ") // continuation lines
	one := func(re string) []string {
		t.Helper()
		m := regexp.MustCompile(`(?m)` + re).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("%s: no line matching %s", path, re)
		}
		return m
	}
	var d dockerfileArrangement
	b := one(`^RUN (CGO_ENABLED=1 go build .* -o (\S+) \./cmd/pgshift)\s*$`)
	d.build, d.buildOut = b[1], b[2]
	d.copied = one(`^COPY --from=build (\S+) /usr/local/bin/pgshift$`)[1]
	d.pgMajor = one(`^ARG PG_MAJOR=(\d+)$`)[1]
	d.pgBin = one(`^ENV PGSHIFT_PG_BIN=(\S+)$`)[1]
	d.user = one(`^USER (\S+)$`)[1]
	d.entry = one(`^ENTRYPOINT \["(\S+)"\]$`)[1]
	return d
}

// TestDockerfileRuntime checks the image's arrangement without a Docker
// daemon (none here, and no registry for its base images): pgshift is
// built with the Dockerfile's own go build command, then run the way the
// image runs it, as the Dockerfile's USER with its PGSHIFT_PG_BIN pointing
// at the server binaries of Debian's postgresql-<major> package (the major
// installed here in place of the image's PG_MAJOR), and no --dev-url:
// `drift` starts its own throw-away cluster, passes on a database the
// migrations made and finds a column added behind their back.
func TestDockerfileRuntime(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	t.Parallel()
	root := repoRoot(t)
	d := readDockerfile(t, filepath.Join(root, "Dockerfile"))
	if d.buildOut != d.copied || d.entry != filepath.Base(d.copied) {
		t.Fatalf("the build writes %s, the final stage copies %s to /usr/local/bin/pgshift and runs %q", d.buildOut, d.copied, d.entry)
	}
	if !strings.Contains(d.pgBin, "${PG_MAJOR}") {
		t.Fatalf("PGSHIFT_PG_BIN=%s does not follow PG_MAJOR", d.pgBin)
	}
	if os.Geteuid() != 0 {
		t.Skip("runs pgshift as " + d.user + ": needs root")
	}
	u, err := user.Lookup(d.user)
	if err != nil {
		t.Skipf("no user %s here: %v", d.user, err)
	}
	majors, _ := filepath.Glob("/usr/lib/postgresql/*/bin/postgres")
	if len(majors) == 0 {
		t.Skip("no Debian postgresql-<major> package here")
	}
	local := filepath.Base(filepath.Dir(filepath.Dir(majors[len(majors)-1])))
	pgBin := strings.ReplaceAll(d.pgBin, "${PG_MAJOR}", local)
	if _, err := os.Stat(filepath.Join(pgBin, "initdb")); err != nil {
		t.Fatalf("PGSHIFT_PG_BIN=%s (PG_MAJOR=%s, the image's default %s): %v", pgBin, local, d.pgMajor, err)
	}

	// A directory the image's user can read, as /usr/local/bin and the
	// mounted /work are in the container.
	work, err := os.MkdirTemp("", "pgshift-dockerfile-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(work) })
	if err := os.Chmod(work, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(work, "pgshift")
	build := strings.NewReplacer("${VERSION}", "v0.0.0-docker", "${COMMIT}", "", d.buildOut, bin).Replace(d.build)
	cmd := exec.Command("sh", "-c", build)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", build, err, out)
	}

	dir := writeFiles(t, filepath.Join(work, "migrations"), map[string]string{
		"001_init.up.sql":   "CREATE TABLE public.accounts (id bigint PRIMARY KEY, email text NOT NULL);\n",
		"001_init.down.sql": "DROP TABLE public.accounts;\n",
	})
	db := pgtest.NewDB(t)
	if err := newRunner(t, emit.FormatGolangMigrate, dir, db).up(); err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	drift := func() (int, string) {
		t.Helper()
		cmd := exec.Command(bin, "drift", "--url", db, "--dir", dir)
		cmd.Dir = work
		cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + work, "PGSHIFT_PG_BIN=" + pgBin}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
		out, err := cmd.CombinedOutput()
		return exitStatus(t, "pgshift drift", err), string(out)
	}
	if code, out := drift(); code != 0 {
		t.Fatalf("drift as %s with PGSHIFT_PG_BIN=%s, in sync: exit %d\n%s", d.user, pgBin, code, out)
	}
	pgtest.Exec(t, pgtest.Connect(t, db), "ALTER TABLE public.accounts ADD COLUMN sneaky int")
	if code, out := drift(); code != 2 || !strings.Contains(out, "sneaky") {
		t.Fatalf("drift after a column was added: exit %d, want 2 naming it\n%s", code, out)
	}
}

// Package devdb provisions a throw-away PostgreSQL cluster to serve as the
// dev server when the user names none: it finds the server binaries,
// initdb's a cluster in a temporary directory, starts it listening only on a
// Unix socket inside that directory (no TCP port), and removes everything
// again on Close.
//
// When the process runs as root (CI containers), initdb and postgres run as
// an unprivileged system user ("postgres" if it exists, else "nobody"), since
// PostgreSQL refuses to run as root.
package devdb

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultSearchRoots are the directories whose */bin subdirectories are
// searched for server binaries (Debian/Ubuntu layout), newest major first.
var DefaultSearchRoots = []string{"/usr/lib/postgresql"}

// ErrNoBinaries is returned by FindBinaries when no server binaries exist.
var ErrNoBinaries = errors.New("no PostgreSQL server binaries (initdb, postgres) found")

// FindOptions say where to look for server binaries.
type FindOptions struct {
	// BinDir is an explicit directory (--pg-bin / $PGSHIFT_PG_BIN); when set,
	// nothing else is searched.
	BinDir string
	// Path is the PATH to search (colon separated); "" searches nothing.
	Path string
	// SearchRoots default to DefaultSearchRoots when nil.
	SearchRoots []string
}

// FindBinaries returns the directory holding initdb and postgres: BinDir,
// else the first PATH directory with both, else the newest
// <root>/<major>/bin. It returns an error wrapping ErrNoBinaries when none
// is found.
func FindBinaries(o FindOptions) (string, error) {
	if o.BinDir != "" {
		if hasBinaries(o.BinDir) {
			return o.BinDir, nil
		}
		return "", fmt.Errorf("%w in %s", ErrNoBinaries, o.BinDir)
	}
	for _, d := range filepath.SplitList(o.Path) {
		if d != "" && hasBinaries(d) {
			return d, nil
		}
	}
	roots := o.SearchRoots
	if roots == nil {
		roots = DefaultSearchRoots
	}
	for _, root := range roots {
		ents, err := os.ReadDir(root)
		if err != nil {
			continue
		}
		type cand struct {
			dir string
			ver float64
		}
		var cands []cand
		for _, e := range ents {
			v, err := strconv.ParseFloat(e.Name(), 64)
			if err != nil {
				continue
			}
			d := filepath.Join(root, e.Name(), "bin")
			if hasBinaries(d) {
				cands = append(cands, cand{d, v})
			}
		}
		sort.Slice(cands, func(i, j int) bool { return cands[i].ver > cands[j].ver })
		if len(cands) > 0 {
			return cands[0].dir, nil
		}
	}
	return "", fmt.Errorf("%w (searched $PATH and %s/*/bin)", ErrNoBinaries, strings.Join(roots, ", "))
}

func hasBinaries(dir string) bool {
	for _, b := range []string{"initdb", "postgres"} {
		st, err := os.Stat(filepath.Join(dir, b))
		if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// Options configure Start.
type Options struct {
	// BinDir holds initdb and postgres (see FindBinaries).
	BinDir string
	// CacheDir, when set, keeps the cluster's data directory there across
	// runs (it is created by the first run); only the server process and its
	// socket directory are per run.
	CacheDir string
	// Log receives progress messages (start-up time, server version); nil discards them.
	Log io.Writer
}

// Server is a running provisioned dev server.
type Server struct {
	// URL is a keyword/value connection string for the postgres database,
	// through the Unix socket.
	URL string
	// Version is server_version (e.g. "15.20 (Debian 15.20-0+deb12u1)"),
	// VersionNum server_version_num (e.g. 150020).
	Version    string
	VersionNum int
	// BinDir is where the binaries came from.
	BinDir string

	tmpDir  string // removed on Close (holds the socket, and the cluster unless cached)
	dataDir string
	cmd     *exec.Cmd
	waitErr chan error
	lock    *os.File
}

// Start provisions and starts a dev server. On error everything it created
// is removed again.
func Start(ctx context.Context, o Options) (s *Server, err error) {
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	t0 := time.Now()
	cred, uid, gid, err := runAs()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "pgshift-dev-")
	if err != nil {
		return nil, fmt.Errorf("dev database: %w", err)
	}
	s = &Server{BinDir: o.BinDir, tmpDir: tmp}
	defer func() {
		if err != nil {
			s.Close()
			s = nil
		}
	}()
	if err := chown(tmp, cred, uid, gid); err != nil {
		return s, err
	}
	s.dataDir = filepath.Join(tmp, "data")
	if o.CacheDir != "" {
		if err := os.MkdirAll(o.CacheDir, 0o755); err != nil {
			return s, fmt.Errorf("dev cache: %w", err)
		}
		abs, err := filepath.Abs(o.CacheDir)
		if err != nil {
			return s, fmt.Errorf("dev cache: %w", err)
		}
		// One run at a time per cache directory.
		lf, err := os.OpenFile(filepath.Join(abs, ".pgshift.lock"), os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			return s, fmt.Errorf("dev cache: %w", err)
		}
		s.lock = lf
		if err := syscall.Flock(int(lf.Fd()), syscall.LOCK_EX); err != nil {
			return s, fmt.Errorf("dev cache: lock %s: %w", abs, err)
		}
		s.dataDir = filepath.Join(abs, "data")
		if err := os.MkdirAll(s.dataDir, 0o700); err != nil {
			return s, fmt.Errorf("dev cache: %w", err)
		}
		if err := chown(s.dataDir, cred, uid, gid); err != nil {
			return s, err
		}
	}
	initDone := false
	if _, err := os.Stat(filepath.Join(s.dataDir, "PG_VERSION")); err != nil {
		if err := s.initdb(ctx, cred); err != nil {
			return s, err
		}
		initDone = true
	}
	if err := s.start(ctx, cred); err != nil {
		return s, err
	}
	s.URL = fmt.Sprintf("host='%s' port=5432 user=postgres dbname=postgres sslmode=disable", tmp)
	if err := s.waitReady(ctx); err != nil {
		return s, err
	}
	what := "started"
	if initDone {
		what = "created and started"
	}
	if o.CacheDir != "" {
		what += " (cache " + s.dataDir + ")"
	}
	fmt.Fprintf(log, "-- dev database: PostgreSQL %s %s in %s (binaries %s)\n", s.Version, what, time.Since(t0).Round(time.Millisecond), s.BinDir)
	return s, nil
}

// Major returns the major version number (e.g. 15).
func (s *Server) Major() int { return s.VersionNum / 10000 }

// runAs returns the credential to run the server with when the process is
// root, else nil.
func runAs() (*syscall.Credential, int, int, error) {
	if os.Geteuid() != 0 {
		return nil, -1, -1, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.Atoi(u.Uid)
		gid, err2 := strconv.Atoi(u.Gid)
		if err1 != nil || err2 != nil || uid == 0 {
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, uid, gid, nil
	}
	return nil, -1, -1, errors.New("dev database: running as root and no unprivileged user (postgres, nobody) to run the server as")
}

func chown(path string, cred *syscall.Credential, uid, gid int) error {
	if cred == nil {
		return nil
	}
	if err := os.Chown(path, uid, gid); err != nil {
		return fmt.Errorf("dev database: chown %s: %w", path, err)
	}
	return nil
}

func (s *Server) command(cred *syscall.Credential, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(s.BinDir, name), args...)
	cmd.Dir = s.tmpDir
	cmd.Env = []string{"LC_ALL=C", "LANG=C", "PATH=" + s.BinDir + ":/usr/bin:/bin", "TZ=UTC"}
	// Own process group: a Ctrl-C in the terminal reaches pgshift only, which
	// then shuts the server down itself; Pdeathsig stops the server should
	// pgshift be killed outright.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: cred, Pdeathsig: syscall.SIGQUIT}
	return cmd
}

func (s *Server) initdb(ctx context.Context, cred *syscall.Credential) error {
	cmd := s.command(cred, "initdb", "-D", s.dataDir, "--auth=trust", "-U", "postgres", "--no-sync",
		"--encoding=UTF8", "--locale=C")
	out, err := runKillable(ctx, cmd)
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if cred != nil && strings.Contains(msg, "Permission denied") {
			msg += "\n(initdb runs as an unprivileged user since pgshift runs as root: every parent directory of " + s.dataDir + " must be searchable by that user)"
		}
		return fmt.Errorf("dev database: initdb: %w\n%s", err, msg)
	}
	return nil
}

// runKillable runs cmd to completion, killing its process group when ctx is done.
func runKillable(ctx context.Context, cmd *exec.Cmd) ([]byte, error) {
	var buf strings.Builder
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return []byte(buf.String()), err
	case <-ctx.Done():
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		return []byte(buf.String()), ctx.Err()
	}
}

func (s *Server) start(ctx context.Context, cred *syscall.Credential) error {
	cmd := s.command(cred, "postgres", "-D", s.dataDir,
		"-c", "listen_addresses=",
		"-c", "unix_socket_directories="+s.tmpDir,
		"-c", "port=5432",
		"-c", "fsync=off",
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
		"-c", "shared_buffers=16MB",
		"-c", "max_connections=20",
		"-c", "autovacuum=off",
		"-c", "logging_collector=off",
		"-c", "log_min_messages=FATAL",
		"-c", "max_wal_senders=0",
		"-c", "wal_level=minimal",
	)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return fmt.Errorf("dev database: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("dev database: start postgres: %w", err)
	}
	s.cmd = cmd
	s.waitErr = make(chan error, 1)
	var logBuf strings.Builder
	logDone := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if logBuf.Len() < 8192 {
				logBuf.WriteString(sc.Text() + "\n")
			}
		}
		close(logDone)
	}()
	go func() {
		<-logDone
		err := cmd.Wait()
		if err != nil && logBuf.Len() > 0 {
			err = fmt.Errorf("%w\n%s", err, strings.TrimSpace(logBuf.String()))
		}
		s.waitErr <- err
	}()
	return nil
}

// waitReady polls until the server accepts connections, then reads its version.
func (s *Server) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-s.waitErr:
			s.cmd = nil
			return fmt.Errorf("dev database: postgres exited during start-up: %v", err)
		default:
		}
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		c, err := pgx.Connect(cctx, s.URL)
		cancel()
		if err == nil {
			err = c.QueryRow(ctx, "SELECT current_setting('server_version'), current_setting('server_version_num')::int").Scan(&s.Version, &s.VersionNum)
			c.Close(context.Background())
			if err != nil {
				return fmt.Errorf("dev database: read server version: %w", err)
			}
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("dev database: %w", ctx.Err())
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("dev database: server did not accept connections within 60s: %w", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Close stops the server (fast shutdown, then SIGKILL of its process group
// after 10 s), waits for it, and removes the temporary directory. With a
// cache directory the cluster itself is kept. Close is idempotent.
func (s *Server) Close() error {
	if s == nil {
		return nil
	}
	var firstErr error
	if s.cmd != nil && s.cmd.Process != nil {
		pid := s.cmd.Process.Pid
		_ = syscall.Kill(pid, syscall.SIGINT) // fast shutdown: the postmaster stops its children
		select {
		case <-s.waitErr:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			<-s.waitErr
		}
		// Any straggler of the process group (there should be none).
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		s.cmd = nil
	}
	if s.tmpDir != "" {
		if err := os.RemoveAll(s.tmpDir); err != nil && firstErr == nil {
			firstErr = fmt.Errorf("dev database: remove %s: %w", s.tmpDir, err)
		}
		s.tmpDir = ""
	}
	if s.lock != nil {
		_ = syscall.Flock(int(s.lock.Fd()), syscall.LOCK_UN)
		s.lock.Close()
		s.lock = nil
	}
	return firstErr
}

// TempDir returns the per-run temporary directory ("" after Close).
func (s *Server) TempDir() string { return s.tmpDir }

// Pid returns the postmaster's process id (0 when not running).
func (s *Server) Pid() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

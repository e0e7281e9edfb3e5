package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pgshift/pgshift/internal/devdb"
	"github.com/pgshift/pgshift/schema"
	"github.com/pgshift/pgshift/schema/offline"
)

// pgSearchRoots overrides devdb.DefaultSearchRoots (tests).
var pgSearchRoots []string

// devFlags are the flags that choose the dev database (or none).
type devFlags struct {
	devURL   string
	devCache string
	pgBin    string
	verbose  bool
}

func (d *devFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&d.devURL, "dev-url", "", "dev server for loading .sql files (default $PGSHIFT_DEV_URL, else a throw-away local cluster)")
	cmd.Flags().StringVar(&d.devCache, "dev-cache", "", "keep the throw-away dev cluster in `DIR` and reuse it across runs")
	cmd.Flags().StringVar(&d.pgBin, "pg-bin", "", "`DIR` with the PostgreSQL server binaries (initdb, postgres) for the throw-away dev cluster (default $PGSHIFT_PG_BIN, then $PATH, then /usr/lib/postgresql/*/bin)")
	cmd.Flags().BoolVarP(&d.verbose, "verbose", "v", false, "report dev database start-up time and server version")
}

// devSource hands out the dev server URL, provisioning a throw-away cluster
// on first use when none is configured.
type devSource struct {
	e      env
	flags  devFlags
	url    string // configured or provisioned
	server *devdb.Server
}

func newDevSource(e env, f devFlags) *devSource {
	d := &devSource{e: e, flags: f}
	d.url = firstNonEmpty(f.devURL, e.getenv("PGSHIFT_DEV_URL"))
	return d
}

// configured reports whether the user named a dev server.
func (d *devSource) configured() bool { return d.url != "" && d.server == nil }

// binDir finds server binaries for provisioning.
func (d *devSource) binDir() (string, error) {
	return devdb.FindBinaries(devdb.FindOptions{
		BinDir:      firstNonEmpty(d.flags.pgBin, d.e.getenv("PGSHIFT_PG_BIN")),
		Path:        d.e.getenv("PATH"),
		SearchRoots: pgSearchRoots,
	})
}

// URL returns the dev server's connection string, starting a throw-away
// cluster if needed.
func (d *devSource) URL(ctx context.Context) (string, error) {
	if d.url != "" {
		return d.url, nil
	}
	bin, err := d.binDir()
	if err != nil {
		return "", fmt.Errorf("a dev database is needed to load schema.sql: pass --dev-url, set PGSHIFT_DEV_URL, or install the PostgreSQL server binaries (--pg-bin DIR); file-to-file comparisons also work with --offline: %w", err)
	}
	var log strings.Builder
	s, err := devdb.Start(ctx, devdb.Options{BinDir: bin, CacheDir: d.flags.devCache, Log: &log})
	if err != nil {
		return "", err
	}
	d.server = s
	d.url = s.URL
	if d.flags.verbose {
		fmt.Fprint(d.e.stderr, log.String())
	} else {
		fmt.Fprintf(d.e.stderr, "-- dev database: throw-away PostgreSQL %s cluster (use --verbose for details)\n", strings.Fields(s.Version)[0])
	}
	return d.url, nil
}

// Close stops a provisioned cluster and removes its files.
func (d *devSource) Close() {
	if d.server == nil {
		return
	}
	if err := d.server.Close(); err != nil {
		fmt.Fprintf(d.e.stderr, "pgshift: %v\n", err)
	} else if d.flags.verbose {
		fmt.Fprintln(d.e.stderr, "-- dev database: stopped and removed")
	}
	d.server = nil
}

// gitSource is a source spelled git:REV:PATH.
func isGitSource(src string) bool { return strings.HasPrefix(src, "git:") }

// readGit returns the contents of PATH at REV (git show REV:PATH, run in
// the current directory's repository).
func readGit(ctx context.Context, src string) ([]byte, error) {
	spec := strings.TrimPrefix(src, "git:")
	rev, path, ok := strings.Cut(spec, ":")
	if !ok || rev == "" || path == "" {
		return nil, fmt.Errorf("source %q: want git:REV:PATH", src)
	}
	// git show REV:PATH takes paths relative to the repository root unless
	// they start with ./ ; accept paths relative to the working directory.
	if !strings.HasPrefix(path, "./") && !strings.HasPrefix(path, "/") {
		path = "./" + path
	}
	cmd := exec.CommandContext(ctx, "git", "show", rev+":"+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("source %s: git show: %v: %s", src, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// isFileSource reports whether src is a schema file (on disk or in git).
func isFileSource(src string) bool {
	return isGitSource(src) || strings.HasSuffix(strings.ToLower(src), ".sql")
}

// isSchemaSource reports whether src is a desired schema that needs a dev
// server or the offline loader: a schema file, or a directory of .sql files.
func isSchemaSource(src string) bool {
	if isFileSource(src) {
		return true
	}
	if schema.IsURL(src) || schema.IsDirSource(src) || src == "" {
		return false
	}
	st, err := os.Stat(src)
	return err == nil && st.IsDir()
}

// loadSide loads one side of a comparison (online).
func loadSide(ctx context.Context, src string, dev *devSource) (*schema.LoadResult, error) {
	if schema.IsURL(src) || src == "" {
		return schema.LoadSource(ctx, src, "")
	}
	url, err := dev.URL(ctx)
	if err != nil {
		return nil, err
	}
	if !isGitSource(src) {
		return schema.LoadSource(ctx, src, url)
	}
	data, err := readGit(ctx, src)
	if err != nil {
		return nil, err
	}
	// Load through a temporary copy; messages name the git source.
	dir, err := os.MkdirTemp("", "pgshift-git-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "schema.sql")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return nil, err
	}
	r, err := schema.LoadSQLFile(ctx, url, tmp)
	if err != nil {
		var pe *schema.PosError
		if errors.As(err, &pe) {
			pe.File = src
			return nil, pe
		}
		return nil, errors.New(strings.ReplaceAll(err.Error(), tmp, src))
	}
	for i, n := range r.Notes {
		r.Notes[i] = strings.ReplaceAll(n, tmp, src)
	}
	return r, nil
}

// loadOffline models one side with no server.
func loadOffline(ctx context.Context, src string) (*offline.OfflineResult, error) {
	switch {
	case isGitSource(src):
		data, err := readGit(ctx, src)
		if err != nil {
			return nil, err
		}
		return offline.LoadOffline(src, data)
	case schema.IsURL(src) || src == "":
		return nil, fmt.Errorf("source %q: --offline compares schema files only (a database URL needs no dev server: drop --offline)", src)
	case isSchemaSource(src):
		return offline.LoadOfflineFile(src)
	default:
		return nil, fmt.Errorf("source %q: want a postgres:// URL, a .sql file, a directory of .sql files or git:REV:PATH", src)
	}
}

// offlineWarnings formats the known gaps a side uses.
func offlineWarnings(r *offline.OfflineResult) []string {
	var out []string
	for _, g := range r.Gaps {
		gap := offline.GapByName(g.Gap)
		if gap == nil {
			continue
		}
		out = append(out, fmt.Sprintf("%s: offline gap %q (%s): %s", g.Pos, gap.Name, gap.Construct, gap.Effect))
	}
	return out
}

// loadSides loads --from and --to: offline when asked (or when both are
// files and neither a dev server nor server binaries are available), else
// through the dev server (provisioned on demand). done stops a provisioned
// dev server and must always be called.
func loadSides(ctx context.Context, e env, f sourceFlags) (from, to *schema.LoadResult, done func(), err error) {
	dev := newDevSource(e, f.dev)
	done = dev.Close
	bothFiles := isSchemaSource(f.from) && isSchemaSource(f.to)
	offline := f.offline
	if !offline && bothFiles && !dev.configured() {
		if _, berr := dev.binDir(); berr != nil {
			offline = true
			fmt.Fprintf(e.stderr, "-- note: no dev database (--dev-url, $PGSHIFT_DEV_URL) and no PostgreSQL server binaries: comparing offline (%v)\n", berr)
		}
	}
	if offline {
		var res [2]*schema.LoadResult
		for i, side := range []struct{ flag, src string }{{"--from", f.from}, {"--to", f.to}} {
			r, err := loadOffline(ctx, side.src)
			if err != nil {
				return nil, nil, done, sideError(side.flag, err)
			}
			notes := append([]string(nil), r.Notes...)
			for _, w := range offlineWarnings(r) {
				fmt.Fprintf(e.stderr, "-- warning: %s\n", w)
			}
			res[i] = &schema.LoadResult{Schema: r.Schema, Notes: notes}
		}
		return res[0], res[1], done, nil
	}
	tm, t0 := newTimer(e), time.Now()
	from, err = loadSide(ctx, f.from, dev)
	if err != nil {
		return nil, nil, done, sideError("--from", err)
	}
	tm.load("from", from, t0)
	t0 = time.Now()
	to, err = loadSide(ctx, f.to, dev)
	if err != nil {
		return nil, nil, done, sideError("--to", err)
	}
	tm.load("to", to, t0)
	return from, to, done, nil
}

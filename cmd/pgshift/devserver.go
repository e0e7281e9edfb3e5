package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/pgshift/pgshift/internal/devdb"
	"github.com/pgshift/pgshift/internal/ordered"
	"github.com/pgshift/pgshift/schema"
	"github.com/pgshift/pgshift/schema/offline"
	"github.com/pgshift/pgshift/schema/source"
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
// on first use when none is configured. URL may be called by both sides of
// a diff at once: one cluster is started, the other caller waits for it.
type devSource struct {
	e      env
	flags  devFlags
	mu     sync.Mutex // guards url and server during URL
	url    string     // configured or provisioned
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
	d.mu.Lock()
	defer d.mu.Unlock()
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
// through the dev server (provisioned on demand); pr reports each side's
// start and end. done stops a provisioned
// dev server and must always be called.
func loadSides(ctx context.Context, e env, f sourceFlags, pr progress) (from, to *schema.LoadResult, done func(), err error) {
	dev := newDevSource(e, f.dev)
	done = dev.Close
	fromSrc, err := source.Parse(f.from)
	if err != nil {
		return nil, nil, done, sideError("--from", err)
	}
	toSrc, err := source.Parse(f.to)
	if err != nil {
		return nil, nil, done, sideError("--to", err)
	}
	bothFiles := fromSrc.IsFile() && toSrc.IsFile()
	offline := f.offline
	if !offline && bothFiles && !dev.configured() {
		if _, berr := dev.binDir(); berr != nil {
			offline = true
			fmt.Fprintf(e.stderr, "-- note: no dev database (--dev-url, $PGSHIFT_DEV_URL) and no PostgreSQL server binaries: comparing offline (%v)\n", berr)
		}
	}
	sides := [2]struct {
		flag string
		src  source.Source
	}{{"--from", fromSrc}, {"--to", toSrc}}
	var res [2]*schema.LoadResult
	// Both sides load at the same time (a database is introspected while
	// the file is parsed and loaded); the error is the one loading them
	// in order would give (package ordered): --from's when it fails.
	g := ordered.New(ctx)
	if offline {
		var warnings [2][]string
		for i, side := range sides {
			g.Go(func(ctx context.Context) error {
				pr.printf("%s: reading %s offline", side.flag, redact(side.src.Arg))
				r, err := side.src.LoadOffline(ctx)
				if err != nil {
					return sideError(side.flag, err)
				}
				pr.printf("%s: read: %d tables", side.flag, len(r.Schema.Tables))
				warnings[i] = offlineWarnings(r)
				res[i] = &schema.LoadResult{Schema: r.Schema, Notes: append([]string(nil), r.Notes...)}
				return nil
			})
		}
		err := g.Wait()
		// The warnings of the sides a sequential load would have read.
		for i, ws := range warnings {
			if res[i] == nil {
				break
			}
			for _, w := range ws {
				fmt.Fprintf(e.stderr, "-- warning: %s\n", w)
			}
		}
		if err != nil {
			return nil, nil, done, err
		}
		return res[0], res[1], done, nil
	}
	tm, t0 := newTimer(e), time.Now()
	var took [2]time.Duration
	for i, side := range sides {
		g.Go(func(ctx context.Context) error {
			start := time.Now()
			pr.printf("%s: %s %s", side.flag, map[bool]string{true: "introspecting", false: "loading on the dev server and introspecting"}[side.src.Kind == source.URL], redact(side.src.Arg))
			r, err := side.src.Load(ctx, dev.URL)
			if err != nil {
				return sideError(side.flag, err)
			}
			pr.printf("%s: done in %.1fs: %d tables", side.flag, time.Since(start).Seconds(), len(r.Schema.Tables))
			res[i], took[i] = r, time.Since(start)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, done, err
	}
	tm.load("from", res[0], took[0])
	tm.load("to", res[1], took[1])
	tm.since("sides", t0)
	return res[0], res[1], done, nil
}

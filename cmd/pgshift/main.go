// Command pgshift plans PostgreSQL schema migrations declaratively: it
// compares two schemas (live databases or schema.sql files) and prints or
// writes the migration between them.
//
// Usage:
//
//	pgshift diff     --from SRC --to SRC [--dev-url URL] [--exit-code]
//	pgshift generate [--from SRC] --to SRC --dir DIR [--format golang-migrate|goose|dbmate|flyway] [--name NAME] [--dev-url URL]
//	pgshift inspect  [--url URL] [--dev-url URL]
//	pgshift drift    --url URL --dir DIR [--to schema.sql] [--format text|json|github]
//	pgshift baseline --url URL --dir DIR [--format FORMAT] [--version V]
//	pgshift hash     --dir DIR [FILE...]
//
// Commands that read a schema take --schema NAME, --exclude-schema NAME and
// --exclude PATTERN and read .pgshiftignore; every command reads
// pgshift.toml (--config FILE, --env NAME) for the flags it is not given.
//
// SRC is a postgres:// URL, a path ending in .sql, a directory of .sql files
// or dir://DIR (a migrations directory, replayed on the dev server). Exit status: 0 success (no
// changes), 1 error, 2 changes found (diff --exit-code) or drift (drift).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal, restore the default handling so that a
		// second Ctrl-C kills the process while cleanup runs.
		<-ctx.Done()
		stop()
	}()
	interactive := false
	if fi, err := os.Stdin.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		interactive = true
	}
	stderrTerminal := false
	if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		stderrTerminal = true
	}
	code := run(ctx, os.Args[1:], env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, stdin: os.Stdin, interactive: interactive, stderrTerminal: stderrTerminal})
	stop()
	os.Exit(code)
}

// Package source turns a --from / --to / --schema argument into a schema
// model: the one place that knows the spellings of a source (a postgres://
// URL, a .sql file, git:REV:PATH, dir://DIR) and which loader each needs
// (introspection, the dev server, or the offline loader).
package source

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/pgshift/pgshift/schema"
	"github.com/pgshift/pgshift/schema/offline"
)

// Kind is how a source is spelled and loaded.
type Kind int

// Source kinds.
const (
	// URL is a live database (postgres:// or postgresql://), or "" for
	// DATABASE_URL and then the libpq PG* variables: introspected.
	URL Kind = iota
	// File is a schema file ending in .sql, or a directory of .sql files
	// (read in name order): loaded on the dev server, or modeled offline.
	File
	// Git is git:REV:PATH, a schema file at a revision of the current
	// directory's repository (git show REV:PATH).
	Git
	// Dir is dir://DIR, a migrations directory whose up migrations are
	// replayed on the dev server.
	Dir
)

// Source is one parsed source argument.
type Source struct {
	// Arg is the argument as given; messages name it.
	Arg  string
	Kind Kind
	// Path is the file (File, Git) or directory (Dir); Rev the revision (Git).
	Path, Rev string
}

// Parse reads a source argument. An argument of no known spelling is an
// error naming it.
func Parse(arg string) (Source, error) {
	switch {
	case arg == "" || schema.IsURL(arg):
		return Source{Arg: arg, Kind: URL}, nil
	case schema.IsDirSource(arg):
		p := strings.TrimPrefix(arg, schema.DirPrefix)
		if p == "" {
			return Source{}, fmt.Errorf("source %q: want dir://<migrations directory>", arg)
		}
		return Source{Arg: arg, Kind: Dir, Path: p}, nil
	case IsGit(arg):
		rev, path, ok := strings.Cut(strings.TrimPrefix(arg, "git:"), ":")
		if !ok || rev == "" || path == "" {
			return Source{}, fmt.Errorf("source %q: want git:REV:PATH", arg)
		}
		return Source{Arg: arg, Kind: Git, Path: path, Rev: rev}, nil
	case strings.HasSuffix(strings.ToLower(arg), ".sql") || schema.IsSchemaDir(arg):
		return Source{Arg: arg, Kind: File, Path: arg}, nil
	}
	return Source{}, fmt.Errorf("source %q: want a postgres:// URL, a .sql file, a directory of .sql files, git:REV:PATH or dir://<migrations directory>", arg)
}

// IsFile reports whether the source is a schema file (on disk or in git):
// what the offline loader can model.
func (s Source) IsFile() bool { return s.Kind == File || s.Kind == Git }

// String returns the argument as given.
func (s Source) String() string { return s.Arg }

// DevURL returns the dev server's URL, starting one if needed; it is
// called only for sources that need a dev server.
type DevURL func(ctx context.Context) (string, error)

// Load returns the model of the source: a URL is introspected, a file or
// a migrations directory is loaded through the dev server dev gives (asked
// for only then). Errors and notes name the source as given.
func (s Source) Load(ctx context.Context, dev DevURL) (*schema.LoadResult, error) {
	if s.Kind == URL {
		return schema.LoadURL(ctx, s.Arg)
	}
	url, err := dev(ctx)
	if err != nil {
		return nil, err
	}
	switch s.Kind {
	case Dir:
		return schema.LoadMigrationDir(ctx, url, s.Path, "")
	case File:
		return schema.LoadSQLFile(ctx, url, s.Path)
	}
	data, err := s.readGit(ctx)
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
			pe.File = s.Arg
			return nil, pe
		}
		return nil, errors.New(strings.ReplaceAll(err.Error(), tmp, s.Arg))
	}
	for i, n := range r.Notes {
		r.Notes[i] = strings.ReplaceAll(n, tmp, s.Arg)
	}
	return r, nil
}

// LoadOffline models a schema file with no server (package schema/offline);
// other sources are an error naming the source.
func (s Source) LoadOffline(ctx context.Context) (*offline.OfflineResult, error) {
	switch s.Kind {
	case File:
		return offline.LoadOfflineFile(s.Path)
	case Git:
		data, err := s.readGit(ctx)
		if err != nil {
			return nil, err
		}
		return offline.LoadOffline(s.Arg, data)
	case URL:
		return nil, fmt.Errorf("source %q: --offline compares schema files only (a database URL needs no dev server: drop --offline)", s.Arg)
	}
	return nil, fmt.Errorf("source %q: --offline compares schema files only (a migrations directory is replayed on a dev server)", s.Arg)
}

// readGit returns the contents of Path at Rev (git show REV:PATH, run in
// the current directory's repository).
func (s Source) readGit(ctx context.Context) ([]byte, error) {
	path := s.Path
	// git show REV:PATH takes paths relative to the repository root unless
	// they start with ./ ; accept paths relative to the working directory.
	if !strings.HasPrefix(path, "./") && !strings.HasPrefix(path, "/") {
		path = "./" + path
	}
	cmd := exec.CommandContext(ctx, "git", "show", s.Rev+":"+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("source %s: git show: %w: %s", s.Arg, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// IsGit reports whether arg is spelled git:REV:PATH (without checking it).
func IsGit(arg string) bool { return strings.HasPrefix(arg, "git:") }

// IsSchemaFile reports whether arg names one schema file, a .sql path or
// git:REV:PATH, by its spelling alone (the disk is not consulted).
func IsSchemaFile(arg string) bool {
	return IsGit(arg) || strings.HasSuffix(strings.ToLower(arg), ".sql")
}

// LoadArg parses arg and loads it, with devURL as the dev server of
// sources that need one ("" means there is none: such a source is an error
// naming it).
func LoadArg(ctx context.Context, arg, devURL string) (*schema.LoadResult, error) {
	s, err := Parse(arg)
	if err != nil {
		return nil, err
	}
	return s.Load(ctx, func(context.Context) (string, error) {
		if devURL == "" {
			return "", fmt.Errorf("source %q: a dev server is needed to load it (--dev-url)", arg)
		}
		return devURL, nil
	})
}

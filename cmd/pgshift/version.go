package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Set at link time by release builds (Makefile, .goreleaser.yaml):
//
//	go build -ldflags "-X main.version=v1.2.3 -X main.commit=$(git rev-parse HEAD)"
//
// They win over the toolchain's build information, which carries no commit
// when the build ran with -buildvcs=false or outside a git checkout.
var (
	version = ""
	commit  = ""
)

// pgQueryModule is the module path of the PostgreSQL parser pgshift links;
// its version says which PostgreSQL grammar the parser speaks.
const pgQueryModule = "github.com/pganalyze/pg_query_go"

// buildVersion describes the running binary, read from the build
// information the Go toolchain embeds (runtime/debug.ReadBuildInfo).
type buildVersion struct {
	Version  string // module version, "(devel)" for a build from a checkout
	Commit   string // vcs.revision, "" when the build had no VCS information
	Modified bool   // vcs.modified: the checkout had uncommitted changes
	Go       string // Go toolchain version, e.g. "go1.26.8"
	PgQuery  string // pg_query_go module path@version, "" if not found
}

// readBuildVersion reads the binary's build information. A binary built
// without module support (never the case with go build/go install) yields
// "unknown" fields rather than an error.
func readBuildVersion() buildVersion {
	v := buildVersion{Version: "unknown", Go: "unknown"}
	if bi, ok := debug.ReadBuildInfo(); ok {
		v.fromBuildInfo(bi)
	}
	if version != "" {
		v.Version = version
	}
	if commit != "" {
		v.Commit, v.Modified = commit, false
	}
	return v
}

// fromBuildInfo fills v from the toolchain's embedded build information.
func (v *buildVersion) fromBuildInfo(bi *debug.BuildInfo) {
	v.Go = bi.GoVersion
	if bi.Main.Version != "" {
		v.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	for _, d := range bi.Deps {
		if strings.HasPrefix(d.Path, pgQueryModule) {
			v.PgQuery = d.Path + "@" + d.Version
		}
	}
}

// short is the one-line form printed by --version.
func (v buildVersion) short() string {
	s := v.Version
	if v.Commit != "" {
		c := v.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		s += " (" + c
		if v.Modified {
			s += ", modified"
		}
		s += ")"
	}
	return s
}

func newVersionCmd(e env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print pgshift's version, commit, Go version and parser version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := readBuildVersion()
			commit := v.Commit
			if commit == "" {
				commit = "unknown"
			} else if v.Modified {
				commit += " (modified)"
			}
			pq := v.PgQuery
			if pq == "" {
				pq = "unknown"
			}
			fmt.Fprintf(e.stdout, "pgshift %s\ncommit: %s\ngo: %s\nparser: %s\n", v.Version, commit, v.Go, pq)
			return nil
		},
	}
}

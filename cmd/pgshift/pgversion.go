package main

import (
	"fmt"

	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
)

// checkVersions validates --pg-version and makes sure the dev server that
// loaded a .sql side can run the target's syntax: a dev server older than
// the target major is refused with an error that says so. The target is
// --pg-version, else the major of the --from database when --from is a URL.
func checkVersions(f sourceFlags, from, to *schema.Schema) error {
	if f.pgVersion != 0 && (f.pgVersion < planner.MinMajor || f.pgVersion > planner.MaxMajor) {
		return fmt.Errorf("--pg-version %d: pgshift supports PostgreSQL %d to %d", f.pgVersion, planner.MinMajor, planner.MaxMajor)
	}
	fromURL, toURL := schema.IsURL(f.from), schema.IsURL(f.to)
	target, what := f.pgVersion, "--pg-version"
	if fromURL && from != nil && from.ServerVersionNum != 0 {
		live := planner.MajorOf(from.ServerVersionNum)
		if target != 0 && target != live {
			return fmt.Errorf("--pg-version %d, but the --from database runs PostgreSQL %d (drop --pg-version, or plan for the server the migration runs on)", target, live)
		}
		target, what = live, "the --from database"
	}
	if target == 0 {
		return nil
	}
	for _, side := range []struct {
		flag  string
		isURL bool
		s     *schema.Schema
	}{{"--from", fromURL, from}, {"--to", toURL, to}} {
		if side.isURL || side.s == nil || side.s.ServerVersionNum == 0 {
			continue
		}
		if dev := planner.MajorOf(side.s.ServerVersionNum); dev < target {
			return fmt.Errorf("the dev server that loaded %s is PostgreSQL %d, older than the target PostgreSQL %d (%s): it cannot check the target's syntax; use a dev server of PostgreSQL %d or later (--dev-url, or --pg-bin with PostgreSQL %d binaries)",
				side.flag, dev, target, what, target, target)
		}
	}
	return nil
}

package lint

import (
	"slices"
	"testing"

	"github.com/pgshift/pgshift/internal/pgfacts"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
	"github.com/pgshift/pgshift/schema/offline"
)

// factsFixture is the table every pgfacts probe runs on, as DDL the
// offline loader and the linter both read (the rows do not matter here).
const factsFixture = `CREATE TABLE p (id integer PRIMARY KEY);
CREATE TABLE t (id integer PRIMARY KEY, a integer, pid integer, v varchar(10), b varbit(8), n cidr, ts timestamp, x numeric(10,2));
`

// lintOnly are the kinds no schema change is planned as in ModeDirect:
// maintenance statements, concurrent forms (the planner's safe recipes
// emit them as parts of their own), renames (planned only with a rename
// annotation), forms that depend on state the schema model does not hold,
// UPDATE (the planner writes it only inside its backfill recipes), and
// CLUSTER ON, which the offline loader does not model (the planner's
// lock for it is checked by planner.TestClusterOnAndTriggerLocks).
var lintOnly = []pgfacts.Kind{
	pgfacts.CreateIndexConcurrently, pgfacts.DropIndexConcurrently, pgfacts.Reindex, pgfacts.ReindexConcurrently,
	pgfacts.Cluster, pgfacts.Truncate, pgfacts.RefreshMatView, pgfacts.RefreshMatViewConcurrently, pgfacts.LockTable,
	pgfacts.RenameTable, pgfacts.RenameIndex, pgfacts.RenameColumn, pgfacts.RenameConstraint, pgfacts.AttachPartition, pgfacts.DetachPartition,
	pgfacts.AddUniqueUsingIndex, pgfacts.SetNotNullProved, pgfacts.ClusterOn, pgfacts.Backfill,
}

// TestFactsPlannerAndLintAgree iterates the facts table: each probe
// statement is linted (on the fixture, given as an earlier file) and
// planned (offline models of the fixture before and after it, ModeDirect),
// and both must classify it as the fact's kind and give the fact's lock,
// rewrite and scan. Probes that plan as no change, or as other kinds, must
// be exactly the lintOnly ones.
func TestFactsPlannerAndLintAgree(t *testing.T) {
	const major = 15
	var gotLintOnly []pgfacts.Kind
	for _, f := range pgfacts.ForMajor(major) {
		if f.Probe == nil {
			continue
		}
		t.Run(string(f.Kind), func(t *testing.T) {
			before := factsFixture + f.Probe.Setup + ";\n"
			// Lint: the fixture and setup are an earlier file of the same run.
			st := NewLintState()
			for i, src := range []string{before, f.Probe.SQL + ";\n"} {
				stmts, err := schema.SplitSQL("f.sql", []byte(src))
				if err != nil {
					t.Fatalf("split: %v", err)
				}
				vs := Verdicts(stmts, LintOptions{File: "f.sql", PGVersion: major, State: st})
				if i == 0 {
					continue
				}
				if len(vs) != 1 {
					t.Fatalf("%d verdicts for one statement", len(vs))
				}
				v := vs[0]
				if !slices.Contains(v.Kinds, f.Kind) {
					t.Fatalf("lint classifies %q as %v, the facts table as %s", f.Probe.SQL, v.Kinds, f.Kind)
				}
				if v.Lock != f.Lock || v.Rewrite != f.Rewrite {
					t.Errorf("lint: %q takes %q rewrite=%v; the fact: %q rewrite=%v", f.Probe.SQL, v.Lock, v.Rewrite, f.Lock, f.Rewrite)
				}
			}
			// Planner: the same statement as a schema change.
			from, err := offline.LoadOffline("from.sql", []byte(before))
			if err != nil {
				t.Fatalf("offline from: %v", err)
			}
			to, err := offline.LoadOffline("to.sql", []byte(before+f.Probe.SQL+";\n"))
			if err != nil {
				t.Fatalf("offline to: %v", err)
			}
			opts := planner.Options{Mode: planner.ModeDirect, AllowDrop: true, TargetVersion: major * 10000}
			kinds := planner.FactKinds(from.Schema, to.Schema, opts)
			planned := false
			for _, ks := range kinds {
				planned = planned || slices.Contains(ks, f.Kind)
			}
			if !planned {
				gotLintOnly = append(gotLintOnly, f.Kind)
				return
			}
			plan, err := planner.Build(from.Schema, to.Schema, opts)
			if err != nil {
				t.Fatalf("plan: %v", err)
			}
			rel := f.Probe.Relation
			if rel == "" {
				rel = "t"
			}
			var lock pgfacts.Lock
			rewrite := false
			for _, s := range plan.Steps {
				if slices.Contains(s.Relations, "public."+rel) {
					lock = pgfacts.Stronger(lock, pgfacts.Lock(s.Lock))
					rewrite = rewrite || s.Rewrites
				}
			}
			if lock != f.Lock || rewrite != f.Rewrite {
				var sum []string
				for _, s := range plan.Steps {
					sum = append(sum, s.Summary+" ("+s.Lock+")")
				}
				t.Errorf("planner: %q planned as %v takes %q rewrite=%v; the fact (and lint): %q rewrite=%v",
					f.Probe.SQL, sum, lock, rewrite, f.Lock, f.Rewrite)
			}
		})
	}
	slices.Sort(gotLintOnly)
	want := slices.Clone(lintOnly)
	slices.Sort(want)
	if !slices.Equal(gotLintOnly, want) {
		t.Errorf("kinds the planner does not plan: %v, want %v", gotLintOnly, want)
	}
}

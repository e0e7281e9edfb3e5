package e2e

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pgshift/pgshift/emit/apply"
	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
)

// shortCases run in -short mode.
var shortCases = map[string]bool{
	"tables/create_table":                 true,
	"columns/type_int_to_bigint":          true,
	"views/column_type_change_under_view": true,
	"enums/add_value_before":              true,
	"functions/overloads":                 true,
	"mixed/ecommerce_v1_v2":               true,
	"unsupported/enum_remove_value":       true,
}

// roundTripCase is one testdata/cases/<kind>/<name> directory.
type roundTripCase struct {
	Name string // "<kind>/<name>"
	Dir  string
	// Direct plans with --mode direct instead of the default safe mode.
	Direct bool
}

// opts returns the plan options of the case.
func (c roundTripCase) opts() planner.Options {
	o := planOpts
	if c.Direct {
		o.Mode = planner.ModeDirect
	}
	return o
}

func (c roundTripCase) unsupported() bool { return strings.HasPrefix(c.Name, "unsupported/") }

func listCases(t *testing.T, root string) []roundTripCase {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(root, "*", "*", "from.sql"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []roundTripCase
	for _, m := range matches {
		dir := filepath.Dir(m)
		if _, err := os.Stat(filepath.Join(dir, "to.sql")); err != nil {
			t.Errorf("case %s has from.sql but no to.sql", dir)
			continue
		}
		rel, _ := filepath.Rel(root, dir)
		cases = append(cases, roundTripCase{Name: filepath.ToSlash(rel), Dir: dir})
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].Name < cases[j].Name })
	return cases
}

// TestRoundTrip: from → up → equals to, re-plan empty; down → equals from,
// re-plan empty. See the package comment.
func TestRoundTrip(t *testing.T) {
	root := filepath.Join(repoRoot(t), "testdata", "cases")
	cases := listCases(t, root)
	if len(cases) == 0 {
		t.Fatalf("no cases under %s", root)
	}
	ensureCaseRoles(t, root)
	for _, c := range cases {
		c := c
		if testing.Short() && !shortCases[c.Name] {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			acquire(t)
			skipBelowMinMajor(t, c.Dir)
			if c.unsupported() {
				runUnsupported(t, c)
				return
			}
			runRoundTrip(t, c)
		})
	}
}

func runRoundTrip(t *testing.T, c roundTripCase) {
	ctx := context.Background()
	// Both files load through psql by the same role, so owners compare
	// too: a case may change them (privileges/owner_*).
	canon := func(s *schema.Schema) string {
		return schema.Canonical(s, schema.CanonicalOptions{IgnoreColumnOrder: true, Owners: true})
	}
	from := filepath.Join(c.Dir, "from.sql")
	to := filepath.Join(c.Dir, "to.sql")

	// 1. A ← from, B ← to, F ← from.
	dbA := loadDB(t, from)
	dbB := loadDB(t, to)
	dbF := loadDB(t, from)

	// 2. Models and plan.
	mA, mB, mF := introspect(t, dbA), introspect(t, dbB), introspect(t, dbF)
	if src, err := os.ReadFile(to); err == nil && strings.Contains(string(src), "pgshift:") {
		// The directives (renamed-from, backfill) live in the file's
		// comments: take them from the file as `pgshift generate` does.
		loaded, err := schema.LoadSQL(ctx, pgtest.AdminURL(), to)
		if err != nil {
			t.Fatalf("load %s: %v", to, err)
		}
		mB.Annotations = loaded.Annotations
	}
	cA, cB, cF := canon(mA), canon(mB), canon(mF)
	if cA != cF {
		t.Fatalf("introspection is not deterministic: two loads of from.sql differ:\n%s", schema.CanonicalDiff(cF, cA))
	}
	if cA == cB {
		t.Errorf("from.sql and to.sql have the same canonical model: the model does not see this change")
	}
	plan, err := planner.Build(mA, mB, c.opts())
	if err != nil {
		t.Fatalf("planner.Build(from, to): %v", err)
	}
	if cA != cB && plan.Empty() {
		t.Fatalf("empty plan although the models differ:\n%s", schema.CanonicalDiff(cA, cB))
	}
	for _, n := range plan.Notes {
		t.Logf("plan note: %s", n)
	}
	for _, s := range plan.Steps {
		if s.Irreversible != "" {
			t.Logf("irreversible step %q: %s", s.Summary, s.Irreversible)
		}
	}

	// 3. Write golang-migrate files; apply the ups to A, one Exec per file.
	ups, downs := writeMigrations(t, plan)
	if err := applyExec(ctx, dbA, ups); err != nil {
		t.Fatalf("apply up: %v\n%s", err, planText(plan))
	}

	// 4. A' must equal B.
	mA1 := introspect(t, dbA)
	if got := canon(mA1); got != cB {
		t.Errorf("after up, database differs from to.sql (- after up, + to.sql):\n%s\n%s", schema.CanonicalDiff(got, cB), planText(plan))
	}

	// 5. Re-plan A' → B must be empty.
	if re, err := planner.Build(mA1, mB, c.opts()); err != nil {
		t.Errorf("re-plan after up: %v", err)
	} else if !re.Empty() {
		t.Errorf("re-plan after up is not empty (%d steps):\n%s", len(re.Steps), stepList(re, 30))
	}

	// 6. Downs in reverse order; A'' must equal F.
	if err := applyExec(ctx, dbA, downs); err != nil {
		t.Fatalf("apply down: %v\n%s", err, planText(plan))
	}
	mA2 := introspect(t, dbA)
	if got := canon(mA2); got != cF {
		t.Errorf("after down, database differs from from.sql (- after down, + from.sql):\n%s\n%s", schema.CanonicalDiff(got, cF), planText(plan))
	}
	if re, err := planner.Build(mA2, mF, c.opts()); err != nil {
		t.Errorf("re-plan after down: %v", err)
	} else if !re.Empty() {
		t.Errorf("re-plan after down is not empty (%d steps):\n%s", len(re.Steps), stepList(re, 30))
	}

	// 7. pgshift verify (apply's check) holds on the same plan: rebuilt
	// from the model alone on a scratch database, up, down, up again.
	if err := apply.Verify(ctx, pgtest.AdminURL(), mF, plan.Steps, apply.Target{Schema: mB}, apply.Options{Empty: emptyModel(t)}); err != nil {
		t.Errorf("verify: %v", err)
	}
}

var (
	emptyOnce sync.Once
	emptyM    *schema.Schema
	emptyErr  error
)

// emptyModel is the model of an empty database on the test server, read once.
func emptyModel(t *testing.T) *schema.Schema {
	t.Helper()
	emptyOnce.Do(func() { emptyM, emptyErr = schema.EmptyFrom(context.Background(), pgtest.AdminURL()) })
	if emptyErr != nil {
		t.Fatal(emptyErr)
	}
	return emptyM
}

// directCases also run in --mode direct: changes whose safe-mode recipe
// (shadow column, NOT VALID + VALIDATE) would hide the plain statement.
var directCases = []string{
	"enums/change_column_to_other_enum",
	"enums/rename_type_qualified_column",
	"columns/identity_drop_nullable",
	"tables/rename_table",
}

// TestRoundTripDirect runs directCases planned with --mode direct.
func TestRoundTripDirect(t *testing.T) {
	root := filepath.Join(repoRoot(t), "testdata", "cases")
	ensureCaseRoles(t, root)
	for _, name := range directCases {
		c := roundTripCase{Name: name, Dir: filepath.Join(root, filepath.FromSlash(name)), Direct: true}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			acquire(t)
			skipBelowMinMajor(t, c.Dir)
			runRoundTrip(t, c)
		})
	}
}

// runUnsupported: the planner must refuse (error) or report a Note. A plan
// without either is accepted only when it really round-trips (the change
// became supported): the case is then run like any other and a log line
// says it may move out of unsupported/.
func runUnsupported(t *testing.T, c roundTripCase) {
	dbA := loadDB(t, filepath.Join(c.Dir, "from.sql"))
	dbB := loadDB(t, filepath.Join(c.Dir, "to.sql"))
	mA, mB := introspect(t, dbA), introspect(t, dbB)
	plan, err := planner.Build(mA, mB, planOpts)
	if err != nil {
		t.Logf("plan error, as expected: %v", err)
		return
	}
	if len(plan.Notes) > 0 {
		for _, n := range plan.Notes {
			t.Logf("plan note, as expected: %s", n)
		}
		return
	}
	t.Logf("no plan error and no Note for an unsupported change; the plan (%d steps) must then round-trip", len(plan.Steps))
	runRoundTrip(t, c)
	if !t.Failed() {
		t.Logf("the planner handles this change now without a Note: consider moving %s out of unsupported/ (or adding a Note about the data risk)", c.Name)
	}
}

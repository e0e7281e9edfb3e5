package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
)

// corpusResult records one corpus entry's outcome for the summary table.
type corpusResult struct {
	hasOld                     bool
	ran                        bool   // false when -run filtered the entry out
	excluded                   string // why the entry does not load on this server's major ("" = it loads)
	zeroDiff, pairUp, pairDown string // "pass", "FAIL", "skip", "" (not reached)
	notNullGap                 int    // catalog lines (up + down) that differ only in domain NOT NULL constraint names
}

// TestCorpus: (a) zero false diffs between a database loaded from
// schema.sql and schema.LoadSQL(schema.sql); (b) for every entry with
// schema.old.sql: plan old → new, apply the up files with psql to a
// database loaded from schema.old.sql, compare with a fresh schema.sql load
// (pgshift's model and the catalog's own text, catalogText), re-plan empty,
// apply the down files in reverse and compare with a fresh schema.old.sql
// load the same two ways.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus tests are slow; skipped in -short mode")
	}
	// Runs beside the other parallel tests (the round-trip cases), not
	// before all of them.
	t.Parallel()
	loadSh, entries := corpusEntries(t)
	var names []string
	for _, e := range entries {
		names = append(names, e.name)
	}
	if len(names) == 0 {
		t.Skip("no corpus entries")
	}

	var mu sync.Mutex
	results := map[string]*corpusResult{}
	t.Run("entries", func(t *testing.T) {
		for _, e := range entries {
			e := e
			r := &corpusResult{}
			_, err := os.Stat(filepath.Join(e.dir, "schema.old.sql"))
			r.hasOld = err == nil
			mu.Lock()
			results[e.name] = r
			mu.Unlock()
			t.Run(e.name, func(t *testing.T) {
				t.Parallel()
				acquire(t)
				runCorpus(t, loadSh, e, r, &mu)
			})
		}
	})

	// Summary.
	var zd, up, down, pairs, ran int
	var b strings.Builder
	fmt.Fprintf(&b, "%-22s %-15s %-8s %-8s %s\n", "corpus", "zero-false-diff", "pair up", "pair down", "catalog (pairs)")
	for _, n := range names {
		r := results[n]
		mu.Lock()
		row := *r
		mu.Unlock()
		if !row.ran {
			continue
		}
		if row.excluded != "" {
			fmt.Fprintf(&b, "%-22s excluded: %s\n", n, row.excluded)
			continue
		}
		ran++
		if row.zeroDiff == "pass" {
			zd++
		}
		if row.hasOld {
			pairs++
			if row.pairUp == "pass" {
				up++
			}
			if row.pairDown == "pass" {
				down++
			}
		}
		cat := "-"
		switch {
		case row.hasOld && row.notNullGap > 0:
			cat = fmt.Sprintf("exact but domain NOT NULL constraint names (%d lines)", row.notNullGap)
		case row.hasOld && row.pairUp == "pass" && row.pairDown == "pass":
			cat = "exact"
		}
		fmt.Fprintf(&b, "%-22s %-15s %-8s %-8s %s\n", n, orDash(row.zeroDiff), orDash(row.pairUp), orDash(row.pairDown), cat)
	}
	t.Logf("corpus: zero-false-diff %d/%d, pairs up %d/%d, down %d/%d\n%s", zd, ran, up, pairs, down, pairs, b.String())
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// loadCorpus loads an entry's schema.sql (or schema.old.sql when old) into
// a new database named db with load.sh, dropped when the test ends. name is
// the entry's directory (load.sh takes a path to an entry anywhere).
func loadCorpus(t *testing.T, loadSh, name, db string, old bool) string {
	t.Helper()
	dropDatabaseCleanup(t, db)
	args := []string{loadSh, name, db}
	if old {
		args = append(args, "old")
	}
	cmd := exec.Command("bash", args...)
	cmd.Env = pgEnv(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("load.sh %s: %v\n%s", strings.Join(args[1:], " "), err, truncate(string(out), 4000))
	}
	return pgtest.URLFor(t, db)
}

// tryLoadCorpus runs load.sh for schema.sql into db and drops db again;
// it returns load.sh's error.
func tryLoadCorpus(t *testing.T, loadSh, name, db string) error {
	t.Helper()
	dropDatabaseCleanup(t, db)
	cmd := exec.Command("bash", loadSh, name, db)
	cmd.Env = pgEnv(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		msg := strings.TrimSpace(string(out))
		if i := strings.LastIndex(msg, "\n"); i >= 0 {
			msg = msg[i+1:] // psql's error is the last line
		}
		return fmt.Errorf("%v: %s", err, msg)
	}
	return nil
}

func runCorpus(t *testing.T, loadSh string, e corpusEntry, r *corpusResult, mu *sync.Mutex) {
	ctx := context.Background()
	name := e.dir // load.sh's argument: the entry's directory
	newSQL := filepath.Join(e.dir, "schema.sql")
	base := fmt.Sprintf("pgshift_corpus_%s_%d", e.name, os.Getpid())
	set := func(field *string, v string) {
		mu.Lock()
		*field = v
		mu.Unlock()
	}

	mu.Lock()
	r.ran = true
	mu.Unlock()

	// (a) zero false diffs. An entry documented not to load on this
	// server's major (testdata/corpus/entries.tsv or the entry's
	// min_major/max_major) is left out of the counts when load.sh indeed
	// fails; any other load failure is a test failure.
	set(&r.zeroDiff, "FAIL")
	if m := serverMajor(t); !e.loadsOn(m) {
		if err := tryLoadCorpus(t, loadSh, name, base+"_new"); err != nil {
			set(&r.excluded, fmt.Sprintf("does not load on PostgreSQL %d (loads on %d-%d)", m, e.lo, e.hi))
			t.Skipf("schema.sql does not load on PostgreSQL %d (documented: %d-%d): %v", m, e.lo, e.hi, err)
		}
	}
	dbNew := loadCorpus(t, loadSh, name, base+"_new", false)
	mNew := introspect(t, dbNew)
	toModel, err := schema.LoadSQL(ctx, pgtest.AdminURL(), newSQL)
	if err != nil {
		t.Fatalf("schema.LoadSQL(%s): %v", newSQL, err)
	}
	plan, err := planner.Build(mNew, toModel, planOpts)
	switch {
	case err != nil:
		t.Errorf("zero-false-diff: planner.Build(db, LoadSQL): %v", err)
	case !plan.Empty():
		t.Errorf("zero-false-diff: %d steps between a loaded schema.sql and LoadSQL(schema.sql):\n%s\ncanonical diff (- db, + LoadSQL):\n%s",
			len(plan.Steps), stepList(plan, 40), truncate(schema.CanonicalDiff(canon(mNew), canon(toModel)), 8000))
	default:
		set(&r.zeroDiff, "pass")
	}

	if !r.hasOld {
		return
	}

	// (b) old → new round trip.
	set(&r.pairUp, "FAIL")
	set(&r.pairDown, "FAIL")
	dbO := loadCorpus(t, loadSh, name, base+"_old", true)
	mO := introspect(t, dbO)
	plan, err = planner.Build(mO, toModel, planOpts)
	if err != nil {
		t.Fatalf("pair: planner.Build(old, new): %v", err)
	}
	for _, n := range plan.Notes {
		t.Logf("plan note: %s", n)
	}
	t.Logf("pair plan: %d steps", len(plan.Steps))
	ups, downs := writeMigrations(t, plan)
	if err := applyPsql(ctx, dbO, ups); err != nil {
		t.Fatalf("pair: apply up: %v", err)
	}
	mO1 := introspect(t, dbO)
	cNew := canon(mNew)
	upOK := true
	// The catalog itself, not only pgshift's model of it, must equal a fresh
	// load: the server's own definitions (catalogText).
	ok, gap := compareCatalogs(t, "after up", "a fresh schema.sql", catalogText(t, dbO), catalogText(t, dbNew))
	if !ok {
		upOK = false
	}
	if got := canon(mO1); got != cNew {
		upOK = false
		t.Errorf("pair: after up, database differs from a fresh schema.sql (- after up, + fresh):\n%s", truncate(schema.CanonicalDiff(got, cNew), 8000))
	}
	if re, err := planner.Build(mO1, toModel, planOpts); err != nil {
		upOK = false
		t.Errorf("pair: re-plan after up: %v", err)
	} else if !re.Empty() {
		upOK = false
		t.Errorf("pair: re-plan after up is not empty (%d steps):\n%s", len(re.Steps), stepList(re, 40))
	}
	if upOK {
		set(&r.pairUp, "pass")
	}

	if err := applyPsql(ctx, dbO, downs); err != nil {
		t.Fatalf("pair: apply down: %v", err)
	}
	mO2 := introspect(t, dbO)
	dbRef := loadCorpus(t, loadSh, name, base+"_oldref", true)
	mRef := introspect(t, dbRef)
	downOK := true
	ok, gap2 := compareCatalogs(t, "after down", "a fresh schema.old.sql", catalogText(t, dbO), catalogText(t, dbRef))
	if !ok {
		downOK = false
	}
	mu.Lock()
	r.notNullGap = gap + gap2
	mu.Unlock()
	if got, want := canon(mO2), canon(mRef); got != want {
		downOK = false
		t.Errorf("pair: after down, database differs from a fresh schema.old.sql (- after down, + fresh):\n%s", truncate(schema.CanonicalDiff(got, want), 8000))
	}
	if re, err := planner.Build(mO2, mRef, planOpts); err != nil {
		downOK = false
		t.Errorf("pair: re-plan after down: %v", err)
	} else if !re.Empty() {
		downOK = false
		t.Errorf("pair: re-plan after down is not empty (%d steps):\n%s", len(re.Steps), stepList(re, 40))
	}
	if downOK {
		set(&r.pairDown, "pass")
	}
}

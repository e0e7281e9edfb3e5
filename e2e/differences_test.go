package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgshift/pgshift/planner"
)

// writeSQL writes src to name in a fresh temp dir and returns the path.
func writeSQL(t *testing.T, name, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestExtensionVersionChangeIsIrreversible: an extension update is planned
// and applies, and its step is marked irreversible because the down's
// UPDATE TO the old version has no path on the server (hstore ships
// upgrade scripts only) — which the test shows by running the down.
func TestExtensionVersionChangeIsIrreversible(t *testing.T) {
	ctx := context.Background()
	dbA := loadDB(t, writeSQL(t, "from.sql", "CREATE EXTENSION hstore VERSION '1.7';"))
	dbB := loadDB(t, writeSQL(t, "to.sql", "CREATE EXTENSION hstore VERSION '1.8';"))
	plan, err := planner.Build(introspect(t, dbA), introspect(t, dbB), planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Steps) != 1 {
		t.Fatalf("want one step, got:\n%s", planText(plan))
	}
	s := plan.Steps[0]
	if !strings.Contains(s.Irreversible, "UPDATE TO '1.7'") {
		t.Errorf("step %q: Irreversible = %q, want the missing downgrade path explained", s.Summary, s.Irreversible)
	}
	found := false
	for _, h := range s.Hazards {
		found = found || h.Kind == planner.HazardIrreversible
	}
	if !found {
		t.Errorf("step %q has no %s hazard: %+v", s.Summary, planner.HazardIrreversible, s.Hazards)
	}
	ups, downs := writeMigrations(t, plan)
	if err := applyExec(ctx, dbA, ups); err != nil {
		t.Fatalf("up: %v", err)
	}
	if err := applyExec(ctx, dbA, downs); err == nil || !strings.Contains(err.Error(), "no update path") {
		t.Errorf("down: err = %v, want PostgreSQL's \"no update path\" (the reason the step is irreversible)", err)
	}
}

package drift

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGroupedAnnotations(t *testing.T) {
	rep := &Report{Dir: "migrations", Migrations: &Migrations{Dirty: true, CurrentVersion: "3", OutOfOrder: []string{"2_b.up.sql"}}}
	for i := 0; i < 25; i++ {
		rep.Drift = append(rep.Drift, Change{Summary: fmt.Sprintf("create table public.t%02d", i)})
	}
	rep.Drift = append(rep.Drift, Change{Summary: "add column public.u.note"})
	out := filepath.Join(t.TempDir(), "out")
	var b strings.Builder
	if err := Write(&b, rep, "github", "", out); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	if n := strings.Count(got, "::error"); n != 3 { // dirty, out of order, one grouped drift
		t.Errorf("%d error annotations, want 3:\n%s", n, got)
	}
	for _, want := range []string{"add column (1): public.u.note", "create table (25): public.t00,", "and 15 more"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	o, err := os.ReadFile(out)
	if err != nil || string(o) != "drift=true\nchanges=28\n" {
		t.Errorf("GITHUB_OUTPUT %q, %v; want drift=true changes=28 (26 drift + dirty + out of order)", o, err)
	}
}

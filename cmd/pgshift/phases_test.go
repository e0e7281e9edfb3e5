package main

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var updatePhases = flag.Bool("update", false, "rewrite the golden files in testdata/phases")

// phasesGolden compares got with testdata/phases/<name>.golden.
func phasesGolden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", "phases", name+".golden")
	if *updatePhases {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/pgshift -run TestPhase -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (run with -update to accept):\n%s", p, got)
	}
}

var phaseLine = regexp.MustCompile(`(?m)^-- phase (\d+) of (\d+): (\w+)\n(-- before this phase: (.*)\n)?`)

// checkPhaseHeaders checks every "-- phase k of n" header of text: k runs
// 1..n without gaps, every phase after the first (and a lone contract)
// says what must be deployed before it; phases 1..present have a header.
func checkPhaseHeaders(t *testing.T, what, text string, wantN, present int) {
	t.Helper()
	seen := map[string]bool{}
	for _, m := range phaseLine.FindAllStringSubmatch(text, -1) {
		if m[2] != string(rune('0'+wantN)) {
			t.Errorf("%s: %q: want n = %d", what, strings.TrimSpace(m[0]), wantN)
		}
		if m[1] > m[2] {
			t.Errorf("%s: %q: phase number beyond the count", what, strings.TrimSpace(m[0]))
		}
		if (m[1] != "1" || m[3] == "contract") && !strings.HasPrefix(m[5], "deploy ") {
			t.Errorf("%s: %q: no deploy boundary", what, strings.TrimSpace(m[0]))
		}
		seen[m[1]] = true
	}
	for k := 1; k <= present; k++ {
		if !seen[string(rune('0'+k))] {
			t.Errorf("%s: no header for phase %d of %d:\n%s", what, k, wantN, text)
		}
	}
}

// TestPhaseNumberingAndDeployBoundaries: a required column (recipe phases
// expand and contract, no swap) and a declared drop are "phase 1 of 2" and
// "phase 2 of 2"; the drop is in the contract, after the deploy boundary;
// default diff output shows phase 1 and lists phase 2; --all-phases shows
// both; generate writes phase 1 only, its files named after phase and
// column; a plan of only a declared drop is "phase 1 of 1: contract".
func TestPhaseNumberingAndDeployBoundaries(t *testing.T) {
	t.Parallel()
	plannerReady(t)
	from, to := "testdata/phases/from.sql", "testdata/phases/to.sql"
	// The golden plans are PostgreSQL 15's: a newer dev server plans for 15
	// (18 names its NOT NULL constraints), an older one plans the same.
	pin := strconv.Itoa(min(15, devMajor(t)))
	diff := func(extra ...string) string {
		t.Helper()
		r := pgshift(t, devVars(), append([]string{"diff", "--from", from, "--to", to, "--pg-version", pin}, extra...)...)
		if r.code != 0 {
			t.Fatalf("diff %v: %+v", extra, r)
		}
		return r.stdout
	}
	now := diff()
	checkPhaseHeaders(t, "diff", now, 2, 2)
	nowPart, laterPart, _ := strings.Cut(now, "-- not in this migration")
	if strings.Contains(nowPart, "DROP COLUMN legacy") || !strings.Contains(laterPart, "drop column public.users.legacy") {
		t.Errorf("the declared drop must wait for the contract phase:\n%s", now)
	}
	phasesGolden(t, "diff_sql", now)
	all := diff("--all-phases")
	checkPhaseHeaders(t, "diff --all-phases", all, 2, 2)
	if i, j := strings.Index(all, "-- phase 2 of 2: contract"), strings.Index(all, "DROP COLUMN legacy"); i < 0 || j < i {
		t.Errorf("DROP COLUMN legacy is not in the contract phase:\n%s", all)
	}
	phasesGolden(t, "diff_all_phases", all)
	md := diff("--format", "markdown")
	for _, want := range []string{"### Phase 1 of 2: expand (runs now)", "### Phase 2 of 2: contract (after a deploy: a later generate)", "> **Before this phase (deploy boundary):** deploy "} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	phasesGolden(t, "diff_markdown", md)

	// generate: phase 1 only.
	dir := t.TempDir()
	r := pgshift(t, devVars(), "generate", "--from", from, "--to", to, "--dir", dir)
	if r.code != 0 || !strings.Contains(r.stderr, "not written yet: phase 2 of 2 (contract)") {
		t.Fatalf("generate: %+v", r)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	version := regexp.MustCompile(`^\d+_`)
	var names []string
	var texts strings.Builder
	for _, e := range ents {
		names = append(names, version.ReplaceAllString(e.Name(), "V_"))
		if strings.HasSuffix(e.Name(), ".up.sql") {
			b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			texts.Write(b)
			if strings.Contains(string(b), "DROP COLUMN") {
				t.Errorf("%s: the first generate drops a column:\n%s", e.Name(), b)
			}
		}
	}
	sort.Strings(names)
	checkPhaseHeaders(t, "generate", texts.String(), 2, 1)
	phasesGolden(t, "generate_files", strings.Join(names, "\n")+"\n")

	// Only a declared drop: phase 1 of 1, titled contract, after a deploy.
	r = pgshift(t, devVars(), "diff", "--from", from, "--to", "testdata/phases/drop_only.sql")
	if r.code != 0 || !strings.Contains(r.stdout, "-- phase 1 of 1: contract\n-- before this phase: deploy application code that no longer reads or writes public.users.legacy") {
		t.Errorf("a lone declared drop: %+v", r)
	}
}

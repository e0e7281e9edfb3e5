package emit

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgshift/pgshift/planner"
)

// phasedPlan is a two-phase plan with locks, hazards, a statement timeout
// override, a multi-statement non-transactional step and a function body.
func phasedPlan() *planner.Plan {
	p := examplePlan()
	p.Steps[1].Lock = "ACCESS EXCLUSIVE"
	p.Steps[1].Relations = []string{"public.users"}
	p.Steps[2].Lock = "SHARE UPDATE EXCLUSIVE"
	p.Steps[2].Relations = []string{"public.users"}
	p.Steps[2].Hazards = []planner.Hazard{{Kind: planner.HazardNonTransactional, Message: "cannot run in a transaction"}}
	p.Steps[4].Phase = 2
	p.Steps[4].Lock = "ACCESS EXCLUSIVE"
	p.Steps[4].Relations = []string{"public.users"}
	p.Steps[4].Irreversible = "the column's data is lost"
	p.Steps[4].Hazards = []planner.Hazard{{Kind: planner.HazardDataLoss, Message: "drops column legacy"}, {Kind: planner.HazardBlockingLock, Message: "brief"}}
	p.Steps[5].Phase = 2
	p.Steps[5].Up = append(p.Steps[5].Up, "CREATE FUNCTION public.two() RETURNS int\n    LANGUAGE sql\n    BEGIN ATOMIC\n SELECT 1;\n SELECT 2;\nEND;")
	p.Steps[5].Down = append([]string{"DROP FUNCTION public.two();"}, p.Steps[5].Down...)
	validate := &planner.Step{
		Summary: "validate constraint users_email_check on public.users", Phase: 2, Transactional: true,
		Up:               []string{"ALTER TABLE public.users VALIDATE CONSTRAINT users_email_check;"},
		Lock:             "SHARE UPDATE EXCLUSIVE",
		Relations:        []string{"public.users"},
		Scans:            true,
		Hazards:          []planner.Hazard{{Kind: planner.HazardTableScan, Message: "reads every row"}},
		StatementTimeout: "0",
	}
	twoStmts := &planner.Step{
		Summary: "rebuild index public.users_status_idx", Phase: 2,
		Up: []string{
			"CREATE INDEX CONCURRENTLY users_status_idx_new ON public.users USING btree (status);",
			"DROP INDEX CONCURRENTLY public.users_status_idx;",
		},
		Down: []string{"CREATE INDEX CONCURRENTLY users_status_idx ON public.users USING btree (status);"},
	}
	p.Steps = append(p.Steps, validate, twoStmts)
	p.Phases = []planner.Phase{{Number: 1, Title: "expand"}, {Number: 2, Title: "contract", Before: "deploy code that no longer reads users.legacy"}}
	p.Notes = []string{"an example note"}
	return p
}

func TestFormatsGolden(t *testing.T) {
	for _, f := range Formats {
		t.Run(f, func(t *testing.T) {
			files := mustFiles(t, phasedPlan(), Options{Format: f, Name: "phased", Description: "from: a.sql\nto: b.sql", Now: now, StatementTimeout: "30s"})
			golden(t, "format_"+f, render(files))
		})
	}
}

// TestFilesPhaseAndTxRules checks the emit rules of issue 3 on every format.
func TestFilesPhaseAndTxRules(t *testing.T) {
	for _, f := range Formats {
		files := mustFiles(t, phasedPlan(), Options{Format: f, Now: now})
		for _, file := range files {
			c := string(file.Content)
			if strings.HasSuffix(file.Name, ".conf") {
				continue
			}
			if strings.Contains(c, "-- phase 1") == strings.Contains(c, "-- phase 2") {
				t.Errorf("%s %s: not exactly one phase:\n%s", f, file.Name, c)
			}
			nonTx := strings.Contains(c, "CONCURRENTLY") || strings.Contains(c, "ADD VALUE")
			if nonTx {
				if strings.Contains(c, "SET LOCAL") {
					t.Errorf("%s %s: SET LOCAL in a non-transactional file:\n%s", f, file.Name, c)
				}
				oneQuery := f == FormatGolangMigrate || f == FormatDbmate
				if oneQuery && strings.Contains(c, "\nSET ") {
					t.Errorf("%s %s: SET in a one-query non-transactional file:\n%s", f, file.Name, c)
				}
				if oneQuery && strings.Count(c, "CONCURRENTLY")-strings.Count(c, "-- ") > 2 {
					t.Errorf("%s %s: several statements in a one-query file:\n%s", f, file.Name, c)
				}
			} else if strings.Contains(c, "ALTER TABLE") && !strings.Contains(c, "SET LOCAL lock_timeout = '5s';") {
				t.Errorf("%s %s: transactional file without SET LOCAL lock_timeout:\n%s", f, file.Name, c)
			}
			if strings.Contains(c, "VALIDATE CONSTRAINT") && !strings.Contains(c, "SET LOCAL statement_timeout = '0';") {
				t.Errorf("%s %s: VALIDATE without its statement_timeout override:\n%s", f, file.Name, c)
			}
		}
	}
}

func TestGooseStatementBegin(t *testing.T) {
	var b strings.Builder
	writeGooseStatement(&b, "CREATE TABLE t (id int)")
	writeGooseStatement(&b, "CREATE FUNCTION f() RETURNS int AS $fn$ SELECT 1 $fn$ LANGUAGE sql")
	writeGooseStatement(&b, "CREATE RULE r AS ON INSERT TO t DO ALSO (\n  NOTIFY t;\n  NOTIFY u;\n)")
	want := "CREATE TABLE t (id int);\n" +
		"-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS $fn$ SELECT 1 $fn$ LANGUAGE sql;\n-- +goose StatementEnd\n" +
		"-- +goose StatementBegin\nCREATE RULE r AS ON INSERT TO t DO ALSO (\n  NOTIFY t;\n  NOTIFY u;\n);\n-- +goose StatementEnd\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestLockTimeoutOptions(t *testing.T) {
	files := mustFiles(t, examplePlan(), Options{Now: now, LockTimeout: "none"})
	if strings.Contains(string(files[0].Content), "lock_timeout") {
		t.Errorf("LockTimeout none still sets it:\n%s", files[0].Content)
	}
	files = mustFiles(t, examplePlan(), Options{Now: now, LockTimeout: "2s", StatementTimeout: "1min"})
	if c := string(files[0].Content); !strings.Contains(c, "SET LOCAL lock_timeout = '2s';\nSET LOCAL statement_timeout = '1min';\n") {
		t.Errorf("settings missing:\n%s", c)
	}
	if c := string(files[2].Content); !strings.Contains(c, "?options=-c%20lock_timeout%3D2s") {
		t.Errorf("non-tx golang-migrate file lacks the connection hint:\n%s", c)
	}
}

func TestJSONAndMarkdown(t *testing.T) {
	plan := phasedPlan()
	js := JSON(plan)
	var r JSONPlan
	if err := json.Unmarshal(js, &r); err != nil {
		t.Fatalf("JSON: %v\n%s", err, js)
	}
	if r.Version != ReportVersion || len(r.Steps) != len(plan.Steps) || r.Steps[4].Phase != 2 || r.Steps[4].Hazards[0].Kind != planner.HazardDataLoss {
		t.Errorf("JSON report: %+v", r)
	}
	golden(t, "plan_json", string(js))
	golden(t, "plan_markdown", Markdown(plan))
	if !strings.Contains(Markdown(&planner.Plan{}), "No changes") {
		t.Error("empty plan markdown")
	}
}

func TestSumFile(t *testing.T) {
	dir := t.TempDir()
	files := mustFiles(t, examplePlan(), Options{Now: now, Format: FormatGoose, Dir: dir})
	paths, err := WriteWithSum(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(paths[len(paths)-1]) != SumFile {
		t.Fatalf("paths %v do not end with the sum", paths)
	}
	if _, err := CheckSum(dir); err != nil {
		t.Fatalf("fresh sum: %v", err)
	}
	// A hand-written newer file is not tracked, not an error, and may be
	// edited; a generated file the sum does not list is reported.
	hand := filepath.Join(dir, "29990101000000_hand.sql")
	if err := os.WriteFile(hand, []byte("-- +goose Up\nSELECT 1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if un, err := CheckSum(dir); err != nil || len(un) != 0 {
		t.Errorf("hand-written file: %v, %v", un, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "29990101000001_copied.sql"), []byte("-- generated by pgshift\n-- +goose Up\nSELECT 1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if un, err := CheckSum(dir); err != nil || len(un) != 1 || un[0] != "29990101000001_copied.sql" {
		t.Errorf("unlisted generated file: %v, %v", un, err)
	}
	if err := os.Remove(filepath.Join(dir, "29990101000001_copied.sql")); err != nil {
		t.Fatal(err)
	}
	// A later generate leaves the hand-written file out of the sum.
	later := mustFiles(t, examplePlan(), Options{Now: now.Add(time.Hour), Format: FormatGoose, Dir: dir})
	if _, err := WriteWithSum(dir, later); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hand, []byte("-- +goose Up\nSELECT 2;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := CheckSum(dir); err != nil {
		t.Errorf("edited hand-written file: %v", err)
	}
	// An edited generated file is an error naming it, and blocks writing.
	edited := filepath.Join(dir, files[1].Name)
	if err := os.WriteFile(edited, append(files[1].Content, "-- edited\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = CheckSum(dir)
	if err == nil || !strings.Contains(err.Error(), files[1].Name) || !strings.Contains(err.Error(), "edited") {
		t.Errorf("edited file: err = %v", err)
	}
	more := mustFiles(t, examplePlan(), Options{Now: now, Format: FormatGoose, Dir: dir})
	if _, err := WriteWithSum(dir, more); err == nil {
		t.Error("WriteWithSum over an edited directory succeeded")
	}
	// A deleted generated file is named too.
	if err := os.Remove(filepath.Join(dir, files[0].Name)); err != nil {
		t.Fatal(err)
	}
	if _, err := CheckSum(dir); err == nil || !strings.Contains(err.Error(), files[0].Name+" is listed") {
		t.Errorf("missing file: err = %v", err)
	}
	golden(t, "sum", string(SumText(map[string][]byte{"1_a.up.sql": []byte("SELECT 1;\n"), "1_a.down.sql": nil})))
}

func TestUnifiedDiff(t *testing.T) {
	a := "l1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\nl10\n"
	b := "l1\nl2\nl3\nl4 changed\nl5\nl6\nl7\nl8\nl9\nl10\nl11\n"
	got := UnifiedDiff("expected", "live", a, b)
	want := "--- expected\n+++ live\n@@ -1,10 +1,11 @@\n l1\n l2\n l3\n-l4\n+l4 changed\n l5\n l6\n l7\n l8\n l9\n l10\n+l11\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Changes more than six lines apart make two hunks.
	c := "x\n" + a[3:] + "l11\n"
	got = UnifiedDiff("a", "b", a, c)
	want = "--- a\n+++ b\n@@ -1,4 +1,4 @@\n-l1\n+x\n l2\n l3\n l4\n@@ -8,3 +8,4 @@\n l8\n l9\n l10\n+l11\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if UnifiedDiff("a", "b", a, a) != "" {
		t.Error("equal texts give a diff")
	}
}

func TestDetectFormatRoundTrip(t *testing.T) {
	for _, f := range Formats {
		dir := t.TempDir()
		if _, err := Write(dir, mustFiles(t, examplePlan(), Options{Format: f, Now: now})); err != nil {
			t.Fatal(err)
		}
		got, err := DetectFormat(dir)
		if err != nil || got != f {
			t.Errorf("DetectFormat(%s dir) = %q, %v", f, got, err)
		}
		// The next run bumps past the existing versions in every format.
		next := mustFiles(t, examplePlan(), Options{Format: f, Now: now, Dir: dir})
		if next[0].Version != 20260314150930 {
			t.Errorf("%s: next version %d", f, next[0].Version)
		}
	}
}

func TestScript(t *testing.T) {
	golden(t, "script", Script(phasedPlan(), Options{StatementTimeout: "30s"}))
	if Script(&planner.Plan{}, Options{}) != "" {
		t.Error("empty plan gives a script")
	}
}

func TestSumMissingAndRehash(t *testing.T) {
	dir := t.TempDir()
	files := mustFiles(t, examplePlan(), Options{Now: now, Format: FormatGolangMigrate, Dir: dir})
	if _, err := WriteWithSum(dir, files); err != nil {
		t.Fatal(err)
	}
	hand := filepath.Join(dir, "1_hand.up.sql")
	if err := os.WriteFile(hand, []byte("SELECT 1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// No sum but generated files: an error that names the fix.
	if err := os.Remove(filepath.Join(dir, SumFile)); err != nil {
		t.Fatal(err)
	}
	_, err := CheckSum(dir)
	var me *MissingSumError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "pgshift hash --dir "+dir) || !strings.Contains(err.Error(), files[0].Name) ||
		strings.Contains(err.Error(), "1_hand") {
		t.Fatalf("missing sum: %v", err)
	}
	if _, err := WriteWithSum(dir, files[:1]); !errors.As(err, &me) {
		t.Errorf("WriteWithSum without a sum: %v", err)
	}
	// Only hand-written files: no sum is fine.
	only := t.TempDir()
	if err := os.WriteFile(filepath.Join(only, "1_a.up.sql"), []byte("SELECT 1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := CheckSum(only); err != nil {
		t.Errorf("hand-written only: %v", err)
	}
	// Rehash records the generated files, and a hand-written one when told.
	tracked, gone, err := Rehash(dir, nil)
	if err != nil || len(tracked) != len(files) || len(gone) != 0 {
		t.Fatalf("Rehash: %v %v %v", tracked, gone, err)
	}
	if _, err := CheckSum(dir); err != nil {
		t.Fatal(err)
	}
	// After an intended edit, CheckSum fails until Rehash.
	edited := filepath.Join(dir, files[0].Name)
	if err := os.WriteFile(edited, append(files[0].Content, "-- reviewed\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := CheckSum(dir); err == nil {
		t.Fatal("edit not detected")
	}
	tracked, _, err = Rehash(dir, []string{hand})
	if err != nil || len(tracked) != len(files)+1 {
		t.Fatalf("Rehash with a tracked file: %v %v", tracked, err)
	}
	if _, err := CheckSum(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hand, []byte("SELECT 2;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := CheckSum(dir); err == nil || !strings.Contains(err.Error(), "1_hand.up.sql was edited") {
		t.Errorf("tracked hand-written file edited: %v", err)
	}
	// A removed file leaves the sum on Rehash, and is reported.
	if err := os.Remove(hand); err != nil {
		t.Fatal(err)
	}
	if _, gone, err = Rehash(dir, nil); err != nil || len(gone) != 1 || gone[0] != "1_hand.up.sql" {
		t.Errorf("Rehash after a removal: %v %v", gone, err)
	}
	if _, _, err := Rehash(dir, []string{"nope.sql"}); err == nil {
		t.Error("Rehash of a missing file succeeded")
	}
}

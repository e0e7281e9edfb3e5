package emit

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pgshift/pgshift/planner"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// now is the fixed generation time of the golden tests.
var now = time.Date(2026, 3, 14, 15, 9, 26, 500, time.UTC)

func tx(summary string, up, down []string) *planner.Step {
	return &planner.Step{Summary: summary, Up: up, Down: down, Transactional: true}
}

// examplePlan has transactional runs around two non-transactional steps
// and an irreversible step.
func examplePlan() *planner.Plan {
	cic := &planner.Step{
		Summary:       "create index public.users_email_idx",
		Up:            []string{"CREATE INDEX CONCURRENTLY users_email_idx ON public.users USING btree (email);"},
		Down:          []string{"DROP INDEX CONCURRENTLY public.users_email_idx;"},
		Transactional: false,
	}
	addValue := &planner.Step{
		Summary:       "add value 'archived' to enum public.status",
		Up:            []string{"ALTER TYPE public.status ADD VALUE 'archived';"},
		Irreversible:  "enum values cannot be removed",
		Transactional: false,
	}
	return &planner.Plan{Steps: []*planner.Step{
		tx("create type public.status", []string{"CREATE TYPE public.status AS ENUM ('active', 'disabled');"}, []string{"DROP TYPE public.status;"}),
		tx("create table public.users", []string{
			"CREATE TABLE public.users (\n    id bigint NOT NULL,\n    email text NOT NULL,\n    status public.status DEFAULT 'active'::public.status NOT NULL\n);",
			"ALTER TABLE public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);",
		}, []string{"DROP TABLE public.users;"}),
		cic,
		addValue,
		tx("drop column public.users.legacy", []string{"ALTER TABLE public.users DROP COLUMN legacy;"},
			[]string{"ALTER TABLE public.users ADD COLUMN legacy text;"}),
		tx("create function public.touch()", []string{"CREATE FUNCTION public.touch() RETURNS trigger\n    LANGUAGE plpgsql\n    AS $$BEGIN NEW.updated_at := now(); RETURN NEW; END$$;"},
			[]string{"DROP FUNCTION public.touch();"}),
	}}
}

// render joins files into one text for a golden file.
func render(files []File) string {
	var b strings.Builder
	for _, f := range files {
		b.WriteString("=== " + f.Name + " ===\n")
		b.Write(f.Content)
	}
	return b.String()
}

// golden compares got with testdata/<name>.golden, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./emit -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run with -update to accept):\n--- got ---\n%s\n--- want ---\n%s", p, got, want)
	}
}

func TestFilesGrouping(t *testing.T) {
	plan := examplePlan()
	plan.Steps[4].Irreversible = "the column's data is lost"
	files, err := Files(plan, Options{Name: "Add users & status!", Description: "from: current.sql\nto: schema.sql", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	want := []string{
		"20260314150926_add_users_status.up.sql", "20260314150926_add_users_status.down.sql",
		"20260314150927_add_users_status.up.sql", "20260314150927_add_users_status.down.sql",
		"20260314150928_add_users_status.up.sql", "20260314150928_add_users_status.down.sql",
		"20260314150929_add_users_status.up.sql", "20260314150929_add_users_status.down.sql",
	}
	if strings.Join(names, "\n") != strings.Join(want, "\n") {
		t.Errorf("file names:\n%s\nwant:\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
	golden(t, "grouping", render(files))
}

func TestFilesNonTransactionalAlone(t *testing.T) {
	plan := examplePlan()
	for i, f := range mustFiles(t, plan, Options{Now: now}) {
		if !strings.Contains(string(f.Content), "CONCURRENTLY") && !strings.Contains(string(f.Content), "ADD VALUE") {
			continue
		}
		// A file holding a non-transactional statement holds nothing else.
		stmts := 0
		for _, l := range strings.Split(string(f.Content), "\n") {
			if strings.HasSuffix(l, ";") && !strings.HasPrefix(l, "--") {
				stmts++
			}
		}
		if stmts != 1 {
			t.Errorf("file %d %s has %d statements:\n%s", i, f.Name, stmts, f.Content)
		}
	}
	// Two adjacent non-transactional steps: two pairs.
	two := &planner.Plan{Steps: []*planner.Step{examplePlan().Steps[2], examplePlan().Steps[3]}}
	if files := mustFiles(t, two, Options{Now: now}); len(files) != 4 {
		t.Errorf("two non-transactional steps gave %d files, want 4", len(files))
	}
}

func TestFilesIrreversibleComment(t *testing.T) {
	files := mustFiles(t, examplePlan(), Options{Name: "enum", Now: now})
	for i := 0; i+1 < len(files); i += 2 {
		if strings.Contains(string(files[i].Content), "ADD VALUE") {
			golden(t, "irreversible", render(files[i:i+2]))
			if !strings.Contains(string(files[i+1].Content), "-- irreversible: enum values cannot be removed\n") {
				t.Errorf("down file lacks the irreversible comment:\n%s", files[i+1].Content)
			}
			return
		}
	}
	t.Fatal("no file holds the ADD VALUE step")
}

func TestFilesVersionBumpOverExistingDir(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"20260314150926_old.up.sql", "20260314150930_newest.up.sql", "20260314150930_newest.down.sql", "README.md", "notes_1.sql"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files := mustFiles(t, examplePlan(), Options{Dir: dir, Now: now})
	if got, want := files[0].Version, uint64(20260314150931); got != want {
		t.Errorf("first version = %d, want %d", got, want)
	}
	golden(t, "bump_names", names(files))

	// Across a day boundary: the next second, not 20261231235960.
	dir2 := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir2, "20261231235959_x.up.sql"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	files = mustFiles(t, examplePlan(), Options{Dir: dir2, Now: now})
	if got, want := files[0].Version, uint64(20270101000000); got != want {
		t.Errorf("version after 20261231235959 = %d, want %d", got, want)
	}

	// A sequential directory beyond the current time stays sequential, padded.
	dir3 := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir3, "99999999999999999_seq.up.sql"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	files = mustFiles(t, examplePlan(), Options{Dir: dir3, Now: now})
	if got := files[0].Name; !strings.HasPrefix(got, "100000000000000000_") {
		t.Errorf("first name = %s", got)
	}
}

func TestFilesTwoInOneSecond(t *testing.T) {
	files := mustFiles(t, examplePlan(), Options{Now: now})
	seen := map[uint64]bool{}
	var last uint64
	for i := 0; i < len(files); i += 2 {
		v := files[i].Version
		if files[i+1].Version != v {
			t.Errorf("pair %s/%s has different versions", files[i].Name, files[i+1].Name)
		}
		if seen[v] || v <= last {
			t.Errorf("version %d not strictly increasing/unique", v)
		}
		seen[v], last = true, v
	}
	if len(seen) != 4 {
		t.Errorf("got %d versions, want 4", len(seen))
	}
}

func TestFilesEmptyAndFormat(t *testing.T) {
	if files := mustFiles(t, &planner.Plan{}, Options{Now: now}); len(files) != 0 {
		t.Errorf("empty plan gave %d files", len(files))
	}
	if _, err := Files(examplePlan(), Options{Format: "sqitch"}); err == nil || !strings.Contains(err.Error(), "sqitch") {
		t.Errorf("unsupported format: err = %v", err)
	}
}

func TestSQLAndDownSQL(t *testing.T) {
	plan := examplePlan()
	golden(t, "sql", "=== up ===\n"+SQL(plan)+"=== down ===\n"+DownSQL(plan))
	if SQL(&planner.Plan{}) != "" || DownSQL(nil) != "" {
		t.Error("empty plan gives non-empty SQL")
	}
}

func TestSanitizeName(t *testing.T) {
	for in, want := range map[string]string{"": "pgshift", "Add Users": "add_users", "--x--": "x", "é": "pgshift", "a.b-c": "a_b_c", "ok_1": "ok_1"} {
		if got := SanitizeName(in); got != want {
			t.Errorf("SanitizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteAtomic(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "migrations")
	files := mustFiles(t, examplePlan(), Options{Dir: dir, Now: now})
	paths, err := Write(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != len(files) {
		t.Fatalf("wrote %d paths, want %d", len(paths), len(files))
	}
	for i, p := range paths {
		got, err := os.ReadFile(p)
		if err != nil || !bytes.Equal(got, files[i].Content) {
			t.Errorf("%s: content differs (err %v)", p, err)
		}
	}
	if left := listDir(t, dir); len(left) != len(files) {
		t.Errorf("dir holds %v", left)
	}

	// Writing the same files again fails and leaves the directory unchanged.
	before := listDir(t, dir)
	if _, err := Write(dir, files); err == nil {
		t.Error("rewriting existing versions succeeded")
	}
	// A collision found only at rename time: a directory squats on the last name.
	dir2 := t.TempDir()
	files2 := mustFiles(t, examplePlan(), Options{Dir: dir2, Now: now})
	if err := os.Mkdir(filepath.Join(dir2, "zz_"+files2[len(files2)-1].Name), 0o755); err != nil {
		t.Fatal(err)
	}
	files2[len(files2)-1].Name = "zz_" + files2[len(files2)-1].Name
	if _, err := Write(dir2, files2); err == nil {
		t.Error("write over a directory succeeded")
	}
	if left := listDir(t, dir2); len(left) != 1 {
		t.Errorf("failed write left %v", left)
	}
	if after := listDir(t, dir); strings.Join(after, ",") != strings.Join(before, ",") {
		t.Errorf("failed write changed the directory: %v -> %v", before, after)
	}
}

func mustFiles(t *testing.T, plan *planner.Plan, opts Options) []File {
	t.Helper()
	files, err := Files(plan, opts)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func names(files []File) string {
	var b strings.Builder
	for _, f := range files {
		b.WriteString(f.Name + "\n")
	}
	return b.String()
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIncludesAndSchemaDir(t *testing.T) {
	t.Parallel()
	plannerReady(t)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "parts"), 0o755); err != nil {
		t.Fatal(err)
	}
	// One schema three ways: a single file, a file with \ir includes, a
	// directory of files in name order.
	single := writeFile(t, dir, "single.sql", "CREATE TABLE public.a (id int PRIMARY KEY);\nCREATE TABLE public.b (id int REFERENCES public.a, note text);\nCREATE VIEW public.v AS SELECT id FROM public.b;\n")
	writeFile(t, dir, "parts/10_a.sql", "CREATE TABLE public.a (id int PRIMARY KEY);\n")
	writeFile(t, dir, "parts/20_b.sql", "CREATE TABLE public.b (id int REFERENCES public.a, note text);\n\\ir ../views/v.sql\n")
	if err := os.MkdirAll(filepath.Join(dir, "views"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "views/v.sql", "CREATE VIEW public.v AS SELECT id FROM public.b;\n")
	main := writeFile(t, dir, "main.sql", "\\ir parts/10_a.sql\n\\include_relative parts/20_b.sql\n")
	partsDir := filepath.Join(dir, "parts")
	for _, tc := range [][]string{
		{"--from", single, "--to", main},
		{"--from", single, "--to", partsDir},
		{"--from", main, "--to", partsDir},
		{"--from", single, "--to", partsDir, "--offline"},
		{"--from", main, "--to", single, "--offline"},
	} {
		r := pgshift(t, devVars(), append([]string{"diff", "--exit-code"}, tc...)...)
		if r.code != 0 || r.stdout != "" {
			t.Errorf("%v: %+v, want exit 0 and no changes", tc, r)
		}
	}
	// A real change through an included file is seen.
	writeFile(t, dir, "views/v.sql", "CREATE VIEW public.v AS SELECT id, note FROM public.b;\n")
	r := pgshift(t, devVars(), "diff", "--exit-code", "--from", single, "--to", partsDir)
	if r.code != 2 || !strings.Contains(r.stdout, "note") {
		t.Errorf("changed include: %+v", r)
	}
	// A server error inside an included file names that file.
	writeFile(t, dir, "views/v.sql", "\nCREATE VIEW public.v AS SELECT id, nope FROM public.b;\n")
	r = pgshift(t, devVars(), "diff", "--from", single, "--to", main)
	want := "pgshift: " + filepath.Join(dir, "parts", "..", "views", "v.sql")
	if r.code != 1 || !strings.HasPrefix(r.stderr, filepath.Clean(want)) && !strings.HasPrefix(r.stderr, want) || !strings.Contains(r.stderr, `:2:36: ERROR: column "nope" does not exist`) {
		t.Errorf("error in an included file: %+v, want %s:2:36: ...", r, want)
	}
	// Offline, too.
	writeFile(t, dir, "views/v.sql", "\nCREATE VIEW public.v AS SELECT id FROM public.b;;;\nCREATE TABLE x (id int,, y int);\n")
	r = pgshift(t, nil, "diff", "--offline", "--from", single, "--to", main)
	if r.code != 1 || !strings.Contains(r.stderr, "v.sql:3:24: syntax error") {
		t.Errorf("offline parse error in an included file: %+v", r)
	}
	// Meta-commands that would change the schema unseen are an error.
	bad := writeFile(t, dir, "bad.sql", "CREATE TABLE t (id int);\nSELECT 'CREATE TABLE u ()'\n\\gexec\n")
	r = pgshift(t, devVars(), "diff", "--from", single, "--to", bad)
	if r.code != 1 || !strings.Contains(r.stderr, bad+`:3:1: psql meta-command \gexec`) {
		t.Errorf("gexec: %+v", r)
	}
}

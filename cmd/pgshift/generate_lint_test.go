package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestGeneratedMigrationsPassLint: the migrations pgshift generates pass
// `pgshift lint` at its default level (--fail-on warning), all files at
// once in order and each file alone, in every runner format: the steps it
// chose knowingly (a contract phase's DROP COLUMN, a rewrite in --mode
// direct, a foreign key on a table the plan created) carry a
// `-- pgshift:nolint RULE` marker.
func TestGeneratedMigrationsPassLint(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	from := writeFile(t, dir, "from.sql", `
CREATE TABLE public.users (id bigint PRIMARY KEY, email text, n integer, legacy text);
CREATE TABLE public.events (id bigint PRIMARY KEY, kind text);
CREATE INDEX ON public.events (kind);
`)
	to := writeFile(t, dir, "to.sql", `
CREATE TABLE public.users (
    id bigint PRIMARY KEY,
    email_address text, -- pgshift:renamed-from email
    n bigint,
    verified boolean NOT NULL -- pgshift:backfill false
);
CREATE TABLE public.orders (id bigint PRIMARY KEY, user_id bigint REFERENCES public.users (id));
CREATE INDEX ON public.users (n);
`)
	type run struct{ format, mode, from, to string }
	runs := []run{
		{"golang-migrate", "safe", from, to}, {"golang-migrate", "direct", from, to},
		{"golang-migrate", "safe", exampleCurrent, exampleSchema}, {"golang-migrate", "direct", exampleCurrent, exampleSchema},
		{"goose", "safe", from, to}, {"dbmate", "safe", from, to}, {"flyway", "direct", exampleCurrent, exampleSchema},
	}
	for _, rc := range runs {
		t.Run(rc.format+"/"+rc.mode+"/"+filepath.Base(rc.from), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "m")
			r := pgshift(t, devVars(), "generate", "--from", rc.from, "--to", rc.to, "--dir", out,
				"--format", rc.format, "--mode", rc.mode, "--allow-drop")
			if r.code != 0 {
				t.Fatalf("generate: exit %d\n%s", r.code, r.stderr)
			}
			ents, err := os.ReadDir(out)
			if err != nil {
				t.Fatal(err)
			}
			var files []string
			for _, e := range ents {
				if strings.HasSuffix(e.Name(), ".sql") {
					files = append(files, filepath.Join(out, e.Name()))
				}
			}
			sort.Strings(files)
			if len(files) == 0 {
				t.Fatal("no files written")
			}
			if r := pgshift(t, nil, append([]string{"lint"}, files...)...); r.code != 0 {
				t.Errorf("lint of all files: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			// The directory: the runner's up parts with its transaction rules.
			if r := pgshift(t, nil, "lint", out); r.code != 0 {
				t.Errorf("lint of the directory: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			for _, f := range files {
				if r := pgshift(t, nil, "lint", f); r.code != 0 {
					b, _ := os.ReadFile(f)
					t.Errorf("lint %s alone: exit %d\n%s\n--- file ---\n%s", filepath.Base(f), r.code, r.stdout, b)
				}
			}
		})
	}
}

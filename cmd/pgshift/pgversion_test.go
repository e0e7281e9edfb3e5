package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/pgshift/pgshift/internal/pgtest"
)

// devMajor is the major of the test server (the dev server of these tests).
func devMajor(t *testing.T) int {
	t.Helper()
	c := pgtest.Connect(t, pgtest.AdminURL())
	var v int
	if err := c.QueryRow(context.Background(), "SELECT current_setting('server_version_num')::int").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v / 10000
}

func TestPGVersionOutOfRange(t *testing.T) {
	t.Parallel()
	r := pgshift(t, devVars(), "diff", "--from", exampleCurrent, "--to", exampleSchema, "--pg-version", "12")
	if r.code != 1 || !strings.Contains(r.stderr, "--pg-version 12: pgshift supports PostgreSQL 13 to 18") {
		t.Errorf("got %+v, want exit 1 and a supported-range error", r)
	}
}

// TestPGVersionDevOlderThanTarget: a dev server older than --pg-version is
// refused with an error naming both majors.
func TestPGVersionDevOlderThanTarget(t *testing.T) {
	t.Parallel()
	m := devMajor(t)
	if m >= 18 {
		t.Skip("the dev server is the newest supported major")
	}
	r := pgshift(t, devVars(), "diff", "--from", exampleCurrent, "--to", exampleSchema, "--pg-version", fmt.Sprint(m+1))
	want := fmt.Sprintf("is PostgreSQL %d, older than the target PostgreSQL %d", m, m+1)
	if r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Errorf("got %+v, want exit 1 and %q", r, want)
	}
	// The dev server's own major, or an older target, is fine.
	for _, v := range []int{m, 13} {
		if r := pgshift(t, devVars(), "diff", "--from", exampleCurrent, "--to", exampleSchema, "--pg-version", fmt.Sprint(v)); r.code != 0 {
			t.Errorf("--pg-version %d on a PostgreSQL %d dev server: %+v", v, m, r)
		}
	}
}

// TestPGVersionUnsupportedSyntax: a file-to-file plan for an older target
// reports what that target cannot run instead of emitting it.
func TestPGVersionUnsupportedSyntax(t *testing.T) {
	t.Parallel()
	if devMajor(t) < 15 {
		t.Skip("NULLS NOT DISTINCT needs a PostgreSQL 15+ dev server")
	}
	dir := t.TempDir()
	from := writeFile(t, dir, "from.sql", "CREATE TABLE public.t (a int, b int);\n")
	to := writeFile(t, dir, "to.sql", "CREATE TABLE public.t (a int, b int);\nCREATE UNIQUE INDEX t_a ON public.t (a) NULLS NOT DISTINCT;\n")
	r := pgshift(t, devVars(), "diff", "--from", from, "--to", to, "--pg-version", "14")
	if r.code != 0 || strings.Contains(r.stdout, "NULLS NOT DISTINCT") ||
		!strings.Contains(r.stderr, "-- note: unsupported: index public.t_a: NULLS NOT DISTINCT needs PostgreSQL 15 or later; the target is PostgreSQL 14") {
		t.Errorf("got %+v, want no NULLS NOT DISTINCT SQL and an unsupported note", r)
	}
	r = pgshift(t, devVars(), "diff", "--from", from, "--to", to)
	if r.code != 0 || !strings.Contains(r.stdout, "NULLS NOT DISTINCT") {
		t.Errorf("without --pg-version (dev server major): got %+v, want the index created", r)
	}
}

// TestDiffNewerSyntax: a schema.sql with PostgreSQL 18 syntax (a VIRTUAL
// generated column) that pgshift's parser does not know is planned through
// an 18 dev server (ADD COLUMN ... VIRTUAL); an older dev server rejects it
// at the word VIRTUAL; --offline names the statement and asks for a dev
// database.
func TestDiffNewerSyntax(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	from := writeFile(t, dir, "from.sql", "CREATE TABLE public.rect (w numeric NOT NULL, h numeric NOT NULL);\n")
	to := writeFile(t, dir, "to.sql", "CREATE TABLE public.rect (w numeric NOT NULL, h numeric NOT NULL,\n  area numeric GENERATED ALWAYS AS (w * h) VIRTUAL);\nCOMMENT ON TABLE public.rect IS 'r';\n")
	r := pgshift(t, devVars(), "diff", "--from", from, "--to", to)
	if m := devMajor(t); m >= 18 {
		if r.code != 0 || !strings.Contains(r.stdout, "GENERATED ALWAYS AS ((w * h)) VIRTUAL") || !strings.Contains(r.stdout, "COMMENT ON TABLE public.rect") {
			t.Errorf("PostgreSQL %d dev server: %+v, want exit 0 with ADD COLUMN ... VIRTUAL and the comment", m, r)
		}
	} else if r.code != 1 || !strings.Contains(r.stderr, to+`:2:44: syntax error at or near "VIRTUAL"`) {
		t.Errorf("PostgreSQL %d dev server: %+v, want exit 1 and the located syntax error", m, r)
	}
	r = pgshift(t, nil, "diff", "--offline", "--from", from, "--to", to)
	if r.code != 1 || !strings.Contains(r.stderr, to+`:2:44: syntax error at or near "VIRTUAL" in statement "CREATE TABLE public.rect (w numeric NOT NULL, h numeric NOT NULL," (at 1:1)`) ||
		!strings.Contains(r.stderr, "use a dev database of that major") {
		t.Errorf("--offline: %+v, want exit 1 naming the statement and asking for a dev database", r)
	}
}

package e2e

// Baseline tests: an existing database (with a job queue's schema and
// date-named partitions that the project does not own) is adopted with
// pgshift baseline for each real runner; the runner's up then does
// nothing, drift is clean, and a later generate + up works. A second
// database at the baseline is adopted with --version against the same
// directory.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgshift/pgshift/emit"
	"github.com/pgshift/pgshift/internal/pgtest"
)

const baselineDB = `
CREATE SCHEMA river;
CREATE TABLE river.jobs (id bigserial PRIMARY KEY, kind text NOT NULL);
CREATE TYPE public.plan AS ENUM ('free', 'pro');
CREATE SEQUENCE public.invoice_no START 1000;
CREATE TABLE public.users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    plan public.plan NOT NULL DEFAULT 'free',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_created_idx ON public.users (created_at);
CREATE TABLE public.invoices (
    no bigint PRIMARY KEY DEFAULT nextval('public.invoice_no'),
    user_id bigint NOT NULL REFERENCES public.users ON DELETE CASCADE,
    total numeric(10,2) CHECK (total >= 0)
);
CREATE VIEW public.pro_users AS SELECT id, email FROM public.users WHERE plan = 'pro';
CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.created_at := now();
    RETURN NEW;
END;
$$;
CREATE TRIGGER users_touch BEFORE INSERT ON public.users FOR EACH ROW EXECUTE FUNCTION public.touch();
CREATE TABLE public.events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE public.events_20240101 PARTITION OF public.events FOR VALUES FROM ('2024-01-01') TO ('2024-01-02');
INSERT INTO public.users (email, plan) VALUES ('a@example.com', 'pro'), ('b@example.com', 'free');
INSERT INTO public.invoices (user_id, total) VALUES (1, 10), (2, 0);
INSERT INTO river.jobs (kind) VALUES ('email');
`

// baselineScope keeps the foreign schema and the partitions out.
var baselineScope = []string{"--exclude-schema", "river", "--exclude", "public.events_2*"}

// runPgshift runs the pgshift binary with the dev server of the tests.
func runPgshift(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pgshiftBinary(t), append(args, "--dev-url", pgtest.AdminURL())...)
	cmd.Env = append(os.Environ(), "GITHUB_STEP_SUMMARY=", "GITHUB_OUTPUT=", "DATABASE_URL=")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	code := exitStatus(t, fmt.Sprintf("pgshift %v", args), cmd.Run())
	return code, stdout.String(), stderr.String()
}

func TestBaselineWithRunners(t *testing.T) {
	pgshiftBinary(t)
	for _, format := range []string{emit.FormatGolangMigrate, emit.FormatGoose, emit.FormatDbmate} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "migrations")
			db := pgtest.NewDB(t)
			pgtest.Exec(t, pgtest.Connect(t, db), baselineDB)
			r := newRunner(t, format, dir, db)

			// schema.sql from the database (before the runner's table exists).
			code, schemaSQL, errOut := runPgshift(t, append([]string{"inspect", "--url", db}, baselineScope...)...)
			if code != 0 {
				t.Fatalf("inspect: exit %d\n%s", code, errOut)
			}
			code, out, errOut := runPgshift(t, append([]string{"baseline", "--url", db, "--dir", dir, "--format", format}, baselineScope...)...)
			if code != 0 || !strings.Contains(out, "_baseline") || !strings.Contains(errOut, "-- baseline: recorded version(s)") {
				t.Fatalf("baseline: exit %d\n%s\n%s", code, out, errOut)
			}
			if strings.Contains(readDir(t, dir), "river") || strings.Contains(readDir(t, dir), "events_2024") {
				t.Errorf("out-of-scope objects in the baseline:\n%s", readDir(t, dir))
			}
			before := canon(introspect(t, db))
			// The runner's up does nothing.
			if err := r.up(); err != nil {
				t.Fatal(err)
			}
			if after := canon(introspect(t, db)); after != before {
				t.Fatalf("runner up after baseline changed the database:\n%s", truncate(after, 3000))
			}
			// Drift is clean (in scope), and drift without the filters sees
			// the foreign objects.
			code, out, errOut = runPgshift(t, append([]string{"drift", "--url", db, "--dir", dir}, baselineScope...)...)
			if code != 0 || !strings.Contains(out, "status: in sync") || strings.Contains(out, "pending (not drift)") {
				t.Fatalf("drift after baseline: exit %d\n%s\n%s", code, out, errOut)
			}
			if code, out, _ = runPgshift(t, "drift", "--url", db, "--dir", dir); code != 2 || !strings.Contains(out, "river") {
				t.Errorf("drift without filters: exit %d\n%s", code, out)
			}
			// A second baseline into the same directory is refused.
			if code, _, errOut = runPgshift(t, "baseline", "--url", db, "--dir", dir); code != 1 || !strings.Contains(errOut, "pass --version") {
				t.Errorf("second baseline: exit %d\n%s", code, errOut)
			}
			baseVersions := versionsIn(t, dir)

			// A later change: generate from the directory, runner up.
			desired := filepath.Join(t.TempDir(), "schema.sql")
			if err := os.WriteFile(desired, []byte(schemaSQL+"\nALTER TABLE public.users ADD COLUMN nickname text;\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, errOut = runPgshift(t, append([]string{"generate", "--to", desired, "--dir", dir, "--name", "nickname"}, baselineScope...)...)
			if code != 0 || !strings.Contains(out, "_nickname") {
				t.Fatalf("generate: exit %d\n%s\n%s", code, out, errOut)
			}
			if err := r.up(); err != nil {
				t.Fatal(err)
			}
			code, out, errOut = runPgshift(t, append([]string{"drift", "--url", db, "--dir", dir, "--to", desired}, baselineScope...)...)
			if code != 0 || !strings.Contains(out, "status: in sync") {
				t.Fatalf("drift after generate + up: exit %d\n%s\n%s", code, out, errOut)
			}

			// Another database at the baseline (no nickname yet) is adopted
			// with --version; the runner then applies only the new migration.
			db2 := pgtest.NewDB(t)
			pgtest.Exec(t, pgtest.Connect(t, db2), baselineDB)
			last := baseVersions[len(baseVersions)-1]
			code, _, errOut = runPgshift(t, append([]string{"baseline", "--url", db2, "--dir", dir, "--version", versionsIn(t, dir)[len(versionsIn(t, dir))-1]}, baselineScope...)...)
			if code != 1 || !strings.Contains(errOut, "would not reproduce the database") || !strings.Contains(errOut, "nickname") {
				t.Errorf("--version of a migration the database does not match: exit %d\n%s", code, errOut)
			}
			code, _, errOut = runPgshift(t, append([]string{"baseline", "--url", db2, "--dir", dir, "--version", last}, baselineScope...)...)
			if code != 0 || !strings.Contains(errOut, "recorded version(s) ") {
				t.Fatalf("baseline --version %s: exit %d\n%s", last, code, errOut)
			}
			r2 := newRunner(t, format, dir, db2)
			if err := r2.up(); err != nil {
				t.Fatal(err)
			}
			code, out, errOut = runPgshift(t, append([]string{"drift", "--url", db2, "--dir", dir, "--to", desired}, baselineScope...)...)
			if code != 0 || !strings.Contains(out, "status: in sync") {
				t.Fatalf("drift on the second database: exit %d\n%s\n%s", code, out, errOut)
			}
			// Baseline on a database the runner already manages is refused.
			if code, _, errOut = runPgshift(t, append([]string{"baseline", "--url", db2, "--dir", t.TempDir(), "--format", format}, baselineScope...)...); code != 1 || !strings.Contains(errOut, "already records") {
				t.Errorf("baseline of a managed database: exit %d\n%s", code, errOut)
			}
		})
	}
}

// readDir returns the text of every file in dir.
func readDir(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		c, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("=== " + e.Name() + "\n" + string(c))
	}
	return b.String()
}

// versionsIn lists the migration versions of dir, ascending.
func versionsIn(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var out []string
	for _, e := range entries {
		v := e.Name()
		if i := strings.IndexByte(v, '_'); i > 0 {
			v = v[:i]
		} else {
			continue
		}
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

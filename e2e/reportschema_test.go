package e2e

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
	"github.com/pgshift/pgshift/schema"
)

// pgshiftOut runs the built binary and returns its exit code and stdout.
func pgshiftOut(t *testing.T, args ...string) (int, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pgshiftBinary(t), args...)
	cmd.Env = append(os.Environ(), "GITHUB_STEP_SUMMARY=", "GITHUB_OUTPUT=")
	out, err := cmd.Output()
	return exitStatus(t, fmt.Sprintf("pgshift %v", args), err), out
}

// TestReportSchemas validates real --format json output of diff, drift and
// lint against the JSON Schemas in emit/jsonschema.
func TestReportSchemas(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	schemaFile := func(name string) string { return filepath.Join(root, "emit/jsonschema", name+".schema.json") }
	check := func(t *testing.T, name string, out []byte) {
		t.Helper()
		if errs := validateJSON(t, schemaFile(name), out); len(errs) > 0 {
			t.Fatalf("%s report does not match %s.schema.json:\n%s\n\n%s", name, name, strings.Join(errs, "\n"), out)
		}
	}
	dev := pgtest.AdminURL()

	t.Run("diff", func(t *testing.T) {
		for _, mode := range []string{"safe", "direct"} {
			code, out := pgshiftOut(t, "diff", "--dev-url", dev, "--mode", mode, "--format", "json", "--exit-code",
				"--from", filepath.Join(root, "testdata/example/current.sql"), "--to", filepath.Join(root, "testdata/example/schema.sql"))
			if code != 2 {
				t.Fatalf("%s: exit %d\n%s", mode, code, out)
			}
			check(t, "diff", out)
		}
		code, out := pgshiftOut(t, "diff", "--dev-url", dev, "--format", "json",
			"--from", filepath.Join(root, "testdata/example/schema.sql"), "--to", filepath.Join(root, "testdata/example/schema.sql"))
		if code != 0 {
			t.Fatalf("no changes: exit %d\n%s", code, out)
		}
		check(t, "diff", out)
	})

	t.Run("lint", func(t *testing.T) {
		dir := t.TempDir()
		f := filepath.Join(dir, "1_m.up.sql")
		if err := os.WriteFile(f, []byte("ALTER TABLE t ALTER COLUMN id TYPE bigint;\nCREATE INDEX i ON t (a);\nDROP TABLE x;\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out := pgshiftOut(t, "lint", "--format", "json", dir)
		if code != 3 || !strings.Contains(string(out), "require-concurrent-index") {
			t.Fatalf("exit %d\n%s", code, out)
		}
		check(t, "lint", out)
		if code, out := pgshiftOut(t, "lint", "--format", "json", "--fail-on", "error", dir, "--exclude-rule",
			"changing-column-type,require-concurrent-index,ban-drop-table,require-lock-timeout"); code != 0 {
			t.Fatalf("no findings: exit %d\n%s", code, out)
		} else {
			check(t, "lint", out)
		}
	})

	t.Run("drift", func(t *testing.T) {
		empty, err := schema.EmptyFrom(context.Background(), dev)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), "migrations")
		db := pgtest.NewDB(t)
		rn := newRunner(t, emit.FormatGolangMigrate, dir, db)
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		v1 := loadModel(t, driftV1)
		generate(t, empty, v1, emit.FormatGolangMigrate, dir, "init", now, nil)
		if err := rn.up(); err != nil {
			t.Fatal(err)
		}
		args := []string{"drift", "--url", db, "--dir", dir, "--dev-url", dev, "--format", "json"}
		if code, out := pgshiftOut(t, args...); code != 0 {
			t.Fatalf("in sync: exit %d\n%s", code, out)
		} else {
			check(t, "drift", out)
		}
		generate(t, v1, loadModel(t, driftV2), emit.FormatGolangMigrate, dir, "add_plan", now.Add(time.Hour), nil)
		pgtest.Exec(t, pgtest.Connect(t, db), "ALTER TABLE public.accounts ADD COLUMN sneaky int")
		code, out := pgshiftOut(t, args...)
		if code != 2 || !strings.Contains(string(out), "sneaky") {
			t.Fatalf("drift: exit %d\n%s", code, out)
		}
		check(t, "drift", out)
	})
}

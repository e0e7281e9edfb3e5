package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pgshift/pgshift/internal/pgtest"
)

func TestBaselineFlywayAndErrors(t *testing.T) {
	t.Parallel()
	plannerReady(t)
	dbURL, _, _ := scopeSetup(t)
	scope := []string{"--exclude-schema", "river", "--exclude", "public.events_2*"}
	dir := filepath.Join(t.TempDir(), "migrations")
	// Flyway: a BASELINE row at the baseline's version; drift reads it.
	r := pgshift(t, devVars(), append([]string{"baseline", "--url", dbURL, "--dir", dir, "--format", "flyway", "--version", "20240101000000"}, scope...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "V20240101000000__baseline.sql") || !strings.Contains(r.stderr, "recorded version(s) 20240101000000 as applied in flyway_schema_history (flyway)") {
		t.Fatalf("flyway baseline: %+v", r)
	}
	var typ, version, script string
	var ok bool
	c := pgtest.Connect(t, dbURL)
	if err := c.QueryRow(context.Background(), "SELECT type, version, script, success FROM flyway_schema_history").Scan(&typ, &version, &script, &ok); err != nil ||
		typ != "BASELINE" || version != "20240101000000" || script != "<< Flyway Baseline >>" || !ok {
		t.Errorf("flyway_schema_history: %q %q %q %v %v", typ, version, script, ok, err)
	}
	r = pgshift(t, devVars(), append([]string{"drift", "--url", dbURL, "--dir", dir}, scope...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "flyway table public.flyway_schema_history, current version 20240101000000, 1 applied, 0 pending") {
		t.Errorf("drift after a flyway baseline: %+v", r)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--url", "nope", "--dir", t.TempDir()}, `--url "nope": want a postgres://`},
		{[]string{"--url", pgtest.NewDB(t), "--dir", t.TempDir()}, "nothing to baseline"},
		{[]string{"--url", dbURL, "--dir", t.TempDir(), "--version", "2024"}, "want a UTC YYYYMMDDHHMMSS version"},
		{[]string{"--url", dbURL, "--dir", dir, "--version", "1"}, "--version 1: no migration of that version in " + dir},
		{[]string{"--url", dbURL, "--dir", dir}, "pass --version V"},
		// The river objects are in scope without the filters, but the
		// table's name is taken: the runner already manages it.
		{append([]string{"--url", dbURL, "--dir", t.TempDir(), "--format", "flyway"}, scope...), "already records 1 applied migration(s)"},
	} {
		r := pgshift(t, devVars(), append([]string{"baseline"}, tc.args...)...)
		if r.code != 1 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: %+v, want exit 1 and %q", tc.args, r, tc.want)
		}
	}
}

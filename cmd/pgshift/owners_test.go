package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pgshift/pgshift/internal/pgtest"
)

// execSQL runs sql on db as one simple-protocol query.
func execSQL(t *testing.T, db, sql string) {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, sql, pgx.QueryExecModeSimpleProtocol); err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
}

// TestDiffPlansOwnerChanges: an OWNER TO in schema.sql is planned for
// every kind that has an owner (issue: it produced no step, and a wrong
// REVOKE of the new owner's grant instead); after applying the plan, diff
// --exit-code finds nothing. An object schema.sql gives no OWNER TO keeps
// the owner it has in the database (not a difference).
func TestDiffPlansOwnerChanges(t *testing.T) {
	t.Parallel()
	const role = "pgshift_test_owner_x"
	execSQL(t, pgtest.AdminURL(), `DO $$ BEGIN CREATE ROLE `+role+`; EXCEPTION WHEN duplicate_object THEN NULL; END $$`)
	const body = `
CREATE SCHEMA app;
CREATE TYPE app.mood AS ENUM ('ok', 'sad');
CREATE SEQUENCE app.seq;
CREATE TABLE app.t (id int, m app.mood);
GRANT SELECT ON app.t TO ` + role + `;
CREATE VIEW app.v AS SELECT id FROM app.t;
CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE TABLE app.kept (id int);
`
	db := pgtest.NewDB(t)
	execSQL(t, db, body+"ALTER TABLE app.kept OWNER TO "+role+";")
	dir := t.TempDir()
	to := writeFile(t, dir, "schema.sql", body+`
ALTER SCHEMA app OWNER TO `+role+`;
ALTER TYPE app.mood OWNER TO `+role+`;
ALTER SEQUENCE app.seq OWNER TO `+role+`;
ALTER TABLE app.t OWNER TO `+role+`;
ALTER VIEW app.v OWNER TO `+role+`;
ALTER FUNCTION app.f() OWNER TO `+role+`;
`)
	r := pgshift(t, devVars(), "diff", "--from", db, "--to", to, "--exit-code")
	if r.code != 2 {
		t.Fatalf("exit %d, want 2\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"ALTER SCHEMA app OWNER TO " + role, "ALTER TYPE app.mood OWNER TO " + role,
		"ALTER SEQUENCE app.seq OWNER TO " + role, "ALTER TABLE app.t OWNER TO " + role,
		"ALTER VIEW app.v OWNER TO " + role, "ALTER FUNCTION app.f() OWNER TO " + role,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("plan lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, bad := range []string{"REVOKE", "app.kept"} {
		if strings.Contains(r.stdout, bad) {
			t.Errorf("plan has %q:\n%s", bad, r.stdout)
		}
	}
	execSQL(t, db, r.stdout)
	r = pgshift(t, devVars(), "diff", "--from", db, "--to", to, "--exit-code")
	if r.code != 0 || !strings.Contains(r.stderr, "-- no changes") {
		t.Errorf("after applying the plan: exit %d, want 0 and no changes\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestDiffOwnerRoleMissingOnTarget: a role schema.sql makes owner of an
// object exists on the dev server (the loader stubs it there) but not on
// the --from server: the plan says so, naming the role and the server.
// The dev server is a throw-away cluster, so the stub does not reach the
// --from server's cluster.
func TestDiffOwnerRoleMissingOnTarget(t *testing.T) {
	t.Parallel()
	role := fmt.Sprintf("pgshift_test_missing_%d", os.Getpid())
	db := pgtest.NewDB(t)
	execSQL(t, db, "CREATE TABLE public.t (id int);")
	to := writeFile(t, t.TempDir(), "schema.sql", "CREATE TABLE public.t (id int);\nALTER TABLE public.t OWNER TO "+role+";\n")
	r := pgshift(t, nil, "diff", "--from", db, "--to", to, "--exit-code")
	if r.code == 1 && strings.Contains(r.stderr, "older than the target PostgreSQL") {
		t.Skipf("throw-away dev cluster older than the --from server: %s", r.stderr)
	}
	if r.code != 2 || !strings.Contains(r.stdout, "ALTER TABLE public.t OWNER TO "+role) {
		t.Fatalf("exit %d, want 2 and the owner change\n%s%s", r.code, r.stdout, r.stderr)
	}
	want := "role(s) " + role + " do not exist on the --from server"
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
	}
	if !strings.Contains(r.stderr, "created missing role(s) "+role+" on the dev server") {
		t.Errorf("stderr lacks the dev server stub note:\n%s", r.stderr)
	}
}

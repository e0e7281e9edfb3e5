package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/planner"
)

// Version-specific tests. They run on whatever server PGSHIFT_TEST_URL
// names; .ci/pg-matrix runs them on real servers of every major 13–18.
//
// A case directory may hold a file min_major with the lowest major whose
// syntax its SQL needs (e.g. "15" for NULLS NOT DISTINCT); the harness
// skips it on older servers. Cases that need 16, 17 or 18 syntax live in
// testdata/cases-pg<N>/<kind>/<name> (run by TestVersionCases on servers
// of major N or later), so that the default PG15 suite never sees them.

var (
	majorOnce sync.Once
	major     int
	majorErr  error
)

// serverMajor is the major of the test server (PGSHIFT_TEST_URL).
func serverMajor(t testing.TB) int {
	t.Helper()
	majorOnce.Do(func() {
		ctx := context.Background()
		c, err := pgx.Connect(ctx, pgtest.AdminURL())
		if err != nil {
			majorErr = err
			return
		}
		defer c.Close(ctx)
		var v string
		if err := c.QueryRow(ctx, "SHOW server_version_num").Scan(&v); err != nil {
			majorErr = err
			return
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			majorErr = err
			return
		}
		major = n / 10000
	})
	if majorErr != nil {
		t.Fatalf("server version: %v", majorErr)
	}
	return major
}

// caseMinMajor reads dir/min_major (0 when absent).
func caseMinMajor(t testing.TB, dir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "min_major"))
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("%s/min_major: %v", dir, err)
	}
	return n
}

// skipBelowMinMajor skips the case when the server is older than its min_major.
func skipBelowMinMajor(t *testing.T, dir string) {
	t.Helper()
	if m := caseMinMajor(t, dir); m > serverMajor(t) {
		t.Skipf("needs PostgreSQL %d or later (server is %d)", m, serverMajor(t))
	}
}

// TestVersionCases runs the round trips of testdata/cases-pg<N> for every
// N up to the server's major.
func TestVersionCases(t *testing.T) {
	m := serverMajor(t)
	ran := 0
	for n := planner.MinMajor; n <= m; n++ {
		root := filepath.Join(repoRoot(t), "testdata", fmt.Sprintf("cases-pg%d", n))
		if _, err := os.Stat(root); err != nil {
			continue
		}
		cases := listCases(t, root)
		ensureVersionRoles(t, root)
		for _, c := range cases {
			c := c
			c.Name = fmt.Sprintf("pg%d/%s", n, c.Name)
			ran++
			t.Run(c.Name, func(t *testing.T) {
				t.Parallel()
				acquire(t)
				skipBelowMinMajor(t, c.Dir)
				if strings.HasPrefix(c.Name, fmt.Sprintf("pg%d/unsupported/", n)) {
					runUnsupported(t, c)
					return
				}
				runRoundTrip(t, c)
			})
		}
	}
	if ran == 0 {
		t.Skipf("no testdata/cases-pg<N> cases for PostgreSQL %d", m)
	}
}

// ensureVersionRoles creates the pgshift_case_* roles that cases under
// root mention (ensureCaseRoles runs once, for testdata/cases).
func ensureVersionRoles(t *testing.T, root string) {
	t.Helper()
	ensureCaseRoles(t, filepath.Join(repoRoot(t), "testdata", "cases"))
	roles := map[string]bool{}
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".sql") {
			if b, err := os.ReadFile(p); err == nil {
				for _, r := range roleRE.FindAllString(string(b), -1) {
					roles[r] = true
				}
			}
		}
		return nil
	})
	c := pgtest.Connect(t, pgtest.AdminURL())
	for r := range roles {
		q := fmt.Sprintf(`DO $$ BEGIN CREATE ROLE %s; EXCEPTION WHEN duplicate_object THEN NULL; END $$`, pgx.Identifier{r}.Sanitize())
		pgtest.Exec(t, c, q)
	}
}

// planFor loads the case's from.sql and to.sql and plans between them with opts.
func planFor(t *testing.T, dir string, opts planner.Options) *planner.Plan {
	t.Helper()
	mA := introspect(t, loadDB(t, filepath.Join(dir, "from.sql")))
	mB := introspect(t, loadDB(t, filepath.Join(dir, "to.sql")))
	plan, err := planner.Build(mA, mB, opts)
	if err != nil {
		t.Fatalf("planner.Build: %v", err)
	}
	return plan
}

// requireNoSQL fails when any up or down statement of plan contains s.
func requireNoSQL(t *testing.T, plan *planner.Plan, s string) {
	t.Helper()
	for _, st := range plan.Steps {
		for _, q := range append(append([]string(nil), st.Up...), st.Down...) {
			if strings.Contains(q, s) {
				t.Errorf("plan emits %q although the target cannot run it:\n%s", s, planText(plan))
				return
			}
		}
	}
}

// requireNote fails unless a plan note contains every one of parts.
func requireNote(t *testing.T, plan *planner.Plan, parts ...string) {
	t.Helper()
	for _, n := range plan.Notes {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(n, p)
		}
		if ok {
			t.Logf("note: %s", n)
			return
		}
	}
	t.Errorf("no plan note containing %q; notes:\n%s", parts, strings.Join(plan.Notes, "\n"))
}

func versionCase(t *testing.T, rel string) roundTripCase {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "testdata", filepath.FromSlash(rel))
	if _, err := os.Stat(filepath.Join(dir, "from.sql")); err != nil {
		t.Fatalf("case %s: %v", rel, err)
	}
	return roundTripCase{Name: rel, Dir: dir}
}

// TestVersionNullsNotDistinct: a NULLS NOT DISTINCT index and unique
// constraint round-trip on 15+, and a plan for a PostgreSQL 14 target
// reports them as unsupported instead of emitting the syntax.
func TestVersionNullsNotDistinct(t *testing.T) {
	if m := serverMajor(t); m < 15 {
		t.Skipf("NULLS NOT DISTINCT needs PostgreSQL 15+ (server is %d)", m)
	}
	c := versionCase(t, "cases/versions/nulls_not_distinct")
	ensureCaseRoles(t, filepath.Join(repoRoot(t), "testdata", "cases"))
	t.Run("roundtrip", func(t *testing.T) { runRoundTrip(t, c) })
	t.Run("target14", func(t *testing.T) {
		opts := planOpts
		opts.TargetVersion = 14
		plan := planFor(t, c.Dir, opts)
		requireNoSQL(t, plan, "NULLS NOT DISTINCT")
		requireNote(t, plan, "unsupported:", "NULLS NOT DISTINCT needs PostgreSQL 15", "target is PostgreSQL 14")
	})
}

// TestVersionVirtualGenerated: PG18 virtual generated columns round-trip
// on 18 (added, expression changed) and are unsupported for a 17 target.
func TestVersionVirtualGenerated(t *testing.T) {
	if m := serverMajor(t); m < 18 {
		t.Skipf("virtual generated columns need PostgreSQL 18+ (server is %d)", m)
	}
	for _, rel := range []string{"cases-pg18/columns/virtual_generated_add", "cases-pg18/columns/virtual_generated_expr_change"} {
		c := versionCase(t, rel)
		t.Run(rel, func(t *testing.T) { runRoundTrip(t, c) })
	}
	t.Run("target17", func(t *testing.T) {
		opts := planOpts
		opts.TargetVersion = 17
		plan := planFor(t, versionCase(t, "cases-pg18/columns/virtual_generated_add").Dir, opts)
		requireNoSQL(t, plan, "VIRTUAL")
		requireNote(t, plan, "unsupported:", "VIRTUAL generated columns need", "target is PostgreSQL 17")
	})
}

// TestVersionNotNullConstraints: on every major, a table's NOT NULL
// columns (pg_constraint rows <table>_<col>_not_null on 18) and a domain's
// NOT NULL (a pg_constraint row on 17+) are modeled once, as NotNull, never
// as constraints; on 18 the column also holds its constraint's name
// (NotNullName, none before 18), and a plan creates each NOT NULL once,
// under that name.
func TestVersionNotNullConstraints(t *testing.T) {
	u := pgtest.NewDB(t)
	c := pgtest.Connect(t, u)
	pgtest.Exec(t, c, `
CREATE DOMAIN public.pos AS integer CONSTRAINT pos_nn NOT NULL CHECK (VALUE > 0);
CREATE TABLE public.t (id integer PRIMARY KEY, a text NOT NULL, b public.pos, c text CONSTRAINT c_named NOT NULL);`)
	m := introspect(t, u)
	tb := m.Tables["public.t"]
	if tb == nil {
		t.Fatal("table public.t not in the model")
	}
	for _, con := range tb.Constraints {
		if con.Type != "p" {
			t.Errorf("unexpected constraint %s (%s): %s", con.Name, con.Type, con.Definition)
		}
	}
	on18 := serverMajor(t) >= 18
	for col, name := range map[string]string{"id": "t_id_not_null", "a": "t_a_not_null", "c": "c_named"} {
		if !on18 {
			name = ""
		}
		if cc := tb.Column(col); cc == nil || !cc.NotNull || cc.NotNullName != name {
			t.Errorf("column %s: want NotNull named %q, got %+v", col, name, cc)
		}
	}
	if cc := tb.Column("b"); cc == nil || cc.NotNull || cc.NotNullName != "" {
		t.Errorf("column b (nullable, of a NOT NULL domain): want no NOT NULL of its own, got %+v", cc)
	}
	d := m.Types["public.pos"]
	if d == nil || !d.NotNull {
		t.Fatalf("domain public.pos: want NotNull, got %+v", d)
	}
	if len(d.Constraints) != 1 || !strings.HasPrefix(d.Constraints[0].Definition, "CHECK") {
		for _, dc := range d.Constraints {
			t.Logf("domain constraint %s: %s", dc.Name, dc.Definition)
		}
		t.Errorf("domain public.pos: want exactly its CHECK constraint, got %d constraints", len(d.Constraints))
	}
	// The model of an empty database is the same; a plan from it creates
	// each NOT NULL once.
	plan, err := planner.Build(introspect(t, pgtest.NewDB(t)), m, planOpts)
	if err != nil {
		t.Fatal(err)
	}
	sql := planText(plan)
	if n := strings.Count(sql, "NOT NULL"); n == 0 || strings.Contains(sql, "ADD CONSTRAINT pos_nn") {
		t.Errorf("plan should create NOT NULLs as column/domain NOT NULL only:\n%s", sql)
	}
	for _, name := range []string{"t_id_not_null", "t_a_not_null", "c_named"} {
		want := 0
		if on18 {
			want = 1
		}
		if n := strings.Count(sql, "CONSTRAINT "+name+" NOT NULL"); n != want {
			t.Errorf("plan names NOT NULL %s %d times, want %d:\n%s", name, n, want, sql)
		}
	}
}

// TestVersionTargetFromServer: without Options.TargetVersion the target is
// the from model's server; SQL of newer majors is refused for older ones.
func TestVersionTargetFromServer(t *testing.T) {
	m := serverMajor(t)
	u := pgtest.NewDB(t)
	mA := introspect(t, u)
	c := pgtest.Connect(t, u)
	pgtest.Exec(t, c, `CREATE TABLE public.t (id integer, a text)`)
	mB := introspect(t, u)
	if mA.ServerVersionNum/10000 != m {
		t.Fatalf("ServerVersionNum %d, server major %d", mA.ServerVersionNum, m)
	}
	// Pretend the to side came from a newer server with lz4 compression
	// and an unlogged sequence: the plan for this server must not use
	// what it lacks.
	mB.Tables["public.t"].Columns[1].Compression = "p"
	plan, err := planner.Build(mA, mB, planOpts)
	if err != nil {
		t.Fatal(err)
	}
	if m < 14 {
		requireNoSQL(t, plan, "COMPRESSION")
		requireNote(t, plan, "unsupported:", "compression", fmt.Sprintf("target is PostgreSQL %d", m))
	} else {
		found := false
		for _, st := range plan.Steps {
			found = found || strings.Contains(strings.Join(st.Up, "\n"), "COMPRESSION")
		}
		if !found {
			t.Errorf("PostgreSQL %d supports column compression; the plan should set it:\n%s", m, planText(plan))
		}
	}
}

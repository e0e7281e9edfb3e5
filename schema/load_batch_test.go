package schema

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/pgshift/pgshift/internal/pgtest"
)

// The batched load must behave like the statement-by-statement one.
func TestLoadSQLBatchedSemantics(t *testing.T) {
	var b strings.Builder
	// More statements than one batch holds.
	for i := 0; i < maxBatchStmts+50; i++ {
		fmt.Fprintf(&b, "CREATE TABLE public.t%d (id int PRIMARY KEY, v text);\n", i)
	}
	b.WriteString(`CREATE TYPE public.mood AS ENUM ('sad', 'ok');
ALTER TYPE public.mood ADD VALUE 'happy';
CREATE TABLE public.uses_new_label (m public.mood DEFAULT 'happy');
CREATE INDEX CONCURRENTLY t0_v_idx ON public.t0 (v);
DO $$ BEGIN CREATE TABLE public.committed_in_do (a int); COMMIT; END $$;
CREATE TABLE public.after_do (a int);
SET LOCAL search_path = nowhere;
CREATE TABLE unqualified_after_set_local (a int);
BEGIN;
CREATE TABLE public.in_tx (a int);
CREATE INDEX ON public.in_tx (a);
COMMIT;
CREATE TABLE public.last (a int);
`)
	p := writeSQL(t, "batched.sql", b.String())
	s, err := LoadSQL(context.Background(), pgtest.AdminURL(), p)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"public.t0", fmt.Sprintf("public.t%d", maxBatchStmts+49), "public.uses_new_label",
		"public.committed_in_do", "public.after_do", "public.unqualified_after_set_local", "public.in_tx", "public.last"} {
		if s.Tables[k] == nil {
			t.Errorf("table %s missing", k)
		}
	}
	if tb := s.Tables["public.t0"]; tb == nil || len(tb.Indexes) != 1 {
		t.Errorf("CREATE INDEX CONCURRENTLY not applied: %+v", tb)
	}
}

// An error inside a batch is reported at the failing statement, and
// statements the one-by-one load would reject are rejected.
func TestLoadSQLBatchedErrors(t *testing.T) {
	for _, tc := range []struct {
		name, sql, want string
	}{
		{"middle of a batch",
			"CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nCREATE VIEW v AS\n  SELECT id FROM nope;\nCREATE TABLE c (id int);\n",
			`:4:18: ERROR: relation "nope" does not exist (SQLSTATE 42P01)`},
		{"after a full batch",
			strings.Repeat("CREATE TABLE IF NOT EXISTS a (id int);\n", maxBatchStmts+3) + "CREATE TABLE a (id int);\n",
			fmt.Sprintf(`:%d:1: ERROR: relation "a" already exists (SQLSTATE 42P07)`, maxBatchStmts+4)},
		{"LOCK outside a transaction block",
			"CREATE TABLE a (id int);\nLOCK TABLE a;\nCREATE TABLE b (id int);\n",
			`:2:1: ERROR: LOCK TABLE can only be used in transaction blocks (SQLSTATE 25P01)`},
		{"error inside an explicit transaction",
			"BEGIN;\nCREATE TABLE a (id int);\nCREATE TABLE a (id int);\nCOMMIT;\n",
			`:3:1: ERROR: relation "a" already exists (SQLSTATE 42P07)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeSQL(t, "bad.sql", tc.sql)
			_, err := LoadSQL(context.Background(), pgtest.AdminURL(), p)
			if err == nil || err.Error() != p+tc.want {
				t.Fatalf("error = %v\nwant    %s", err, p+tc.want)
			}
		})
	}
	if left := scratchLeft(t); len(left) > 0 {
		t.Errorf("scratch databases left behind: %v", left)
	}
}

// A CREATE ROLE whose role appeared after skipExistingRoles looked (the
// other side of a diff, loaded at the same time, created it) is skipped, as
// a sequential load would have skipped it; inside an explicit transaction
// it cannot be, and stays an error.
func TestExecBatchedRoleCreatedMeanwhile(t *testing.T) {
	ctx := context.Background()
	admin := pgtest.Connect(t, pgtest.AdminURL())
	role := fmt.Sprintf("pgshift_meanwhile_%d", os.Getpid())
	pgtest.Exec(t, admin, "CREATE ROLE "+role+" NOLOGIN")
	t.Cleanup(func() { _, _ = admin.Exec(context.Background(), "DROP ROLE IF EXISTS "+role) })
	for _, tc := range []struct {
		name, sql, want string
	}{
		{"outside a transaction", "CREATE ROLE " + role + ";\nCREATE TABLE after_role (a int);\n", ""},
		{"inside a transaction", "BEGIN;\nCREATE ROLE " + role + ";\nCOMMIT;\n",
			`:2:1: ERROR: role "` + role + `" already exists (SQLSTATE 42710)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn := pgtest.Connect(t, pgtest.NewDB(t))
			stmts, err := SplitStatements("roles.sql", []byte(tc.sql))
			if err != nil {
				t.Fatal(err)
			}
			err = execBatched(ctx, conn, "roles.sql", stmts)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("execBatched: %v, want the existing role's CREATE ROLE skipped", err)
				}
				var n int
				if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_class WHERE relname = 'after_role'").Scan(&n); err != nil || n != 1 {
					t.Errorf("statement after the skipped CREATE ROLE not run: %d tables, %v", n, err)
				}
				return
			}
			if err == nil || err.Error() != "roles.sql"+tc.want {
				t.Fatalf("error = %v\nwant    roles.sql%s", err, tc.want)
			}
		})
	}
}

package schema

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pgshift/pgshift/internal/pgtest"
)

// newerSyntax is a schema file with PostgreSQL 18 syntax (a VIRTUAL
// generated column) between statements pgshift's parser knows, one of them
// with a ';' inside a string and a dollar-quoted body.
const newerSyntax = `CREATE TABLE public.a (id int PRIMARY KEY, note text DEFAULT 'x; y');
CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;
CREATE TABLE public.rect (
  w numeric NOT NULL,
  h numeric NOT NULL,
  area numeric GENERATED ALWAYS AS (w * h) VIRTUAL
);
COMMENT ON COLUMN public.rect.area IS 'w; h';
CREATE TABLE public.b (id int REFERENCES public.a);
`

func TestSplitStatementsNewerSyntax(t *testing.T) {
	if _, err := SplitSQL("s.sql", []byte(newerSyntax)); err == nil || !strings.Contains(err.Error(), `s.sql:6:44: syntax error at or near "VIRTUAL"`) {
		t.Errorf("SplitSQL: %v, want the located parse error", err)
	}
	stmts, err := SplitStatements("s.sql", []byte(newerSyntax))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, st := range stmts {
		k := st.Kind
		if st.Unparsed != nil {
			k = "unparsed(" + st.Unparsed.Error() + ")"
		}
		got = append(got, k)
	}
	want := []string{"CreateStmt", "CreateFunctionStmt", `unparsed(s.sql:6:44: syntax error at or near "VIRTUAL")`, "CommentStmt", "CreateStmt"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("kinds %q, want %q", got, want)
	}
	if len(stmts) == 5 {
		if u := stmts[2]; u.Line != 3 || u.Col != 1 || !strings.HasPrefix(u.Text, "CREATE TABLE public.rect (") || !strings.HasSuffix(u.Text, "VIRTUAL\n)") {
			t.Errorf("unparsed statement at %d:%d %q", u.Line, u.Col, u.Text)
		}
		if c := stmts[3]; c.Line != 8 || c.Node.GetCommentStmt() == nil {
			t.Errorf("statement after it at %d:%d %q", c.Line, c.Col, c.Text)
		}
	}
	_, err = SplitSQLOffline("s.sql", []byte(newerSyntax))
	var pe *PosError
	if !errors.As(err, &pe) || pe.Line != 6 || pe.Col != 44 ||
		!strings.Contains(err.Error(), `in statement "CREATE TABLE public.rect (" (at 3:1)`) || !strings.Contains(err.Error(), "use a dev database of that major") {
		t.Errorf("SplitSQLOffline: %v, want the statement named and a dev database asked for", err)
	}
}

// TestLoadSQLNewerSyntax runs on the real server of PGSHIFT_TEST_URL: on 18
// (e.g. a cluster of .ci/pg-matrix) the VIRTUAL column loads and is
// modeled; on older majors the server rejects it too and the error is the
// parser's, at the word VIRTUAL.
func TestLoadSQLNewerSyntax(t *testing.T) {
	ctx := context.Background()
	c := pgtest.Connect(t, pgtest.AdminURL())
	var num int
	if err := c.QueryRow(ctx, "SELECT current_setting('server_version_num')::int", pgx.QueryExecModeSimpleProtocol).Scan(&num); err != nil {
		t.Fatal(err)
	}
	p := writeSQL(t, "schema.sql", newerSyntax)
	s, err := LoadSQL(ctx, pgtest.AdminURL(), p)
	if num < 180000 {
		if err == nil || !strings.Contains(err.Error(), p+`:6:44: syntax error at or near "VIRTUAL"`) {
			t.Errorf("PostgreSQL %d: %v, want the parse error at VIRTUAL", num, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("PostgreSQL %d: %v", num, err)
	}
	r := s.Tables["public.rect"]
	if r == nil || s.Tables["public.b"] == nil || s.Functions == nil {
		t.Fatalf("tables %v", SortedKeys(s.Tables))
	}
	var area *Column
	for _, col := range r.Columns {
		if col.Name == "area" {
			area = col
		}
	}
	if area == nil || !area.Virtual || area.Generated == "" {
		t.Errorf("area column %+v, want a VIRTUAL generated column", area)
	}
}

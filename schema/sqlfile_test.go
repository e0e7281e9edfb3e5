package schema

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSplitSQLPositionsAndKinds(t *testing.T) {
	src := "-- header\nSET statement_timeout = 0;\n\n/* block */ CREATE TABLE public.t (\n  id int\n);\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;\n  INSERT INTO t VALUES (1);\nSELECT pg_catalog.setval('s', 1, true);\nSELECT pg_catalog.set_config('search_path', '', false);\nDO $x$ BEGIN END $x$"
	stmts, err := SplitSQL("f.sql", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		kind      string
		line, col int
		prefix    string
		data      bool
	}{
		{"VariableSetStmt", 2, 1, "SET statement_timeout = 0", false},
		{"CreateStmt", 4, 13, "CREATE TABLE public.t (", false},
		{"CreateFunctionStmt", 7, 1, "CREATE FUNCTION f()", false},
		{"InsertStmt", 8, 3, "INSERT INTO t", true},
		{"SelectStmt", 9, 1, "SELECT pg_catalog.setval", true},
		{"SelectStmt", 10, 1, "SELECT pg_catalog.set_config", false},
		{"DoStmt", 11, 1, "DO $x$", false},
	}
	if len(stmts) != len(want) {
		t.Fatalf("got %d statements, want %d: %+v", len(stmts), len(want), stmts)
	}
	for i, w := range want {
		s := stmts[i]
		if s.Kind != w.kind || s.Line != w.line || s.Col != w.col || !strings.HasPrefix(s.Text, w.prefix) || s.IsData() != w.data {
			t.Errorf("stmt %d = {%s %d:%d %q data=%v}, want {%s %d:%d %q... data=%v}", i, s.Kind, s.Line, s.Col, s.Text, s.IsData(), w.kind, w.line, w.col, w.prefix, w.data)
		}
		if src[s.Offset:s.Offset+len(s.Text)] != s.Text {
			t.Errorf("stmt %d: Offset %d does not point at its text", i, s.Offset)
		}
		if strings.HasSuffix(s.Text, ";") {
			t.Errorf("stmt %d: text keeps its semicolon: %q", i, s.Text)
		}
	}
}

func TestSplitSQLParseErrorPosition(t *testing.T) {
	src := "CREATE TABLE a (id int);\n-- é comment\nCREATE TABLE b (id int,, x int);\n"
	_, err := SplitSQL("dir/schema.sql", []byte(src))
	if err == nil {
		t.Fatal("want a parse error")
	}
	var pe *PosError
	if !errors.As(err, &pe) {
		t.Fatalf("error %T is not a *PosError: %v", err, err)
	}
	if got, want := err.Error(), `dir/schema.sql:3:24: syntax error at or near ","`; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

func TestSplitSQLMultibyteColumn(t *testing.T) {
	src := "SELECT 'ééé' 'x"
	_, err := SplitSQL("m.sql", []byte(src))
	if err == nil || !strings.HasPrefix(err.Error(), "m.sql:1:14: unterminated quoted string") {
		t.Fatalf("error = %v, want m.sql:1:14: unterminated quoted string...", err)
	}
}

func TestSplitSQLBlanksMetaCommands(t *testing.T) {
	src := "\\restrict abc123\nSET x = 1;\nCREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$\n\\not a meta command\n$$;\n  \\unrestrict abc123\nCREATE TABLE t (a text DEFAULT E'a\\\n\\b');\n"
	stmts, err := SplitSQL("d.sql", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 3 {
		t.Fatalf("got %d statements, want 3: %+v", len(stmts), stmts)
	}
	if stmts[0].Line != 2 || stmts[0].Offset != strings.Index(src, "SET") {
		t.Errorf("offsets moved: %+v", stmts[0])
	}
	if !strings.Contains(stmts[1].Text, "\\not a meta command") {
		t.Errorf("backslash line inside a function body was blanked: %q", stmts[1].Text)
	}
	if !strings.Contains(stmts[2].Text, "\\b") {
		t.Errorf("backslash line inside an E'' string was blanked: %q", stmts[2].Text)
	}
}

func TestSplitSQLRejectsCopyData(t *testing.T) {
	src := "CREATE TABLE t (a int);\nCOPY public.t (a) FROM stdin;\n1\n2\n\\.\n"
	_, err := SplitSQL("c.sql", []byte(src))
	if err == nil || !strings.HasPrefix(err.Error(), "c.sql:2:1: COPY ... FROM stdin") || !strings.Contains(err.Error(), "must not carry data") {
		t.Fatalf("error = %v, want c.sql:2:1: COPY ... FROM stdin ... must not carry data", err)
	}
}

func TestSplitSQLReferencedRoles(t *testing.T) {
	src := `CREATE ROLE made;
ALTER TABLE t OWNER TO app_owner;
GRANT SELECT ON t TO reader, PUBLIC;
CREATE POLICY p ON t TO "Mixed Case" USING (true);
GRANT made TO member;
GRANT admins TO made;
ALTER DEFAULT PRIVILEGES FOR ROLE made GRANT SELECT ON TABLES TO pg_read_all_data;
ALTER TABLE t OWNER TO CURRENT_USER;`
	stmts, err := SplitSQL("r.sql", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(referencedRoles(stmts), ",")
	if want := "Mixed Case,admins,app_owner,member,reader"; got != want {
		t.Errorf("roles = %q, want %q", got, want)
	}
}

// TestSplitCorpus parses every corpus schema file (when the corpus is
// present): all of them must split cleanly.
func TestSplitCorpus(t *testing.T) {
	files, _ := filepath.Glob("/work/shared/corpus/*/schema*.sql")
	if len(files) == 0 {
		t.Skip("no corpus")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		stmts, err := SplitSQL(f, src)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if len(stmts) == 0 {
			t.Errorf("%s: no statements", f)
		}
	}
}

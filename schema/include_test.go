package schema

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for n, c := range files {
		p := filepath.Join(dir, n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReadSchemaFileIncludes(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"schema.sql":        "\\set ON_ERROR_STOP on\nCREATE SCHEMA app;\n\\ir tables/users.sql\nCREATE VIEW app.v AS SELECT id FROM app.users;\n\\include_relative 'tables/it''s.sql'\n",
		"tables/users.sql":  "CREATE TABLE app.users (id int);\n\\ir ../types/t.sql\n",
		"types/t.sql":       "CREATE TYPE app.t AS ENUM ('a');\n",
		"tables/it's.sql":   "CREATE TABLE app.quoted (id int);\n",
		"cwd/from_cwd.sql":  "CREATE TABLE app.cwd (id int);\n",
		"cwd/includer.sql":  "\\i cwd/from_cwd.sql\n",
		"split/02_b.sql":    "CREATE TABLE b (id int REFERENCES a);\n",
		"split/01_a.sql":    "CREATE TABLE a (id int PRIMARY KEY);\n",
		"split/.hidden.sql": "garbage\n",
		"split/notes.txt":   "garbage\n",
	})
	stmts, files, err := ReadSchemaFile(filepath.Join(dir, "schema.sql"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, st := range stmts {
		rel, _ := filepath.Rel(dir, st.File)
		got = append(got, rel+":"+strconv.Itoa(st.Line)+": "+strings.Fields(st.Text)[1]+" "+strings.Fields(st.Text)[2])
	}
	want := []string{"schema.sql:2: SCHEMA app", "tables/users.sql:1: TABLE app.users", "types/t.sql:1: TYPE app.t",
		"schema.sql:4: VIEW app.v", "tables/it's.sql:1: TABLE app.quoted"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || len(files) != 4 {
		t.Errorf("got\n%s\nwant\n%s\n(%d files)", strings.Join(got, "\n"), strings.Join(want, "\n"), len(files))
	}
	// \i is relative to the working directory.
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	stmts, _, err = ReadSchemaFile("cwd/includer.sql")
	_ = os.Chdir(wd)
	if err != nil || len(stmts) != 1 || stmts[0].File != filepath.Join("cwd", "from_cwd.sql") {
		t.Errorf("\\i from the working directory: %v %+v", err, stmts)
	}
	// A directory: its .sql files in name order.
	stmts, _, err = ReadSchemaFile(filepath.Join(dir, "split"))
	if err != nil || len(stmts) != 2 || filepath.Base(stmts[0].File) != "01_a.sql" || filepath.Base(stmts[1].File) != "02_b.sql" {
		t.Errorf("directory: %v %+v", err, stmts)
	}
}

func TestReadSchemaFileErrors(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"parse.sql":     "CREATE TABLE ok (id int);\n\\ir sub/bad.sql\n",
		"sub/bad.sql":   "\n  CREATE TABLE b (id int,, x int);\n",
		"gexec.sql":     "SELECT 1;\n\\ir sub/gexec.sql\n",
		"sub/gexec.sql": "SELECT format('CREATE TABLE %I (id int)', 't')\n  \\gexec\n",
		"cycle.sql":     "\\ir cycle2.sql\n",
		"cycle2.sql":    "\\ir cycle.sql\n",
		"missing.sql":   "\\ir nope.sql\n",
		"connect.sql":   "\\c other\n",
		"var.sql":       "\\i :file\n",
		"noarg.sql":     "\\ir\n",
		"if.sql":        "\\if true\nCREATE TABLE x ();\n\\endif\n",
		"empty/x.txt":   "",
	})
	for _, tc := range []struct{ file, want string }{
		{"parse.sql", "sub/bad.sql:2:26: syntax error at or near \",\""},
		{"gexec.sql", `sub/gexec.sql:2:3: psql meta-command \gexec runs the SQL a query produces: not supported in a schema file`},
		{"cycle.sql", `cycle2.sql:1:1: \ir cycle.sql: include cycle`},
		{"missing.sql", `missing.sql:1:1: \ir nope.sql: stat`},
		{"connect.sql", `connect.sql:1:1: psql meta-command \c connects to another database`},
		{"var.sql", `var.sql:1:1: \i: :file: psql variables and backquotes are not expanded`},
		{"noarg.sql", `noarg.sql:1:1: \ir: missing file name`},
		{"if.sql", `if.sql:1:1: psql meta-command \if runs SQL conditionally`},
		{"empty", "no .sql files"},
	} {
		stmts, _, err := ReadSchemaFile(filepath.Join(dir, tc.file))
		if err == nil {
			// A statement the parser rejects is kept for the dev server
			// (SplitStatements); its error stays located in the included file.
			err = UnparsedError(stmts)
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", tc.file, err, tc.want)
		}
	}
}

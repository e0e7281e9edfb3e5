package schema

import (
	"strings"
	"testing"
)

// TestParseAnnotationsBinding: a renamed-from (or psqldef's @renamed)
// directive binds to the column definition it follows on its line, also
// after the second column of a line and after a multi-line definition; a
// quoted old name may hold spaces and quotes; a directive that follows no
// column is an error naming file:line:col, never ignored.
func TestParseAnnotationsBinding(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // "table.column<-from" of the one annotation
		wantErr   string
	}{
		{name: "second column of a line",
			src:  "CREATE TABLE public.t (id bigint PRIMARY KEY, email_address text -- pgshift:renamed-from email\n);",
			want: "public.t.email_address<-email"},
		{name: "first column of a line",
			src:  "CREATE TABLE t (\n  full_name text, -- pgshift:renamed-from name\n  id int\n);",
			want: "t.full_name<-name"},
		{name: "multi-line definition",
			src:  "CREATE TABLE public.t (\n  id int,\n  email_address text\n    NOT NULL, -- pgshift:renamed-from email\n  n int\n);",
			want: "public.t.email_address<-email"},
		{name: "psqldef alias",
			src:  "CREATE TABLE public.t (id int, user_name text -- @renamed from=username\n);",
			want: "public.t.user_name<-username"},
		{name: "psqldef alias quoted",
			src:  "CREATE TABLE public.t (id int, user_name text -- @renamed from=\"User Name\"\n);",
			want: "public.t.user_name<-User Name"},
		{name: "quoted name with space and quote",
			src:  "CREATE TABLE public.t (id int, \"foo bar\" text -- pgshift:renamed-from \"old \"\"x\"\" name\"\n);",
			want: `public.t.foo bar<-old "x" name`},
		{name: "unquoted name folds to lower case",
			src:  "CREATE TABLE public.t (id int, b text -- pgshift:renamed-from OldB\n);",
			want: "public.t.b<-oldb"},
		{name: "C comment",
			src:  "CREATE TABLE public.t (id int, b text /* pgshift:renamed-from a */, c int);",
			want: "public.t.b<-a"},
		{name: "own line before the column", wantErr: "f.sql:2:3: pgshift:renamed-from must follow a column definition",
			src: "CREATE TABLE public.t (\n  -- pgshift:renamed-from email\n  email_address text\n);"},
		{name: "after a table constraint", wantErr: "f.sql:1:49: pgshift:renamed-from must follow a column definition",
			src: "CREATE TABLE public.t (id int, PRIMARY KEY (id) -- pgshift:renamed-from x\n);"},
		{name: "after the statement", wantErr: "f.sql:1:32: pgshift:renamed-from must follow",
			src: "CREATE TABLE public.t (a int); -- pgshift:renamed-from b\n"},
		{name: "unquoted name with a space", wantErr: "f.sql:1:39: want `pgshift:renamed-from OLD_NAME`",
			src: "CREATE TABLE public.t (id int, b text -- pgshift:renamed-from foo bar\n);"},
		{name: "unterminated quote", wantErr: "f.sql:1:39: want `pgshift:renamed-from OLD_NAME`",
			src: "CREATE TABLE public.t (id int, b text -- pgshift:renamed-from \"foo\n);"},
		{name: "psqldef without from=", wantErr: "f.sql:1:39: want `@renamed from=OLD_NAME`",
			src: "CREATE TABLE public.t (id int, b text -- @renamed a\n);"},
		{name: "own name", wantErr: "names the column's own name",
			src: "CREATE TABLE public.t (id int, b text -- pgshift:renamed-from b\n);"},
		{name: "table: on the CREATE TABLE line",
			src:  "CREATE TABLE public.t ( -- pgshift:renamed-from old\n  id int\n);",
			want: "public.t.<-old"},
		{name: "table: unqualified, before the parenthesis",
			src:  "CREATE TABLE t -- pgshift:renamed-from Old_T\n(id int);",
			want: "t.<-old_t"},
		{name: "table: schema-qualified old name",
			src:  "CREATE TABLE public.t ( -- pgshift:renamed-from public.old\n  id int\n);",
			want: "public.t.<-public.old"},
		{name: "table: psqldef alias, quoted qualified name",
			src:  "CREATE TABLE \"My S\".t ( -- @renamed from=\"My S\".\"Old \"\"T\"\"\"\n  id int\n);",
			want: `"My S".t.<-"My S"."Old ""T"""`},
		{name: "table: a column on the same line takes it", // the column's, as before
			src:  "CREATE TABLE public.t (id int -- pgshift:renamed-from x\n);",
			want: "public.t.id<-x"},
		{name: "table: own name", wantErr: "names the table's own name",
			src: "CREATE TABLE public.t ( -- pgshift:renamed-from t\n  id int\n);"},
		{name: "table: three-part name", wantErr: "f.sql:1:25: want `pgshift:renamed-from OLD_TABLE`",
			src: "CREATE TABLE public.t ( -- pgshift:renamed-from a.b.c\n  id int\n);"},
		{name: "table: two names", wantErr: "want `pgshift:renamed-from OLD_TABLE`",
			src: "CREATE TABLE public.t ( -- pgshift:renamed-from a b\n  id int\n);"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stmts, err := SplitSQL("f.sql", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			anns, err := parseAnnotations("f.sql", tc.src, stmts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q (annotations %+v)", err, tc.wantErr, anns)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(anns) != 1 {
				t.Fatalf("annotations = %+v, want one", anns)
			}
			if got := anns[0].Table + "." + anns[0].Column + "<-" + anns[0].From; got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestResolveTableRename: an unqualified old table name takes the new
// table's schema; a rename into another schema, or one whose old name the
// target still has, is an error naming the directive.
func TestResolveTableRename(t *testing.T) {
	model := func() *Schema {
		s := NewSchema()
		s.Tables["public.t"] = &Table{Schema: "public", Name: "t"}
		s.Tables["public.kept"] = &Table{Schema: "public", Name: "kept"}
		s.Views["public.v"] = &View{Schema: "public", Name: "v"}
		return s
	}
	tests := []struct{ from, want, wantErr string }{
		{from: "old", want: "public.old"},
		{from: `"Old"`, want: `public."Old"`},
		{from: "public.old", want: "public.old"},
		{from: "other.old", wantErr: "f.sql:1:1: pgshift:renamed-from other.old: a renamed table stays in its schema"},
		{from: "kept", wantErr: "the schema still has a table or view public.kept"},
		{from: "v", wantErr: "the schema still has a table or view public.v"},
	}
	for _, tc := range tests {
		anns, err := resolveAnnotations(model(), []Annotation{{Kind: AnnotationRenamedFrom, Table: "t", From: tc.from, Pos: "f.sql:1:1"}})
		switch {
		case tc.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: err = %v, want %q", tc.from, err, tc.wantErr)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.from, err)
		case anns[0].Table != "public.t" || anns[0].From != tc.want:
			t.Errorf("%s: resolved to %s <- %s, want public.t <- %s", tc.from, anns[0].Table, anns[0].From, tc.want)
		}
	}
}

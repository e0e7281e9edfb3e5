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

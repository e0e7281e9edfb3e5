package source

import (
	"context"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		arg  string
		kind Kind
		path string
		rev  string
		err  string
	}{
		{arg: "", kind: URL},
		{arg: "postgres://u@h/db", kind: URL},
		{arg: "POSTGRESQL://u@h/db", kind: URL},
		{arg: "db/schema.sql", kind: File, path: "db/schema.sql"},
		{arg: "SCHEMA.SQL", kind: File, path: "SCHEMA.SQL"},
		{arg: "git:HEAD~1:db/schema.sql", kind: Git, path: "db/schema.sql", rev: "HEAD~1"},
		{arg: "dir://db/migrations", kind: Dir, path: "db/migrations"},
		{arg: "git:HEAD", err: "want git:REV:PATH"},
		{arg: "dir://", err: "want dir://"},
		{arg: "schema.txt", err: `source "schema.txt": want`},
	}
	for _, c := range cases {
		s, err := Parse(c.arg)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Parse(%q) error = %v, want %q", c.arg, err, c.err)
			}
			continue
		}
		if err != nil || s.Kind != c.kind || s.Path != c.path || s.Rev != c.rev || s.String() != c.arg {
			t.Errorf("Parse(%q) = %+v, %v; want kind %d path %q rev %q", c.arg, s, err, c.kind, c.path, c.rev)
		}
	}
}

// TestLoadOfflineRejectsServerSources: --offline names the source it
// cannot model, and asks for no dev server.
func TestLoadOfflineRejectsServerSources(t *testing.T) {
	for _, arg := range []string{"postgres://u@h/db", "dir://migrations"} {
		s, err := Parse(arg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.LoadOffline(context.Background()); err == nil || !strings.Contains(err.Error(), arg) {
			t.Errorf("%s: error = %v, want it to name the source", arg, err)
		}
	}
}

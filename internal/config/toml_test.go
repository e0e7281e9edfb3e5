package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	src := `# project
dev_url = "postgres://postgres@127.0.0.1:5432/postgres" # trailing comment
schema = 'db\schema.sql'
batch_size = 1_000
exclude = [
  "river.*",   # the job queue
  'public.events_2*',
]
empty = []
flag = true

[env.ci]
url = "postgres://ci@db/app?sslmode=\u0064isable\t"
["env".'local']
url = "x"
`
	doc, err := Parse("pgshift.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	top := doc.Tables[""]
	if !reflect.DeepEqual(top.Keys, []string{"dev_url", "schema", "batch_size", "exclude", "empty", "flag"}) {
		t.Errorf("keys %q", top.Keys)
	}
	if v := top.Values["schema"]; v.Str != `db\schema.sql` || v.Line != 3 || v.Col != 10 {
		t.Errorf("schema: %+v", v)
	}
	if v := top.Values["batch_size"]; v.Kind != Integer || v.Int != 1000 {
		t.Errorf("batch_size: %+v", v)
	}
	if v := top.Values["exclude"]; len(v.List) != 2 || v.List[1].Str != "public.events_2*" || v.List[1].Line != 7 {
		t.Errorf("exclude: %+v", v)
	}
	if v := top.Values["flag"]; v.Kind != Bool || !v.Bool {
		t.Errorf("flag: %+v", v)
	}
	if v := doc.Tables["env.ci"].Values["url"]; v.Str != "postgres://ci@db/app?sslmode=disable\t" {
		t.Errorf("env.ci url: %q", v.Str)
	}
	if !reflect.DeepEqual(doc.Order, []string{"", "env.ci", "env.local"}) {
		t.Errorf("order %q", doc.Order)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"a = 1.5\n", `f:1:5: "1.5": want a string`},
		{"a = 2024-01-01\n", `f:1:5: "2024-01-01": want a string`},
		{"a = \"x\n", `f:1:5: string not closed with "`},
		{"a = 'x\n", `f:1:5: string not closed with '`},
		{"a = \"\\q\"\n", `f:1:6: bad escape \q`},
		{"a = 1\na = 2\n", `f:2:1: key "a" defined twice`},
		{"[t]\n[t]\n", `f:2:1: table [t] defined twice`},
		{"a.b = 1\n", `f:1:2: dotted keys are not supported`},
		{"a = {x = 1}\n", `f:1:5: inline tables are not supported`},
		{"[[t]]\n", `f:1:1: arrays of tables`},
		{"a = \"\"\"x\"\"\"\n", `f:1:5: multi-line strings are not supported`},
		{"a = [1, \"x\"]\n", `f:1:9: array mixes integer and string values`},
		{"a = [1\n", `f:1:5: array not closed with ]`},
		{"a = 1 b = 2\n", `f:1:7: unexpected 'b' after the value`},
		{"a 1\n", `f:1:3: want = after the key "a"`},
		{"= 1\n", `f:1:1: want a key`},
		{"a = 01\n", `f:1:5: "01": want a string`},
		{"  a = \n", `f:1:7: want a value`},
	} {
		_, err := Parse("f", []byte(tc.src))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want prefix %q", tc.src, err, tc.want)
		}
	}
}

func TestSettings(t *testing.T) {
	doc, err := Parse("p.toml", []byte("url = \"a\"\nexclude = [\"x\"]\n[env.ci]\nurl = \"b\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := func(env string) map[string]string {
		ss, err := Settings(doc, env)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, s := range ss {
			m[s.Key] = s.Value.Str
			if s.Value.Kind == Array {
				m[s.Key] = s.Value.List[0].Str
			}
		}
		return m
	}
	if m := got(""); m["url"] != "a" || m["exclude"] != "x" {
		t.Errorf("top: %v", m)
	}
	if m := got("ci"); m["url"] != "b" || m["exclude"] != "x" {
		t.Errorf("ci: %v", m)
	}
	for _, tc := range []struct{ src, env, want string }{
		{"colour = \"x\"\n", "", `p.toml:1:10: unknown key "colour"`},
		{"url = 1\n", "", "p.toml:1:7: url: want a string, not an integer"},
		{"exclude = [1]\n", "", "p.toml:1:12: exclude: want an array of strings"},
		{"[migrations]\ndir = \"x\"\n", "", "p.toml:1:1: unknown table [migrations] (want [env.NAME])"},
		{"[env.a]\nurl = \"x\"\n", "b", "--env b: p.toml has no [env.b] table (environments: a)"},
	} {
		d, err := Parse("p.toml", []byte(tc.src))
		if err == nil {
			_, err = Settings(d, tc.env)
		}
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want prefix %q", tc.src, err, tc.want)
		}
	}
}

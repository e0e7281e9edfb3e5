package runner

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for n, c := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReadDirRules(t *testing.T) {
	cases := []struct {
		name   string
		format string
		files  map[string]string
		// rule is a fragment of the error; "" means the directory reads.
		rule string
		// check runs on a directory that reads.
		check func(t *testing.T, d *Dir)
	}{
		{name: "goose annotations in lower case", format: Goose, files: map[string]string{
			"1_idx.sql": "-- +goose no transaction\n-- +goose up\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- +goose down\nDROP INDEX CONCURRENTLY i;\n"},
			check: func(t *testing.T, d *Dir) {
				m := d.Migrations[0]
				if m.Transactional || !strings.Contains(m.Up, "CREATE INDEX CONCURRENTLY") || strings.Contains(m.Up, "DROP INDEX") || strings.Contains(m.Up, "+goose") {
					t.Errorf("transactional %v, up %q", m.Transactional, m.Up)
				}
			}},
		{name: "goose detected from lower-case up", format: "", files: map[string]string{
			"1_a.sql": "-- +goose up\nCREATE TABLE a (id int);\n"},
			check: func(t *testing.T, d *Dir) {
				if d.Format != Goose {
					t.Errorf("format %q", d.Format)
				}
			}},
		{name: "goose indented annotation", format: Goose, files: map[string]string{
			"1_a.sql": "-- +goose Up\nCREATE TABLE a (id int);\n  -- +goose Down\nDROP TABLE a;\n"},
			rule: "1_a.sql:3:1: goose refuses this file: an annotation must start at the beginning of its line"},
		{name: "goose dollar body without StatementBegin", format: Goose, files: map[string]string{
			"1_f.sql": "-- +goose Up\nCREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$;\n"},
			rule: "1_f.sql:2:1: goose refuses this file: goose ends a statement at every line ending in ';' (line 4 here)"},
		{name: "goose dollar body inside StatementBegin", format: Goose, files: map[string]string{
			"1_f.sql": "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$;\n-- +goose StatementEnd\n"},
			check: func(t *testing.T, d *Dir) {
				if !strings.Contains(d.Migrations[0].Up, "RETURN 1;") {
					t.Errorf("up %q", d.Migrations[0].Up)
				}
			}},
		{name: "goose Go migration", format: Goose, files: map[string]string{
			"1_a.sql": "-- +goose Up\nCREATE TABLE a (id int);\n", "2_seed.go": "package migrations\n", "2_seed_test.go": "package migrations\n"},
			check: func(t *testing.T, d *Dir) {
				if len(d.Migrations) != 2 || !d.Migrations[1].Go || d.Migrations[1].Version != "2" {
					t.Errorf("migrations %+v", d.Migrations)
				}
			}},
		{name: "dbmate without migrate:down", format: Dbmate, files: map[string]string{
			"1_a.sql": "-- migrate:up\nCREATE TABLE a (id int);\n"},
			rule: "dbmate requires each migration to define a down block with '-- migrate:down'"},
		{name: "dbmate transaction:false", format: Dbmate, files: map[string]string{
			"1_a.sql": "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- migrate:down\nDROP INDEX i;\n"},
			check: func(t *testing.T, d *Dir) {
				if d.Migrations[0].Transactional || strings.Contains(d.Migrations[0].Up, "DROP") {
					t.Errorf("%+v", d.Migrations[0])
				}
			}},
		{name: "golang-migrate duplicate version", format: GolangMigrate, files: map[string]string{
			"1_a.up.sql": "SELECT 1;", "01_b.up.sql": "SELECT 1;"},
			rule: "refuses duplicate versions"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeDir(t, c.files)
			d, err := ReadDir(dir, c.format)
			if c.rule != "" {
				if err == nil || !strings.Contains(err.Error(), c.rule) {
					t.Fatalf("got %v, want an error containing %q", err, c.rule)
				}
				var re *RuleError
				if strings.Contains(c.rule, "refuses this file") && !errors.As(err, &re) {
					t.Errorf("%v is not a *RuleError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c.check(t, d)
		})
	}
}

func TestNumbering(t *testing.T) {
	now := time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
	cases := []struct {
		versions []string
		want     []string
	}{
		{nil, []string{"20260314150926", "20260314150927"}},
		{[]string{"001", "002", "003"}, []string{"004", "005"}},
		{[]string{"0001", "0009"}, []string{"0010", "0011"}},
		{[]string{"1", "2"}, []string{"3", "4"}},
		{[]string{"20200101000000"}, []string{"20260314150926", "20260314150927"}},
		{[]string{"20990101000000"}, []string{"20990101000001", "20990101000002"}},
	}
	for _, c := range cases {
		n, err := NumberingOf(c.versions)
		if err != nil {
			t.Fatal(err)
		}
		v := n.Max
		var got []string
		for range c.want {
			v = n.Next(v, now)
			got = append(got, n.Format(v))
		}
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("%v: got %v, want %v", c.versions, got, c.want)
		}
	}
}

func TestTableFor(t *testing.T) {
	cases := []struct {
		format, url, override string
		want                  Table
		err                   string
	}{
		{GolangMigrate, "postgres://h/db", "", Table{Name: "schema_migrations"}, ""},
		{GolangMigrate, "postgres://h/db?x-migrations-table=my.versions", "", Table{Name: "my.versions", Explicit: true}, ""},
		{GolangMigrate, `postgres://h/db?x-migrations-table="app"."versions"&x-migrations-table-quoted=1`, "", Table{Schema: "app", Name: "versions", Explicit: true}, ""},
		{GolangMigrate, `postgres://h/db?x-migrations-table=versions&x-migrations-table-quoted=true`, "", Table{}, "must be quoted"},
		{Dbmate, "postgres://h/db?search_path=app,public", "", Table{Schema: "app", Name: "schema_migrations"}, ""},
		{Goose, "postgres://h/db", "", Table{Name: "goose_db_version"}, ""},
		{Flyway, "postgres://h/db", "ops.history", Table{Schema: "ops", Name: "history", Explicit: true}, ""},
	}
	for _, c := range cases {
		got, err := TableFor(c.format, c.url, c.override)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s %s: got %v, want error %q", c.format, c.url, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s %s: got %+v, %v; want %+v", c.format, c.url, got, err, c.want)
		}
	}
}

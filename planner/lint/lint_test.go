package lint

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
)

// lintFiles lints the files in order with one shared state (as the CLI
// does) and returns the findings of each file.
func lintFiles(t *testing.T, pg int, files ...string) [][]Finding {
	t.Helper()
	st := NewLintState()
	out := make([][]Finding, len(files))
	for i, src := range files {
		name := fmt.Sprintf("f%d.sql", i+1)
		stmts, err := schema.SplitSQL(name, []byte(src))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[i] = Lint(stmts, LintOptions{File: name, PGVersion: pg, State: st})
	}
	return out
}

// atLeast returns the findings of severity sev or higher.
func atLeast(fs []Finding, sev Severity) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Severity.Rank() >= sev.Rank() {
			out = append(out, f)
		}
	}
	return out
}

func dump(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("\n  " + f.String())
	}
	return b.String()
}

const lt = "SET lock_timeout = '2s';\n"

// TestLintDangerous: each dangerous statement kind is flagged with its
// rule, severity, hazards and lock. prior files run first (shared state);
// only the last file's findings are checked.
func TestLintDangerous(t *testing.T) {
	cases := []struct {
		name    string
		pg      int
		prior   []string
		sql     string
		rule    string
		sev     Severity
		hazards []planner.HazardKind
		lock    string
		rel     string
	}{
		{name: "create index", sql: lt + "CREATE INDEX t_a_idx ON t (a);",
			rule: "require-concurrent-index", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardIndexBuild}, lock: "SHARE", rel: "public.t"},
		{name: "check without not valid", sql: lt + "ALTER TABLE t ADD CONSTRAINT t_a_pos CHECK (a > 0);",
			rule: "constraint-missing-not-valid", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableScan}, lock: "ACCESS EXCLUSIVE", rel: "public.t"},
		{name: "add column with inline check", sql: lt + "ALTER TABLE t ADD COLUMN b int CHECK (b > 0);",
			rule: "constraint-missing-not-valid", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableScan}, lock: "ACCESS EXCLUSIVE"},
		{name: "not null column without default", sql: lt + "ALTER TABLE t ADD COLUMN b int NOT NULL;",
			rule: "adding-not-null-field", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBackwardIncompatible}, lock: "ACCESS EXCLUSIVE"},
		{name: "int to bigint, old type unknown", sql: lt + "ALTER TABLE t ALTER COLUMN id TYPE bigint;",
			rule: "changing-column-type", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableRewrite}, lock: "ACCESS EXCLUSIVE"},
		{name: "int to bigint, old type known", prior: []string{"CREATE TABLE t (id int);"}, sql: lt + "ALTER TABLE t ALTER COLUMN id TYPE bigint;",
			rule: "changing-column-type", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableRewrite}},
		{name: "text to int using", sql: lt + "ALTER TABLE t ALTER COLUMN c TYPE int USING c::int;",
			rule: "changing-column-type", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableRewrite}},
		{name: "varchar shrink", prior: []string{"CREATE TABLE t (c varchar(100));"}, sql: lt + "ALTER TABLE t ALTER COLUMN c TYPE varchar(50);",
			rule: "changing-column-type", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableRewrite}},
		{name: "text to varchar(n)", prior: []string{"CREATE TABLE t (c text);"}, sql: lt + "ALTER TABLE t ALTER COLUMN c TYPE varchar(50);",
			rule: "changing-column-type", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableRewrite}},
		{name: "numeric scale change", prior: []string{"CREATE TABLE t (n numeric(10,2));"}, sql: lt + "ALTER TABLE t ALTER COLUMN n TYPE numeric(12,3);",
			rule: "changing-column-type", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableRewrite}},
		{name: "drop column", sql: lt + "ALTER TABLE t DROP COLUMN b;",
			rule: "ban-drop-column", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardDataLoss, planner.HazardBackwardIncompatible, planner.HazardIrreversible}, lock: "ACCESS EXCLUSIVE"},
		{name: "drop table", sql: lt + "DROP TABLE app.old_t;",
			rule: "ban-drop-table", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardDataLoss, planner.HazardBackwardIncompatible, planner.HazardIrreversible}, lock: "ACCESS EXCLUSIVE", rel: "app.old_t"},
		{name: "volatile default", sql: lt + "ALTER TABLE t ADD COLUMN u uuid DEFAULT gen_random_uuid();",
			rule: "add-column-volatile-default", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableRewrite}, lock: "ACCESS EXCLUSIVE"},
		{name: "unknown function default", sql: lt + "ALTER TABLE t ADD COLUMN u int DEFAULT my_func();",
			rule: "add-column-volatile-default", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableRewrite}},
		{name: "bigserial column", sql: lt + "ALTER TABLE t ADD COLUMN id2 bigserial;",
			rule: "add-column-volatile-default", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableRewrite}},
		{name: "identity column", sql: lt + "ALTER TABLE t ADD COLUMN id2 bigint GENERATED ALWAYS AS IDENTITY;",
			rule: "add-column-volatile-default", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableRewrite}},
		{name: "constant default before 11", pg: 10, sql: lt + "ALTER TABLE t ADD COLUMN b int NOT NULL DEFAULT 0;",
			rule: "add-column-default", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableRewrite}},
		{name: "stored generated column", sql: lt + "ALTER TABLE t ADD COLUMN g int GENERATED ALWAYS AS (a * 2) STORED;",
			rule: "add-column-generated-stored", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableRewrite}, lock: "ACCESS EXCLUSIVE"},
		{name: "enum value used in the same transaction", sql: "BEGIN;\nALTER TYPE mood ADD VALUE 'meh';\nUPDATE person SET m = 'meh' WHERE m IS NULL;\nCOMMIT;",
			rule: "enum-add-value-in-transaction", sev: SeverityError, hazards: []planner.HazardKind{planner.HazardNonTransactional, planner.HazardIrreversible}, rel: "public.mood"},
		{name: "enum value used in the same file", sql: "ALTER TYPE mood ADD VALUE 'meh';\nINSERT INTO person (m) VALUES ('meh');",
			rule: "enum-add-value-in-transaction", sev: SeverityError, hazards: []planner.HazardKind{planner.HazardNonTransactional, planner.HazardIrreversible}},
		{name: "enum add value in a transaction on 11", pg: 11, sql: "BEGIN;\nALTER TYPE mood ADD VALUE 'meh';\nCOMMIT;",
			rule: "enum-add-value-in-transaction", sev: SeverityError, hazards: []planner.HazardKind{planner.HazardNonTransactional, planner.HazardIrreversible}},
		{name: "set not null", sql: lt + "ALTER TABLE t ALTER COLUMN a SET NOT NULL;",
			rule: "set-not-null", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableScan}, lock: "ACCESS EXCLUSIVE"},
		{name: "set not null with a check still not valid",
			prior: []string{lt + "ALTER TABLE t ADD CONSTRAINT t_a_nn CHECK (a IS NOT NULL) NOT VALID;"},
			sql:   lt + "ALTER TABLE t ALTER COLUMN a SET NOT NULL;",
			rule:  "set-not-null", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableScan}},
		{name: "set not null proved by a check on 11 still scans", pg: 11,
			prior: []string{lt + "ALTER TABLE t ADD CONSTRAINT t_a_nn CHECK (a IS NOT NULL) NOT VALID;", "ALTER TABLE t VALIDATE CONSTRAINT t_a_nn;"},
			sql:   lt + "ALTER TABLE t ALTER COLUMN a SET NOT NULL;",
			rule:  "set-not-null", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableScan}},
		{name: "add unique constraint", sql: lt + "ALTER TABLE t ADD CONSTRAINT t_email_key UNIQUE (email);",
			rule: "add-unique-constraint", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardIndexBuild}, lock: "ACCESS EXCLUSIVE"},
		{name: "add primary key", sql: lt + "ALTER TABLE t ADD PRIMARY KEY (id);",
			rule: "add-primary-key", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableScan, planner.HazardIndexBuild}, lock: "ACCESS EXCLUSIVE"},
		{name: "primary key using index on a nullable column",
			prior: []string{"CREATE TABLE t (id int);", "CREATE UNIQUE INDEX CONCURRENTLY t_id_idx ON t (id);"},
			sql:   lt + "ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_id_idx;",
			rule:  "add-primary-key", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableScan}},
		{name: "add foreign key", sql: lt + "ALTER TABLE t ADD CONSTRAINT t_p_fk FOREIGN KEY (p_id) REFERENCES p (id);",
			rule: "add-foreign-key", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableScan}, lock: "SHARE ROW EXCLUSIVE", rel: "public.t"},
		{name: "not valid foreign key on a partitioned table before 18",
			prior: []string{"CREATE TABLE ev (id int, p_id int) PARTITION BY RANGE (id);"},
			sql:   lt + "ALTER TABLE ev ADD CONSTRAINT ev_p_fk FOREIGN KEY (p_id) REFERENCES p (id) NOT VALID;",
			rule:  "add-foreign-key", sev: SeverityError},
		{name: "rename column", sql: lt + "ALTER TABLE t RENAME COLUMN a TO b;",
			rule: "rename-column", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBackwardIncompatible}, lock: "ACCESS EXCLUSIVE"},
		{name: "rename table", sql: lt + "ALTER TABLE t RENAME TO t2;",
			rule: "rename-table", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBackwardIncompatible}, lock: "ACCESS EXCLUSIVE"},
		{name: "drop not null", sql: lt + "ALTER TABLE t ALTER COLUMN a DROP NOT NULL;",
			rule: "drop-not-null", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBackwardIncompatible}, lock: "ACCESS EXCLUSIVE"},
		{name: "no lock timeout", sql: "ALTER TABLE t ADD COLUMN b int;",
			rule: "require-lock-timeout", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock}, lock: "ACCESS EXCLUSIVE", rel: "public.t"},
		{name: "lock timeout set too late", sql: "ALTER TABLE t ADD COLUMN b int;\nSET lock_timeout = '2s';",
			rule: "require-lock-timeout", sev: SeverityWarning},
		{name: "lock timeout disabled", sql: "SET lock_timeout = 0;\nALTER TABLE t ADD COLUMN b int;",
			rule: "require-lock-timeout", sev: SeverityWarning},
		{name: "validate in the same transaction",
			sql:  lt + "ALTER TABLE t ADD CONSTRAINT t_a_pos CHECK (a > 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT t_a_pos;",
			rule: "validate-in-same-transaction", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableScan}, lock: "ACCESS EXCLUSIVE"},
		{name: "validate foreign key in the same explicit transaction",
			sql:  lt + "BEGIN;\nALTER TABLE t ADD CONSTRAINT t_p_fk FOREIGN KEY (p_id) REFERENCES p (id) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT t_p_fk;\nCOMMIT;",
			rule: "validate-in-same-transaction", sev: SeverityWarning, lock: "SHARE ROW EXCLUSIVE"},
		{name: "create index on a partitioned table",
			sql:  lt + "CREATE TABLE ev_2025 PARTITION OF ev FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\nCREATE INDEX ev_at_idx ON ev (at);",
			rule: "create-index-on-partitioned-table", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock}, lock: "SHARE", rel: "public.ev"},
		{name: "concurrent index on a partitioned table", prior: []string{"CREATE TABLE ev (at date) PARTITION BY RANGE (at);"},
			sql:  "CREATE INDEX CONCURRENTLY ev_at_idx ON ev (at);",
			rule: "create-index-on-partitioned-table", sev: SeverityError},
		{name: "concurrent index inside BEGIN", sql: "BEGIN;\nCREATE INDEX CONCURRENTLY t_a_idx ON t (a);\nCOMMIT;",
			rule: "concurrently-in-transaction", sev: SeverityError, hazards: []planner.HazardKind{planner.HazardNonTransactional}, lock: "SHARE UPDATE EXCLUSIVE"},
		{name: "concurrent index with other statements", sql: lt + "ALTER TABLE t ADD COLUMN b int;\nCREATE INDEX CONCURRENTLY t_b_idx ON t (b);",
			rule: "concurrently-in-transaction", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardNonTransactional}},
		{name: "drop index concurrently inside BEGIN", sql: "BEGIN;\nDROP INDEX CONCURRENTLY t_a_idx;\nCOMMIT;",
			rule: "concurrently-in-transaction", sev: SeverityError},
		{name: "vacuum full", sql: "VACUUM FULL t;",
			rule: "vacuum-full", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableRewrite, planner.HazardNonTransactional}, lock: "ACCESS EXCLUSIVE"},
		{name: "cluster", sql: lt + "CLUSTER t USING t_pkey;",
			rule: "cluster", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableRewrite}, lock: "ACCESS EXCLUSIVE"},
		{name: "set logged", sql: lt + "ALTER TABLE t SET LOGGED;",
			rule: "alter-table-set-logged", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableRewrite}},
		{name: "set unlogged", sql: lt + "ALTER TABLE t SET UNLOGGED;",
			rule: "alter-table-set-logged", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardTableRewrite}},
		{name: "drop index", sql: lt + "DROP INDEX t_a_idx;",
			rule: "require-concurrent-index-drop", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock}, lock: "ACCESS EXCLUSIVE"},
		{name: "truncate", sql: lt + "TRUNCATE t;",
			rule: "ban-truncate", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardDataLoss, planner.HazardIrreversible}},
		{name: "reindex", sql: lt + "REINDEX TABLE t;",
			rule: "require-concurrent-reindex", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardIndexBuild}},
		{name: "refresh materialized view", sql: lt + "REFRESH MATERIALIZED VIEW mv;",
			rule: "require-concurrent-refresh", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock}},
		{name: "exclusion constraint", sql: lt + "ALTER TABLE t ADD CONSTRAINT t_no_overlap EXCLUDE USING gist (r WITH &&);",
			rule: "add-exclusion-constraint", sev: SeverityWarning, hazards: []planner.HazardKind{planner.HazardBlockingLock, planner.HazardIndexBuild}},
		{name: "search_path qualifies names", sql: "SET search_path = app;\n" + lt + "ALTER TABLE t DROP COLUMN b;",
			rule: "ban-drop-column", sev: SeverityWarning, rel: "app.t"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := lintFiles(t, c.pg, append(append([]string(nil), c.prior...), c.sql)...)
			got := res[len(res)-1]
			var f *Finding
			for i := range got {
				if got[i].Rule == c.rule {
					f = &got[i]
					break
				}
			}
			if f == nil {
				t.Fatalf("no %s finding; got:%s", c.rule, dump(got))
			}
			if f.Severity != c.sev {
				t.Errorf("severity %s, want %s:%s", f.Severity, c.sev, dump(got))
			}
			if c.hazards != nil && fmt.Sprint(f.Hazards) != fmt.Sprint(c.hazards) {
				t.Errorf("hazards %v, want %v", f.Hazards, c.hazards)
			}
			if c.lock != "" && f.Lock != c.lock {
				t.Errorf("lock %q, want %q", f.Lock, c.lock)
			}
			if c.rel != "" && f.Relation != c.rel {
				t.Errorf("relation %q, want %q", f.Relation, c.rel)
			}
			if f.Message == "" || f.File == "" || f.Line < 1 || f.Col < 1 {
				t.Errorf("incomplete finding %+v", *f)
			}
		})
	}
}

// TestLintSafeForms: the safe forms pass (nothing at warning or above in
// any file of the sequence).
func TestLintSafeForms(t *testing.T) {
	cases := []struct {
		name  string
		pg    int
		files []string
	}{
		{"concurrent index alone", 0, []string{"CREATE INDEX CONCURRENTLY IF NOT EXISTS t_a_idx ON t (a);"}},
		{"concurrent index with session SET", 0, []string{"SET lock_timeout = '2s';\nSET statement_timeout = 0;\nCREATE INDEX CONCURRENTLY t_a_idx ON t (a);"}},
		{"index on a table created in the file", 0, []string{"CREATE TABLE n (id bigint PRIMARY KEY, a int NOT NULL, CHECK (a > 0));\nCREATE INDEX n_a_idx ON n (a);\nALTER TABLE n ADD CONSTRAINT n_a_key UNIQUE (a), ALTER COLUMN a TYPE bigint, ADD COLUMN b int NOT NULL;\nALTER TABLE n RENAME COLUMN b TO c;\nDROP TABLE n;"}},
		{"check not valid, validate in another file", 0, []string{
			lt + "ALTER TABLE t ADD CONSTRAINT t_a_pos CHECK (a > 0) NOT VALID;",
			"ALTER TABLE t VALIDATE CONSTRAINT t_a_pos;"}},
		{"foreign key not valid, validate in another file", 0, []string{
			lt + "ALTER TABLE t ADD CONSTRAINT t_p_fk FOREIGN KEY (p_id) REFERENCES p (id) NOT VALID;",
			"SET lock_timeout = '2s';\nALTER TABLE t VALIDATE CONSTRAINT t_p_fk;"}},
		{"not valid and validate in separate explicit transactions", 0, []string{
			lt + "BEGIN;\nALTER TABLE t ADD CONSTRAINT t_a_pos CHECK (a > 0) NOT VALID;\nCOMMIT;\nBEGIN;\nALTER TABLE t VALIDATE CONSTRAINT t_a_pos;\nCOMMIT;"}},
		{"set not null via validated check", 0, []string{
			lt + "ALTER TABLE t ADD CONSTRAINT t_a_nn CHECK (a IS NOT NULL) NOT VALID;",
			"ALTER TABLE t VALIDATE CONSTRAINT t_a_nn;",
			"SET LOCAL lock_timeout = '2s';\nALTER TABLE t ALTER COLUMN a SET NOT NULL;\nALTER TABLE t DROP CONSTRAINT t_a_nn;"}},
		{"validate then set not null in one file", 12, []string{
			lt + "ALTER TABLE t ADD CONSTRAINT t_a_nn CHECK (a IS NOT NULL) NOT VALID;",
			lt + "ALTER TABLE t VALIDATE CONSTRAINT t_a_nn;\nALTER TABLE t ALTER COLUMN a SET NOT NULL;\nALTER TABLE t DROP CONSTRAINT t_a_nn;"}},
		{"unique via concurrent index", 0, []string{
			"CREATE UNIQUE INDEX CONCURRENTLY t_email_key ON t (email);",
			lt + "ALTER TABLE t ADD CONSTRAINT t_email_key UNIQUE USING INDEX t_email_key;"}},
		{"primary key via concurrent index on a not-null column", 0, []string{
			"CREATE TABLE t (id bigint NOT NULL);",
			"CREATE UNIQUE INDEX CONCURRENTLY t_pkey_idx ON t (id);",
			lt + "ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_pkey_idx;"}},
		{"primary key via concurrent index, column of unknown nullability", 0, []string{
			"CREATE UNIQUE INDEX CONCURRENTLY t_pkey_idx ON t (id);",
			lt + "ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_pkey_idx;"}},
		{"binary-compatible type changes", 0, []string{
			"CREATE TABLE t (name varchar(50), note varchar(20), amount numeric(10,2), ip cidr);",
			lt + "ALTER TABLE t ALTER COLUMN name TYPE varchar(100), ALTER COLUMN note TYPE text, ALTER COLUMN amount TYPE numeric(12,2), ALTER COLUMN ip TYPE inet;\nALTER TABLE t ALTER COLUMN amount TYPE numeric;"}},
		{"widening with the old type unknown", 0, []string{lt + "ALTER TABLE t ALTER COLUMN name TYPE text;"}},
		{"constant default on 11+", 11, []string{lt + "ALTER TABLE t ADD COLUMN b int NOT NULL DEFAULT 0, ADD COLUMN tags text[] DEFAULT '{}', ADD COLUMN at timestamptz DEFAULT now();"}},
		{"nullable column and expand steps", 0, []string{"SET LOCAL lock_timeout = '1s';\nALTER TABLE t ADD COLUMN u uuid;\nALTER TABLE t ALTER COLUMN u SET DEFAULT gen_random_uuid();"}},
		{"lock timeout via set_config", 0, []string{"SELECT set_config('lock_timeout', '2s', true);\nALTER TABLE t ADD COLUMN b int;"}},
		{"enum add value alone", 0, []string{"ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok';"}},
		{"enum add value in a transaction, not used", 12, []string{"BEGIN;\nALTER TYPE mood ADD VALUE 'meh';\nCOMMIT;"}},
		{"index on only the partitioned parent", 0, []string{
			"CREATE TABLE ev (at date) PARTITION BY RANGE (at);",
			lt + "CREATE INDEX ev_at_idx ON ONLY ev (at);",
			"CREATE INDEX CONCURRENTLY ev_2025_at_idx ON ev_2025 (at);",
			lt + "ALTER INDEX ev_at_idx ATTACH PARTITION ev_2025_at_idx;"}},
		{"drop index concurrently alone", 0, []string{"DROP INDEX CONCURRENTLY IF EXISTS t_a_idx;"}},
		{"reindex concurrently alone", 0, []string{"REINDEX INDEX CONCURRENTLY t_a_idx;"}},
		{"new table with comment and trigger", 0, []string{"CREATE TABLE n (id int);\nCOMMENT ON TABLE n IS 'x';\nCREATE TRIGGER n_trg BEFORE INSERT ON n FOR EACH ROW EXECUTE FUNCTION f();"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for i, fs := range lintFiles(t, c.pg, c.files...) {
				if bad := atLeast(fs, SeverityWarning); len(bad) > 0 {
					t.Errorf("file %d: want nothing at warning or above, got:%s", i+1, dump(bad))
				}
			}
		})
	}
}

// TestLintVersions: version-dependent facts from hazards.md.
func TestLintVersions(t *testing.T) {
	rules := func(pg int, files ...string) []string {
		res := lintFiles(t, pg, files...)
		var out []string
		for _, f := range atLeast(res[len(res)-1], SeverityWarning) {
			out = append(out, f.Rule)
		}
		sort.Strings(out)
		return out
	}
	constDefault := lt + "ALTER TABLE t ADD COLUMN b int NOT NULL DEFAULT 0;"
	if got := rules(10, constDefault); fmt.Sprint(got) != "[add-column-default]" {
		t.Errorf("PG10 constant default: got %v", got)
	}
	if got := rules(11, constDefault); len(got) != 0 {
		t.Errorf("PG11 constant default: got %v", got)
	}
	nn := []string{
		lt + "ALTER TABLE t ADD CONSTRAINT t_a_nn CHECK (a IS NOT NULL) NOT VALID;",
		"ALTER TABLE t VALIDATE CONSTRAINT t_a_nn;",
		lt + "ALTER TABLE t ALTER COLUMN a SET NOT NULL;",
	}
	if got := rules(11, nn...); fmt.Sprint(got) != "[set-not-null]" {
		t.Errorf("PG11 SET NOT NULL with validated check: got %v", got)
	}
	if got := rules(12, nn...); len(got) != 0 {
		t.Errorf("PG12 SET NOT NULL with validated check: got %v", got)
	}
	enum := "BEGIN;\nALTER TYPE mood ADD VALUE 'meh';\nCOMMIT;"
	if got := rules(11, enum); fmt.Sprint(got) != "[enum-add-value-in-transaction]" {
		t.Errorf("PG11 ADD VALUE in a transaction: got %v", got)
	}
	if got := rules(12, enum); len(got) != 0 {
		t.Errorf("PG12 ADD VALUE in a transaction: got %v", got)
	}
}

// TestLintPositions: findings point at the clause when the parser gives
// one, else at the statement; lines and columns are 1-based.
func TestLintPositions(t *testing.T) {
	src := lt + "-- add things\nALTER TABLE t\n  ADD COLUMN b int NOT NULL,\n  ADD CONSTRAINT t_b_pos CHECK (b > 0);\n\n  DROP TABLE old;"
	fs := lintFiles(t, 0, src)[0]
	want := map[string]string{
		"adding-not-null-field":        "f1.sql:4:14",
		"constraint-missing-not-valid": "f1.sql:5:7",
		"ban-drop-table":               "f1.sql:7:3",
	}
	for _, f := range fs {
		pos := fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Col)
		if w, ok := want[f.Rule]; ok {
			if pos != w {
				t.Errorf("%s at %s, want %s", f.Rule, pos, w)
			}
			delete(want, f.Rule)
		}
	}
	for r := range want {
		t.Errorf("missing %s:%s", r, dump(fs))
	}
	if !strings.HasPrefix(fs[0].String(), "f1.sql:4:14: warning: [adding-not-null-field] ") ||
		!strings.HasSuffix(fs[0].String(), "(lock: ACCESS EXCLUSIVE on public.t; hazards: backward-incompatible)") {
		t.Errorf("text form: %s", fs[0])
	}
}

// TestLintTestdata lints planner/lint/testdata: each dangerous/*.sql file
// must have a finding at warning or above for every rule named in its
// "-- expect: rule[, rule]" first line (and no other rule at warning or
// above), and each safe/<dir> sequence must have none.
func TestLintTestdata(t *testing.T) {
	files, _ := filepath.Glob("testdata/dangerous/*.sql")
	if len(files) == 0 {
		t.Fatal("no testdata/dangerous files")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(string(src), "\n")
			exp, ok := strings.CutPrefix(first, "-- expect: ")
			if !ok {
				t.Fatalf("first line must be -- expect: rule, ...")
			}
			want := map[string]bool{}
			for _, r := range strings.Split(exp, ",") {
				want[strings.TrimSpace(r)] = true
			}
			stmts, err := schema.SplitSQL(f, src)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, fd := range atLeast(Lint(stmts, LintOptions{File: f}), SeverityWarning) {
				got[fd.Rule] = true
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("rules %v, want %v", keys(got), keys(want))
			}
		})
	}
	dirs, _ := filepath.Glob("testdata/safe/*")
	if len(dirs) == 0 {
		t.Fatal("no testdata/safe sequences")
	}
	for _, d := range dirs {
		t.Run(filepath.Base(d), func(t *testing.T) {
			seq, _ := filepath.Glob(filepath.Join(d, "*.sql"))
			sort.Strings(seq)
			st := NewLintState()
			for _, f := range seq {
				src, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				stmts, err := schema.SplitSQL(f, src)
				if err != nil {
					t.Fatal(err)
				}
				if bad := atLeast(Lint(stmts, LintOptions{File: f, State: st}), SeverityWarning); len(bad) > 0 {
					t.Errorf("want nothing at warning or above:%s", dump(bad))
				}
			}
		})
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// squawkToLint maps squawk (2.66) rules to the lint rules that cover them;
// squawk's style rules are not mapped and are ignored.
var squawkToLint = map[string][]string{
	"adding-field-with-default":                    {"add-column-volatile-default", "add-column-generated-stored", "add-column-default"},
	"adding-foreign-key-constraint":                {"add-foreign-key"},
	"adding-not-nullable-field":                    {"set-not-null"},
	"adding-required-field":                        {"adding-not-null-field"},
	"adding-serial-primary-key-field":              {"add-primary-key"},
	"ban-concurrent-index-creation-in-transaction": {"concurrently-in-transaction"},
	"ban-drop-column":                              {"ban-drop-column"},
	"ban-drop-not-null":                            {"drop-not-null"},
	"ban-drop-table":                               {"ban-drop-table"},
	"changing-column-type":                         {"changing-column-type"},
	"constraint-missing-not-valid":                 {"constraint-missing-not-valid", "add-foreign-key", "add-unique-constraint", "add-primary-key", "validate-in-same-transaction"},
	"disallowed-unique-constraint":                 {"add-unique-constraint"},
	"renaming-column":                              {"rename-column"},
	"renaming-table":                               {"rename-table"},
	"require-concurrent-index-creation":            {"require-concurrent-index", "create-index-on-partitioned-table"},
	"require-concurrent-index-deletion":            {"require-concurrent-index-drop"},
	"require-lock-timeout":                         {"require-lock-timeout"},
}

// TestLintAgainstSquawk runs squawk (npm squawk-cli; $SQUAWK or squawk on
// PATH) on the dangerous testdata files: every squawk rule it reports that
// has a counterpart here must be matched by one of ours in the same file.
// Skipped when squawk is not installed.
func TestLintAgainstSquawk(t *testing.T) {
	bin := os.Getenv("SQUAWK")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("squawk"); err != nil {
			t.Skip("squawk not installed (npm install squawk-cli; set $SQUAWK to its bin/squawk)")
		}
	}
	files, _ := filepath.Glob("testdata/dangerous/*.sql")
	for _, f := range files {
		out, _ := exec.Command(bin, "--reporter", "gcc", "--exclude=prefer-robust-stmts", f).Output() // exit 1 when it finds something
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		stmts, err := schema.SplitSQL(f, src)
		if err != nil {
			t.Fatal(err)
		}
		ours := map[string]bool{}
		for _, fd := range Lint(stmts, LintOptions{File: f}) {
			ours[fd.Rule] = true
		}
		for _, line := range strings.Split(string(out), "\n") {
			// file:line:col: warning: rule message
			fields := strings.Fields(line)
			if len(fields) < 3 || !strings.HasPrefix(fields[0], f+":") {
				continue
			}
			rule := fields[2]
			want, ok := squawkToLint[rule]
			if !ok {
				continue
			}
			found := false
			for _, r := range want {
				found = found || ours[r]
			}
			if !found {
				t.Errorf("%s: squawk reports %s, lint has none of %v (ours: %v)", f, rule, want, keys(ours))
			}
		}
	}
}

// TestLintHazardVocabulary: privileges, policies and RLS carry authz;
// index builds carry index-build even when concurrent; function bodies
// PostgreSQL does not track carry untracked-dependencies; replica
// identity and publications carry replication; a dropped sequence is
// data-loss.
func TestLintHazardVocabulary(t *testing.T) {
	const lt = "CREATE TABLE t (id int PRIMARY KEY, a int);\n"
	cases := []struct {
		name, sql string
		rule      RuleID
		hazard    planner.HazardKind
	}{
		{"grant", "GRANT SELECT ON t TO PUBLIC;", RuleAuthzChange, planner.HazardAuthz},
		{"revoke", "REVOKE SELECT ON t FROM PUBLIC;", RuleAuthzChange, planner.HazardAuthz},
		{"create policy", "CREATE POLICY p ON t USING (a > 0);", RuleAuthzChange, planner.HazardAuthz},
		{"drop policy", "DROP POLICY p ON t;", RuleAuthzChange, planner.HazardAuthz},
		{"rls on", "ALTER TABLE t ENABLE ROW LEVEL SECURITY;", RuleAuthzChange, planner.HazardAuthz},
		{"rls off", "ALTER TABLE t DISABLE ROW LEVEL SECURITY;", RuleAuthzChange, planner.HazardAuthz},
		{"create index", "CREATE INDEX t_a ON t (a);", RuleRequireConcurrentIndex, planner.HazardIndexBuild},
		{"create index concurrently", "CREATE INDEX CONCURRENTLY t_a ON t (a);", RuleIndexBuild, planner.HazardIndexBuild},
		{"reindex concurrently", "REINDEX TABLE CONCURRENTLY t;", RuleIndexBuild, planner.HazardIndexBuild},
		{"plpgsql function", "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$BEGIN RETURN (SELECT count(*) FROM t); END$$;", RuleUntrackedDependencies, planner.HazardUntrackedDependencies},
		{"sql string body", "CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM t';", RuleUntrackedDependencies, planner.HazardUntrackedDependencies},
		{"replica identity", "ALTER TABLE t REPLICA IDENTITY FULL;", RuleReplication, planner.HazardReplication},
		{"publication", "CREATE PUBLICATION pub FOR TABLE t;", RuleReplication, planner.HazardReplication},
		{"drop sequence", "DROP SEQUENCE s;", RuleBanDropSequence, planner.HazardDataLoss},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := lintFiles(t, 15, lt+"CREATE SEQUENCE s;", "SET lock_timeout = '2s';\n"+c.sql)[1]
			for _, f := range fs {
				if f.Rule == string(c.rule) && slices.Contains(f.Hazards, c.hazard) {
					return
				}
			}
			t.Errorf("want [%s] with %s:%s", c.rule, c.hazard, dump(fs))
		})
	}
	// A SQL-standard body is tracked: no finding.
	if fs := lintFiles(t, 15, lt, "CREATE FUNCTION g() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM t; END;")[1]; len(fs) > 0 {
		t.Errorf("SQL-standard body: want no finding:%s", dump(fs))
	}
}

// TestRuleRegistry: every rule is registered once, with a doc, a fix and
// a severity, and no finding names its rule by a bare string.
func TestRuleRegistry(t *testing.T) {
	seen := map[RuleID]bool{}
	for _, r := range Rules {
		if seen[r.ID] {
			t.Errorf("rule %s registered twice", r.ID)
		}
		seen[r.ID] = true
		if r.Doc == "" || r.Fix == "" || r.Severity.Rank() == 0 {
			t.Errorf("rule %s: missing doc, fix or severity", r.ID)
		}
	}
	src, err := os.ReadFile("lint.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`l\.add\([^,]+, (\w+|"[^"]*"),`).FindAllStringSubmatch(string(src), -1) {
		if strings.HasPrefix(m[1], `"`) {
			t.Errorf("finding with a bare rule string %s: use a registered RuleID", m[1])
		}
	}
}

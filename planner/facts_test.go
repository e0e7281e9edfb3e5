package planner

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/pgshift/pgshift/diff"
	"github.com/pgshift/pgshift/internal/pgfacts"
	"github.com/pgshift/pgshift/schema"
	"github.com/pgshift/pgshift/schema/offline"
)

// TestInPlaceVerdicts: the four changes PostgreSQL 15 makes without a
// rewrite (relfilenode unchanged; pgfacts.TestTypeChangeRewritesMeasured
// and TestFactsMeasured measure them) are planned, in the default safe
// mode, as one in-place step with no rewrite and no table-rewrite hazard.
func TestInPlaceVerdicts(t *testing.T) {
	const table = "CREATE TABLE t (id integer PRIMARY KEY, b varbit(8), n cidr);\n"
	cases := []struct{ name, to, stmt string }{
		{"varbit widening", "CREATE TABLE t (id integer PRIMARY KEY, b varbit(16), n cidr);\n", "TYPE bit varying(16)"},
		{"cidr to inet", "CREATE TABLE t (id integer PRIMARY KEY, b varbit(8), n inet);\n", "TYPE inet"},
		{"statement_timestamp default", table + "ALTER TABLE t ADD COLUMN at timestamptz DEFAULT statement_timestamp();\n", "statement_timestamp()"},
		{"txid_current default", table + "ALTER TABLE t ADD COLUMN x bigint DEFAULT txid_current();\n", "txid_current()"},
	}
	from, err := offline.LoadOffline("from.sql", []byte(table))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			to, err := offline.LoadOffline("to.sql", []byte(c.to))
			if err != nil {
				t.Fatal(err)
			}
			p, err := Build(from.Schema, to.Schema, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Steps) != 1 || len(p.Phases) > 1 {
				t.Fatalf("want one in-place step, got %d steps in %d phases: %v", len(p.Steps), len(p.Phases), summaries(p))
			}
			s := p.Steps[0]
			if s.Rewrites {
				t.Errorf("%s: step says it rewrites the table", s.Summary)
			}
			for _, h := range s.Hazards {
				if h.Kind == HazardTableRewrite {
					t.Errorf("%s: table-rewrite hazard %q", s.Summary, h.Message)
				}
			}
			if s.Lock != LockAccessExclusive {
				t.Errorf("%s: lock %q, want ACCESS EXCLUSIVE", s.Summary, s.Lock)
			}
			if !containsText(s.Up, c.stmt) {
				t.Errorf("%s: up %q does not hold %q", s.Summary, s.Up, c.stmt)
			}
		})
	}
}

func summaries(p *Plan) []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, s.Summary)
	}
	return out
}

func containsText(sql []string, s string) bool {
	return strings.Contains(strings.Join(sql, "\n"), s)
}

// TestClusterOnAndTriggerLocks: ALTER TABLE … CLUSTER ON and ENABLE /
// DISABLE TRIGGER steps carry the lock pgfacts measured (SHARE UPDATE
// EXCLUSIVE and SHARE ROW EXCLUSIVE) on their table.
func TestClusterOnAndTriggerLocks(t *testing.T) {
	s := schema.NewSchema()
	tb := &schema.Table{Schema: "public", Name: "t"}
	s.Tables[tb.Key()] = tb
	b := newBuilder(s, s, Options{})
	ix := &schema.Index{Schema: "public", Name: "t_pkey", Table: tb.Key()}
	cl := *ix
	cl.Clustered = true
	tr := &schema.Trigger{Name: "trg", Enabled: "O"}
	off := *tr
	off.Enabled = "D"
	for _, c := range []struct {
		ch   diff.Change
		want pgfacts.Lock
	}{
		{&diff.AlterIndex{From: ix, To: &cl}, pgfacts.ShareUpdateExclusive},
		{&diff.AlterTrigger{Table: tb.Key(), From: tr, To: &off}, pgfacts.ShareRowExclusive},
	} {
		steps, _ := b.stepsFor(c.ch)
		if len(steps) != 1 || steps[0].Lock != string(c.want) || len(steps[0].Relations) != 1 || steps[0].Relations[0] != tb.Key() {
			t.Errorf("%T: steps %+v, want one step with %s on %s", c.ch, steps, c.want, tb.Key())
		}
	}
}

// TestHazardVocabulary: the planner tags privileges, policies and RLS
// changes authz, index builds index-build (the concurrent build too),
// plpgsql function bodies untracked-dependencies, replica identity
// changes replication, and a dropped sequence data-loss.
func TestHazardVocabulary(t *testing.T) {
	const base = "CREATE TABLE t (id integer PRIMARY KEY, a integer);\nCREATE SEQUENCE s;\n"
	cases := []struct {
		name, to string
		want     HazardKind
	}{
		{"grant", base + "GRANT SELECT ON t TO PUBLIC;", HazardAuthz},
		{"policy", base + "CREATE POLICY p ON t USING (a > 0);", HazardAuthz},
		{"rls on", base + "ALTER TABLE t ENABLE ROW LEVEL SECURITY;", HazardAuthz},
		{"index", base + "CREATE INDEX t_a ON t (a);", HazardIndexBuild},
		{"unique", base + "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a);", HazardIndexBuild},
		{"plpgsql", base + "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$BEGIN RETURN 1; END$$;", HazardUntrackedDependencies},
		{"replica identity", base + "ALTER TABLE t REPLICA IDENTITY FULL;", HazardReplication},
		{"drop sequence", "CREATE TABLE t (id integer PRIMARY KEY, a integer);\n", HazardDataLoss},
	}
	from, err := offline.LoadOffline("from.sql", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			to, err := offline.LoadOffline("to.sql", []byte(c.to))
			if err != nil {
				t.Fatal(err)
			}
			for _, mode := range []Mode{ModeSafe, ModeDirect} {
				p, err := Build(from.Schema, to.Schema, Options{Mode: mode, AllowDrop: true})
				if err != nil {
					t.Fatal(err)
				}
				found := false
				for _, s := range p.Steps {
					for _, h := range s.Hazards {
						found = found || h.Kind == c.want
					}
				}
				if !found {
					t.Errorf("%s: no %s hazard in %v", mode, c.want, summaries(p))
				}
			}
		})
	}
}

// TestHazardsDocumentedOnce: the README's Hazards table lists every hazard
// kind exactly once, and nothing else.
func TestHazardsDocumentedOnce(t *testing.T) {
	src, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(src), "### Hazards\n")
	if !ok {
		t.Fatal("README has no ### Hazards section")
	}
	table, _, _ = strings.Cut(table, "\n\n#")
	count := map[string]int{}
	for _, line := range strings.Split(table, "\n") {
		if m := regexp.MustCompile("^\\| `([a-z-]+)` \\|").FindStringSubmatch(line); m != nil {
			count[m[1]]++
		}
	}
	for _, h := range HazardKinds {
		if count[string(h)] != 1 {
			t.Errorf("hazard %s documented %d times in the README table", h, count[string(h)])
		}
		delete(count, string(h))
	}
	for h := range count {
		t.Errorf("README documents hazard %s, which the planner does not have", h)
	}
}

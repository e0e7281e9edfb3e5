package planner

import (
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

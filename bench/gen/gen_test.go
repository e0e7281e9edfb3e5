package gen

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pgshift/pgshift/diff"
	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/schema"
)

func generate(t *testing.T, o Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, o); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDeterministicAndParses(t *testing.T) {
	for _, changed := range []bool{false, true} {
		o := Options{Tables: 1000, Changed: changed}
		a, b := generate(t, o), generate(t, o)
		if !bytes.Equal(a, b) {
			t.Fatalf("changed=%v: output differs between runs", changed)
		}
		stmts, err := schema.SplitSQL("gen.sql", a)
		if err != nil {
			t.Fatalf("changed=%v: %v", changed, err)
		}
		kinds := map[string]int{}
		for _, st := range stmts {
			kinds[st.Kind]++
		}
		if !changed {
			// 1,000 tables, ~2 indexes each, a view, function and trigger every tenth table.
			if kinds["CreateStmt"] != 1000 || kinds["IndexStmt"] != 2000 || kinds["ViewStmt"] < 100 ||
				kinds["CreateFunctionStmt"] < 100 || kinds["CreateTrigStmt"] != 100 {
				t.Errorf("unexpected proportions: %v", kinds)
			}
		}
	}
}

// TestLoads loads a small schema and its changed version on the test
// server and checks the proportions of the models and that they differ.
func TestLoads(t *testing.T) {
	if testing.Short() {
		t.Skip("loads schemas on the server")
	}
	ctx := context.Background()
	c, err := pgx.Connect(ctx, pgtest.AdminURL())
	if err != nil {
		t.Skipf("PostgreSQL server unavailable: %v", err)
	}
	c.Close(ctx)
	const n = 120
	var models [2]*schema.Schema
	for i, changed := range []bool{false, true} {
		p := filepath.Join(t.TempDir(), "gen.sql")
		if err := os.WriteFile(p, generate(t, Options{Tables: n, Changed: changed}), 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := schema.LoadSQL(ctx, pgtest.AdminURL(), p)
		if err != nil {
			t.Fatalf("changed=%v: %v", changed, err)
		}
		models[i] = s
	}
	s := models[0]
	if len(s.Tables) != n || len(s.Views) < n/10 || len(s.Types) != 8 || len(s.Namespaces) != Schemas(n)+2 {
		t.Errorf("base model: %d tables, %d views, %d types, %d schemas", len(s.Tables), len(s.Views), len(s.Types), len(s.Namespaces))
	}
	var fks, checks, indexes int
	for _, tb := range s.Tables {
		indexes += len(tb.Indexes)
		for _, c := range tb.Constraints {
			switch c.Type {
			case schema.ConstraintForeignKey:
				fks++
			case schema.ConstraintCheck:
				checks++
			}
		}
	}
	if fks < n || checks != 2*n || indexes != 2*n {
		t.Errorf("base model: %d FKs, %d CHECKs, %d indexes", fks, checks, indexes)
	}
	changes := diff.Compare(models[0], models[1])
	kinds := map[string]bool{}
	for _, ch := range changes {
		kinds[strings.TrimPrefix(reflect.TypeOf(ch).String(), "*diff.")] = true
	}
	for _, want := range []string{"CreateTable", "DropTable", "AddColumn", "DropColumn", "AlterColumn", "CreateIndex", "DropIndex", "DropConstraint", "AlterType"} {
		if !kinds[want] {
			t.Errorf("changed version: no %s change (have %v)", want, kinds)
		}
	}
}

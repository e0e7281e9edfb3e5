package bench

// Benchmarks of parse (schema.SplitSQL), diff (diff.Compare) and plan
// (planner.Build) on the chado corpus schema (old -> new) and on the
// synthetic schemas of 1,000 and 10,000 tables (bench/gen, base -> changed version),
// plus the plan an inspect makes (empty database -> 10,000 tables).
//
// The models are loaded once per process through schema.LoadSQL on the
// server named by PGSHIFT_TEST_URL and cached as JSON snapshots under the
// user cache directory (pgshift-bench/), keyed by the SQL text, the server
// version and the shape of the model types, so that only the first run
// pays for loading 10,000 tables. PGSHIFT_BENCH_CACHE=off disables the
// cache. Benchmarks are skipped when the server is unavailable.
//
//	go test -run '^$' -bench . -benchtime 10x -benchmem ./bench
//
// Besides ns/op and B/op (all bytes allocated by one operation: an upper
// bound of the memory it needs beyond the models), the diff and plan
// benchmarks report model-MB, the live heap of the two models.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pgshift/pgshift/bench/gen"
	"github.com/pgshift/pgshift/diff"
	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
)

// pair is the two sides of a benchmark: SQL texts and their models.
type pair struct {
	name          string
	fromSQL       []byte
	toSQL         []byte
	from, to      *schema.Schema
	empty         *schema.Schema
	modelBytes    uint64
	err, skipping string
}

var (
	pairsMu sync.Mutex
	pairs   = map[string]*pair{}
)

func corpusDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "shared", "corpus")
}

// sources returns the SQL of a benchmark pair without loading models.
func sources(b *testing.B, name string) *pair {
	b.Helper()
	pairsMu.Lock()
	defer pairsMu.Unlock()
	if p := pairs[name]; p != nil {
		return p
	}
	p := &pair{name: name}
	switch name {
	case "chado":
		dir := filepath.Join(corpusDir(), "chado")
		var err error
		if p.fromSQL, err = os.ReadFile(filepath.Join(dir, "schema.old.sql")); err != nil {
			p.skipping = fmt.Sprintf("chado corpus not found: %v", err)
			break
		}
		if p.toSQL, err = os.ReadFile(filepath.Join(dir, "schema.sql")); err != nil {
			p.skipping = fmt.Sprintf("chado corpus not found: %v", err)
		}
	case "synthetic1000", "synthetic10000":
		n, _ := strconv.Atoi(strings.TrimPrefix(name, "synthetic"))
		var a, c bytes.Buffer
		if err := gen.Write(&a, gen.Options{Tables: n}); err != nil {
			b.Fatal(err)
		}
		if err := gen.Write(&c, gen.Options{Tables: n, Changed: true}); err != nil {
			b.Fatal(err)
		}
		p.fromSQL, p.toSQL = a.Bytes(), c.Bytes()
	default:
		b.Fatalf("unknown benchmark pair %q", name)
	}
	pairs[name] = p
	return p
}

// models returns the pair with its models loaded (or skips the benchmark).
func models(b *testing.B, name string) *pair {
	b.Helper()
	p := sources(b, name)
	pairsMu.Lock()
	defer pairsMu.Unlock()
	if p.skipping == "" && p.err == "" && p.from == nil {
		if err := p.load(); err != nil {
			if strings.Contains(err.Error(), "connect") {
				p.skipping = "PostgreSQL server unavailable: " + err.Error()
			} else {
				p.err = err.Error()
			}
		}
	}
	if p.skipping != "" {
		b.Skip(p.skipping)
	}
	if p.err != "" {
		b.Fatal(p.err)
	}
	return p
}

func (p *pair) load() error {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.AdminURL())
	if err != nil {
		return fmt.Errorf("connect to %s: %w", schema.ServerAddr(pgtest.AdminURL()), err)
	}
	var ver string
	err = conn.QueryRow(ctx, "SELECT current_setting('server_version_num')").Scan(&ver)
	conn.Close(ctx)
	if err != nil {
		return err
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if p.from, err = cachedModel(ctx, ver, p.name+"-from", p.fromSQL); err != nil {
		return err
	}
	if p.to, err = cachedModel(ctx, ver, p.name+"-to", p.toSQL); err != nil {
		return err
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if after.HeapAlloc > before.HeapAlloc {
		p.modelBytes = after.HeapAlloc - before.HeapAlloc
	}
	p.empty, err = schema.EmptyFrom(ctx, pgtest.AdminURL())
	return err
}

// cachedModel returns the model of sql loaded on the test server, from the
// snapshot cache when it has one.
func cachedModel(ctx context.Context, serverVersion, label string, sql []byte) (*schema.Schema, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n", serverVersion, typeShape(reflect.TypeOf(schema.Schema{}), map[reflect.Type]bool{}))
	h.Write(sql)
	key := hex.EncodeToString(h.Sum(nil))[:24]
	var path string
	if os.Getenv("PGSHIFT_BENCH_CACHE") != "off" {
		if dir, err := os.UserCacheDir(); err == nil {
			path = filepath.Join(dir, "pgshift-bench", label+"-"+key+".json")
			if data, err := os.ReadFile(path); err == nil {
				s := &schema.Schema{}
				if err := json.Unmarshal(data, s); err == nil {
					return s, nil
				}
			}
		}
	}
	dir, err := os.MkdirTemp("", "pgshift-bench")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, label+".sql")
	if err := os.WriteFile(file, sql, 0o644); err != nil {
		return nil, err
	}
	s, err := schema.LoadSQL(ctx, pgtest.AdminURL(), file)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", label, err)
	}
	if path != "" {
		if data, err := json.Marshal(s); err == nil && os.MkdirAll(filepath.Dir(path), 0o755) == nil {
			tmp := path + ".tmp"
			if os.WriteFile(tmp, data, 0o644) == nil {
				_ = os.Rename(tmp, path)
			}
		}
	}
	return s, nil
}

// typeShape describes the fields of t recursively, so that a snapshot made
// with another version of the model types is not reused.
func typeShape(t reflect.Type, seen map[reflect.Type]bool) string {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		s := t.Kind().String() + "[" + typeShape(t.Elem(), seen) + "]"
		if t.Kind() == reflect.Map {
			s = "map[" + typeShape(t.Key(), seen) + "]" + typeShape(t.Elem(), seen)
		}
		return s
	case reflect.Struct:
		if seen[t] {
			return t.Name()
		}
		seen[t] = true
		var sb strings.Builder
		sb.WriteString(t.Name() + "{")
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			sb.WriteString(f.Name + " " + typeShape(f.Type, seen) + ";")
		}
		sb.WriteString("}")
		return sb.String()
	}
	return t.String()
}

// benchPairs: synthetic1000 is there to check that the cost grows linearly.
var benchPairs = []string{"chado", "synthetic1000", "synthetic10000"}

func BenchmarkParse(b *testing.B) {
	for _, name := range benchPairs {
		b.Run(name, func(b *testing.B) {
			p := sources(b, name)
			if p.skipping != "" {
				b.Skip(p.skipping)
			}
			b.SetBytes(int64(len(p.toSQL)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := schema.SplitSQL(name+".sql", p.toSQL); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDiff(b *testing.B) {
	for _, name := range benchPairs {
		b.Run(name, func(b *testing.B) {
			p := models(b, name)
			b.ReportAllocs()
			b.ResetTimer()
			var n int
			for i := 0; i < b.N; i++ {
				n = len(diff.Compare(p.from, p.to))
			}
			b.ReportMetric(float64(n), "changes")
			b.ReportMetric(float64(p.modelBytes)/(1<<20), "model-MB")
		})
	}
}

func BenchmarkPlan(b *testing.B) {
	for _, name := range benchPairs {
		// The options of `pgshift diff --mode direct --allow-drop`, then the defaults.
		b.Run(name, func(b *testing.B) {
			p := models(b, name)
			benchPlan(b, p.from, p.to, planner.Options{Mode: planner.ModeDirect, AllowDrop: true})
			b.ReportMetric(float64(p.modelBytes)/(1<<20), "model-MB")
		})
		b.Run(name+"-safe", func(b *testing.B) {
			p := models(b, name)
			benchPlan(b, p.from, p.to, planner.Options{})
		})
	}
	// The plan `pgshift inspect` makes: an empty database to every object.
	for _, name := range []string{"chado", "synthetic10000"} {
		b.Run(name+"-inspect", func(b *testing.B) {
			p := models(b, name)
			benchPlan(b, p.empty, p.from, planner.Options{Mode: planner.ModeDirect})
		})
	}
}

func benchPlan(b *testing.B, from, to *schema.Schema, opts planner.Options) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	var steps int
	for i := 0; i < b.N; i++ {
		plan, err := planner.Build(from, to, opts)
		if err != nil {
			b.Fatal(err)
		}
		steps = len(plan.Steps)
	}
	b.ReportMetric(float64(steps), "steps")
}

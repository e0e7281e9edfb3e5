package offline

import (
	"encoding/json"
	"github.com/pgshift/pgshift/schema"
	"sort"
)

// ParityReport compares an offline model with an introspected one object
// by object (both in the offline normal form: see NormalizeOffline).
type ParityReport struct {
	Total, Equal int
	// Diffs holds, per differing object ID ("table public.t", ...), a line
	// diff of its canonical JSON (introspected "-", offline "+").
	Diffs map[string]string
}

// CompareParity normalizes copies of both models and compares them object by
// object: namespaces, extensions, types, sequences, tables (with columns,
// constraints, indexes, triggers and policies), views, functions, and the
// unmanaged list as one object. An object present on one side only counts as
// different.
func CompareParity(introspected, offline *schema.Schema) *ParityReport {
	a, b := cloneSchema(introspected), cloneSchema(offline)
	NormalizeOffline(a)
	NormalizeOffline(b)
	objs := func(s *schema.Schema) map[string]string {
		m := map[string]string{}
		put := func(id string, v any) {
			raw, _ := json.Marshal(v)
			var tree any
			_ = json.Unmarshal(raw, &tree)
			tree = schema.Prune(tree)
			out, _ := json.MarshalIndent(tree, "", "  ")
			m[id] = string(out) + "\n"
		}
		for k, v := range s.Namespaces {
			put(schema.ID(schema.KindSchema, k), v)
		}
		for k, v := range s.Extensions {
			put(schema.ID(schema.KindExtension, k), v)
		}
		for k, v := range s.Types {
			put(schema.ID(schema.KindType, k), v)
		}
		for k, v := range s.Sequences {
			put(schema.ID(schema.KindSequence, k), v)
		}
		for k, v := range s.Tables {
			cp := *v
			cols := append([]*schema.Column(nil), v.Columns...)
			sort.SliceStable(cols, func(i, j int) bool { return cols[i].Name < cols[j].Name })
			cp.Columns = cols
			put(schema.ID(schema.KindTable, k), &cp)
		}
		for k, v := range s.Views {
			put(schema.ID(schema.KindView, k), v)
		}
		for k, v := range s.Functions {
			put(schema.ID(schema.KindFunction, k), v)
		}
		if len(s.Unmanaged) > 0 {
			put("unmanaged", s.Unmanaged)
		}
		return m
	}
	ma, mb := objs(a), objs(b)
	r := &ParityReport{Diffs: map[string]string{}}
	ids := map[string]bool{}
	for id := range ma {
		ids[id] = true
	}
	for id := range mb {
		ids[id] = true
	}
	for id := range ids {
		r.Total++
		if ma[id] == mb[id] {
			r.Equal++
			continue
		}
		r.Diffs[id] = schema.CanonicalDiff(ma[id], mb[id])
	}
	return r
}

// cloneSchema deep-copies a model.
func cloneSchema(s *schema.Schema) *schema.Schema {
	raw, _ := json.Marshal(s)
	out := schema.NewSchema()
	_ = json.Unmarshal(raw, out)
	return out
}

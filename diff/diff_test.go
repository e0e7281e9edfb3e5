package diff

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pgshift/pgshift/schema"
)

// TestSameColumnBodyFields changes each field of a column in turn and
// checks that SameColumnBody sees the change, except for the fields that
// have changes of their own (comment, privileges) or are not compared
// (dependencies). A field added to schema.Column fails here until
// SameColumnBody compares it or it is listed as ignored.
func TestSameColumnBodyFields(t *testing.T) {
	ignored := map[string]bool{"Comment": true, "ACL": true, "Deps": true}
	base := func() *schema.Column {
		return &schema.Column{
			Name: "c", Type: "integer", NotNull: true, NotNullName: "t_c_not_null", Default: "1", Identity: "d",
			IdentitySequence: &schema.Sequence{DataType: "integer", Start: 1, Increment: 1, Min: 1, Max: 10, Cache: 1},
			Generated:        "", Virtual: false, Collation: "pg_catalog.\"C\"", Options: []string{"n_distinct=-1"},
			Statistics: 100, Storage: "m", TypeStorage: "x", Compression: "p",
			Comment: "x", ACL: []string{"a=r/b"}, Deps: []string{"type public.t"},
		}
	}
	if !SameColumnBody(base(), base()) {
		t.Fatal("equal columns reported different")
	}
	typ := reflect.TypeOf(schema.Column{})
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		t.Run(f.Name, func(t *testing.T) {
			a, b := base(), base()
			v := reflect.ValueOf(b).Elem().Field(i)
			switch v.Kind() {
			case reflect.String:
				v.SetString(v.String() + "x")
			case reflect.Bool:
				v.SetBool(!v.Bool())
			case reflect.Int:
				v.SetInt(v.Int() + 1)
			case reflect.Slice:
				v.Set(reflect.Append(v, reflect.ValueOf("extra")))
			case reflect.Pointer:
				b.IdentitySequence.Max++
			default:
				t.Fatalf("field %s: kind %s not handled by this test", f.Name, v.Kind())
			}
			if got, want := SameColumnBody(a, b), ignored[f.Name]; got != want {
				t.Errorf("SameColumnBody after changing %s = %v, want %v", f.Name, got, want)
			}
		})
	}
	// The identity sequence's owner and dependencies are not compared; no
	// identity on one side is a difference.
	a, b := base(), base()
	b.IdentitySequence.Owner, b.IdentitySequence.Deps = "someone", []string{"table public.t"}
	if !SameColumnBody(a, b) {
		t.Error("identity sequence owner/deps compared")
	}
	b.IdentitySequence = nil
	if SameColumnBody(a, b) {
		t.Error("identity on one side only not seen")
	}
	// A NOT NULL name is compared only when both sides have one (both
	// models read from PostgreSQL 18+).
	a, b = base(), base()
	b.NotNullName = ""
	if !SameColumnBody(a, b) || !SameColumnBody(b, a) {
		t.Error("a model without NOT NULL names (PostgreSQL 17 or older) differs from an 18 one in the name")
	}
}

// TestPairs checks that pairs visits the union of both maps' keys once
// each, in sorted order, with presence on each side.
func TestPairs(t *testing.T) {
	for _, tc := range []struct {
		from, to []string
		want     string
	}{
		{nil, nil, ""},
		{[]string{"a", "c"}, nil, "a- c-"},
		{nil, []string{"b"}, "b+"},
		{[]string{"a", "c", "e"}, []string{"b", "c", "d", "f"}, "a- b+ c= d+ e- f+"},
		{[]string{"x", "y"}, []string{"x", "y"}, "x= y="},
	} {
		m := func(keys []string) map[string]int {
			out := map[string]int{}
			for i, k := range keys {
				out[k] = i
			}
			return out
		}
		var got []string
		pairs(m(tc.from), m(tc.to), func(k string, _, _ int, inA, inB bool) {
			mark := "="
			switch {
			case !inA:
				mark = "+"
			case !inB:
				mark = "-"
			}
			got = append(got, k+mark)
		})
		if s := strings.Join(got, " "); s != tc.want {
			t.Errorf("pairs(%v, %v) visited %q, want %q", tc.from, tc.to, s, tc.want)
		}
	}
}

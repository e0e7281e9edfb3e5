package schema

import "testing"

func TestSplitSubKey(t *testing.T) {
	for _, tc := range []struct {
		schema, table, name string
	}{
		{"public", "t", "c"},
		{"public", "Weird Table", "col"},
		{"a.b", "t", "x.y"},
		{"s", `q"uote`, `n"a"me`},
		{"public", "user", "select"},
		{"public", "t", "Mixed.Case"},
	} {
		parent := QualName(tc.schema, tc.table)
		key := parent + "." + QuoteIdent(tc.name)
		p, n, ok := SplitSubKey(key)
		if !ok || p != parent || n != tc.name {
			t.Errorf("SplitSubKey(%q) = %q, %q, %v; want %q, %q, true", key, p, n, ok, parent, tc.name)
		}
	}
	for _, bad := range []string{"", "public", "public.t", `"unterminated.t.c`, "public.t.c.d"} {
		if p, n, ok := SplitSubKey(bad); ok {
			t.Errorf("SplitSubKey(%q) = %q, %q, true; want not ok", bad, p, n)
		}
	}
}

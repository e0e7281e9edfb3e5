package planner

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestGeneratedName: every generated identifier is at most 63 bytes, valid
// UTF-8, unchanged when it fits, distinct for distinct inputs that share
// their first 63 bytes, and stable.
func TestGeneratedName(t *testing.T) {
	col63 := strings.Repeat("c", 62) + "a"
	col63b := strings.Repeat("c", 62) + "b"
	multi := strings.Repeat("é", 31) + "x" // 63 bytes, 2-byte characters
	cases := []struct{ base, suffix string }{
		{"n", "__pgshift_new"},
		{col63, "__pgshift_new"}, {col63, "__pgshift_old"},
		{col63b, "__pgshift_new"}, {col63b, "__pgshift_old"},
		{"pgshift_sync_" + col63 + "_" + col63, "__pgshift_fn"},
		{"pgshift_sync_" + col63 + "_" + col63, "__pgshift_trg"},
		{"pgshift_nn_" + col63 + "_" + col63, ""},
		{"pgshift_nn_" + col63 + "_" + col63b, ""},
		{multi, "__pgshift_new"}, {multi + "y", ""},
	}
	seen := map[string]string{}
	for _, c := range cases {
		got := generatedName(c.base, c.suffix)
		if len(got) > maxIdentLen {
			t.Errorf("generatedName(%q, %q) = %q: %d bytes", c.base, c.suffix, got, len(got))
		}
		if !utf8.ValidString(got) {
			t.Errorf("generatedName(%q, %q) = %q: not valid UTF-8", c.base, c.suffix, got)
		}
		if !strings.HasSuffix(got, c.suffix) {
			t.Errorf("generatedName(%q, %q) = %q lost its suffix", c.base, c.suffix, got)
		}
		if len(c.base)+len(c.suffix) <= maxIdentLen && got != c.base+c.suffix {
			t.Errorf("generatedName(%q, %q) = %q: a name that fits must stay as it is", c.base, c.suffix, got)
		}
		if prev, ok := seen[got]; ok {
			t.Errorf("generatedName gives %q for both %s and %s|%s", got, prev, c.base, c.suffix)
		}
		seen[got] = c.base + "|" + c.suffix
		if again := generatedName(c.base, c.suffix); again != got {
			t.Errorf("generatedName is not stable: %q then %q", got, again)
		}
	}
	if a, b := shadowName(col63, "new"), shadowName(col63, "old"); a == b {
		t.Errorf("shadow columns collide: %q", a)
	}
}

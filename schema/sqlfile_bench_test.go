package schema

import (
	"fmt"
	"strings"
	"testing"
)

// bigSQL is a schema file of n tables with multi-line statements,
// comments and non-ASCII text.
func bigSQL(n int) []byte {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "-- table %d\nCREATE TABLE public.t%d (\n    id bigint PRIMARY KEY,\n    name text DEFAULT 'é€' NOT NULL\n);\n", i, i)
		fmt.Fprintf(&b, "COMMENT ON TABLE public.t%d IS 'größe';  CREATE INDEX ON public.t%d (name);\n\n", i, i)
	}
	return []byte(b.String())
}

func TestSplitSQLPositionsMatchLineCol(t *testing.T) {
	src := bigSQL(300)
	stmts, err := SplitSQL("big.sql", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 900 {
		t.Fatalf("%d statements, want 900", len(stmts))
	}
	for _, st := range stmts {
		if l, c := lineCol(src, st.Offset); l != st.Line || c != st.Col {
			t.Fatalf("statement at offset %d: %d:%d, lineCol says %d:%d", st.Offset, st.Line, st.Col, l, c)
		}
	}
	p := posTracker{src: src, line: 1}
	for _, off := range []int{50, 10, 0, len(src), len(src) + 5, 7} { // backwards and past the end too
		if l, c := p.at(off); true {
			wl, wc := lineCol(src, off)
			if l != wl || c != wc {
				t.Errorf("at(%d) = %d:%d, want %d:%d", off, l, c, wl, wc)
			}
		}
	}
}

// BenchmarkSplitSQL: the time per statement must not grow with the file.
func BenchmarkSplitSQL(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		src := bigSQL(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for i := 0; i < b.N; i++ {
				if _, err := SplitSQL("big.sql", src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

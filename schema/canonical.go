package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/pgshift/pgshift/internal/textdiff"
)

// CanonicalOptions tune Canonical.
type CanonicalOptions struct {
	// IgnoreColumnOrder lists table columns by name instead of in attnum
	// order (ALTER TABLE ADD COLUMN always appends, so a migrated database
	// may differ from a fresh load only in column order).
	IgnoreColumnOrder bool
	// Owners keeps the Owner fields (left out by default: two loads of one
	// file by different roles own their objects differently).
	Owners bool
	// IgnoreViewData leaves out whether a materialized view is populated
	// (WithData, relispopulated): that is data (REFRESH), not schema, and
	// diff does not compare it either.
	IgnoreViewData bool
}

// Canonical returns a deterministic, line-oriented text of the whole model,
// suitable for comparing two databases byte for byte and for showing a
// readable diff (see CanonicalDiff). It is indented JSON with object keys in
// sorted order and fields that hold their zero value left out. Owner fields
// (unless opts.Owners), ServerVersionNum and extension comments (which
// extension scripts set) are omitted; everything else in the model is
// included.
func Canonical(s *Schema, opts CanonicalOptions) string {
	if s == nil {
		return "null\n"
	}
	raw, err := json.Marshal(s)
	if err != nil {
		// The model holds only strings, numbers, bools, slices, maps and
		// pointers to structs: marshaling cannot fail.
		return fmt.Sprintf("canonical: %v\n", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return fmt.Sprintf("canonical: %v\n", err)
	}
	root, _ := tree.(map[string]any)
	delete(root, "ServerVersionNum")
	if exts, ok := root["Extensions"].(map[string]any); ok {
		for _, e := range exts {
			if m, ok := e.(map[string]any); ok {
				delete(m, "Comment")
			}
		}
	}
	if opts.IgnoreViewData {
		if views, ok := root["Views"].(map[string]any); ok {
			for _, v := range views {
				if m, ok := v.(map[string]any); ok {
					delete(m, "WithData")
				}
			}
		}
	}
	if opts.IgnoreColumnOrder {
		if tables, ok := root["Tables"].(map[string]any); ok {
			for _, t := range tables {
				m, _ := t.(map[string]any)
				cols, _ := m["Columns"].([]any)
				sort.SliceStable(cols, func(i, j int) bool {
					return columnName(cols[i]) < columnName(cols[j])
				})
			}
		}
	}
	tree = prune(tree, opts.Owners)
	out, err := json.MarshalIndent(tree, "", "  ")
	if err != nil {
		return fmt.Sprintf("canonical: %v\n", err)
	}
	return string(out) + "\n"
}

func columnName(v any) string {
	m, _ := v.(map[string]any)
	s, _ := m["Name"].(string)
	return s
}

// Prune drops Owner keys and zero values ("", false, 0, null, empty lists
// and objects) from a decoded JSON tree; absent means zero, so comparison is
// unaffected.
func Prune(v any) any { return prune(v, false) }

// prune is Prune that keeps Owner keys when owners is true.
func prune(v any, owners bool) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k == "Owner" && !owners {
				delete(x, k)
				continue
			}
			e = prune(e, owners)
			if isZero(e) {
				delete(x, k)
			} else {
				x[k] = e
			}
		}
		return x
	case []any:
		for i, e := range x {
			e = prune(e, owners)
			if e == nil {
				// keep positions in lists stable
				e = map[string]any{}
			}
			x[i] = e
		}
		return x
	}
	return v
}

func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case bool:
		return !x
	case json.Number:
		return x == "0"
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// CanonicalDiff returns a line diff of two Canonical texts ("-" lines only in
// a, "+" lines only in b, with three lines of context), or "" when they are
// equal. Long diffs are cut after 400 lines.
func CanonicalDiff(a, b string) string {
	if a == b {
		return ""
	}
	all := textdiff.Lines(a, b)
	const context = 3
	keep := make([]bool, len(all))
	for i, l := range all {
		if l.Op == ' ' {
			continue
		}
		for j := max(0, i-context); j <= min(len(all)-1, i+context); j++ {
			keep[j] = true
		}
	}
	var sb strings.Builder
	n, gap := 0, false
	for i, l := range all {
		if !keep[i] {
			gap = true
			continue
		}
		if gap && sb.Len() > 0 {
			sb.WriteString("@@ ... @@\n")
		}
		gap = false
		if n++; n > 400 {
			sb.WriteString("... (diff truncated)\n")
			break
		}
		sb.WriteByte(l.Op)
		sb.WriteByte(' ')
		sb.WriteString(l.Text)
		sb.WriteByte('\n')
	}
	return sb.String()
}

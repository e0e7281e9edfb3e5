package lint

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"testing"
)

// diffChangeTypes returns the types of package diff that have an Inverse
// method (every diff.Change), and the struct types declared in its
// changes.go.
func diffChangeTypes(t *testing.T) (withInverse, declared map[string]bool) {
	t.Helper()
	withInverse, declared = map[string]bool{}, map[string]bool{}
	files, _ := filepath.Glob("../../diff/*.go")
	fset := token.NewFileSet()
	for _, f := range files {
		if filepath.Ext(f) != ".go" || len(f) > 8 && f[len(f)-8:] == "_test.go" {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Name.Name == "Inverse" && d.Recv != nil && len(d.Recv.List) == 1 {
					if st, ok := d.Recv.List[0].Type.(*ast.StarExpr); ok {
						withInverse[st.X.(*ast.Ident).Name] = true
					}
				}
			case *ast.GenDecl:
				if filepath.Base(f) != "changes.go" {
					continue
				}
				for _, sp := range d.Specs {
					if ts, ok := sp.(*ast.TypeSpec); ok {
						if _, ok := ts.Type.(*ast.StructType); ok {
							declared[ts.Name.Name] = true
						}
					}
				}
			}
		}
	}
	return withInverse, declared
}

// switchCases returns the diff types named in `case *diff.T` clauses of
// the type switches in function fn of file.
func switchCases(t *testing.T, file, fn string) map[string]bool {
	t.Helper()
	af, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, d := range af.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != fn {
			continue
		}
		ast.Inspect(fd, func(n ast.Node) bool {
			cc, ok := n.(*ast.CaseClause)
			if !ok {
				return true
			}
			for _, e := range cc.List {
				if st, ok := e.(*ast.StarExpr); ok {
					if se, ok := st.X.(*ast.SelectorExpr); ok {
						if x, ok := se.X.(*ast.Ident); ok && x.Name == "diff" {
							out[se.Sel.Name] = true
						}
					}
				}
			}
			return true
		})
	}
	if len(out) == 0 {
		t.Fatalf("no case *diff.T in %s %s", file, fn)
	}
	return out
}

// TestChangeCompleteness fails when a diff.Change type has no inverse, no
// render case in the planner, no pgfacts mapping (planner.changeKinds) or
// no lint mapping (ChangeRules): a new change type cannot fall through to
// a silent default.
func TestChangeCompleteness(t *testing.T) {
	withInverse, declared := diffChangeTypes(t)
	render := switchCases(t, "../render.go", "render")
	facts := switchCases(t, "../facts.go", "changeKinds")
	var names []string
	for n := range declared {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) < 40 {
		t.Fatalf("only %d change types found in diff/changes.go", len(names))
	}
	for _, n := range names {
		if !withInverse[n] {
			t.Errorf("diff.%s has no Inverse", n)
		}
		if !render[n] && n != "Unsupported" {
			t.Errorf("diff.%s has no case in planner render", n)
		}
		if !facts[n] {
			t.Errorf("diff.%s has no case in planner changeKinds (no PostgreSQL facts)", n)
		}
		cl, ok := ChangeRules[n]
		if !ok {
			t.Errorf("diff.%s has no entry in lint.ChangeRules", n)
		}
		if ok && len(cl.Rules) == 0 && cl.Why == "" {
			t.Errorf("lint.ChangeRules[%s] names no rule and says not why", n)
		}
		for _, r := range cl.Rules {
			if _, ok := RuleByID(r); !ok {
				t.Errorf("lint.ChangeRules[%s]: rule %s is not registered", n, r)
			}
		}
	}
	for n := range ChangeRules {
		if !declared[n] {
			t.Errorf("lint.ChangeRules has %s, which is no diff.Change type", n)
		}
	}
}

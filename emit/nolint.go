package emit

import (
	"sort"
	"strings"

	"github.com/pgshift/pgshift/planner/lint"
	"github.com/pgshift/pgshift/schema"
)

// markReviewed puts a `-- pgshift:nolint RULE...` marker (lint.NolintMarker)
// before every statement of the migration files that `pgshift lint` would
// report at warning level or above: the plan chose those statements and
// lists their hazards in the step's comment, so the generated migrations
// pass lint by default. Each file is linted alone and, in apply order (ups
// by version, downs in reverse), with the state of the files before it,
// and under each transaction mode a runner may use; the union gets
// markers, so linting one file, all of them, or the directory passes. Files that are not SQL (Flyway .conf) are left as they are.
func markReviewed(files []File) {
	var ups, downs []int
	for i, f := range files {
		switch {
		case !strings.HasSuffix(f.Name, ".sql"):
		case strings.HasSuffix(f.Name, ".down.sql") || strings.HasPrefix(f.Name, "U"):
			downs = append(downs, i)
		default:
			ups = append(ups, i)
		}
	}
	sort.SliceStable(downs, func(a, b int) bool { return files[downs[a]].Version > files[downs[b]].Version })
	for _, order := range [][]int{ups, downs} {
		state := lint.NewLintState()
		for _, i := range order {
			files[i].Content = markFile(files[i].Name, files[i].Content, state)
		}
	}
}

// markFile returns content with nolint markers before the statements that
// have findings at warning level or above, alone or with state.
func markFile(name string, content []byte, state *lint.LintState) []byte {
	stmts, err := schema.SplitSQL(name, content)
	if err != nil || len(stmts) == 0 {
		return content // the file is pgshift's own SQL; a parse failure shows when it is applied
	}
	// As sent with the state of the files before, and alone under each way
	// a runner may run the file (as one query, wrapped in a transaction,
	// statement by statement).
	findings := lint.Lint(stmts, lint.LintOptions{File: name, State: state})
	for _, tx := range []lint.TxMode{lint.TxAsSent, lint.TxWrapped, lint.TxNone} {
		findings = append(findings, lint.Lint(stmts, lint.LintOptions{File: name, Transaction: tx})...)
	}
	rules := map[int][]string{} // statement start line -> rules
	for _, f := range findings {
		if f.Severity.Rank() < lint.SeverityWarning.Rank() {
			continue
		}
		i := sort.Search(len(stmts), func(i int) bool {
			return stmts[i].Line > f.Line || stmts[i].Line == f.Line && stmts[i].Col > f.Col
		}) - 1
		if i < 0 {
			continue
		}
		l := stmts[i].Line
		if !contains(rules[l], f.Rule) {
			rules[l] = append(rules[l], f.Rule)
		}
	}
	if len(rules) == 0 {
		return content
	}
	lines := strings.SplitAfter(string(content), "\n")
	var b strings.Builder
	for n, line := range lines {
		if rs := rules[n+1]; len(rs) > 0 {
			sort.Strings(rs)
			b.WriteString("-- " + lint.NolintMarker + " " + strings.Join(rs, ", ") + ": planned by pgshift (the step says why)\n")
		}
		b.WriteString(line)
	}
	return []byte(b.String())
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

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
// both as a file on its own (sent as one query) and with the transaction
// rules of its runner (lint of a migrations directory); the union gets
// markers, so linting one file, all of them, or the directory passes.
// txs[i] tells whether files[i]'s migration is transactional. Files that
// are not SQL (Flyway .conf) are left as they are.
func markReviewed(files []File, txs []bool, format string) {
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
			files[i].Content = markFile(files[i].Name, files[i].Content, state, runnerTxMode(format, txs[i]))
		}
	}
}

// runnerTxMode is how the runner of format runs a migration (see
// docs/runner-formats.md): golang-migrate sends the file as one query;
// goose, dbmate and Flyway wrap a transactional one in a transaction;
// without a transaction dbmate sends the file as one query, goose and
// Flyway statement by statement.
func runnerTxMode(format string, tx bool) lint.TxMode {
	switch {
	case format == FormatGolangMigrate:
		return lint.TxAsSent
	case tx:
		return lint.TxWrapped
	case format == FormatDbmate:
		return lint.TxAsSent
	}
	return lint.TxNone
}

// markFile returns content with nolint markers before the statements that
// have findings at warning level or above: alone and with state as sent,
// and alone under the runner's transaction mode.
func markFile(name string, content []byte, state *lint.LintState, mode lint.TxMode) []byte {
	stmts, err := schema.SplitSQL(name, content)
	if err != nil || len(stmts) == 0 {
		return content // the file is pgshift's own SQL; a parse failure shows when it is applied
	}
	findings := lint.Lint(stmts, lint.LintOptions{File: name, State: state})
	findings = append(findings, lint.Lint(stmts, lint.LintOptions{File: name})...)
	if mode != lint.TxAsSent {
		findings = append(findings, lint.Lint(stmts, lint.LintOptions{File: name, Transaction: mode})...)
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

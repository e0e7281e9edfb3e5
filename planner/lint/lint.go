// Package lint checks hand-written migration SQL, statement by statement, for
// the locks it takes, the rewrites and scans it causes and the code it breaks.
package lint

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v5"

	"github.com/pgshift/pgshift/internal/lockretry"
	"github.com/pgshift/pgshift/internal/pgfacts"
	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
)

// DefaultLintPGVersion is the PostgreSQL major version Lint assumes when
// LintOptions.PGVersion is 0.
const DefaultLintPGVersion = 15

// Severity is how bad a lint finding is.
type Severity string

// Severities, from least to most severe.
const (
	SeverityInfo    Severity = "info"
	SeverityWarning Severity = "warning"
	SeverityError   Severity = "error"
)

// Rank orders severities: info 1, warning 2, error 3 (0 for unknown).
func (s Severity) Rank() int {
	switch s {
	case SeverityInfo:
		return 1
	case SeverityWarning:
		return 2
	case SeverityError:
		return 3
	}
	return 0
}

// ParseSeverity parses "info", "warning" or "error".
func ParseSeverity(s string) (Severity, error) {
	sev := Severity(strings.ToLower(strings.TrimSpace(s)))
	if sev.Rank() == 0 {
		return "", fmt.Errorf("unknown severity %q (want info, warning or error)", s)
	}
	return sev, nil
}

// lockAccessExclusive is the lock CREATE TABLE … PARTITION OF and ATTACH
// PARTITION take on the table that becomes a partition ("Table
// Partitioning"); every other statement's locks come from internal/pgfacts.
const lockAccessExclusive = string(pgfacts.AccessExclusive)

// lockRank returns the strength of a lock level (0 for none).
func lockRank(l string) int { return pgfacts.Lock(l).Rank() }

// blocksTraffic reports whether a lock level blocks reads or writes of
// ordinary sessions (SHARE and stronger).
func blocksTraffic(l string) bool { return pgfacts.Lock(l).BlocksTraffic() }

// Finding is one hazard of a statement of a hand-written migration file.
type Finding struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
	// Rule is the rule id, e.g. "require-concurrent-index".
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	// Lock is the lock level the statement takes on Relation ("" when the
	// finding is not about a lock).
	Lock     string               `json:"lock,omitempty"`
	Relation string               `json:"relation,omitempty"`
	Hazards  []planner.HazardKind `json:"hazards,omitempty"`
}

// String formats the finding as
// "file:line:col: severity: [rule] message (lock: LEVEL on rel; hazards: a, b)".
func (f Finding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: %s: [%s] %s", f.File, f.Line, f.Col, f.Severity, f.Rule, f.Message)
	var extra []string
	if f.Lock != "" {
		l := "lock: " + f.Lock
		if f.Relation != "" {
			l += " on " + f.Relation
		}
		extra = append(extra, l)
	}
	if len(f.Hazards) > 0 {
		hs := make([]string, len(f.Hazards))
		for i, h := range f.Hazards {
			hs[i] = string(h)
		}
		extra = append(extra, "hazards: "+strings.Join(hs, ", "))
	}
	if len(extra) > 0 {
		b.WriteString(" (" + strings.Join(extra, "; ") + ")")
	}
	return b.String()
}

// LintOptions configures Lint.
type LintOptions struct {
	// File names the file in findings.
	File string
	// PGVersion is the target server's major version (0 means
	// DefaultLintPGVersion). Rewrite and scan facts differ by version.
	PGVersion int
	// State carries what earlier files of the same run established (column
	// types, validated CHECK constraints, indexes, partitioned tables); pass
	// the same LintState for each file, in apply order. Nil means none.
	// Objects created by an earlier file are NOT exempt from rules: only
	// objects created in the same file are (they are empty).
	State *LintState
	// Transaction says how the runner runs the file; the zero value,
	// TxAsSent, judges the file by its own BEGIN/COMMIT, as a runner that
	// sends the file as one query string (golang-migrate) runs it.
	Transaction TxMode
	// Source is the file's text the statements were split from; when set,
	// `-- pgshift:nolint RULE` markers in it are honoured (see NolintMarker).
	Source []byte
}

// TxMode is how a migration runner runs a file's statements.
type TxMode int

const (
	// TxAsSent: the file runs as written, sent as one query string (a
	// multi-statement string is one implicit transaction block; see the
	// PostgreSQL docs, "Multiple Statements in a Simple Query"). This is
	// golang-migrate's behaviour, and dbmate's with transaction:false.
	TxAsSent TxMode = iota
	// TxWrapped: the runner wraps the whole file in one transaction (goose,
	// dbmate and Flyway by default).
	TxWrapped
	// TxNone: the runner sends statements one by one in autocommit mode
	// (goose "-- +goose NO TRANSACTION", Flyway executeInTransaction=false):
	// every statement is a transaction of its own.
	TxNone
)

// LintState is what the linter knows about the database from earlier
// files: it is updated by every Lint call it is passed to.
type LintState struct {
	tables      map[string]*lintTable
	indexes     map[string]lintIndex
	partitioned map[string]bool
}

type lintTable struct {
	cols   map[string]*lintCol
	checks map[string]*lintCheck
}

type lintCol struct {
	typ     *pg_query.TypeName
	notNull bool
}

// lintCheck is a CHECK constraint of the form "col IS NOT NULL".
type lintCheck struct {
	col   string
	valid bool
}

type lintIndex struct {
	table string
	cols  []string
}

// NewLintState returns an empty state.
func NewLintState() *LintState {
	return &LintState{tables: map[string]*lintTable{}, indexes: map[string]lintIndex{}, partitioned: map[string]bool{}}
}

func (s *LintState) table(name string) *lintTable {
	t := s.tables[name]
	if t == nil {
		t = &lintTable{cols: map[string]*lintCol{}, checks: map[string]*lintCheck{}}
		s.tables[name] = t
	}
	return t
}

// provedNotNull reports whether a validated "col IS NOT NULL" CHECK exists
// on table, and whether a NOT VALID one does.
func (s *LintState) provedNotNull(table, col string) (valid, notValid bool) {
	t := s.tables[table]
	if t == nil {
		return false, false
	}
	for _, c := range t.checks {
		if c.col == col {
			if c.valid {
				valid = true
			} else {
				notValid = true
			}
		}
	}
	return valid, notValid
}

// Lint returns the hazards of hand-written migration SQL, statement by
// statement, in file order. Statements come from schema.SplitSQL of one
// file; findings carry opts.File and the statement's (or a clause's)
// position. It is context-aware within the file: tables and indexes
// created earlier in the file are exempt from the rules about existing
// data, explicit BEGIN/COMMIT blocks are tracked, and a SET lock_timeout
// before the first lock-taking statement satisfies require-lock-timeout.
// A file without explicit transaction blocks is treated as one transaction,
// as migration runners apply it.
func Lint(stmts []schema.Statement, opts LintOptions) []Finding {
	return applyNolint(opts.File, opts.Source, stmts, run(stmts, opts).findings)
}

// Verdict is what the facts table says about one statement of a file: the
// pgfacts kinds the linter classified it as, and their strongest lock,
// rewrite and scan on relations that existed before the file (tables
// created earlier in the same file are exempt, as in the rules).
type Verdict struct {
	Line, Col int
	Kinds     []pgfacts.Kind
	Lock      pgfacts.Lock
	Rewrite   bool
	Scan      bool
}

// Verdicts returns one Verdict per statement of stmts, in file order, with
// the same options and state handling as Lint (the state is updated).
func Verdicts(stmts []schema.Statement, opts LintOptions) []Verdict {
	return run(stmts, opts).verdicts
}

func run(stmts []schema.Statement, opts LintOptions) *linter {
	l := &linter{
		file:       opts.File,
		v:          opts.PGVersion,
		st:         opts.State,
		searchPath: "public",
		created:    map[string]bool{},
		createdIdx: map[string]bool{},
		segLocks:   map[int]map[string]string{},
		stmts:      stmts,
		tx:         opts.Transaction,
	}
	if l.tx == TxWrapped {
		l.inBlock = true
	}
	if l.v == 0 {
		l.v = DefaultLintPGVersion
	}
	if l.st == nil {
		l.st = NewLintState()
	}
	for _, s := range stmts {
		if substantive(s) {
			l.substantive++
		}
	}
	for i, s := range stmts {
		l.i, l.cur = i, s
		l.stmt(s)
	}
	sort.SliceStable(l.findings, func(a, b int) bool {
		fa, fb := l.findings[a], l.findings[b]
		if fa.Line != fb.Line {
			return fa.Line < fb.Line
		}
		return fa.Col < fb.Col
	})
	return l
}

type linter struct {
	file       string
	v          int
	st         *LintState
	searchPath string
	// created and createdIdx hold tables and indexes created in this file.
	created, createdIdx map[string]bool
	// inBlock is true inside an explicit BEGIN ... COMMIT; seg numbers the
	// transactions of the file (a boundary at every BEGIN and COMMIT).
	inBlock bool
	seg     int
	// tx is how the runner runs the file (LintOptions.Transaction).
	tx TxMode
	// segLocks: per transaction, the strongest lock held on each relation.
	segLocks map[int]map[string]string
	// lockTimeout is true once SET lock_timeout ran; lockTimeoutDone once
	// require-lock-timeout was reported.
	lockTimeout, lockTimeoutDone bool
	substantive                  int
	stmts                        []schema.Statement
	i                            int
	cur                          schema.Statement
	findings                     []Finding
	// locks taken by the current statement on existing relations.
	locks []takenLock
	// kinds and verdict: the current statement's pgfacts kinds and their
	// strongest lock, rewrite and scan on existing relations.
	kinds    []pgfacts.Kind
	verdict  Verdict
	verdicts []Verdict
}

type takenLock struct{ rel, lock string }

// substantive reports whether a statement is more than session setup
// (SET, RESET, transaction control, SELECT set_config).
func substantive(s schema.Statement) bool {
	switch s.Node.GetNode().(type) {
	case *pg_query.Node_VariableSetStmt, *pg_query.Node_TransactionStmt, *pg_query.Node_VariableShowStmt:
		return false
	case *pg_query.Node_SelectStmt:
		return setConfigName(s.Node.GetSelectStmt()) == ""
	}
	return true
}

// setConfigName returns the setting name of "SELECT set_config('name', ...)", else "".
func setConfigName(sel *pg_query.SelectStmt) string {
	if sel == nil || len(sel.TargetList) != 1 || len(sel.FromClause) > 0 {
		return ""
	}
	fc := sel.TargetList[0].GetResTarget().GetVal().GetFuncCall()
	if fc == nil || funcName(fc) != "set_config" || len(fc.Args) < 1 {
		return ""
	}
	return strings.ToLower(fc.Args[0].GetAConst().GetSval().GetSval())
}

// add records a finding at the location loc (a byte offset in the file,
// or -1 for the statement's start).
func (l *linter) add(loc int32, rule RuleID, sev Severity, lock, rel, msg string, hz ...planner.HazardKind) {
	line, col := l.pos(loc)
	l.findings = append(l.findings, Finding{
		File: l.file, Line: line, Col: col, Rule: string(rule), Severity: sev,
		Message: msg, Lock: lock, Relation: rel, Hazards: hz,
	})
}

// pos converts a parse-tree location to a line and column; locations
// outside the current statement fall back to its start.
func (l *linter) pos(loc int32) (int, int) {
	s := l.cur
	rel := int(loc) - s.Offset
	if loc < 0 || rel <= 0 || rel > len(s.Text) {
		return s.Line, s.Col
	}
	before := s.Text[:rel]
	nl := strings.Count(before, "\n")
	if nl == 0 {
		return s.Line, s.Col + utf8.RuneCountInString(before)
	}
	return s.Line + nl, utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]) + 1
}

// lock records that the current statement takes lock on rel.
func (l *linter) lock(rel, lock string) {
	if rel == "" || l.created[rel] {
		return
	}
	l.locks = append(l.locks, takenLock{rel, lock})
}

// take records that the current statement runs as statement kind k on rel:
// the lock, rewrite and scan of pgfacts' row for the target major.
func (l *linter) take(rel string, k pgfacts.Kind) pgfacts.Fact {
	f := pgfacts.MustOf(k, l.v)
	l.kinds = append(l.kinds, k)
	if rel == "" || l.created[rel] {
		return f
	}
	l.verdict.Lock = pgfacts.Stronger(l.verdict.Lock, f.Lock)
	l.verdict.Rewrite = l.verdict.Rewrite || f.Rewrite
	l.verdict.Scan = l.verdict.Scan || f.Scan
	if f.Lock != pgfacts.None {
		l.locks = append(l.locks, takenLock{rel, string(f.Lock)})
	}
	return f
}

// lockOf returns the lock of kind k on the target major.
func (l *linter) lockOf(k pgfacts.Kind) string { return string(pgfacts.MustOf(k, l.v).Lock) }

// qualify returns schema.name for a RangeVar, using the file's search_path.
func (l *linter) qualify(rv *pg_query.RangeVar) string {
	if rv == nil {
		return ""
	}
	sch := rv.Schemaname
	if sch == "" {
		sch = l.searchPath
	}
	return sch + "." + rv.Relname
}

// qualifyList qualifies a name given as a list of String nodes.
func (l *linter) qualifyList(items []*pg_query.Node) string {
	var parts []string
	for _, n := range items {
		parts = append(parts, n.GetString_().GetSval())
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return l.searchPath + "." + parts[0]
	}
	return strings.Join(parts[len(parts)-2:], ".")
}

// isNew reports whether rel was created earlier in this file.
func (l *linter) isNew(rel string) bool { return l.created[rel] }

// nonTransactional checks a statement that cannot run in a transaction
// block (CREATE INDEX CONCURRENTLY and friends).
func (l *linter) nonTransactional(what, rel, lock string) {
	switch {
	case l.inBlock:
		l.add(-1, RuleConcurrentlyInTransaction, SeverityError, lock, rel,
			what+" cannot run inside a transaction block: move it out of BEGIN ... COMMIT, alone in its own migration file",
			planner.HazardNonTransactional)
	case l.tx == TxNone:
		// Autocommit, one statement at a time: nothing to report.
	case l.substantive > 1:
		l.add(-1, RuleConcurrentlyInTransaction, SeverityWarning, lock, rel,
			what+" cannot run inside a transaction block, and a runner that sends the file as one multi-statement query runs it in one: put it alone in its own migration file",
			planner.HazardNonTransactional)
	case len(l.stmts) > 1:
		l.add(-1, RuleConcurrentlyInTransaction, SeverityInfo, lock, rel,
			what+" shares its file with SET statements: fine for runners that send statements one by one (goose, Flyway), but a file sent as one query string (golang-migrate without x-multi-statement, dbmate) runs in an implicit transaction block and fails",
			planner.HazardNonTransactional)
	}
}

func (l *linter) stmt(s schema.Statement) {
	l.locks, l.kinds, l.verdict = nil, nil, Verdict{Line: s.Line, Col: s.Col}
	defer func() {
		l.verdict.Kinds = l.kinds
		l.verdicts = append(l.verdicts, l.verdict)
	}()
	if l.tx == TxNone && !l.inBlock {
		l.seg++ // autocommit: every statement is a transaction of its own
	}
	switch n := s.Node.GetNode().(type) {
	case *pg_query.Node_TransactionStmt:
		switch n.TransactionStmt.Kind {
		case pg_query.TransactionStmtKind_TRANS_STMT_BEGIN, pg_query.TransactionStmtKind_TRANS_STMT_START:
			l.inBlock = true
			l.seg++
		case pg_query.TransactionStmtKind_TRANS_STMT_COMMIT, pg_query.TransactionStmtKind_TRANS_STMT_ROLLBACK,
			pg_query.TransactionStmtKind_TRANS_STMT_PREPARE:
			l.inBlock = false
			l.seg++
		}
	case *pg_query.Node_VariableSetStmt:
		l.setVar(n.VariableSetStmt)
	case *pg_query.Node_SelectStmt:
		if setConfigName(n.SelectStmt) == "lock_timeout" {
			l.lockTimeout = true
		}
	case *pg_query.Node_CreateStmt:
		l.createTable(n.CreateStmt)
	case *pg_query.Node_CreateTableAsStmt:
		if in := n.CreateTableAsStmt.Into; in != nil {
			l.created[l.qualify(in.Rel)] = true
		}
	case *pg_query.Node_IndexStmt:
		l.createIndex(n.IndexStmt)
	case *pg_query.Node_DropStmt:
		l.drop(n.DropStmt)
	case *pg_query.Node_TruncateStmt:
		for _, r := range n.TruncateStmt.Relations {
			rel := l.qualify(r.GetRangeVar())
			l.take(rel, pgfacts.Truncate)
			if !l.isNew(rel) {
				l.add(r.GetRangeVar().GetLocation(), RuleBanTruncate, SeverityWarning, l.lockOf(pgfacts.Truncate), rel,
					"TRUNCATE deletes every row of "+rel, planner.HazardDataLoss, planner.HazardIrreversible)
			}
		}
	case *pg_query.Node_AlterTableStmt:
		l.alterTable(n.AlterTableStmt)
	case *pg_query.Node_RenameStmt:
		l.rename(n.RenameStmt)
	case *pg_query.Node_AlterEnumStmt:
		l.alterEnum(n.AlterEnumStmt)
	case *pg_query.Node_VacuumStmt:
		l.vacuum(n.VacuumStmt)
	case *pg_query.Node_ClusterStmt:
		rel := l.qualify(n.ClusterStmt.Relation)
		l.take(rel, pgfacts.Cluster)
		if !l.isNew(rel) {
			target := rel
			if target == "" {
				target = "every previously clustered table"
			}
			l.add(-1, RuleCluster, SeverityWarning, l.lockOf(pgfacts.Cluster), rel,
				"CLUSTER rewrites "+target+" under ACCESS EXCLUSIVE (reads and writes blocked): use pg_repack",
				planner.HazardBlockingLock, planner.HazardTableRewrite)
		}
	case *pg_query.Node_ReindexStmt:
		l.reindex(n.ReindexStmt)
	case *pg_query.Node_RefreshMatViewStmt:
		r := n.RefreshMatViewStmt
		rel := l.qualify(r.Relation)
		if r.Concurrent {
			l.take(rel, pgfacts.RefreshMatViewConcurrently)
		} else {
			l.take(rel, pgfacts.RefreshMatView)
			if !l.isNew(rel) {
				l.add(-1, RuleRequireConcurrentRefresh, SeverityWarning, l.lockOf(pgfacts.RefreshMatView), rel,
					"REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks readers of "+rel+" for the whole refresh: use REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index)",
					planner.HazardBlockingLock)
			}
		}
	case *pg_query.Node_LockStmt:
		if m := pgfacts.ModeNumber(int(n.LockStmt.Mode)); m != pgfacts.None {
			for _, r := range n.LockStmt.Relations {
				rel := l.qualify(r.GetRangeVar())
				l.kinds = append(l.kinds, pgfacts.LockTable)
				if !l.created[rel] {
					l.verdict.Lock = pgfacts.Stronger(l.verdict.Lock, m)
				}
				l.lock(rel, string(m))
			}
		}
	case *pg_query.Node_UpdateStmt:
		l.take(l.qualify(n.UpdateStmt.Relation), pgfacts.Backfill)
	case *pg_query.Node_AlterSeqStmt:
		l.take(l.qualify(n.AlterSeqStmt.Sequence), pgfacts.AlterSequence)
	case *pg_query.Node_CreateTrigStmt:
		l.take(l.qualify(n.CreateTrigStmt.Relation), pgfacts.CreateTrigger)
	case *pg_query.Node_CreatePolicyStmt:
		rel := l.qualify(n.CreatePolicyStmt.Table)
		l.take(rel, pgfacts.CreatePolicy)
		l.authz(rel, "CREATE POLICY "+n.CreatePolicyStmt.PolicyName+" changes which rows of "+rel+" roles see or write")
	case *pg_query.Node_AlterPolicyStmt:
		rel := l.qualify(n.AlterPolicyStmt.Table)
		l.take(rel, pgfacts.CreatePolicy)
		l.authz(rel, "ALTER POLICY "+n.AlterPolicyStmt.PolicyName+" changes which rows of "+rel+" roles see or write")
	case *pg_query.Node_GrantStmt:
		g := n.GrantStmt
		what, rel := "REVOKE", ""
		if g.IsGrant {
			what = "GRANT"
		}
		if g.Objtype == pg_query.ObjectType_OBJECT_TABLE && g.Targtype == pg_query.GrantTargetType_ACL_TARGET_OBJECT {
			for _, o := range g.Objects {
				rel = l.qualify(o.GetRangeVar())
				l.take(rel, pgfacts.Privileges)
			}
		}
		l.authz(rel, what+" changes who may read or write what")
	case *pg_query.Node_CreateFunctionStmt:
		l.function(n.CreateFunctionStmt)
	case *pg_query.Node_CreatePublicationStmt:
		l.add(-1, RuleReplication, SeverityInfo, "", "", "CREATE PUBLICATION "+n.CreatePublicationStmt.Pubname+" changes what logical replication sends", planner.HazardReplication)
	case *pg_query.Node_AlterPublicationStmt:
		l.add(-1, RuleReplication, SeverityInfo, "", "", "ALTER PUBLICATION "+n.AlterPublicationStmt.Pubname+" changes what logical replication sends", planner.HazardReplication)
	case *pg_query.Node_CommentStmt:
		if n.CommentStmt.Objtype == pg_query.ObjectType_OBJECT_TABLE {
			l.take(l.qualifyList(n.CommentStmt.Object.GetList().GetItems()), pgfacts.Comment)
		}
	case *pg_query.Node_ViewStmt:
		if n.ViewStmt.Replace {
			l.take(l.qualify(n.ViewStmt.View), pgfacts.ReplaceView)
		} else {
			l.created[l.qualify(n.ViewStmt.View)] = true
		}
	}
	l.recordLocks()
}

// recordLocks remembers the current statement's locks for its transaction
// and checks require-lock-timeout.
func (l *linter) recordLocks() {
	if len(l.locks) == 0 {
		return
	}
	held := l.segLocks[l.seg]
	if held == nil {
		held = map[string]string{}
		l.segLocks[l.seg] = held
	}
	var strongest takenLock
	for _, t := range l.locks {
		if lockRank(t.lock) > lockRank(held[t.rel]) {
			held[t.rel] = t.lock
		}
		if lockRank(t.lock) > lockRank(strongest.lock) {
			strongest = t
		}
	}
	if blocksTraffic(strongest.lock) && !l.lockTimeout && !l.lockTimeoutDone {
		l.lockTimeoutDone = true
		l.add(-1, RuleRequireLockTimeout, SeverityWarning, strongest.lock, strongest.rel,
			"this statement waits for "+strongest.lock+" on "+strongest.rel+" with no lock_timeout: while it queues, every later query on the table queues behind it. "+lockretry.Recommendation(),
			planner.HazardBlockingLock)
	}
}

func (l *linter) setVar(v *pg_query.VariableSetStmt) {
	name := strings.ToLower(v.Name)
	switch v.Kind {
	case pg_query.VariableSetKind_VAR_RESET, pg_query.VariableSetKind_VAR_SET_DEFAULT:
		switch name {
		case "lock_timeout":
			l.lockTimeout = false
		case "search_path":
			l.searchPath = "public"
		}
		return
	case pg_query.VariableSetKind_VAR_RESET_ALL:
		l.lockTimeout = false
		l.searchPath = "public"
		return
	}
	switch name {
	case "lock_timeout":
		l.lockTimeout = true
		if len(v.Args) == 1 {
			c := v.Args[0].GetAConst()
			if c.GetIval() != nil && c.GetIval().Ival == 0 || c.GetSval().GetSval() == "0" {
				l.lockTimeout = false // 0 disables the timeout
			}
		}
	case "search_path":
		if len(v.Args) > 0 {
			c := v.Args[0].GetAConst()
			if s := c.GetSval().GetSval(); s != "" && s != "$user" {
				l.searchPath = s
			}
		}
	}
}

// createTable records a new table, its columns and constraints.
func (l *linter) createTable(c *pg_query.CreateStmt) {
	name := l.qualify(c.Relation)
	l.take(name, pgfacts.CreateTable)
	l.created[name] = true
	delete(l.st.tables, name)
	t := l.st.table(name)
	if c.Partspec != nil {
		l.st.partitioned[name] = true
	}
	if c.Partbound != nil && len(c.InhRelations) > 0 {
		parent := l.qualify(c.InhRelations[0].GetRangeVar())
		l.st.partitioned[parent] = true
		l.lock(parent, lockAccessExclusive) // CREATE TABLE … PARTITION OF
		l.verdict.Lock = pgfacts.Stronger(l.verdict.Lock, pgfacts.AccessExclusive)
	}
	var cons []*pg_query.Constraint
	for _, e := range c.TableElts {
		if cd := e.GetColumnDef(); cd != nil {
			col := &lintCol{typ: cd.TypeName, notNull: cd.IsNotNull}
			for _, cn := range cd.Constraints {
				k := cn.GetConstraint()
				if k == nil {
					continue
				}
				switch k.Contype {
				case pg_query.ConstrType_CONSTR_NOTNULL, pg_query.ConstrType_CONSTR_PRIMARY, pg_query.ConstrType_CONSTR_IDENTITY:
					col.notNull = true
				}
				cons = append(cons, k)
			}
			t.cols[cd.Colname] = col
		}
		if k := e.GetConstraint(); k != nil {
			cons = append(cons, k)
		}
	}
	for _, k := range cons {
		switch k.Contype {
		case pg_query.ConstrType_CONSTR_PRIMARY:
			for _, key := range k.Keys {
				if col := t.cols[key.GetString_().GetSval()]; col != nil {
					col.notNull = true
				}
			}
		case pg_query.ConstrType_CONSTR_CHECK:
			if col := notNullCheckCol(k.RawExpr); col != "" {
				t.checks[k.Conname] = &lintCheck{col: col, valid: true}
			}
		case pg_query.ConstrType_CONSTR_FOREIGN:
			ref := l.qualify(k.Pktable)
			if ref != "" && !l.isNew(ref) {
				refLock := string(pgfacts.MustOf(pgfacts.CreateTable, l.v).RefLock)
				l.lock(ref, refLock)
				l.add(k.Location, RuleAddForeignKey, SeverityInfo, refLock, ref,
					"the foreign key of new table "+name+" takes SHARE ROW EXCLUSIVE on "+ref+" until commit, blocking its writes: keep this transaction short",
					planner.HazardBlockingLock)
			}
		}
	}
}

// notNullCheckCol returns col when expr is "col IS NOT NULL" (or a
// conjunction containing it), else "".
func notNullCheckCol(expr *pg_query.Node) string {
	if nt := expr.GetNullTest(); nt != nil && nt.Nulltesttype == pg_query.NullTestType_IS_NOT_NULL {
		return columnRefName(nt.Arg)
	}
	if be := expr.GetBoolExpr(); be != nil && be.Boolop == pg_query.BoolExprType_AND_EXPR {
		for _, a := range be.Args {
			if c := notNullCheckCol(a); c != "" {
				return c
			}
		}
	}
	return ""
}

// columnRefName returns the column name of a ColumnRef node, else "".
func columnRefName(n *pg_query.Node) string {
	cr := n.GetColumnRef()
	if cr == nil || len(cr.Fields) == 0 {
		return ""
	}
	return cr.Fields[len(cr.Fields)-1].GetString_().GetSval()
}

func (l *linter) createIndex(ix *pg_query.IndexStmt) {
	table := l.qualify(ix.Relation)
	var cols []string
	for _, p := range ix.IndexParams {
		cols = append(cols, p.GetIndexElem().GetName())
	}
	if ix.Idxname != "" {
		idx := schemaOf(table) + "." + ix.Idxname
		l.createdIdx[idx] = true
		l.st.indexes[idx] = lintIndex{table: table, cols: cols}
	}
	part := l.st.partitioned[table]
	if ix.Concurrent {
		l.take(table, pgfacts.CreateIndexConcurrently)
		if part {
			l.add(-1, RuleCreateIndexOnPartitionedTable, SeverityError, l.lockOf(pgfacts.CreateIndexConcurrently), table,
				"CREATE INDEX CONCURRENTLY is not supported on partitioned table "+table+": create the index ON ONLY the parent, build each partition's index CONCURRENTLY, then ALTER INDEX ... ATTACH PARTITION each",
				planner.HazardNonTransactional)
		}
		l.nonTransactional("CREATE INDEX CONCURRENTLY", table, l.lockOf(pgfacts.CreateIndexConcurrently))
		if !l.isNew(table) && !part {
			l.add(-1, RuleIndexBuild, SeverityInfo, l.lockOf(pgfacts.CreateIndexConcurrently), table,
				"CREATE INDEX CONCURRENTLY takes no blocking lock, but reads every row of "+table+" twice and waits for older transactions: on a big table it runs long, and a failure leaves an INVALID index to drop",
				planner.HazardIndexBuild)
		}
		return
	}
	l.take(table, pgfacts.CreateIndex)
	switch {
	case l.isNew(table):
	case !ix.Relation.GetInh():
		// ON ONLY parent: an invalid index on the parent alone, instant.
	case part:
		l.add(-1, RuleCreateIndexOnPartitionedTable, SeverityWarning, l.lockOf(pgfacts.CreateIndex), table,
			"CREATE INDEX on partitioned table "+table+" blocks writes to it and every partition while all are built: create it ON ONLY the parent, build each partition's index CONCURRENTLY, then ALTER INDEX ... ATTACH PARTITION each",
			planner.HazardBlockingLock)
	default:
		l.add(-1, RuleRequireConcurrentIndex, SeverityWarning, l.lockOf(pgfacts.CreateIndex), table,
			"CREATE INDEX without CONCURRENTLY blocks writes to "+table+" while the index is built: use CREATE INDEX CONCURRENTLY in its own non-transactional file",
			planner.HazardBlockingLock, planner.HazardIndexBuild)
	}
}

// schemaOf returns the schema part of a qualified name.
func schemaOf(q string) string {
	if i := strings.IndexByte(q, '.'); i >= 0 {
		return q[:i]
	}
	return q
}

func (l *linter) drop(d *pg_query.DropStmt) {
	cascade := d.Behavior == pg_query.DropBehavior_DROP_CASCADE
	for _, o := range d.Objects {
		items := o.GetList().GetItems()
		switch d.RemoveType {
		case pg_query.ObjectType_OBJECT_TABLE:
			rel := l.qualifyList(items)
			l.take(rel, pgfacts.DropTable)
			if !l.isNew(rel) {
				msg := "DROP TABLE deletes " + rel + " and its data; code still using it breaks: deploy code that no longer uses it first, drop it in a later release"
				if cascade {
					msg += " (CASCADE also drops views and foreign keys that depend on it)"
				}
				l.add(-1, RuleBanDropTable, SeverityWarning, l.lockOf(pgfacts.DropTable), rel, msg,
					planner.HazardDataLoss, planner.HazardBackwardIncompatible, planner.HazardIrreversible)
			}
			delete(l.st.tables, rel)
			delete(l.st.partitioned, rel)
			delete(l.created, rel)
		case pg_query.ObjectType_OBJECT_INDEX:
			idx := l.qualifyList(items)
			table := l.st.indexes[idx].table
			rel := idx
			if table != "" {
				rel = table
			}
			if d.Concurrent {
				l.take(rel, pgfacts.DropIndexConcurrently)
				l.nonTransactional("DROP INDEX CONCURRENTLY", rel, l.lockOf(pgfacts.DropIndexConcurrently))
			} else {
				l.take(rel, pgfacts.DropIndex)
				if !l.createdIdx[idx] && !l.isNew(table) {
					l.add(-1, RuleRequireConcurrentIndexDrop, SeverityWarning, l.lockOf(pgfacts.DropIndex), rel,
						"DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the index's table: use DROP INDEX CONCURRENTLY in its own non-transactional file",
						planner.HazardBlockingLock)
				}
			}
			delete(l.st.indexes, idx)
		case pg_query.ObjectType_OBJECT_VIEW, pg_query.ObjectType_OBJECT_MATVIEW:
			l.take(l.qualifyList(items), pgfacts.DropView)
		case pg_query.ObjectType_OBJECT_SEQUENCE:
			seq := l.qualifyList(items)
			l.take(seq, pgfacts.DropSequence)
			if !l.isNew(seq) {
				l.add(-1, RuleBanDropSequence, SeverityWarning, l.lockOf(pgfacts.DropSequence), seq,
					"DROP SEQUENCE "+seq+" loses its position: a sequence created again starts over and hands out values already used",
					planner.HazardDataLoss, planner.HazardIrreversible)
			}
			delete(l.created, seq)
		case pg_query.ObjectType_OBJECT_PUBLICATION:
			l.add(-1, RuleReplication, SeverityInfo, "", "", "DROP PUBLICATION stops logical replication of its tables", planner.HazardReplication)
		case pg_query.ObjectType_OBJECT_TRIGGER, pg_query.ObjectType_OBJECT_RULE:
			if len(items) > 1 {
				l.take(l.qualifyList(items[:len(items)-1]), pgfacts.DropTrigger)
			}
		case pg_query.ObjectType_OBJECT_POLICY:
			if len(items) > 1 {
				rel := l.qualifyList(items[:len(items)-1])
				l.take(rel, pgfacts.CreatePolicy)
				l.authz(rel, "DROP POLICY removes the rows of "+rel+" it allowed from what roles see under row-level security")
			}
		}
	}
}

func (l *linter) rename(r *pg_query.RenameStmt) {
	rel := l.qualify(r.Relation)
	switch r.RenameType {
	case pg_query.ObjectType_OBJECT_COLUMN:
		l.take(rel, pgfacts.RenameColumn)
		if t := l.st.tables[rel]; t != nil && t.cols[r.Subname] != nil {
			t.cols[r.Newname] = t.cols[r.Subname]
			delete(t.cols, r.Subname)
		}
		if !l.isNew(rel) {
			l.add(-1, RuleRenameColumn, SeverityWarning, l.lockOf(pgfacts.RenameColumn), rel,
				"renaming column "+r.Subname+" of "+rel+" breaks code that still uses the old name: add the new column, keep both in sync with a trigger, backfill, switch the code, then drop the old one",
				planner.HazardBackwardIncompatible)
		}
	case pg_query.ObjectType_OBJECT_TABLE:
		l.take(rel, pgfacts.RenameTable)
		nn := schemaOf(rel) + "." + r.Newname
		if t := l.st.tables[rel]; t != nil {
			l.st.tables[nn] = t
			delete(l.st.tables, rel)
		}
		if l.st.partitioned[rel] {
			l.st.partitioned[nn] = true
			delete(l.st.partitioned, rel)
		}
		if l.isNew(rel) {
			l.created[nn] = true
			return
		}
		l.add(-1, RuleRenameTable, SeverityWarning, l.lockOf(pgfacts.RenameTable), rel,
			"renaming table "+rel+" breaks code that still uses the old name: rename it and create a view with the old name in the same transaction, switch the code, then drop the view",
			planner.HazardBackwardIncompatible)
	case pg_query.ObjectType_OBJECT_INDEX:
		l.take(rel, pgfacts.RenameIndex)
	case pg_query.ObjectType_OBJECT_TABCONSTRAINT:
		l.take(rel, pgfacts.RenameConstraint)
	case pg_query.ObjectType_OBJECT_VIEW, pg_query.ObjectType_OBJECT_MATVIEW,
		pg_query.ObjectType_OBJECT_TRIGGER, pg_query.ObjectType_OBJECT_POLICY:
		l.take(rel, pgfacts.AlterTableOther)
	}
}

func (l *linter) alterEnum(a *pg_query.AlterEnumStmt) {
	if a.NewVal == "" || a.OldVal != "" {
		return // RENAME VALUE
	}
	typ := l.qualifyList(a.TypeName)
	used := -1
	for j := l.i + 1; j < len(l.stmts); j++ {
		if k, ok := l.stmts[j].Node.GetNode().(*pg_query.Node_TransactionStmt); ok {
			switch k.TransactionStmt.Kind {
			case pg_query.TransactionStmtKind_TRANS_STMT_COMMIT, pg_query.TransactionStmtKind_TRANS_STMT_ROLLBACK,
				pg_query.TransactionStmtKind_TRANS_STMT_PREPARE, pg_query.TransactionStmtKind_TRANS_STMT_BEGIN:
				j = len(l.stmts)
				continue
			}
		}
		if usesString(l.stmts[j].Node, a.NewVal) {
			used = j
			break
		}
	}
	inTx := l.inBlock || l.substantive > 1 && l.tx != TxNone
	switch {
	case l.v < 12 && inTx:
		sev := SeverityError
		if !l.inBlock {
			sev = SeverityWarning
		}
		l.add(-1, RuleEnumAddValueInTransaction, sev, "", typ,
			fmt.Sprintf("ALTER TYPE ... ADD VALUE cannot run inside a transaction block on PostgreSQL %d: put it alone in its own non-transactional file", l.v),
			planner.HazardNonTransactional, planner.HazardIrreversible)
	case used >= 0 && inTx:
		s := l.stmts[used]
		l.add(-1, RuleEnumAddValueInTransaction, SeverityError, "", typ,
			fmt.Sprintf("new enum value %q of %s is used at line %d in the same transaction: PostgreSQL rejects it (unsafe use of new value) until the ADD VALUE commits; add the value in its own file", a.NewVal, typ, s.Line),
			planner.HazardNonTransactional, planner.HazardIrreversible)
	case l.inBlock:
		l.add(-1, RuleEnumAddValueInTransaction, SeverityInfo, "", typ,
			"ALTER TYPE ... ADD VALUE in a transaction: the value is not usable until commit and cannot be removed later; prefer its own file",
			planner.HazardIrreversible)
	}
}

// authz reports a change of privileges, policies or row-level security
// (info: it takes no blocking lock, but a reviewer must see it), unless it
// is on a table created in this file.
func (l *linter) authz(rel, msg string) {
	if rel != "" && l.isNew(rel) {
		return
	}
	l.add(-1, RuleAuthzChange, SeverityInfo, "", rel, msg, planner.HazardAuthz)
}

// function checks CREATE [OR REPLACE] FUNCTION / PROCEDURE: PostgreSQL
// tracks what a body uses only for a SQL-standard body (BEGIN ATOMIC,
// RETURN; "CREATE FUNCTION", 14+); a string body in plpgsql, another
// procedural language or SQL is not checked when what it uses changes.
func (l *linter) function(f *pg_query.CreateFunctionStmt) {
	if f.SqlBody != nil {
		return
	}
	lang := "sql"
	for _, o := range f.Options {
		if d := o.GetDefElem(); d != nil && d.Defname == "language" {
			lang = strings.ToLower(d.Arg.GetString_().GetSval())
		}
	}
	if lang == "c" || lang == "internal" {
		return
	}
	name := l.qualifyList(f.Funcname)
	l.add(-1, RuleUntrackedDependencies, SeverityInfo, "", "",
		"PostgreSQL does not track what the "+lang+" body of "+name+" uses: dropping or changing a table, column or function it uses later does not fail, calls do (a SQL-standard body, BEGIN ATOMIC, is tracked)",
		planner.HazardUntrackedDependencies)
}

// usesString reports whether a string constant equal to s occurs in n.
func usesString(n *pg_query.Node, s string) bool {
	found := false
	schema.WalkNodes(n.ProtoReflect(), func(x *pg_query.Node) {
		if c := x.GetAConst(); c != nil && c.GetSval().GetSval() == s {
			found = true
		}
	})
	return found
}

func (l *linter) vacuum(v *pg_query.VacuumStmt) {
	if !v.IsVacuumcmd {
		return // ANALYZE
	}
	full := false
	for _, o := range v.Options {
		if d := o.GetDefElem(); d != nil && strings.EqualFold(d.Defname, "full") {
			full = d.Arg == nil || !isFalse(d.Arg)
		}
	}
	if !full {
		return
	}
	rels := []string{}
	for _, r := range v.Rels {
		rels = append(rels, l.qualify(r.GetVacuumRelation().GetRelation()))
	}
	rel := strings.Join(rels, ", ")
	target := rel
	if target == "" {
		target = "every table of the database"
	}
	for _, r := range rels {
		l.take(r, pgfacts.VacuumFull)
	}
	sev := SeverityWarning
	msg := "VACUUM FULL rewrites " + target + " under ACCESS EXCLUSIVE (reads and writes blocked): use pg_repack"
	if l.inBlock {
		sev = SeverityError
		msg += "; it also cannot run inside a transaction block"
	}
	l.add(-1, RuleVacuumFull, sev, l.lockOf(pgfacts.VacuumFull), rel, msg,
		planner.HazardBlockingLock, planner.HazardTableRewrite, planner.HazardNonTransactional)
}

// isFalse reports whether an option argument is false/off/0.
func isFalse(n *pg_query.Node) bool {
	c := n.GetAConst()
	if c == nil {
		s := strings.ToLower(n.GetString_().GetSval())
		return s == "false" || s == "off"
	}
	if b := c.GetBoolval(); b != nil {
		return !b.Boolval
	}
	if i := c.GetIval(); i != nil {
		return i.Ival == 0
	}
	s := strings.ToLower(c.GetSval().GetSval())
	return s == "false" || s == "off"
}

func (l *linter) reindex(r *pg_query.ReindexStmt) {
	conc := false
	for _, p := range r.Params {
		if d := p.GetDefElem(); d != nil && strings.EqualFold(d.Defname, "concurrently") {
			conc = d.Arg == nil || !isFalse(d.Arg)
		}
	}
	rel := l.qualify(r.Relation)
	if r.Relation == nil && r.Name != "" {
		rel = r.Name
	}
	if r.Kind == pg_query.ReindexObjectType_REINDEX_OBJECT_INDEX {
		if t := l.st.indexes[rel].table; t != "" {
			rel = t
		}
	}
	if conc {
		l.take(rel, pgfacts.ReindexConcurrently)
		l.nonTransactional("REINDEX CONCURRENTLY", rel, l.lockOf(pgfacts.ReindexConcurrently))
		if !l.isNew(rel) {
			l.add(-1, RuleIndexBuild, SeverityInfo, l.lockOf(pgfacts.ReindexConcurrently), rel,
				"REINDEX CONCURRENTLY takes no blocking lock, but rebuilds every index, reading every row of "+rel,
				planner.HazardIndexBuild)
		}
		return
	}
	l.take(rel, pgfacts.Reindex)
	if l.v >= 12 && !l.isNew(rel) {
		l.add(-1, RuleRequireConcurrentReindex, SeverityWarning, l.lockOf(pgfacts.Reindex), rel,
			"REINDEX without CONCURRENTLY blocks writes to "+rel+" (and queries using the index) while it rebuilds: use REINDEX ... CONCURRENTLY in its own non-transactional file",
			planner.HazardBlockingLock, planner.HazardIndexBuild)
	}
}

// alterTable checks each subcommand of an ALTER TABLE.
func (l *linter) alterTable(a *pg_query.AlterTableStmt) {
	rel := l.qualify(a.Relation)
	isNew := l.isNew(rel)
	t := l.st.table(rel)
	for _, cn := range a.Cmds {
		c := cn.GetAlterTableCmd()
		if c == nil {
			continue
		}
		kind := pgfacts.AlterTableOther
		switch c.Subtype {
		case pg_query.AlterTableType_AT_SetStatistics, pg_query.AlterTableType_AT_SetOptions, pg_query.AlterTableType_AT_ResetOptions:
			kind = pgfacts.AlterColumnOptions
		case pg_query.AlterTableType_AT_ClusterOn, pg_query.AlterTableType_AT_DropCluster:
			kind = pgfacts.ClusterOn
		case pg_query.AlterTableType_AT_SetRelOptions, pg_query.AlterTableType_AT_ResetRelOptions:
			kind = pgfacts.AlterTableOptions
		case pg_query.AlterTableType_AT_ValidateConstraint:
			kind = pgfacts.ValidateConstraint
		case pg_query.AlterTableType_AT_EnableTrig, pg_query.AlterTableType_AT_EnableAlwaysTrig, pg_query.AlterTableType_AT_EnableReplicaTrig,
			pg_query.AlterTableType_AT_DisableTrig, pg_query.AlterTableType_AT_EnableTrigAll, pg_query.AlterTableType_AT_DisableTrigAll,
			pg_query.AlterTableType_AT_EnableTrigUser, pg_query.AlterTableType_AT_DisableTrigUser:
			kind = pgfacts.EnableTrigger
		case pg_query.AlterTableType_AT_AttachPartition:
			kind = pgfacts.AttachPartition
			l.st.partitioned[rel] = true
			if p := c.Def.GetPartitionCmd(); p != nil {
				l.lock(l.qualify(p.Name), lockAccessExclusive)
			}
		case pg_query.AlterTableType_AT_DetachPartition:
			kind = pgfacts.DetachPartition
			if p := c.Def.GetPartitionCmd(); p != nil && p.Concurrent {
				kind = pgfacts.DetachPartitionConcurrently
				l.nonTransactional("DETACH PARTITION ... CONCURRENTLY", rel, l.lockOf(kind))
			}
		case pg_query.AlterTableType_AT_DropColumn:
			kind = pgfacts.DropColumn
		case pg_query.AlterTableType_AT_DropNotNull:
			kind = pgfacts.DropNotNull
		case pg_query.AlterTableType_AT_ColumnDefault:
			kind = pgfacts.SetDefault
		case pg_query.AlterTableType_AT_DropConstraint:
			kind = pgfacts.DropConstraint
		case pg_query.AlterTableType_AT_SetLogged, pg_query.AlterTableType_AT_SetUnLogged:
			kind = pgfacts.SetLogged
		case pg_query.AlterTableType_AT_ReplicaIdentity:
			kind = pgfacts.ReplicaIdentity
			if !isNew {
				l.add(-1, RuleReplication, SeverityInfo, l.lockOf(kind), rel,
					"REPLICA IDENTITY of "+rel+" changes what logical replication sends for updates and deletes and how subscribers match rows",
					planner.HazardReplication)
			}
		case pg_query.AlterTableType_AT_EnableRowSecurity, pg_query.AlterTableType_AT_DisableRowSecurity:
			kind = pgfacts.RowSecurity
			l.authz(rel, "row-level security of "+rel+" turns on or off: which rows each role sees changes (with it on and no policy, roles other than the owner see none)")
		case pg_query.AlterTableType_AT_ForceRowSecurity, pg_query.AlterTableType_AT_NoForceRowSecurity:
			l.authz(rel, "FORCE ROW LEVEL SECURITY of "+rel+" changes whether the owner is subject to its policies")
		}
		switch c.Subtype {
		case pg_query.AlterTableType_AT_AddColumn:
			kind = l.addColumn(rel, isNew, t, c.Def.GetColumnDef())
		case pg_query.AlterTableType_AT_DropColumn:
			delete(t.cols, c.Name)
			if !isNew {
				l.add(-1, RuleBanDropColumn, SeverityWarning, l.lockOf(pgfacts.DropColumn), rel,
					"dropping column "+c.Name+" of "+rel+" deletes its data and breaks code that still reads or writes it: deploy code that no longer uses it first, drop it in a later release",
					planner.HazardDataLoss, planner.HazardBackwardIncompatible, planner.HazardIrreversible)
			}
		case pg_query.AlterTableType_AT_AlterColumnType:
			kind = l.alterColumnType(rel, isNew, t, c.Name, c.Def.GetColumnDef())
		case pg_query.AlterTableType_AT_SetNotNull:
			kind = l.setNotNull(rel, isNew, t, c.Name)
		case pg_query.AlterTableType_AT_DropNotNull:
			if col := t.cols[c.Name]; col != nil {
				col.notNull = false
			}
			if !isNew {
				l.add(-1, RuleDropNotNull, SeverityWarning, l.lockOf(pgfacts.DropNotNull), rel,
					"dropping NOT NULL of "+rel+"."+c.Name+" lets NULLs in that running code may not expect; setting it back later needs a scan or the CHECK recipe",
					planner.HazardBackwardIncompatible)
			}
		case pg_query.AlterTableType_AT_AddConstraint:
			kind = l.addConstraint(rel, isNew, t, c.Def.GetConstraint(), c.Def.GetConstraint().GetLocation())
		case pg_query.AlterTableType_AT_ValidateConstraint:
			if k := t.checks[c.Name]; k != nil {
				k.valid = true
			}
			if held := l.segLocks[l.seg][rel]; !isNew && blocksTraffic(held) {
				l.add(-1, RuleValidateInSameTransaction, SeverityWarning, held, rel,
					"VALIDATE CONSTRAINT "+c.Name+" runs in the same transaction as an earlier statement that took "+held+" on "+rel+": the lock is held for the whole validation scan. Validate in a later migration file (its own transaction)",
					planner.HazardBlockingLock, planner.HazardTableScan)
			}
		case pg_query.AlterTableType_AT_DropConstraint:
			delete(t.checks, c.Name)
		case pg_query.AlterTableType_AT_SetLogged, pg_query.AlterTableType_AT_SetUnLogged:
			if !isNew {
				what := "SET LOGGED"
				if c.Subtype == pg_query.AlterTableType_AT_SetUnLogged {
					what = "SET UNLOGGED"
				}
				l.add(-1, RuleAlterTableSetLogged, SeverityWarning, l.lockOf(pgfacts.SetLogged), rel,
					what+" rewrites "+rel+" under ACCESS EXCLUSIVE (reads and writes blocked)",
					planner.HazardBlockingLock, planner.HazardTableRewrite)
			}
		}
		target := rel
		if a.Objtype == pg_query.ObjectType_OBJECT_INDEX && l.st.indexes[rel].table != "" {
			target = l.st.indexes[rel].table
		}
		l.take(target, kind)
	}
}

// addColumn checks ALTER TABLE ... ADD COLUMN and returns its statement kind.
func (l *linter) addColumn(rel string, isNew bool, t *lintTable, cd *pg_query.ColumnDef) pgfacts.Kind {
	if cd == nil {
		return pgfacts.AddColumn
	}
	col := &lintCol{typ: cd.TypeName, notNull: cd.IsNotNull}
	var def *pg_query.Node
	var identity, generated, notNull bool
	var checks, uniques, pks []*pg_query.Constraint
	for _, n := range cd.Constraints {
		k := n.GetConstraint()
		if k == nil {
			continue
		}
		switch k.Contype {
		case pg_query.ConstrType_CONSTR_DEFAULT:
			def = k.RawExpr
		case pg_query.ConstrType_CONSTR_NOTNULL:
			notNull = true
		case pg_query.ConstrType_CONSTR_IDENTITY:
			identity = true
		case pg_query.ConstrType_CONSTR_GENERATED:
			generated = true
		case pg_query.ConstrType_CONSTR_CHECK:
			checks = append(checks, k)
			if c := notNullCheckCol(k.RawExpr); c != "" && k.Conname != "" {
				t.checks[k.Conname] = &lintCheck{col: c, valid: true}
			}
		case pg_query.ConstrType_CONSTR_UNIQUE:
			uniques = append(uniques, k)
		case pg_query.ConstrType_CONSTR_PRIMARY:
			pks = append(pks, k)
			notNull = true
		case pg_query.ConstrType_CONSTR_FOREIGN:
			if ref := l.qualify(k.Pktable); ref != "" {
				l.lock(ref, string(pgfacts.MustOf(pgfacts.AddForeignKey, l.v).RefLock))
			}
		}
	}
	if def == nil && cd.RawDefault != nil {
		def = cd.RawDefault
	}
	col.notNull = notNull || identity
	t.cols[cd.Colname] = col
	typ := typeBase(cd.TypeName)
	serial := typ == "serial" || typ == "bigserial" || typ == "smallserial" || typ == "serial4" || typ == "serial8" || typ == "serial2"
	kind := pgfacts.AddColumn
	vol, fn, known := pgfacts.Immutable, "", true
	switch {
	case generated:
		kind = pgfacts.AddColumnGeneratedStored
	case identity || serial:
		kind = pgfacts.AddColumnIdentity
	case def != nil:
		vol, fn, known = pgfacts.ExprVolatility(def, nil)
		kind = pgfacts.AddColumnDefault
		if vol == pgfacts.Volatile {
			kind = pgfacts.AddColumnVolatileDefault
		}
	}
	if isNew {
		return kind
	}
	loc := cd.Location
	name := rel + "." + cd.Colname
	rewrite := pgfacts.MustOf(kind, l.v).Rewrite
	switch kind {
	case pgfacts.AddColumnGeneratedStored:
		l.add(loc, RuleAddColumnGeneratedStored, SeverityWarning, l.lockOf(kind), rel,
			"adding stored generated column "+name+" rewrites the table under ACCESS EXCLUSIVE: add a plain nullable column filled by a trigger, then backfill in batches",
			planner.HazardBlockingLock, planner.HazardTableRewrite)
	case pgfacts.AddColumnIdentity:
		l.add(loc, RuleAddColumnVolatileDefault, SeverityWarning, l.lockOf(kind), rel,
			"adding identity/serial column "+name+" fills every existing row from a sequence: the table is rewritten under ACCESS EXCLUSIVE. Add a nullable column, set its default, backfill in batches",
			planner.HazardBlockingLock, planner.HazardTableRewrite)
	case pgfacts.AddColumnVolatileDefault:
		why := "its default is volatile"
		if fn != "" {
			why = "its default calls " + fn + "(), which is volatile"
			if !known {
				why = "its default calls " + fn + "(), whose volatility is unknown (functions are VOLATILE unless declared otherwise)"
			}
		}
		l.add(loc, RuleAddColumnVolatileDefault, SeverityWarning, l.lockOf(kind), rel,
			"adding "+name+" rewrites the table under ACCESS EXCLUSIVE because "+why+": add the column without default, SET DEFAULT, then backfill in batches",
			planner.HazardBlockingLock, planner.HazardTableRewrite)
	case pgfacts.AddColumnDefault:
		switch {
		case rewrite:
			l.add(loc, RuleAddColumnDefault, SeverityWarning, l.lockOf(kind), rel,
				fmt.Sprintf("on PostgreSQL %d, ADD COLUMN with a DEFAULT rewrites the table under ACCESS EXCLUSIVE (11+ stores a constant default in the catalog): add the column without default, SET DEFAULT, then backfill in batches", l.v),
				planner.HazardBlockingLock, planner.HazardTableRewrite)
		case vol == pgfacts.Stable:
			l.add(loc, RuleAddColumnStableDefault, SeverityInfo, l.lockOf(kind), rel,
				"the default of "+name+" is evaluated once: every existing row gets the same value (the migration's time for now())")
		}
	}
	if notNull && def == nil && !identity && !generated && !serial {
		l.add(loc, RuleAddingNotNullField, SeverityWarning, l.lockOf(pgfacts.AddColumn), rel,
			"adding NOT NULL column "+name+" without a default fails on a non-empty table and breaks inserts of running code: add it nullable (or with a constant default), backfill, then SET NOT NULL via a validated CHECK",
			planner.HazardBackwardIncompatible)
	}
	if !rewrite {
		for _, k := range checks {
			l.add(k.Location, RuleConstraintMissingNotValid, SeverityWarning, l.lockOf(pgfacts.AddColumn), rel,
				"ADD COLUMN with a CHECK scans "+rel+" under ACCESS EXCLUSIVE even though the new column is all NULL: add the column, then the CHECK as NOT VALID, VALIDATE it in a later file",
				planner.HazardBlockingLock, planner.HazardTableScan)
		}
	}
	for _, k := range uniques {
		l.add(k.Location, RuleAddUniqueConstraint, SeverityWarning, l.lockOf(pgfacts.AddUnique), rel,
			"ADD COLUMN ... UNIQUE builds an index under ACCESS EXCLUSIVE: add the column, CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX",
			planner.HazardBlockingLock, planner.HazardIndexBuild)
	}
	for _, k := range pks {
		l.add(k.Location, RuleAddPrimaryKey, SeverityWarning, l.lockOf(pgfacts.AddUnique), rel,
			"ADD COLUMN ... PRIMARY KEY builds an index under ACCESS EXCLUSIVE: add the column, fill it, CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX",
			planner.HazardBlockingLock, planner.HazardIndexBuild)
	}
	return kind
}

// setNotNull checks ALTER COLUMN ... SET NOT NULL.
func (l *linter) setNotNull(rel string, isNew bool, t *lintTable, colName string) pgfacts.Kind {
	col := t.cols[colName]
	already := col != nil && col.notNull
	if col != nil {
		col.notNull = true
	}
	if isNew || already {
		return pgfacts.SetNotNullProved
	}
	valid, notValid := l.st.provedNotNull(rel, colName)
	kind := pgfacts.SetNotNull
	if valid {
		kind = pgfacts.SetNotNullProved
	}
	if !pgfacts.MustOf(kind, l.v).Scan {
		return kind
	}
	msg := "SET NOT NULL on " + rel + "." + colName + " scans the whole table under ACCESS EXCLUSIVE (reads and writes blocked): "
	switch {
	case valid:
		msg += fmt.Sprintf("PostgreSQL %d does not use the validated CHECK to skip the scan (12+ does)", l.v)
	case notValid:
		msg += "its CHECK (" + colName + " IS NOT NULL) is still NOT VALID; VALIDATE it in an earlier file first"
	default:
		msg += "first ADD CONSTRAINT ... CHECK (" + colName + " IS NOT NULL) NOT VALID, VALIDATE it in a later file, then SET NOT NULL (no scan on 12+) and drop the CHECK"
	}
	l.add(-1, RuleSetNotNull, SeverityWarning, l.lockOf(kind), rel, msg, planner.HazardBlockingLock, planner.HazardTableScan)
	return kind
}

// addConstraint checks ALTER TABLE ... ADD CONSTRAINT.
func (l *linter) addConstraint(rel string, isNew bool, t *lintTable, k *pg_query.Constraint, loc int32) pgfacts.Kind {
	if k == nil {
		return pgfacts.AddCheckNotValid
	}
	switch k.Contype {
	case pg_query.ConstrType_CONSTR_CHECK:
		if c := notNullCheckCol(k.RawExpr); c != "" && k.Conname != "" {
			t.checks[k.Conname] = &lintCheck{col: c, valid: !k.SkipValidation}
		}
		if k.SkipValidation || isNew {
			return pgfacts.AddCheckNotValid
		}
		l.add(loc, RuleConstraintMissingNotValid, SeverityWarning, l.lockOf(pgfacts.AddCheck), rel,
			"ADD CONSTRAINT ... CHECK scans "+rel+" under ACCESS EXCLUSIVE (reads and writes blocked): add it NOT VALID, then VALIDATE CONSTRAINT in a later file",
			planner.HazardBlockingLock, planner.HazardTableScan)
		return pgfacts.AddCheck
	case pg_query.ConstrType_CONSTR_FOREIGN:
		ref := l.qualify(k.Pktable)
		kind := pgfacts.AddForeignKey
		if k.SkipValidation || isNew {
			kind = pgfacts.AddForeignKeyNotValid
		}
		l.lock(ref, string(pgfacts.MustOf(kind, l.v).RefLock))
		if isNew {
			return kind
		}
		if !k.SkipValidation {
			l.add(loc, RuleAddForeignKey, SeverityWarning, l.lockOf(kind), rel,
				"ADD FOREIGN KEY scans "+rel+" while holding SHARE ROW EXCLUSIVE on it and on "+ref+" (writes to both blocked): add it NOT VALID, then VALIDATE CONSTRAINT in a later file",
				planner.HazardBlockingLock, planner.HazardTableScan)
		} else if l.st.partitioned[rel] && l.v < 18 {
			l.add(loc, RuleAddForeignKey, SeverityError, l.lockOf(pgfacts.AddForeignKeyNotValid), rel,
				fmt.Sprintf("PostgreSQL %d rejects NOT VALID foreign keys on partitioned table %s (18+ accepts them): add it to each partition instead", l.v, rel))
		}
		return kind
	case pg_query.ConstrType_CONSTR_UNIQUE:
		if k.Indexname != "" || isNew {
			return pgfacts.AddUniqueUsingIndex
		}
		l.add(loc, RuleAddUniqueConstraint, SeverityWarning, l.lockOf(pgfacts.AddUnique), rel,
			"ADD CONSTRAINT ... UNIQUE builds its index under ACCESS EXCLUSIVE (reads and writes blocked): CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... UNIQUE USING INDEX",
			planner.HazardBlockingLock, planner.HazardIndexBuild)
		return pgfacts.AddUnique
	case pg_query.ConstrType_CONSTR_PRIMARY:
		cols := keyNames(k.Keys)
		if k.Indexname != "" {
			idx := schemaOf(rel) + "." + k.Indexname
			cols = l.st.indexes[idx].cols
		}
		var unknown, nullable []string
		for _, c := range cols {
			col := t.cols[c]
			valid, _ := l.st.provedNotNull(rel, c)
			switch {
			case col != nil && col.notNull, valid && l.v >= 12:
			case col == nil:
				unknown = append(unknown, c)
			default:
				nullable = append(nullable, c)
			}
			if col != nil {
				col.notNull = true
			}
		}
		if isNew {
			return pgfacts.AddUniqueUsingIndex
		}
		if k.Indexname == "" {
			l.add(loc, RuleAddPrimaryKey, SeverityWarning, l.lockOf(pgfacts.AddUnique), rel,
				"ADD PRIMARY KEY builds its index (and checks NOT NULL) under ACCESS EXCLUSIVE: make the columns NOT NULL via a validated CHECK, CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX",
				planner.HazardBlockingLock, planner.HazardTableScan, planner.HazardIndexBuild)
			return pgfacts.AddUnique
		}
		switch {
		case len(nullable) > 0:
			l.add(loc, RuleAddPrimaryKey, SeverityWarning, l.lockOf(pgfacts.AddUnique), rel,
				"ADD PRIMARY KEY USING INDEX still scans "+rel+" under ACCESS EXCLUSIVE because "+strings.Join(nullable, ", ")+" may be NULL: SET NOT NULL via a validated CHECK first",
				planner.HazardBlockingLock, planner.HazardTableScan)
		case len(unknown) > 0 || len(cols) == 0:
			l.add(loc, RuleAddPrimaryKey, SeverityInfo, l.lockOf(pgfacts.AddUnique), rel,
				"ADD PRIMARY KEY USING INDEX scans "+rel+" under ACCESS EXCLUSIVE if a key column is nullable: make it NOT NULL via a validated CHECK first")
		}
		return pgfacts.AddUniqueUsingIndex
	case pg_query.ConstrType_CONSTR_EXCLUSION:
		if isNew {
			return pgfacts.AddExclusion
		}
		l.add(loc, RuleAddExclusionConstraint, SeverityWarning, l.lockOf(pgfacts.AddExclusion), rel,
			"ADD CONSTRAINT ... EXCLUDE builds its index under ACCESS EXCLUSIVE and has no online form (no NOT VALID, no USING INDEX): needs a maintenance window",
			planner.HazardBlockingLock, planner.HazardIndexBuild)
		return pgfacts.AddExclusion
	}
	return pgfacts.AddCheckNotValid
}

// keyNames returns the names of a constraint's key columns.
func keyNames(keys []*pg_query.Node) []string {
	var out []string
	for _, k := range keys {
		out = append(out, k.GetString_().GetSval())
	}
	return out
}

// alterColumnType checks ALTER COLUMN ... TYPE.
func (l *linter) alterColumnType(rel string, isNew bool, t *lintTable, colName string, cd *pg_query.ColumnDef) pgfacts.Kind {
	if cd == nil {
		return pgfacts.AlterColumnTypeRewrite
	}
	col := t.cols[colName]
	var old *pg_query.TypeName
	if col != nil {
		old = col.typ
		col.typ = cd.TypeName
	}
	if isNew {
		return pgfacts.AlterColumnType
	}
	name := rel + "." + colName
	newT := typeString(cd.TypeName)
	using := cd.RawDefault
	if using != nil && columnRefName(using) == colName {
		using = nil
	}
	rewriteMsg := func(why string) {
		l.add(cd.Location, RuleChangingColumnType, SeverityWarning, l.lockOf(pgfacts.AlterColumnTypeRewrite), rel,
			"changing "+name+" to "+newT+why+" rewrites the table and its indexes under ACCESS EXCLUSIVE: add a new column kept in sync by a trigger, backfill in batches, then swap",
			planner.HazardBlockingLock, planner.HazardTableRewrite)
	}
	if using != nil {
		rewriteMsg(" with a USING expression")
		return pgfacts.AlterColumnTypeRewrite
	}
	if old == nil {
		if pgfacts.WideningTarget(typeString(cd.TypeName)) {
			l.add(cd.Location, RuleChangingColumnType, SeverityInfo, l.lockOf(pgfacts.AlterColumnTypeRewrite), rel,
				"the old type of "+name+" is unknown to the linter: changing it to "+newT+" is catalog-only if it widens varchar/numeric (no rewrite), otherwise it rewrites the table under ACCESS EXCLUSIVE")
			return pgfacts.AlterColumnType
		}
		rewriteMsg("")
		return pgfacts.AlterColumnTypeRewrite
	}
	if len(old.GetArrayBounds()) != len(cd.TypeName.GetArrayBounds()) {
		rewriteMsg(" (from " + typeString(old) + ")")
		return pgfacts.AlterColumnTypeRewrite
	}
	if rw, note := pgfacts.TypeChangeRewrites(typeString(old), newT, l.v); rw {
		if note != "" {
			note = "; " + note
		}
		rewriteMsg(" (from " + typeString(old) + ")" + note)
		return pgfacts.AlterColumnTypeRewrite
	}
	l.add(cd.Location, RuleChangingColumnType, SeverityInfo, l.lockOf(pgfacts.AlterColumnType), rel,
		"changing "+name+" from "+typeString(old)+" to "+newT+" needs no rewrite (a CHECK on the column still re-verifies the table, and a view on it blocks the change)")
	return pgfacts.AlterColumnType
}

// typeBase returns the lower-case base name of a type (last name part).
func typeBase(t *pg_query.TypeName) string {
	if t == nil || len(t.Names) == 0 {
		return ""
	}
	return strings.ToLower(t.Names[len(t.Names)-1].GetString_().GetSval())
}

// typeMods returns the integer type modifiers of a type.
func typeMods(t *pg_query.TypeName) []int {
	var out []int
	for _, m := range t.GetTypmods() {
		if iv := m.GetAConst().GetIval(); iv != nil {
			out = append(out, int(iv.Ival))
		} else {
			out = append(out, -1)
		}
	}
	return out
}

// sqlTypeNames maps internal type names to the names users write.
var sqlTypeNames = map[string]string{"int2": "smallint", "int4": "integer", "int8": "bigint", "float4": "real",
	"float8": "double precision", "bool": "boolean", "bpchar": "char", "timestamptz": "timestamptz"}

// typeString renders a type for messages, e.g. "varchar(20)".
func typeString(t *pg_query.TypeName) string {
	s := typeBase(t)
	if n, ok := sqlTypeNames[s]; ok {
		s = n
	}
	if mods := typeMods(t); len(mods) > 0 {
		ms := make([]string, len(mods))
		for i, m := range mods {
			ms[i] = strconv.Itoa(m)
		}
		s += "(" + strings.Join(ms, ",") + ")"
	}
	if len(t.GetArrayBounds()) > 0 {
		s += "[]"
	}
	return s
}

// funcName returns the lower-case unqualified name of a function call.
func funcName(fc *pg_query.FuncCall) string {
	if len(fc.Funcname) == 0 {
		return ""
	}
	return strings.ToLower(fc.Funcname[len(fc.Funcname)-1].GetString_().GetSval())
}

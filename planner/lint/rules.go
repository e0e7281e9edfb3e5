package lint

import "github.com/pgshift/pgshift/planner"

// RuleID names a lint rule, e.g. "require-concurrent-index"; it is the
// finding's Rule in text and JSON output.
type RuleID string

// Rule is one entry of the rule registry: its id, its usual severity (a
// finding may be raised or lowered by context: inside a transaction block,
// for a table created in the same file), what it checks, how to fix it,
// and the hazards its findings carry.
type Rule struct {
	ID       RuleID
	Severity Severity
	Doc      string
	Fix      string
	Hazards  []planner.HazardKind
}

// Rule ids.
const (
	RuleRequireConcurrentIndex        RuleID = "require-concurrent-index"
	RuleRequireConcurrentIndexDrop    RuleID = "require-concurrent-index-drop"
	RuleRequireConcurrentReindex      RuleID = "require-concurrent-reindex"
	RuleRequireConcurrentRefresh      RuleID = "require-concurrent-refresh"
	RuleConcurrentlyInTransaction     RuleID = "concurrently-in-transaction"
	RuleCreateIndexOnPartitionedTable RuleID = "create-index-on-partitioned-table"
	RuleIndexBuild                    RuleID = "index-build"
	RuleConstraintMissingNotValid     RuleID = "constraint-missing-not-valid"
	RuleValidateInSameTransaction     RuleID = "validate-in-same-transaction"
	RuleAddForeignKey                 RuleID = "add-foreign-key"
	RuleAddUniqueConstraint           RuleID = "add-unique-constraint"
	RuleAddPrimaryKey                 RuleID = "add-primary-key"
	RuleAddExclusionConstraint        RuleID = "add-exclusion-constraint"
	RuleAddingNotNullField            RuleID = "adding-not-null-field"
	RuleAddColumnVolatileDefault      RuleID = "add-column-volatile-default"
	RuleAddColumnDefault              RuleID = "add-column-default"
	RuleAddColumnStableDefault        RuleID = "add-column-stable-default"
	RuleAddColumnGeneratedStored      RuleID = "add-column-generated-stored"
	RuleChangingColumnType            RuleID = "changing-column-type"
	RuleSetNotNull                    RuleID = "set-not-null"
	RuleDropNotNull                   RuleID = "drop-not-null"
	RuleRenameColumn                  RuleID = "rename-column"
	RuleRenameTable                   RuleID = "rename-table"
	RuleBanDropColumn                 RuleID = "ban-drop-column"
	RuleBanDropTable                  RuleID = "ban-drop-table"
	RuleBanDropSequence               RuleID = "ban-drop-sequence"
	RuleBanTruncate                   RuleID = "ban-truncate"
	RuleEnumAddValueInTransaction     RuleID = "enum-add-value-in-transaction"
	RuleAlterTableSetLogged           RuleID = "alter-table-set-logged"
	RuleVacuumFull                    RuleID = "vacuum-full"
	RuleCluster                       RuleID = "cluster"
	RuleRequireLockTimeout            RuleID = "require-lock-timeout"
	RuleAuthzChange                   RuleID = "authz-change"
	RuleUntrackedDependencies         RuleID = "untracked-dependencies"
	RuleReplication                   RuleID = "replication"
)

// Rules is the registry: every rule the linter can report, in the order
// the README lists them.
var Rules = []Rule{
	{RuleRequireConcurrentIndex, SeverityWarning, "CREATE INDEX without CONCURRENTLY holds SHARE on an existing table: writes wait for the whole build",
		"CREATE INDEX CONCURRENTLY, alone in a non-transactional file", hz(planner.HazardBlockingLock, planner.HazardIndexBuild)},
	{RuleRequireConcurrentIndexDrop, SeverityWarning, "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the index's table",
		"DROP INDEX CONCURRENTLY, alone in a non-transactional file", hz(planner.HazardBlockingLock)},
	{RuleRequireConcurrentReindex, SeverityWarning, "REINDEX without CONCURRENTLY blocks writes (and queries using the index) while it rebuilds",
		"REINDEX ... CONCURRENTLY (12+), alone in a non-transactional file", hz(planner.HazardBlockingLock, planner.HazardIndexBuild)},
	{RuleRequireConcurrentRefresh, SeverityWarning, "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks its readers",
		"REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index)", hz(planner.HazardBlockingLock)},
	{RuleConcurrentlyInTransaction, SeverityError, "a CONCURRENTLY statement inside a transaction block (or sharing a file a runner sends as one query) fails",
		"put it alone in its own migration file", hz(planner.HazardNonTransactional)},
	{RuleCreateIndexOnPartitionedTable, SeverityWarning, "CREATE INDEX on a partitioned table blocks writes to every partition; CONCURRENTLY is refused there",
		"CREATE INDEX ON ONLY the parent, each partition's index CONCURRENTLY, then ALTER INDEX ... ATTACH PARTITION", hz(planner.HazardBlockingLock)},
	{RuleIndexBuild, SeverityInfo, "an index build reads the whole table, even CONCURRENTLY (twice, waiting for older transactions)",
		"schedule it off-peak on a big table; check indisvalid after a concurrent build", hz(planner.HazardIndexBuild)},
	{RuleConstraintMissingNotValid, SeverityWarning, "ADD CONSTRAINT ... CHECK scans the table under ACCESS EXCLUSIVE",
		"ADD ... NOT VALID, then VALIDATE CONSTRAINT in a later file", hz(planner.HazardBlockingLock, planner.HazardTableScan)},
	{RuleValidateInSameTransaction, SeverityWarning, "VALIDATE CONSTRAINT in the transaction that took a blocking lock holds that lock for the whole scan",
		"validate in a later migration file", hz(planner.HazardBlockingLock, planner.HazardTableScan)},
	{RuleAddForeignKey, SeverityWarning, "ADD FOREIGN KEY scans the table holding SHARE ROW EXCLUSIVE on it and the referenced table",
		"ADD ... NOT VALID, then VALIDATE CONSTRAINT in a later file", hz(planner.HazardBlockingLock, planner.HazardTableScan)},
	{RuleAddUniqueConstraint, SeverityWarning, "ADD UNIQUE builds its index under ACCESS EXCLUSIVE",
		"CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX", hz(planner.HazardBlockingLock, planner.HazardIndexBuild)},
	{RuleAddPrimaryKey, SeverityWarning, "ADD PRIMARY KEY builds its index and checks NOT NULL under ACCESS EXCLUSIVE",
		"NOT NULL via a validated CHECK, CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX", hz(planner.HazardBlockingLock, planner.HazardTableScan, planner.HazardIndexBuild)},
	{RuleAddExclusionConstraint, SeverityWarning, "ADD EXCLUDE builds its index under ACCESS EXCLUSIVE and has no online form",
		"a maintenance window", hz(planner.HazardBlockingLock, planner.HazardIndexBuild)},
	{RuleAddingNotNullField, SeverityWarning, "ADD COLUMN ... NOT NULL without a default fails on a non-empty table and breaks inserts of running code",
		"add it nullable (or with a constant default), backfill, then SET NOT NULL via a validated CHECK", hz(planner.HazardBackwardIncompatible)},
	{RuleAddColumnVolatileDefault, SeverityWarning, "ADD COLUMN with a volatile default (or identity / serial) rewrites the table under ACCESS EXCLUSIVE",
		"add the column without default, SET DEFAULT, backfill in batches", hz(planner.HazardBlockingLock, planner.HazardTableRewrite)},
	{RuleAddColumnDefault, SeverityWarning, "before PostgreSQL 11, ADD COLUMN with any default rewrites the table",
		"add the column without default, SET DEFAULT, backfill in batches", hz(planner.HazardBlockingLock, planner.HazardTableRewrite)},
	{RuleAddColumnStableDefault, SeverityInfo, "a STABLE default (now(), statement_timestamp()) is evaluated once: every existing row gets the same value",
		"backfill per-row values if they matter", nil},
	{RuleAddColumnGeneratedStored, SeverityWarning, "ADD COLUMN ... GENERATED ... STORED rewrites the table under ACCESS EXCLUSIVE",
		"a plain nullable column filled by a trigger, backfilled in batches", hz(planner.HazardBlockingLock, planner.HazardTableRewrite)},
	{RuleChangingColumnType, SeverityWarning, "ALTER COLUMN ... TYPE rewrites the table and its indexes unless the change is binary coercible",
		"a new column kept in sync by a trigger, backfilled in batches, then swapped", hz(planner.HazardBlockingLock, planner.HazardTableRewrite)},
	{RuleSetNotNull, SeverityWarning, "SET NOT NULL scans the table under ACCESS EXCLUSIVE unless a validated CHECK proves it (12+)",
		"CHECK (col IS NOT NULL) NOT VALID, VALIDATE in a later file, SET NOT NULL, drop the CHECK", hz(planner.HazardBlockingLock, planner.HazardTableScan)},
	{RuleDropNotNull, SeverityWarning, "DROP NOT NULL lets NULLs in that running code may not expect",
		"deploy code that handles NULL first", hz(planner.HazardBackwardIncompatible)},
	{RuleRenameColumn, SeverityWarning, "renaming a column breaks code that uses the old name",
		"expand (new column synced by a trigger), switch the code, contract", hz(planner.HazardBackwardIncompatible)},
	{RuleRenameTable, SeverityWarning, "renaming a table breaks code that uses the old name",
		"rename and create a view with the old name in the same transaction, switch the code, drop the view", hz(planner.HazardBackwardIncompatible)},
	{RuleBanDropColumn, SeverityWarning, "DROP COLUMN deletes its data and breaks code that reads or writes it",
		"deploy code that no longer uses it, drop it in a later release", hz(planner.HazardDataLoss, planner.HazardBackwardIncompatible, planner.HazardIrreversible)},
	{RuleBanDropTable, SeverityWarning, "DROP TABLE deletes the table and its rows",
		"deploy code that no longer uses it, drop it in a later release", hz(planner.HazardDataLoss, planner.HazardBackwardIncompatible, planner.HazardIrreversible)},
	{RuleBanDropSequence, SeverityWarning, "DROP SEQUENCE loses the sequence's position: one created again starts over and hands out used values",
		"keep the sequence, or recreate it with START WITH above the highest value used", hz(planner.HazardDataLoss, planner.HazardIrreversible)},
	{RuleBanTruncate, SeverityWarning, "TRUNCATE deletes every row", "delete the rows in a data migration you mean to run", hz(planner.HazardDataLoss, planner.HazardIrreversible)},
	{RuleEnumAddValueInTransaction, SeverityError, "a value added by ALTER TYPE ... ADD VALUE cannot be used before commit (nor added in a transaction before 12)",
		"add the value in its own file", hz(planner.HazardNonTransactional, planner.HazardIrreversible)},
	{RuleAlterTableSetLogged, SeverityWarning, "SET LOGGED / SET UNLOGGED rewrites the table under ACCESS EXCLUSIVE",
		"a maintenance window", hz(planner.HazardBlockingLock, planner.HazardTableRewrite)},
	{RuleVacuumFull, SeverityWarning, "VACUUM FULL rewrites the table under ACCESS EXCLUSIVE and cannot run in a transaction block",
		"pg_repack", hz(planner.HazardBlockingLock, planner.HazardTableRewrite, planner.HazardNonTransactional)},
	{RuleCluster, SeverityWarning, "CLUSTER rewrites the table under ACCESS EXCLUSIVE", "pg_repack", hz(planner.HazardBlockingLock, planner.HazardTableRewrite)},
	{RuleRequireLockTimeout, SeverityWarning, "a statement waiting for a blocking lock with no lock_timeout queues every later query on the table behind it",
		"SET lock_timeout = '2s' at the top of the file and retry on timeout", hz(planner.HazardBlockingLock)},
	{RuleAuthzChange, SeverityInfo, "GRANT / REVOKE, CREATE / ALTER / DROP POLICY and row-level security on or off change who may read or write what",
		"grant before the code needs it, revoke after it stopped; create policies before enabling RLS", hz(planner.HazardAuthz)},
	{RuleUntrackedDependencies, SeverityInfo, "PostgreSQL does not track what a function body given as a string (plpgsql, other languages, SQL in quotes) uses",
		"a SQL-standard body (BEGIN ATOMIC, 14+) is tracked; otherwise check callers and what the body uses by hand", hz(planner.HazardUntrackedDependencies)},
	{RuleReplication, SeverityInfo, "REPLICA IDENTITY and publication changes change what logical replication sends and how subscribers match rows",
		"coordinate with the subscribers", hz(planner.HazardReplication)},
}

func hz(h ...planner.HazardKind) []planner.HazardKind { return h }

// RuleByID returns the registered rule with id, and whether there is one.
func RuleByID(id RuleID) (Rule, bool) {
	for _, r := range Rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

package pgfacts

import "fmt"

// Kind names one statement kind: one row of the table per kind (and per
// range of majors where PostgreSQL changed).
type Kind string

// Statement kinds. Column and constraint kinds are ALTER TABLE subcommands.
const (
	AddColumn                   Kind = "add-column"                    // nullable, no default
	AddColumnDefault            Kind = "add-column-default"            // a constant or STABLE default
	AddColumnVolatileDefault    Kind = "add-column-volatile-default"   // DEFAULT calling a VOLATILE function
	AddColumnIdentity           Kind = "add-column-identity"           // identity or serial: a nextval per row
	AddColumnGeneratedStored    Kind = "add-column-generated-stored"   // GENERATED ALWAYS AS (...) STORED
	AddColumnGeneratedVirtual   Kind = "add-column-generated-virtual"  // GENERATED ALWAYS AS (...) VIRTUAL (18+)
	DropColumn                  Kind = "drop-column"                   //
	RenameColumn                Kind = "rename-column"                 //
	AlterColumnType             Kind = "alter-column-type"             // binary coercible (see TypeChangeRewrites)
	AlterColumnTypeRewrite      Kind = "alter-column-type-rewrite"     // any other type change, or USING
	SetNotNull                  Kind = "set-not-null"                  // not proved by a validated CHECK
	SetNotNullProved            Kind = "set-not-null-proved"           // a validated CHECK (col IS NOT NULL) exists
	DropNotNull                 Kind = "drop-not-null"                 //
	SetDefault                  Kind = "set-default"                   // SET DEFAULT / DROP DEFAULT
	SetGeneratedExpression      Kind = "set-generated-expression"      // generation expression added or changed
	AlterColumnOptions          Kind = "alter-column-options"          // SET STATISTICS, SET (attribute options)
	AddCheck                    Kind = "add-check"                     // validated CHECK
	AddCheckNotValid            Kind = "add-check-not-valid"           //
	AddForeignKey               Kind = "add-foreign-key"               // validated FOREIGN KEY
	AddForeignKeyNotValid       Kind = "add-foreign-key-not-valid"     //
	ValidateConstraint          Kind = "validate-constraint"           //
	AddUnique                   Kind = "add-unique"                    // UNIQUE or PRIMARY KEY building its index
	AddUniqueUsingIndex         Kind = "add-unique-using-index"        // UNIQUE / PRIMARY KEY USING INDEX
	AddExclusion                Kind = "add-exclusion"                 //
	DropConstraint              Kind = "drop-constraint"               //
	RenameConstraint            Kind = "rename-constraint"             // e.g. a NOT NULL constraint's name (18+)
	CreateIndex                 Kind = "create-index"                  //
	CreateIndexConcurrently     Kind = "create-index-concurrently"     //
	DropIndex                   Kind = "drop-index"                    //
	DropIndexConcurrently       Kind = "drop-index-concurrently"       //
	Reindex                     Kind = "reindex"                       //
	ReindexConcurrently         Kind = "reindex-concurrently"          //
	RenameIndex                 Kind = "rename-index"                  //
	ClusterOn                   Kind = "cluster-on"                    // ALTER TABLE CLUSTER ON / SET WITHOUT CLUSTER
	Cluster                     Kind = "cluster"                       // CLUSTER table
	VacuumFull                  Kind = "vacuum-full"                   //
	Truncate                    Kind = "truncate"                      //
	SetLogged                   Kind = "set-logged"                    // SET LOGGED / SET UNLOGGED
	AlterTableOptions           Kind = "alter-table-options"           // SET (fillfactor ...), RESET
	ReplicaIdentity             Kind = "replica-identity"              //
	RowSecurity                 Kind = "row-security"                  // ENABLE / DISABLE ROW LEVEL SECURITY
	AlterTableOther             Kind = "alter-table"                   // FORCE ROW LEVEL SECURITY, INHERIT, other subcommands
	CreateTable                 Kind = "create-table"                  //
	DropTable                   Kind = "drop-table"                    //
	RenameTable                 Kind = "rename-table"                  //
	AttachPartition             Kind = "attach-partition"              //
	DetachPartition             Kind = "detach-partition"              //
	DetachPartitionConcurrently Kind = "detach-partition-concurrently" //
	CreateTrigger               Kind = "create-trigger"                //
	DropTrigger                 Kind = "drop-trigger"                  //
	EnableTrigger               Kind = "enable-trigger"                // ENABLE / DISABLE [REPLICA | ALWAYS] TRIGGER
	CreatePolicy                Kind = "create-policy"                 // CREATE / ALTER / DROP POLICY
	CreateView                  Kind = "create-view"                   //
	ReplaceView                 Kind = "replace-view"                  // CREATE OR REPLACE VIEW on an existing view
	DropView                    Kind = "drop-view"                     //
	RefreshMatView              Kind = "refresh-materialized-view"     //
	RefreshMatViewConcurrently  Kind = "refresh-materialized-view-concurrently"
	AlterSequence               Kind = "alter-sequence"   //
	DropSequence                Kind = "drop-sequence"    //
	EnumAddValue                Kind = "enum-add-value"   //
	EnumRecreate                Kind = "enum-recreate"    // values dropped or reordered: a new type, every column converted
	Comment                     Kind = "comment"          //
	Privileges                  Kind = "privileges"       // GRANT / REVOKE on a table
	CatalogOnly                 Kind = "catalog-only"     // schemas, extensions, types, functions: no table lock
	LockTable                   Kind = "lock-table"       // LOCK TABLE: the mode it names
	ReplaceFunction             Kind = "replace-function" //
	Backfill                    Kind = "backfill"         // UPDATE … of existing rows (one batch of a backfill)
)

// Fact is what PostgreSQL does for one statement kind on a range of majors.
type Fact struct {
	Kind Kind
	// Statement is the SQL form, e.g. "ALTER TABLE … ALTER COLUMN … TYPE".
	Statement string
	// Lock is the lock taken on the statement's relation (the table; the
	// view, matview, sequence or index itself for statements on those, as
	// Probe.Relation names it), held until commit.
	Lock Lock
	// RefLock is the lock taken on the referenced table of a foreign key.
	RefLock Lock
	// Rewrite: every row is written to a new relation file (its
	// relfilenode changes) and every index is rebuilt.
	Rewrite bool
	// Scan: the whole table is read under Lock (validation or index build).
	Scan bool
	// NonTransactional: refused inside a transaction block.
	NonTransactional bool
	// MinMajor and MaxMajor bound the majors the row holds for (0: open).
	MinMajor, MaxMajor int
	// Safe says what makes the statement safe on a table with rows and
	// traffic (the recipe the planner uses).
	Safe string
	// Doc is the PostgreSQL documentation section the lock and rewrite come
	// from; Measured names the ../shared/docs/hazards.md row(s).
	Doc, Measured string
	// Probe is how facts_db_test.go measures the row; nil when it is not
	// measured (the reason is in NotMeasured).
	Probe       *Probe
	NotMeasured string
}

// Probe is one measurement of a fact on a populated table.
type Probe struct {
	// Setup runs (committed) on the fixture before the measurement.
	Setup string
	// SQL is the statement measured.
	SQL string
	// Relation is the relation whose lock and relfilenode are checked
	// ("t" when empty); RefRelation the one RefLock is checked on ("p").
	Relation string
	// ScanOf is the relation whose scan the server reports (Relation
	// when empty).
	ScanOf string
	// NewFile: the relfilenode changes without a rewrite (TRUNCATE, and
	// ALTER SEQUENCE, which writes the sequence's one row anew).
	NewFile bool
}

// Docs sections cited below (https://www.postgresql.org/docs/<major>/…).
const (
	docAlterTable  = "ALTER TABLE, Notes (sql-altertable.html)"
	docLocking     = "Explicit Locking, 13.3.1 Table-Level Locks (explicit-locking.html)"
	docCreateIndex = "CREATE INDEX, Building Indexes Concurrently (sql-createindex.html)"
	docDropIndex   = "DROP INDEX (sql-dropindex.html)"
	docReindex     = "REINDEX (sql-reindex.html)"
	docTrigger     = "CREATE TRIGGER (sql-createtrigger.html), ALTER TABLE DISABLE TRIGGER"
	docRLS         = "Row Security Policies, 5.8 (ddl-rowsecurity.html)"
	docView        = "CREATE VIEW (sql-createview.html)"
	docMatView     = "REFRESH MATERIALIZED VIEW (sql-refreshmaterializedview.html)"
	docSequence    = "ALTER SEQUENCE (sql-altersequence.html)"
	docAlterType   = "ALTER TYPE, Notes (sql-altertype.html)"
	docPartition   = "Table Partitioning, 5.11.2.2 Partition Maintenance (ddl-partitioning.html)"
	docGrant       = "GRANT (sql-grant.html)"
	docComment     = "COMMENT (sql-comment.html)"
	docCluster     = "CLUSTER (sql-cluster.html)"
	docVacuum      = "VACUUM (sql-vacuum.html)"
	docTruncate    = "TRUNCATE (sql-truncate.html)"
	docFunction    = "CREATE FUNCTION (sql-createfunction.html)"
)

// table holds every fact. Rows of one kind cover disjoint major ranges.
var table = []Fact{
	{Kind: AddColumn, Statement: "ALTER TABLE … ADD COLUMN (no default)", Lock: AccessExclusive,
		Safe: "catalog-only; keep lock_timeout short", Doc: docAlterTable, Measured: "C1",
		Probe: &Probe{SQL: "ALTER TABLE t ADD COLUMN c_new integer"}},
	{Kind: AddColumnDefault, Statement: "ALTER TABLE … ADD COLUMN … DEFAULT constant or STABLE expression", Lock: AccessExclusive, MinMajor: 11,
		Safe: "catalog-only: the default is evaluated once and stored in pg_attribute.attmissingval (every existing row gets that one value)",
		Doc:  docAlterTable, Measured: "C2, C3; statement_timestamp() and txid_current() (STABLE) measured on 15 (issue 19)",
		Probe: &Probe{SQL: "ALTER TABLE t ADD COLUMN c_new integer DEFAULT 7, ADD COLUMN c_ts timestamptz DEFAULT statement_timestamp(), ADD COLUMN c_x bigint DEFAULT txid_current()"}},
	{Kind: AddColumnDefault, Statement: "ALTER TABLE … ADD COLUMN … DEFAULT constant or STABLE expression", Lock: AccessExclusive, Rewrite: true, MaxMajor: 10,
		Safe: "add the column without a default, SET DEFAULT, then backfill in batches", Doc: docAlterTable, Measured: "C2 (PG ≤ 10)"},
	{Kind: AddColumnVolatileDefault, Statement: "ALTER TABLE … ADD COLUMN … DEFAULT volatile()", Lock: AccessExclusive, Rewrite: true,
		Safe: "add the column without a default, SET DEFAULT for new rows, backfill existing rows in batches",
		Doc:  docAlterTable, Measured: "C4",
		Probe: &Probe{SQL: "ALTER TABLE t ADD COLUMN c_new timestamptz DEFAULT clock_timestamp()"}},
	{Kind: AddColumnIdentity, Statement: "ALTER TABLE … ADD COLUMN … GENERATED AS IDENTITY / serial", Lock: AccessExclusive, Rewrite: true,
		Safe: "add a nullable column with a sequence default for new rows, backfill in batches, then NOT NULL via a validated CHECK",
		Doc:  docAlterTable, Measured: "C7",
		Probe: &Probe{SQL: "ALTER TABLE t ADD COLUMN c_new bigint GENERATED BY DEFAULT AS IDENTITY"}},
	{Kind: AddColumnGeneratedStored, Statement: "ALTER TABLE … ADD COLUMN … GENERATED ALWAYS AS (…) STORED", Lock: AccessExclusive, Rewrite: true,
		Safe: "add a plain nullable column kept by a trigger and backfill in batches (or VIRTUAL on 18+)",
		Doc:  docAlterTable, Measured: "C6",
		Probe: &Probe{SQL: "ALTER TABLE t ADD COLUMN c_new integer GENERATED ALWAYS AS (a * 2) STORED"}},
	{Kind: AddColumnGeneratedVirtual, Statement: "ALTER TABLE … ADD COLUMN … GENERATED ALWAYS AS (…) VIRTUAL", Lock: AccessExclusive, MinMajor: 18,
		Safe: "catalog-only", Doc: docAlterTable, Measured: "C6v",
		Probe: &Probe{SQL: "ALTER TABLE t ADD COLUMN c_new integer GENERATED ALWAYS AS (a * 2) VIRTUAL"}},
	{Kind: DropColumn, Statement: "ALTER TABLE … DROP COLUMN", Lock: AccessExclusive,
		Safe: "catalog-only, but its data is lost: deploy code that no longer uses the column first",
		Doc:  docAlterTable, Measured: "C9",
		Probe: &Probe{SQL: "ALTER TABLE t DROP COLUMN a"}},
	{Kind: RenameColumn, Statement: "ALTER TABLE … RENAME COLUMN", Lock: AccessExclusive,
		Safe: "catalog-only, but code using the old name breaks: expand (new column kept in sync), deploy, contract",
		Doc:  docAlterTable, Measured: "C10",
		Probe: &Probe{SQL: "ALTER TABLE t RENAME COLUMN a TO a_new"}},
	{Kind: AlterColumnType, Statement: "ALTER TABLE … ALTER COLUMN … TYPE (binary coercible)", Lock: AccessExclusive,
		Safe: "catalog-only when the old type is binary coercible to the new one (TypeChangeRewrites); a CHECK on the column is re-verified",
		Doc:  docAlterTable, Measured: "C11, C12, C15; varbit and cidr→inet measured on 15 (issue 19)",
		Probe: &Probe{SQL: "ALTER TABLE t ALTER COLUMN b TYPE varbit(16), ALTER COLUMN n TYPE inet, ALTER COLUMN v TYPE varchar(20)"}},
	{Kind: AlterColumnTypeRewrite, Statement: "ALTER TABLE … ALTER COLUMN … TYPE (other)", Lock: AccessExclusive, Rewrite: true,
		Safe: "add a new column kept in sync by a trigger, backfill in batches, swap",
		Doc:  docAlterTable, Measured: "C13, C14",
		Probe: &Probe{SQL: "ALTER TABLE t ALTER COLUMN a TYPE bigint"}},
	{Kind: SetNotNull, Statement: "ALTER TABLE … ALTER COLUMN … SET NOT NULL", Lock: AccessExclusive, Scan: true,
		Safe: "ADD CHECK (col IS NOT NULL) NOT VALID, VALIDATE it in its own transaction, then SET NOT NULL (no scan, 12+)",
		Doc:  docAlterTable, Measured: "C17",
		Probe: &Probe{SQL: "ALTER TABLE t ALTER COLUMN a SET NOT NULL"}},
	{Kind: SetNotNullProved, Statement: "ALTER TABLE … ALTER COLUMN … SET NOT NULL (proved by a validated CHECK)", Lock: AccessExclusive, MinMajor: 12,
		Safe: "catalog-only: the validated CHECK proves it", Doc: docAlterTable, Measured: "C18",
		Probe: &Probe{Setup: "ALTER TABLE t ADD CONSTRAINT t_a_nn CHECK (a IS NOT NULL)", SQL: "ALTER TABLE t ALTER COLUMN a SET NOT NULL"}},
	{Kind: SetNotNullProved, Statement: "ALTER TABLE … ALTER COLUMN … SET NOT NULL (proved by a validated CHECK)", Lock: AccessExclusive, Scan: true, MaxMajor: 11,
		Safe: "PostgreSQL 11 does not use the CHECK to skip the scan", Doc: docAlterTable, Measured: "C18 (11 scans)"},
	{Kind: DropNotNull, Statement: "ALTER TABLE … ALTER COLUMN … DROP NOT NULL", Lock: AccessExclusive,
		Safe: "catalog-only; readers may now see NULL", Doc: docAlterTable, Measured: "C19",
		Probe: &Probe{Setup: "ALTER TABLE t ALTER COLUMN a SET NOT NULL", SQL: "ALTER TABLE t ALTER COLUMN a DROP NOT NULL"}},
	{Kind: SetDefault, Statement: "ALTER TABLE … ALTER COLUMN … SET DEFAULT / DROP DEFAULT", Lock: AccessExclusive,
		Safe: "catalog-only: existing rows keep their values", Doc: docAlterTable, Measured: "C20",
		Probe: &Probe{SQL: "ALTER TABLE t ALTER COLUMN a SET DEFAULT 5"}},
	{Kind: SetGeneratedExpression, Statement: "ALTER TABLE … ALTER COLUMN … SET EXPRESSION / ADD GENERATED", Lock: AccessExclusive, Rewrite: true,
		Safe: "a new column filled by a trigger and a batched backfill", Doc: docAlterTable, Measured: "C21",
		NotMeasured: "no ALTER form adds a stored expression to a plain column before 17; the add form is add-column-generated-stored"},
	{Kind: AlterColumnOptions, Statement: "ALTER TABLE … ALTER COLUMN … SET STATISTICS / SET (attribute options)", Lock: ShareUpdateExclusive,
		Safe: "catalog-only; reads and writes go on", Doc: docAlterTable, Measured: "X5",
		Probe: &Probe{SQL: "ALTER TABLE t ALTER COLUMN a SET STATISTICS 500"}},
	{Kind: AddCheck, Statement: "ALTER TABLE … ADD CONSTRAINT … CHECK", Lock: AccessExclusive, Scan: true,
		Safe: "ADD … NOT VALID, then VALIDATE CONSTRAINT in a transaction of its own", Doc: docAlterTable, Measured: "I8",
		Probe: &Probe{SQL: "ALTER TABLE t ADD CONSTRAINT t_a_pos CHECK (a > 0)"}},
	{Kind: AddCheckNotValid, Statement: "ALTER TABLE … ADD CONSTRAINT … CHECK … NOT VALID", Lock: AccessExclusive,
		Safe: "catalog-only; new rows are checked", Doc: docAlterTable, Measured: "I8",
		Probe: &Probe{SQL: "ALTER TABLE t ADD CONSTRAINT t_a_pos CHECK (a > 0) NOT VALID"}},
	{Kind: AddForeignKey, Statement: "ALTER TABLE … ADD FOREIGN KEY", Lock: ShareRowExclusive, RefLock: ShareRowExclusive, Scan: true,
		Safe: "ADD … NOT VALID, then VALIDATE CONSTRAINT in a transaction of its own", Doc: docAlterTable, Measured: "I7",
		Probe: &Probe{SQL: "ALTER TABLE t ADD CONSTRAINT t_pid_fk FOREIGN KEY (pid) REFERENCES p"}},
	{Kind: AddForeignKeyNotValid, Statement: "ALTER TABLE … ADD FOREIGN KEY … NOT VALID", Lock: ShareRowExclusive, RefLock: ShareRowExclusive,
		Safe: "catalog-only, but writes to both tables wait until commit: keep the transaction short", Doc: docAlterTable, Measured: "I7",
		Probe: &Probe{SQL: "ALTER TABLE t ADD CONSTRAINT t_pid_fk FOREIGN KEY (pid) REFERENCES p NOT VALID"}},
	{Kind: ValidateConstraint, Statement: "ALTER TABLE … VALIDATE CONSTRAINT", Lock: ShareUpdateExclusive, RefLock: RowShare, Scan: true,
		Safe: "reads and writes go on during the scan; run it in a transaction of its own", Doc: docAlterTable, Measured: "I7, I8, C18",
		Probe: &Probe{Setup: "ALTER TABLE t ADD CONSTRAINT t_pid_fk FOREIGN KEY (pid) REFERENCES p NOT VALID", SQL: "ALTER TABLE t VALIDATE CONSTRAINT t_pid_fk"}},
	{Kind: AddUnique, Statement: "ALTER TABLE … ADD UNIQUE / PRIMARY KEY", Lock: AccessExclusive, Scan: true,
		Safe: "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … USING INDEX", Doc: docAlterTable, Measured: "I5, I6",
		Probe: &Probe{SQL: "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a)"}},
	{Kind: AddUniqueUsingIndex, Statement: "ALTER TABLE … ADD UNIQUE / PRIMARY KEY USING INDEX", Lock: AccessExclusive,
		Safe: "catalog-only once the key columns are NOT NULL", Doc: docAlterTable, Measured: "I5, I6",
		Probe: &Probe{Setup: "CREATE UNIQUE INDEX t_a_key ON t (a)", SQL: "ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE USING INDEX t_a_key"}},
	{Kind: AddExclusion, Statement: "ALTER TABLE … ADD EXCLUDE", Lock: AccessExclusive, Scan: true,
		Safe: "no online form (no NOT VALID, no USING INDEX): a maintenance window", Doc: docAlterTable, Measured: "I10",
		Probe: &Probe{SQL: "ALTER TABLE t ADD CONSTRAINT t_a_excl EXCLUDE USING btree (a WITH =)"}},
	{Kind: DropConstraint, Statement: "ALTER TABLE … DROP CONSTRAINT", Lock: AccessExclusive,
		Safe: "catalog-only (a foreign key also takes ACCESS EXCLUSIVE on the referenced table)", Doc: docAlterTable, Measured: "I9",
		Probe: &Probe{Setup: "ALTER TABLE t ADD CONSTRAINT t_a_pos CHECK (a > 0)", SQL: "ALTER TABLE t DROP CONSTRAINT t_a_pos"}},
	{Kind: RenameConstraint, Statement: "ALTER TABLE … RENAME CONSTRAINT", Lock: AccessExclusive,
		Safe: "catalog-only", Doc: docAlterTable, Measured: "I9",
		Probe: &Probe{Setup: "ALTER TABLE t ADD CONSTRAINT t_a_pos CHECK (a > 0)", SQL: "ALTER TABLE t RENAME CONSTRAINT t_a_pos TO t_a_positive"}},
	{Kind: CreateIndex, Statement: "CREATE INDEX", Lock: Share, Scan: true,
		Safe: "CREATE INDEX CONCURRENTLY in a file of its own", Doc: docCreateIndex, Measured: "I1",
		Probe: &Probe{SQL: "CREATE INDEX t_a_idx ON t (a)"}},
	{Kind: CreateIndexConcurrently, Statement: "CREATE INDEX CONCURRENTLY", Lock: ShareUpdateExclusive, Scan: true, NonTransactional: true,
		Safe: "reads and writes go on, but the build reads the whole table (twice) and waits for older transactions; a failure leaves an INVALID index",
		Doc:  docCreateIndex, Measured: "I1c",
		Probe: &Probe{SQL: "CREATE INDEX CONCURRENTLY t_a_idx ON t (a)"}},
	{Kind: DropIndex, Statement: "DROP INDEX", Lock: AccessExclusive,
		Safe: "DROP INDEX CONCURRENTLY in a file of its own", Doc: docDropIndex, Measured: "I3",
		Probe: &Probe{Setup: "CREATE INDEX t_a_idx ON t (a)", SQL: "DROP INDEX t_a_idx"}},
	{Kind: DropIndexConcurrently, Statement: "DROP INDEX CONCURRENTLY", Lock: ShareUpdateExclusive, NonTransactional: true,
		Safe: "reads and writes go on", Doc: docDropIndex, Measured: "I3",
		Probe: &Probe{Setup: "CREATE INDEX t_a_idx ON t (a)", SQL: "DROP INDEX CONCURRENTLY t_a_idx"}},
	{Kind: Reindex, Statement: "REINDEX", Lock: Share, Scan: true,
		Safe: "REINDEX … CONCURRENTLY in a file of its own", Doc: docReindex, Measured: "I4",
		Probe: &Probe{SQL: "REINDEX TABLE t"}},
	{Kind: ReindexConcurrently, Statement: "REINDEX … CONCURRENTLY", Lock: ShareUpdateExclusive, Scan: true, NonTransactional: true,
		Safe: "reads and writes go on", Doc: docReindex, Measured: "I4",
		Probe: &Probe{SQL: "REINDEX TABLE CONCURRENTLY t"}},
	{Kind: RenameIndex, Statement: "ALTER INDEX … RENAME", Lock: ShareUpdateExclusive, MinMajor: 12,
		Safe: "catalog-only", Doc: docAlterTable, Measured: "I4 (12+)",
		Probe: &Probe{Setup: "CREATE INDEX t_a_idx ON t (a)", SQL: "ALTER INDEX t_a_idx RENAME TO t_a_idx2", Relation: "t_a_idx"}},
	{Kind: RenameIndex, Statement: "ALTER INDEX … RENAME", Lock: AccessExclusive, MaxMajor: 11,
		Safe: "catalog-only", Doc: docAlterTable, Measured: "I4 (11: ACCESS EXCLUSIVE)"},
	{Kind: ClusterOn, Statement: "ALTER TABLE … CLUSTER ON / SET WITHOUT CLUSTER", Lock: ShareUpdateExclusive,
		Safe: "catalog-only (marks the index CLUSTER uses; nothing is reordered)", Doc: docAlterTable, Measured: "X5",
		Probe: &Probe{SQL: "ALTER TABLE t CLUSTER ON t_pkey"}},
	{Kind: Cluster, Statement: "CLUSTER", Lock: AccessExclusive, Rewrite: true,
		Safe: "pg_repack", Doc: docCluster, Measured: "T5",
		Probe: &Probe{SQL: "CLUSTER t USING t_pkey"}},
	{Kind: VacuumFull, Statement: "VACUUM FULL", Lock: AccessExclusive, Rewrite: true, NonTransactional: true,
		Safe: "pg_repack", Doc: docVacuum, Measured: "T5",
		NotMeasured: "cannot run in a transaction block, and it waits for no other transaction, so no second session can see its lock"},
	{Kind: Truncate, Statement: "TRUNCATE", Lock: AccessExclusive,
		Safe: "deletes every row: never part of a schema change", Doc: docTruncate, Measured: "T5",
		Probe: &Probe{SQL: "TRUNCATE t CASCADE", NewFile: true}},
	{Kind: SetLogged, Statement: "ALTER TABLE … SET LOGGED / SET UNLOGGED", Lock: AccessExclusive, Rewrite: true,
		Safe: "no online form: a maintenance window", Doc: docAlterTable, Measured: "T5",
		Probe: &Probe{SQL: "ALTER TABLE t SET UNLOGGED"}},
	{Kind: AlterTableOptions, Statement: "ALTER TABLE … SET (storage parameters) / RESET", Lock: ShareUpdateExclusive,
		Safe: "catalog-only (fillfactor, autovacuum settings)", Doc: docAlterTable, Measured: "X5",
		Probe: &Probe{SQL: "ALTER TABLE t SET (fillfactor = 90)"}},
	{Kind: ReplicaIdentity, Statement: "ALTER TABLE … REPLICA IDENTITY", Lock: AccessExclusive,
		Safe: "catalog-only; logical replication subscribers match rows by the new identity from here on", Doc: docAlterTable, Measured: "X6",
		Probe: &Probe{SQL: "ALTER TABLE t REPLICA IDENTITY FULL"}},
	{Kind: RowSecurity, Statement: "ALTER TABLE … ENABLE / DISABLE ROW LEVEL SECURITY", Lock: AccessExclusive,
		Safe: "create the policies first: with RLS on and no policy, roles other than the owner see no rows", Doc: docRLS, Measured: "X2",
		Probe: &Probe{SQL: "ALTER TABLE t ENABLE ROW LEVEL SECURITY"}},
	{Kind: AlterTableOther, Statement: "ALTER TABLE … FORCE ROW LEVEL SECURITY / [NO] INHERIT / other subcommands", Lock: AccessExclusive,
		Safe: "catalog-only", Doc: docAlterTable, Measured: "X2",
		Probe: &Probe{SQL: "ALTER TABLE t FORCE ROW LEVEL SECURITY"}},
	{Kind: CreateTable, Statement: "CREATE TABLE", Lock: None, RefLock: ShareRowExclusive,
		Safe: "a new table holds no rows; an inline foreign key blocks writes to the referenced table until commit", Doc: docLocking, Measured: "T1",
		Probe: &Probe{SQL: "CREATE TABLE t2 (id integer PRIMARY KEY, pid integer REFERENCES p)"}},
	{Kind: DropTable, Statement: "DROP TABLE", Lock: AccessExclusive,
		Safe: "deletes the table and its rows: deploy code that no longer uses it first", Doc: docLocking, Measured: "T2",
		NotMeasured: "the relation is gone once the statement ran: its lock is on an OID pg_locks can no longer name"},
	{Kind: RenameTable, Statement: "ALTER TABLE … RENAME TO", Lock: AccessExclusive,
		Safe: "rename and create a view with the old name in the same transaction", Doc: docAlterTable, Measured: "T3",
		Probe: &Probe{SQL: "ALTER TABLE t RENAME TO t_renamed"}},
	{Kind: AttachPartition, Statement: "ALTER TABLE … ATTACH PARTITION", Lock: ShareUpdateExclusive, Scan: true, MinMajor: 12,
		Safe: "a validated CHECK matching the bound on the attached table skips the scan", Doc: docPartition, Measured: "P1",
		Probe: &Probe{Setup: "CREATE TABLE pt (k integer) PARTITION BY RANGE (k); CREATE TABLE pt1 (k integer); INSERT INTO pt1 SELECT g FROM generate_series(1, 1000) g",
			SQL: "ALTER TABLE pt ATTACH PARTITION pt1 FOR VALUES FROM (1) TO (10000)", Relation: "pt", ScanOf: "pt1"}},
	{Kind: AttachPartition, Statement: "ALTER TABLE … ATTACH PARTITION", Lock: AccessExclusive, Scan: true, MaxMajor: 11,
		Safe: "a validated CHECK matching the bound on the attached table skips the scan", Doc: docPartition, Measured: "P1 (11: ACCESS EXCLUSIVE on the parent)"},
	{Kind: DetachPartition, Statement: "ALTER TABLE … DETACH PARTITION", Lock: AccessExclusive,
		Safe: "DETACH PARTITION … CONCURRENTLY (14+) in a file of its own", Doc: docPartition, Measured: "P2",
		Probe: &Probe{Setup: "CREATE TABLE pt (k integer) PARTITION BY RANGE (k); CREATE TABLE pt1 PARTITION OF pt FOR VALUES FROM (1) TO (10000)",
			SQL: "ALTER TABLE pt DETACH PARTITION pt1", Relation: "pt"}},
	{Kind: DetachPartitionConcurrently, Statement: "ALTER TABLE … DETACH PARTITION … CONCURRENTLY", Lock: ShareUpdateExclusive, NonTransactional: true,
		Safe: "reads and writes go on", Doc: docPartition, Measured: "P2",
		NotMeasured: "runs two transactions of its own; its lock is probed in hazards.md §conc"},
	{Kind: CreateTrigger, Statement: "CREATE TRIGGER", Lock: ShareRowExclusive,
		Safe: "catalog-only, writes wait until commit", Doc: docTrigger, Measured: "G1",
		Probe: &Probe{Setup: pgTriggerFunc, SQL: "CREATE TRIGGER t_trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION t_trg_fn()"}},
	{Kind: DropTrigger, Statement: "DROP TRIGGER", Lock: AccessExclusive,
		Safe: "catalog-only", Doc: docTrigger, Measured: "G2",
		Probe: &Probe{Setup: pgTriggerFunc + "; CREATE TRIGGER t_trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION t_trg_fn()", SQL: "DROP TRIGGER t_trg ON t"}},
	{Kind: EnableTrigger, Statement: "ALTER TABLE … ENABLE / DISABLE TRIGGER", Lock: ShareRowExclusive,
		Safe: "catalog-only, writes wait until commit", Doc: docTrigger, Measured: "G1",
		Probe: &Probe{Setup: pgTriggerFunc + "; CREATE TRIGGER t_trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION t_trg_fn()", SQL: "ALTER TABLE t DISABLE TRIGGER t_trg"}},
	{Kind: CreatePolicy, Statement: "CREATE / ALTER / DROP POLICY", Lock: AccessExclusive,
		Safe: "catalog-only; widen policies before the code needs them, narrow them after", Doc: docRLS, Measured: "X3",
		Probe: &Probe{SQL: "CREATE POLICY t_pol ON t USING (a > 0)"}},
	{Kind: CreateView, Statement: "CREATE VIEW", Lock: None,
		Safe: "a new relation", Doc: docView, Measured: "V1",
		NotMeasured: "creates a new relation: nothing existing is locked beyond ACCESS SHARE on the tables it reads"},
	{Kind: ReplaceView, Statement: "CREATE OR REPLACE VIEW", Lock: AccessExclusive,
		Safe: "catalog-only; readers of the view wait until commit", Doc: docView, Measured: "V1",
		Probe: &Probe{Setup: "CREATE VIEW tv AS SELECT id, a FROM t", SQL: "CREATE OR REPLACE VIEW tv AS SELECT id, a FROM t WHERE a > 0", Relation: "tv"}},
	{Kind: DropView, Statement: "DROP VIEW / DROP MATERIALIZED VIEW", Lock: AccessExclusive,
		Safe: "queries on the view fail from here on", Doc: docView, Measured: "V2",
		NotMeasured: "the relation is gone once the statement ran"},
	{Kind: RefreshMatView, Statement: "REFRESH MATERIALIZED VIEW", Lock: AccessExclusive, Rewrite: true,
		Safe: "REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index)", Doc: docMatView, Measured: "V3",
		Probe: &Probe{Setup: "CREATE MATERIALIZED VIEW tm AS SELECT id, a FROM t; CREATE UNIQUE INDEX tm_id ON tm (id)", SQL: "REFRESH MATERIALIZED VIEW tm", Relation: "tm"}},
	{Kind: RefreshMatViewConcurrently, Statement: "REFRESH MATERIALIZED VIEW CONCURRENTLY", Lock: Exclusive,
		Safe: "readers go on", Doc: docMatView, Measured: "V3",
		Probe: &Probe{Setup: "CREATE MATERIALIZED VIEW tm AS SELECT id, a FROM t; CREATE UNIQUE INDEX tm_id ON tm (id)", SQL: "REFRESH MATERIALIZED VIEW CONCURRENTLY tm", Relation: "tm"}},
	{Kind: AlterSequence, Statement: "ALTER SEQUENCE", Lock: ShareRowExclusive,
		Safe: "nextval() of other sessions waits until commit: keep the transaction short", Doc: docSequence, Measured: "Q1",
		Probe: &Probe{Setup: "CREATE SEQUENCE s", SQL: "ALTER SEQUENCE s INCREMENT BY 2", Relation: "s", NewFile: true}},
	{Kind: DropSequence, Statement: "DROP SEQUENCE", Lock: AccessExclusive,
		Safe: "the sequence's position is lost: a sequence created again starts over", Doc: docSequence, Measured: "Q1",
		NotMeasured: "the relation is gone once the statement ran"},
	{Kind: EnumAddValue, Statement: "ALTER TYPE … ADD VALUE", Lock: None, MinMajor: 12,
		Safe: "catalog-only, no table lock; the value cannot be used before commit (12+) and cannot be removed", Doc: docAlterType, Measured: "Y1",
		NotMeasured: "takes no relation lock"},
	{Kind: EnumAddValue, Statement: "ALTER TYPE … ADD VALUE", Lock: None, NonTransactional: true, MaxMajor: 11,
		Safe: "alone in a non-transactional file", Doc: docAlterType, Measured: "Y1 (11: refused in a transaction block)",
		NotMeasured: "takes no relation lock"},
	{Kind: EnumRecreate, Statement: "enum values dropped or reordered: new type, ALTER COLUMN … TYPE … USING", Lock: AccessExclusive, Rewrite: true,
		Safe: "a new column of the new type kept in sync, backfilled, swapped", Doc: docAlterType, Measured: "Y3",
		NotMeasured: "measured as alter-column-type-rewrite"},
	{Kind: Comment, Statement: "COMMENT ON TABLE / COLUMN / INDEX", Lock: ShareUpdateExclusive,
		Safe: "catalog-only", Doc: docComment, Measured: "X5",
		Probe: &Probe{SQL: "COMMENT ON TABLE t IS 'probe'"}},
	{Kind: Privileges, Statement: "GRANT / REVOKE on a table", Lock: None, MaxMajor: 17,
		Safe: "catalog-only; GRANT before the code needs it, REVOKE after it stopped", Doc: docGrant, Measured: "X4",
		Probe: &Probe{SQL: "GRANT SELECT ON t TO PUBLIC"}},
	{Kind: Privileges, Statement: "GRANT / REVOKE on a table", Lock: AccessShare, MinMajor: 18,
		Safe: "catalog-only; GRANT before the code needs it, REVOKE after it stopped", Doc: docGrant, Measured: "X4 (18: ACCESS SHARE)",
		Probe: &Probe{SQL: "GRANT SELECT ON t TO PUBLIC"}},
	{Kind: CatalogOnly, Statement: "CREATE/ALTER/DROP SCHEMA, EXTENSION, TYPE, FUNCTION, SEQUENCE (new)", Lock: None,
		Safe: "no table lock", Doc: docLocking, Measured: "T6, X1, F1",
		NotMeasured: "takes no lock on an existing table"},
	{Kind: ReplaceFunction, Statement: "CREATE OR REPLACE FUNCTION", Lock: None,
		Safe: "no table lock; every session sees the new body at once, and PostgreSQL does not track what a plpgsql body uses", Doc: docFunction, Measured: "F1, F2",
		NotMeasured: "takes no relation lock"},
	{Kind: Backfill, Statement: "UPDATE … (one batch of a backfill)", Lock: RowExclusive,
		Safe: "in batches by primary key, one transaction per batch: each batch locks only its rows", Doc: docLocking, Measured: "§5 (batched backfills)",
		Probe: &Probe{SQL: "UPDATE t SET a = a + 1 WHERE id <= 100"}},
	{Kind: LockTable, Statement: "LOCK TABLE … IN mode MODE", Lock: AccessExclusive,
		Safe: "the mode named (ACCESS EXCLUSIVE when none is)", Doc: docLocking,
		Probe: &Probe{SQL: "LOCK TABLE t"}},
}

// pgTriggerFunc creates the trigger function of the trigger probes.
const pgTriggerFunc = "CREATE FUNCTION t_trg_fn() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$"

// Majors the facts are measured on, and the one assumed when none is given.
const (
	MinMajor     = 13
	MaxMajor     = 18
	DefaultMajor = 15
)

// Of returns the fact of kind k on major (0 means DefaultMajor; the facts
// are measured on 13–18, and rows for older majors come from hazards.md's
// measurements on 11 and 12). ok is false for an unknown kind.
func Of(k Kind, major int) (Fact, bool) {
	if major == 0 {
		major = DefaultMajor
	}
	for _, f := range table {
		if f.Kind == k && f.holds(major) {
			return f, true
		}
	}
	return Fact{}, false
}

// MustOf is Of for a kind the caller names as a constant: an unknown kind
// is a programming error reported as a Fact with Kind set and Lock
// ACCESS EXCLUSIVE (the safe assumption), never a panic.
func MustOf(k Kind, major int) Fact {
	if f, ok := Of(k, major); ok {
		return f
	}
	return Fact{Kind: k, Lock: AccessExclusive, Statement: fmt.Sprintf("unknown kind %q", k)}
}

// All returns every row of the table (each kind once per major range).
func All() []Fact { return append([]Fact(nil), table...) }

// ForMajor returns the facts that hold on major, one per kind.
func ForMajor(major int) []Fact {
	var out []Fact
	for _, f := range table {
		if f.holds(major) {
			out = append(out, f)
		}
	}
	return out
}

func (f Fact) holds(major int) bool {
	return (f.MinMajor == 0 || major >= f.MinMajor) && (f.MaxMajor == 0 || major <= f.MaxMajor)
}

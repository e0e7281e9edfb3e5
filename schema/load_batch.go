package schema

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// Batch limits of execBatched: a batch is one implicit transaction, so it
// also holds the locks of every relation it creates (the shared lock table
// has room for max_locks_per_transaction * max_connections of them).
const (
	maxBatchStmts = 50
	maxBatchBytes = 1 << 20
)

// execBatched executes stmts like ExecStatements (the same effects, the
// same errors at the same positions) in fewer round trips: runs of
// consecutive statements that behave the same inside and outside a
// transaction block are sent as one simple-protocol query, which
// PostgreSQL runs as one implicit transaction. When such a batch fails, it
// has been rolled back as a whole, and its statements are run again one by
// one, so the error reported is the one the statement-by-statement load
// gives (a statement that fails only inside a batch, such as a DO block
// that commits, then simply succeeds). Statements that act differently in a
// transaction block run alone, and so does everything while the file holds
// an explicit transaction open.
func execBatched(ctx context.Context, conn *pgx.Conn, path string, stmts []Statement) error {
	for i := 0; i < len(stmts); {
		if conn.PgConn().TxStatus() != 'I' || !batchable(stmts[i]) {
			if err := ExecStatements(ctx, conn, path, stmts[i:i+1]); err != nil && !roleCreatedMeanwhile(conn, stmts[i], err) {
				return err
			}
			i++
			continue
		}
		j, size := i, 0
		for j < len(stmts) && j-i < maxBatchStmts && size < maxBatchBytes && batchable(stmts[j]) {
			size += len(stmts[j].Text)
			j++
			if endsBatch(stmts[j-1]) {
				break
			}
		}
		batch := stmts[i:j]
		if len(batch) == 1 {
			if err := ExecStatements(ctx, conn, path, batch); err != nil {
				return err
			}
			i = j
			continue
		}
		var sb strings.Builder
		sb.Grow(size + 3*len(batch))
		for _, st := range batch {
			sb.WriteString(st.Text)
			sb.WriteString(";\n")
		}
		if _, err := conn.Exec(ctx, sb.String(), pgx.QueryExecModeSimpleProtocol); err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return fmt.Errorf("%s:%d:%d: %w", batch[0].FileOr(path), batch[0].Line, batch[0].Col, cerr)
			}
			if conn.PgConn().TxStatus() != 'I' {
				// Not rolled back (cannot happen for a batch started outside
				// a transaction block): the one-by-one replay would not see
				// the state it expects.
				return stmtError(path, batch[0], err)
			}
			if err := ExecStatements(ctx, conn, path, batch); err != nil {
				return err
			}
		}
		i = j
	}
	return nil
}

// roleCreatedMeanwhile reports whether err is st, a CREATE ROLE outside a
// transaction block, failing because the role exists: skipExistingRoles
// found it missing, and another load on the same dev server (the other side
// of a diff, loaded at the same time) created it since. A sequential load
// would have skipped the statement: so does this one.
func roleCreatedMeanwhile(conn *pgx.Conn, st Statement, err error) bool {
	var pe *pgconn.PgError
	return st.Node.GetCreateRoleStmt() != nil && errors.As(err, &pe) && pe.Code == "42710" && conn.PgConn().TxStatus() == 'I'
}

// batchable reports whether st acts the same inside a multi-statement
// implicit transaction as it does on its own: transactional DDL. Anything
// else (transaction control, SET, LOCK, SELECT, CALL, VACUUM, CONCURRENTLY
// variants, ...) runs alone.
func batchable(st Statement) bool {
	switch n := st.Node.GetNode().(type) {
	case *pg_query.Node_IndexStmt:
		return !n.IndexStmt.Concurrent
	case *pg_query.Node_DropStmt:
		return !n.DropStmt.Concurrent
	case *pg_query.Node_AlterTableStmt:
		for _, c := range n.AlterTableStmt.Cmds {
			if pc := c.GetAlterTableCmd().GetDef().GetPartitionCmd(); pc != nil && pc.Concurrent {
				return false
			}
		}
		return true
	case *pg_query.Node_CreateStmt, *pg_query.Node_CommentStmt, *pg_query.Node_CreateFunctionStmt,
		*pg_query.Node_CreateTrigStmt, *pg_query.Node_ViewStmt, *pg_query.Node_CreateSeqStmt,
		*pg_query.Node_AlterSeqStmt, *pg_query.Node_CreateEnumStmt, *pg_query.Node_AlterEnumStmt,
		*pg_query.Node_CreateDomainStmt, *pg_query.Node_AlterDomainStmt, *pg_query.Node_CompositeTypeStmt,
		*pg_query.Node_CreateRangeStmt, *pg_query.Node_CreateSchemaStmt, *pg_query.Node_GrantStmt,
		*pg_query.Node_AlterOwnerStmt, *pg_query.Node_CreatePolicyStmt, *pg_query.Node_AlterPolicyStmt,
		*pg_query.Node_DefineStmt, *pg_query.Node_RenameStmt, *pg_query.Node_CreateTableAsStmt,
		*pg_query.Node_AlterFunctionStmt, *pg_query.Node_AlterObjectSchemaStmt, *pg_query.Node_CreateCastStmt,
		*pg_query.Node_DoStmt, *pg_query.Node_AlterDefaultPrivilegesStmt, *pg_query.Node_CreateStatsStmt,
		*pg_query.Node_RuleStmt, *pg_query.Node_CreateExtensionStmt, *pg_query.Node_AlterExtensionStmt,
		*pg_query.Node_CreateOpClassStmt, *pg_query.Node_CreateOpFamilyStmt, *pg_query.Node_AlterOpFamilyStmt,
		*pg_query.Node_CreateConversionStmt, *pg_query.Node_AlterTsdictionaryStmt,
		*pg_query.Node_AlterTsconfigurationStmt, *pg_query.Node_CreateEventTrigStmt, *pg_query.Node_AlterCollationStmt,
		*pg_query.Node_CreateForeignTableStmt, *pg_query.Node_CreateFdwStmt, *pg_query.Node_CreateForeignServerStmt,
		*pg_query.Node_CreateUserMappingStmt, *pg_query.Node_CreateTransformStmt, *pg_query.Node_CreateAmStmt,
		*pg_query.Node_CreatePlangStmt, *pg_query.Node_SecLabelStmt, *pg_query.Node_AlterTypeStmt,
		*pg_query.Node_AlterOperatorStmt, *pg_query.Node_AlterStatsStmt, *pg_query.Node_AlterEventTrigStmt,
		*pg_query.Node_AlterObjectDependsStmt:
		return true
	}
	return false
}

// endsBatch reports whether the batch must be committed right after st:
// a label added by ALTER TYPE ... ADD VALUE cannot be used in the
// transaction that added it.
func endsBatch(st Statement) bool {
	_, ok := st.Node.GetNode().(*pg_query.Node_AlterEnumStmt)
	return ok
}

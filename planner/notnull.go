package planner

import (
	"fmt"

	"github.com/pgshift/pgshift/schema"
)

// NOT NULL constraint names. On PostgreSQL 18 every NOT NULL of a table is
// a pg_constraint row with a name (schema.Column.NotNullName; by default
// <table>_<column>_not_null, with a number added when that is taken, and a
// partition created with PARTITION OF takes its parent's names). The
// planner names the constraint wherever it makes a column NOT NULL, so a
// migrated database has the names a fresh load of the schema file gives
// ("ALTER TABLE": ADD table_constraint NOT NULL, RENAME CONSTRAINT;
// "CREATE TABLE": column_constraint). A model from an older major has no
// names, and the SQL is then what it was before PostgreSQL 18.

// notNullClause is the NOT NULL of a column definition: " CONSTRAINT name
// NOT NULL" when the model names it (accepted by every major; older ones
// ignore the name), else " NOT NULL".
func notNullClause(c *schema.Column) string {
	if c.NotNullName != "" {
		return " CONSTRAINT " + schema.QuoteIdent(c.NotNullName) + " NOT NULL"
	}
	return " NOT NULL"
}

// setNotNull returns the statement that makes column col (quoted) of table
// k NOT NULL under the constraint name (unquoted; "" for no name): on a
// PostgreSQL 18+ target ALTER TABLE k ADD CONSTRAINT name NOT NULL col,
// which scans like SET NOT NULL and is proved by a validated CHECK (col IS
// NOT NULL) the same way; otherwise ALTER COLUMN col SET NOT NULL.
func (b *builder) setNotNull(k, col, name string) string {
	if name != "" && b.targetAtLeast(18) {
		return fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s NOT NULL %s;", k, schema.QuoteIdent(name), col)
	}
	return fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s SET NOT NULL;", k, col)
}

// renameNotNull returns the RENAME CONSTRAINT that gives the NOT NULL
// constraint of a column the name to instead of from (both unquoted), or
// nil when either is "" (a model without names) or they are equal.
func renameNotNull(k, from, to string) []string {
	if from == "" || to == "" || from == to {
		return nil
	}
	return []string{fmt.Sprintf("ALTER TABLE %s RENAME CONSTRAINT %s TO %s;", k, schema.QuoteIdent(from), schema.QuoteIdent(to))}
}

// parkedNotNullName is the name the type-change recipe gives the NOT NULL
// constraint of the old column while the column it built beside it takes
// over the column's name and constraint name (at most 63 bytes,
// generatedName).
func parkedNotNullName(table, col string) string {
	return generatedName(table+"_"+col, "__pgshift_old_not_null")
}

// notNullRenames renames the NOT NULL constraints of table from's columns
// to the names of table to's (columns NOT NULL on both sides). It is for a
// table that is not a partition at that point of the plan (between DETACH
// and ATTACH, diff.Reattached): a partition's inherited constraint cannot
// be renamed.
func notNullRenames(from, to *schema.Table) []string {
	var sql []string
	for _, tc := range to.Columns {
		if fc := from.Column(tc.Name); fc != nil && fc.NotNull && tc.NotNull {
			sql = append(sql, renameNotNull(to.Key(), fc.NotNullName, tc.NotNullName)...)
		}
	}
	return sql
}

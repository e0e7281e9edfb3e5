package runner

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// countSQL counts the rows of t that record an applied migration (goose's
// seed row 0 does not).
func countSQL(format string, t Table) string {
	if format == Goose {
		return "SELECT count(*) FROM " + t.Ident() + " WHERE version_id <> 0"
	}
	return "SELECT count(*) FROM " + t.Ident()
}

// Record stamps versions (ascending) as applied without running them
// (pgshift baseline), in tx, the way the runner would have recorded them:
// it creates the version table t when it is missing (CreateTableSQL, the
// runner's own DDL, goose's seed row included), then records
// golang-migrate its last version (clean), goose and dbmate each version
// (RecordSQL), Flyway one BASELINE row at the last version ("flyway
// baseline": every versioned migration up to it counts as applied). A
// table that already records an applied migration is an error: the
// database is already managed by the runner. It returns the table's
// qualified name as the server resolves it.
func Record(ctx context.Context, tx pgx.Tx, format string, t Table, versions []string) (string, error) {
	if len(versions) == 0 {
		return "", fmt.Errorf("no version to record")
	}
	if err := CheckFormat(format); err != nil {
		return "", err
	}
	if t.Name == "" {
		t.Name = DefaultTable(format)
	}
	id := t.Ident()
	var exists bool
	var qual string
	if err := tx.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL, coalesce(to_regclass($1)::text, $2)", id, t.String()).Scan(&exists, &qual); err != nil {
		return "", fmt.Errorf("look up %s: %w", t, err)
	}
	if exists {
		var n int64
		if err := tx.QueryRow(ctx, countSQL(format, t)).Scan(&n); err != nil {
			return "", fmt.Errorf("read %s (is it a %s table? --migrations-table names another): %w", qual, format, err)
		}
		if n > 0 {
			return "", fmt.Errorf("%s already records %d applied migration(s): the database is already managed by %s; nothing to baseline", qual, n, format)
		}
	} else {
		for _, s := range CreateTableSQL(format, t) {
			if _, err := tx.Exec(ctx, s); err != nil {
				return "", fmt.Errorf("create %s: %w", t, err)
			}
		}
		if err := tx.QueryRow(ctx, "SELECT to_regclass($1)::text", id).Scan(&qual); err != nil {
			return "", fmt.Errorf("look up %s: %w", t, err)
		}
	}
	last := versions[len(versions)-1]
	var stmts []string
	switch format {
	case GolangMigrate:
		stmts = RecordSQL(format, t, &Migration{Version: last})
	case Goose, Dbmate:
		for _, v := range versions {
			stmts = append(stmts, RecordSQL(format, t, &Migration{Version: v})...)
		}
	case Flyway:
		stmts = []string{"INSERT INTO " + id + ` (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
VALUES (1, '` + strings.ReplaceAll(last, "_", ".") + `', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', NULL, current_user, 0, true)`}
	}
	for _, s := range stmts {
		if _, err := tx.Exec(ctx, s); err != nil {
			return "", fmt.Errorf("record the baseline in %s: %w", qual, err)
		}
	}
	return qual, nil
}

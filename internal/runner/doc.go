// Package runner is pgshift's one place for what each migration runner
// (golang-migrate, goose, dbmate, Flyway) does with a migrations directory
// and with its version table. Each rule is written from the runner's own
// source or documentation (cited on the function) and checked against the
// real binaries in the e2e tests:
//
//   - file names and version syntax (ReadDir, Detect, ParseVersion),
//   - annotations and transaction rules (goose "-- +goose ..." matched
//     case-insensitively as goose's sqlparser does, dbmate
//     "-- migrate:up transaction:false", Flyway .sql.conf
//     executeInTransaction=false), and the files each runner refuses
//     (RuleError names the rule),
//   - the version table: its default name, where it lives (TableFor:
//     x-migrations-table, x-migrations-table-quoted, search_path, dbmate's
//     --migrations-table), the DDL the runner runs before the first
//     migration (CreateTableSQL) and the row it records per applied
//     migration (RecordSQL), and how the applied state is read back
//     (ReadState, Classify),
//   - the numbering of new files in an existing directory (Numbering).
//
// # For baseline (stamping a database as migrated)
//
// Record(ctx, tx, format, t, versions) marks versions as applied without
// running them, doing what the runner does: CreateTableSQL(format, t)
// creates the table when it is missing (the runner's own DDL, goose's seed
// row included), RecordSQL(format, t, m) is the INSERT the runner issues
// after running migration m (golang-migrate keeps one row: RecordSQL
// truncates first), and Flyway gets one BASELINE row. TableFor(format,
// url, override) resolves the table from the runner's URL parameters and
// --migrations-table. ReadState reads it back (drift), counting a Flyway
// BASELINE like Flyway does.
//
// Arrows: this package imports neither schema nor planner; schema (the
// replay), emit (generate) and emit/drift use it.
package runner

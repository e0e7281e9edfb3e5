package schema

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Fingerprint is a short, stable identity of a schema model: the SHA-256
// (hex) of its Canonical text with column order ignored (an ALTER TABLE ...
// ADD COLUMN appends, so a migrated database and a fresh load differ only
// in column order) and whether materialized views are populated (data, not
// compared by diff either). Two introspections of an unchanged database have the
// same fingerprint; any planned-for difference changes it.
func Fingerprint(s *Schema) string {
	sum := sha256.Sum256([]byte(Canonical(s, CanonicalOptions{IgnoreColumnOrder: true, IgnoreViewData: true})))
	return hex.EncodeToString(sum[:])
}

// WithScratchSQL creates a scratch database on the dev server devURL,
// loads sql into it as a schema file is loaded (name labels positions in
// errors, "name:line:col"; roles it refers to that do not exist are created
// as NOLOGIN stubs, cluster-wide), calls fn with the scratch database's
// connection string and the loader's notes, and always drops the scratch
// database afterwards. Errors from the load are *PosError values. SQL of a
// major newer than pgshift's parser (schema.ParserMajor) loads when the dev
// server is that new, as a schema file does.
func WithScratchSQL(ctx context.Context, devURL, name string, sql []byte, fn func(scratchURL string, notes []string) error) error {
	stmts, err := SplitStatements(name, sql)
	if err != nil {
		return err
	}
	return withScratch(ctx, devURL, nil, func(admin *pgx.Conn, scratchURL string) error {
		if err := newerSyntaxPossible(admin, stmts); err != nil {
			return err
		}
		res := &LoadResult{}
		if err := loadScratch(ctx, admin, scratchURL, name, stmts, res); err != nil {
			return err
		}
		return fn(scratchURL, res.Notes)
	})
}

// loadScratch runs the statements of the schema file path in the scratch
// database scratchURL the way a schema file is loaded: CREATE ROLE of
// existing roles skipped, missing roles it refers to stubbed (notes in
// res), function bodies not checked (check_function_bodies = off, as
// pg_dump output expects), statements batched where they can be.
func loadScratch(ctx context.Context, admin *pgx.Conn, scratchURL, path string, stmts []Statement, res *LoadResult) error {
	run, err := skipExistingRoles(ctx, admin, path, stmts, res)
	if err != nil {
		return err
	}
	if err := stubRoles(ctx, admin, run, res); err != nil {
		return err
	}
	conn, err := connect(ctx, "dev server", scratchURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "SET check_function_bodies = off", pgx.QueryExecModeSimpleProtocol); err != nil {
		return fmt.Errorf("scratch database: %w", err)
	}
	return execBatched(ctx, conn, path, run)
}

// IntrospectURL connects to the database of connString (a URL or a
// keyword/value string, as WithScratchSQL passes) and returns its model.
func IntrospectURL(ctx context.Context, connString string) (*Schema, error) {
	return introspectURL(ctx, connString)
}

package offline

// Gap is a known difference between an offline model (LoadOffline) and the
// model introspected after loading the same file into a server, after both
// are put into the offline normal form (NormalizeOffline).
type Gap struct {
	Name      string // short identifier, used in warnings and the parity report
	Construct string // what in the input triggers it
	Effect    string // what differs
}

// OfflineGaps is the table of known offline gaps. LoadOffline records in
// OfflineResult.Gaps each one the input uses; pgshift --offline warns about them.
var OfflineGaps = []Gap{
	{"view", "CREATE VIEW / CREATE MATERIALIZED VIEW, and objects on views",
		"pg_get_viewdef rewrites the query (qualifies every column, expands *, adds casts and aliases); offline keeps the query as written (normalized); view column types are unknown offline; dependencies are per relation, not per column"},
	{"extension-version", "CREATE EXTENSION",
		"the installed version is only known to the server (offline it is the VERSION clause or empty); the objects the extension creates are not known offline"},
	{"do-block", "DO $$ ... $$", "the block is not executed: objects it creates are missing offline"},
	{"partition", "PARTITION OF, ATTACH PARTITION, PARTITION BY an expression",
		"partition bounds are kept as written (the server prints them as constants of the key type, e.g. timestamps in UTC); the columns a partition takes from its parent (with the parent's NOT NULL and defaults), and the indexes and constraints the server clones to partitions, and their names, are not modeled"},
	{"inheritance", "INHERITS (...), ALTER TABLE ... INHERIT",
		"columns and CHECK constraints merged from parents are not computed"},
	{"unknown-type", "a type that is neither builtin, defined in the file, nor a known extension type",
		"it is assumed to live in the first schema of the search_path"},
	{"extension-type-modifier", "an extension type with a type modifier (e.g. vector(3), geometry(Point,4326))",
		"the modifier is not rendered the way the extension's typmodout does"},
	{"index-opclass", "an index column with an explicit operator class",
		"the server omits the default operator class of the column type; offline it is kept as written"},
	{"extension-opclass", "a GiST/GIN index while btree_gist/btree_gin is installed",
		"the index may use an operator class of the extension (and then depends on it); offline does not know which"},
	{"function-overload", "a call of a function that has several overloads in the file",
		"the overload is not resolved (argument types are not inferred); the first one is taken for dependencies"},
	{"function-out-params", "functions with OUT/INOUT parameters and no RETURNS TABLE",
		"pg_get_functiondef adds RETURNS record / SETOF record; offline keeps the statement as written"},
	{"sql-body", "SQL-standard function bodies (BEGIN ATOMIC ... END, RETURN expr)",
		"the server stores and prints the analyzed body (qualified names, casts)"},
	{"aggregate", "CREATE AGGREGATE", "the definition is the normalized statement, not the one built from pg_aggregate"},
	{"constraint-trigger", "CREATE CONSTRAINT TRIGGER", "the server adds the internal FROM/NOT DEFERRABLE details"},
	{"alter-column-type", "ALTER TABLE ... ALTER COLUMN ... TYPE", "defaults, constraints and indexes that depend on the column are not rewritten"},
	{"default-privileges", "ALTER DEFAULT PRIVILEGES, GRANT on objects created afterwards", "default privileges are neither modeled nor applied offline"},
	{"current-role", "CURRENT_USER / SESSION_USER / CURRENT_ROLE as a role", "the loading role is unknown offline"},
	{"type-reference", "column%TYPE", "the referenced type is not resolved"},
	{"create-table-like", "CREATE TABLE ... (LIKE other)", "copied columns and constraints are not modeled"},
	{"typed-table", "CREATE TABLE ... OF type", "columns of the type are not modeled"},
	{"range-options", "CREATE TYPE ... AS RANGE with SUBTYPE_OPCLASS", "the operator class is assumed to be in pg_catalog"},
	{"unnamed-statistics", "CREATE STATISTICS without a name", "the generated name is not computed"},
	{"typed-literal", "a string constant compared with, or the default of, a date/time column (e.g. WHERE run_at < '2030-01-01')",
		"the server stores the constant of the column type and prints it in its own spelling ('2030-01-01 00:00:00+00'); offline keeps it as written"},
	{"unresolved-reference", "a reference to an object the file does not define (or defines later)",
		"the reference is qualified with the search_path's first schema and has no dependency"},
	{"unsupported-statement", "a statement or clause the offline loader does not model", "it is ignored"},
}

// GapByName returns the gap named name, or nil.
func GapByName(name string) *Gap {
	for i := range OfflineGaps {
		if OfflineGaps[i].Name == name {
			return &OfflineGaps[i]
		}
	}
	return nil
}

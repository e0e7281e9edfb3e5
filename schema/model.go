// Package schema holds the model of a PostgreSQL database (schemas, extensions,
// types, sequences, tables with their columns, constraints, indexes, triggers and
// policies, views, materialized views, functions, comments and privileges) and
// the loaders that fill it: Introspect reads a live database through pg_catalog,
// and LoadSQL loads a schema.sql file into a scratch database on a dev server and
// introspects it with the same code, so both sides of a diff come out in one
// normal form.
//
// Every definition text in the model (types, defaults, constraint and index
// definitions, view queries, function definitions) is the server's own
// rendering (format_type, pg_get_expr, pg_get_constraintdef, pg_get_indexdef,
// pg_get_viewdef, pg_get_functiondef, pg_get_triggerdef) read with
// search_path = pg_catalog, so every name in it is schema-qualified unless it
// lives in pg_catalog. Two models are compared by plain equality of these
// fields; never by comparing user-written text with catalog text.
package schema

// Schema is the model of one database. Maps are keyed by the object's Key
// (see the Key methods); use the Sorted* helpers for deterministic order.
type Schema struct {
	// ServerVersionNum is server_version_num of the introspected server (e.g. 150020).
	ServerVersionNum int

	Namespaces map[string]*Namespace // key: quoted schema name
	Extensions map[string]*Extension // key: quoted extension name
	Types      map[string]*Type      // key: qualified name
	Sequences  map[string]*Sequence  // key: qualified name (identity sequences are not here)
	Tables     map[string]*Table     // key: qualified name
	Views      map[string]*View      // key: qualified name (views and materialized views)
	Functions  map[string]*Function  // key: qualified name + "(" + identity arguments + ")"

	// Annotations are the pgshift directives of the schema.sql the model was
	// loaded from (renamed columns, allowed drops); nil for a live database.
	// They are not part of the database and not compared.
	Annotations []Annotation `json:"-"`

	// Unmanaged lists objects present in the database that the model does not
	// cover (collations, operators, text search configurations, rules,
	// event triggers, foreign tables, publications, ...). They are reported,
	// never silently ignored.
	Unmanaged []Unmanaged
}

// NewSchema returns an empty model with all maps allocated.
func NewSchema() *Schema {
	return &Schema{
		Namespaces: map[string]*Namespace{},
		Extensions: map[string]*Extension{},
		Types:      map[string]*Type{},
		Sequences:  map[string]*Sequence{},
		Tables:     map[string]*Table{},
		Views:      map[string]*View{},
		Functions:  map[string]*Function{},
	}
}

// Unmanaged is an object the model does not cover yet.
type Unmanaged struct {
	Kind string // e.g. "collation", "text search configuration", "rule"
	Name string // qualified, quoted name as PostgreSQL prints it
}

// Namespace is a schema (pg_namespace). The public schema is modeled like
// any other; it exists in every fresh database.
type Namespace struct {
	Name    string
	Comment string
	ACL     []string // aclitem texts, sorted; nil = default privileges
	Owner   string
}

// Key returns the quoted schema name.
func (n *Namespace) Key() string { return QuoteIdent(n.Name) }

// Extension is an installed extension (pg_extension).
type Extension struct {
	Name    string
	Schema  string // schema it was created in
	Version string
	Comment string // comments of extensions are not compared (set by the extension script)
}

// Key returns the quoted extension name.
func (e *Extension) Key() string { return QuoteIdent(e.Name) }

// TypeKind tells what a user-defined Type is.
type TypeKind string

const (
	TypeEnum      TypeKind = "enum"
	TypeDomain    TypeKind = "domain"
	TypeComposite TypeKind = "composite"
	TypeRange     TypeKind = "range"
)

// Type is a user-defined type: enum, domain, standalone composite or range.
type Type struct {
	Schema string
	Name   string
	Kind   TypeKind

	// Enum: labels in enumsortorder order.
	Labels []string

	// Domain: base type (format_type), NOT NULL, default (pg_get_expr),
	// collation (qualified, "" when the base type's default), and its
	// CHECK constraints by name.
	BaseType    string
	NotNull     bool
	Default     string
	Collation   string
	Constraints []*DomainConstraint

	// Composite: attributes in order.
	Attributes []*Attribute

	// Range: subtype (format_type), and optional subtype opclass, collation,
	// canonical and subtype_diff functions (qualified), multirange name.
	Subtype        string
	SubtypeOpclass string
	Canonical      string
	SubtypeDiff    string
	// Multirange is the qualified multirange type name (PG 14+) when it is not
	// the name PostgreSQL derives from the range name, else "". The range's
	// collation (when not the subtype's default) is in Collation.
	Multirange string

	Comment string
	ACL     []string
	Owner   string
	Deps    []string // object IDs this type depends on (see ID)
}

// Key returns the qualified name of the type.
func (t *Type) Key() string { return QualName(t.Schema, t.Name) }

// DomainConstraint is a CHECK constraint on a domain (a domain's NOT NULL,
// a pg_constraint row on PG 17+, is Type.NotNull).
type DomainConstraint struct {
	Name       string
	Definition string // pg_get_constraintdef, e.g. "CHECK ((VALUE > 0))"
	Comment    string
}

// Attribute is an attribute of a composite type.
type Attribute struct {
	Name      string
	Type      string // format_type with typmod
	Collation string // qualified; "" when the type's default
	Comment   string // COMMENT ON COLUMN type.attribute
}

// Sequence is a sequence (pg_sequence). Sequences that implement identity
// columns are not listed; they belong to the column.
type Sequence struct {
	Schema    string
	Name      string
	DataType  string // format_type: "bigint", "integer", "smallint"
	Start     int64
	Increment int64
	Min       int64
	Max       int64
	Cache     int64
	Cycle     bool
	// OwnedBy is "schema.table.column" (each part quoted) when the sequence
	// is OWNED BY a column (deptype 'a'), else "".
	OwnedBy  string
	Unlogged bool
	Comment  string
	ACL      []string
	Owner    string
	Deps     []string
}

// Key returns the qualified name of the sequence.
func (s *Sequence) Key() string { return QualName(s.Schema, s.Name) }

// TableKind distinguishes ordinary from partitioned tables.
type TableKind string

const (
	TableOrdinary    TableKind = "r"
	TablePartitioned TableKind = "p"
)

// Table is an ordinary or partitioned table, or a partition.
type Table struct {
	Schema string
	Name   string
	Kind   TableKind

	Unlogged bool
	// PartitionKey is pg_get_partkeydef for partitioned tables, e.g. "RANGE (payment_date)".
	PartitionKey string
	// PartitionOf is the qualified parent when this table is a partition;
	// PartitionBound is pg_get_expr(relpartbound), e.g. "FOR VALUES FROM ('2022-01-01') TO ('2022-02-01')".
	PartitionOf    string
	PartitionBound string
	// Inherits lists qualified parents of legacy (non-partition) inheritance, in order.
	Inherits []string

	// Columns are the table's own columns (attislocal) in attnum order; a
	// partition lists all its columns (they are the parent's, but NOT NULL,
	// default, storage and statistics are the partition's own, and a table
	// attached with ATTACH PARTITION keeps attislocal), so a partition-level
	// NOT NULL or default is seen. Dropped columns are not listed.
	Columns []*Column
	// Constraints are pg_constraint rows of the table that are not inherited
	// from a partitioned parent (conparentid = 0) and not NOT NULL constraints.
	Constraints []*Constraint
	// Indexes are indexes that do not implement a constraint and are not
	// partitions of a parent index.
	Indexes []*Index
	// PartitionIndexes are, for a partition, its indexes that are attached
	// to an index of the parent (pg_inherits on indexes), those that
	// implement a constraint cloned from the parent's included; sorted by
	// Parent. See "Partition Maintenance", PostgreSQL docs 5.11.2.2.
	PartitionIndexes []*PartitionIndex
	Triggers         []*Trigger // not internal, not cloned from a parent (tgparentid = 0)
	Policies         []*Policy

	RLSEnabled bool
	RLSForced  bool
	// Options are reloptions ("fillfactor=70"), sorted.
	Options []string
	// ReplicaIdentity is relreplident: "d" default, "n" nothing, "f" full, "i" index.
	ReplicaIdentity      string
	ReplicaIdentityIndex string // index name when ReplicaIdentity = "i"

	Comment string
	ACL     []string
	Owner   string
	Deps    []string
}

// PartitionIndex is an index of a partition attached to an index of the
// partitioned parent (ALTER INDEX parent ATTACH PARTITION, or created by
// the server when the parent's index or the partition was created).
type PartitionIndex struct {
	Name   string // the partition's index (and constraint, for a key), unqualified: it lives in the partition's schema
	Parent string // qualified name of the parent's index
}

// PartitionIndexFor returns the partition's index attached to the parent
// index parent (qualified name), or nil.
func (t *Table) PartitionIndexFor(parent string) *PartitionIndex {
	for _, p := range t.PartitionIndexes {
		if p.Parent == parent {
			return p
		}
	}
	return nil
}

// Key returns the qualified name of the table.
func (t *Table) Key() string { return QualName(t.Schema, t.Name) }

// Column returns the column with that name, or nil.
func (t *Table) Column(name string) *Column {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Constraint returns the constraint with that name, or nil.
func (t *Table) Constraint(name string) *Constraint {
	for _, c := range t.Constraints {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Column is a table column (pg_attribute, attnum > 0, not dropped).
type Column struct {
	Name string
	// Type is format_type(atttypid, atttypmod), e.g. "character varying(20)",
	// "public.mood", "timestamp with time zone", "integer[]".
	Type    string
	NotNull bool
	// NotNullName is the name of the column's NOT NULL constraint (the
	// pg_constraint row of contype 'n' on PostgreSQL 18+, e.g.
	// "t_c_not_null"), or "" when NotNull is false or the model was read
	// from an older major (where NOT NULL has no name) or from a file
	// without a server. A model from 18 and one from an older major are
	// never different in it (diff compares it only when both are set).
	NotNullName string
	// Default is pg_get_expr(adbin) for a default (not for a generated column), or "".
	Default string
	// Identity is attidentity: "" none, "a" ALWAYS, "d" BY DEFAULT.
	Identity string
	// IdentitySequence holds the options of the identity sequence (its name is
	// derived by PostgreSQL and not compared), nil when Identity is "".
	IdentitySequence *Sequence
	// Generated is the expression of a STORED generated column (attgenerated 's'), or "".
	Generated string
	// Virtual is true when Generated is a VIRTUAL generated column (attgenerated 'v', PG 18+).
	Virtual bool
	// Collation is the qualified collation when it differs from the type's
	// default collation (e.g. "pg_catalog.\"C\""), else "".
	Collation string
	// Options are attoptions ("n_distinct=-1"), sorted.
	Options []string
	// Statistics is attstattarget; -1 = default.
	Statistics int
	// Storage is attstorage when it differs from the type's default (typstorage), else "".
	Storage string
	// TypeStorage is the type's default storage (typstorage) when Storage is
	// set, else "": what RESET of the storage goes back to.
	TypeStorage string
	// Compression is attcompression ("p" pglz, "l" lz4) or "".
	Compression string

	Comment string
	ACL     []string // column privileges
	Deps    []string // IDs this column depends on: its type, collation, default's sequences/functions
}

// ConstraintType is pg_constraint.contype.
type ConstraintType string

const (
	ConstraintPrimaryKey ConstraintType = "p"
	ConstraintUnique     ConstraintType = "u"
	ConstraintForeignKey ConstraintType = "f"
	ConstraintCheck      ConstraintType = "c"
	ConstraintExclusion  ConstraintType = "x"
	ConstraintTrigger    ConstraintType = "t" // constraint triggers are modeled as Trigger, never here
)

// Constraint is a table constraint.
type Constraint struct {
	Name string
	Type ConstraintType
	// Definition is pg_get_constraintdef(oid), e.g. "FOREIGN KEY (a) REFERENCES
	// public.t(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED" or
	// "CHECK ((x > 0)) NOT VALID". It includes NOT VALID, DEFERRABLE and
	// INITIALLY DEFERRED, so comparing it compares those too.
	Definition string
	Validated  bool // convalidated
	// Index is the qualified name of the index that implements a PK, UNIQUE or
	// EXCLUDE constraint (pg_constraint.conindid), "" otherwise.
	Index        string
	IndexComment string // comment on that index
	// ReferencedTable is the qualified referenced table of a FK, else "".
	ReferencedTable string
	Comment         string
	Deps            []string
}

// Index is an index that does not implement a constraint.
type Index struct {
	Schema string
	Name   string
	Table  string // qualified table (or materialized view) name
	// Definition is pg_get_indexdef(oid): the full CREATE [UNIQUE] INDEX
	// statement, with qualified names; on a partitioned table it reads "ON ONLY".
	Definition string
	Unique     bool
	Valid      bool // indisvalid
	// Clustered is indisclustered.
	Clustered bool
	Comment   string
	Deps      []string
}

// Key returns the qualified name of the index.
func (i *Index) Key() string { return QualName(i.Schema, i.Name) }

// Trigger is a trigger (including constraint triggers) on a table or view.
type Trigger struct {
	Name string
	// Definition is pg_get_triggerdef(oid): the full CREATE [CONSTRAINT] TRIGGER statement.
	Definition string
	// Enabled is tgenabled: "O" origin (default), "D" disabled, "R" replica, "A" always.
	Enabled string
	Comment string
	Deps    []string
}

// Policy is a row-level security policy (pg_policy).
type Policy struct {
	Name       string
	Permissive bool
	Command    string   // "ALL", "SELECT", "INSERT", "UPDATE", "DELETE"
	Roles      []string // role names, "public" for PUBLIC; sorted
	Using      string   // pg_get_expr(polqual), or ""
	WithCheck  string   // pg_get_expr(polwithcheck), or ""
	Comment    string
	Deps       []string
}

// View is a view or materialized view.
type View struct {
	Schema       string
	Name         string
	Materialized bool
	// Definition is pg_get_viewdef(oid, false) without the trailing semicolon handling changed.
	Definition string
	// Columns are the output column names and types (format_type), in order.
	Columns []*ViewColumn
	// Options are reloptions (security_barrier, check_option, security_invoker, ...), sorted.
	Options []string
	// WithData is relispopulated for materialized views.
	WithData bool
	// Indexes on a materialized view.
	Indexes  []*Index
	Triggers []*Trigger // INSTEAD OF triggers on views
	Comment  string
	ACL      []string
	Owner    string
	Deps     []string
}

// ViewColumn is one output column of a view.
type ViewColumn struct {
	Name    string
	Type    string
	Comment string
	Default string // pg_get_expr of a view column default, or ""
}

// Key returns the qualified name of the view.
func (v *View) Key() string { return QualName(v.Schema, v.Name) }

// FunctionKind is pg_proc.prokind.
type FunctionKind string

const (
	FunctionNormal    FunctionKind = "f"
	FunctionProcedure FunctionKind = "p"
	FunctionAggregate FunctionKind = "a"
	FunctionWindow    FunctionKind = "w"
)

// Function is a function, procedure or aggregate.
type Function struct {
	Schema string
	Name   string
	Kind   FunctionKind
	// IdentityArgs is pg_get_function_identity_arguments(oid), e.g. "a integer, b text".
	IdentityArgs string
	// Result is pg_get_function_result(oid), e.g. "integer" or "TABLE(a integer)"; "" for procedures.
	Result string
	// Definition is the full CREATE statement: pg_get_functiondef(oid) for
	// functions and procedures, a CREATE AGGREGATE statement built from
	// pg_aggregate for aggregates.
	Definition string
	Comment    string
	ACL        []string
	Owner      string
	Deps       []string
}

// Key returns the qualified name with identity arguments: `public.f(a integer)`.
func (f *Function) Key() string { return QualName(f.Schema, f.Name) + "(" + f.IdentityArgs + ")" }

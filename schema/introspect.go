package schema

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Introspect reads the model of the database conn is connected to.
//
// All catalog reads run in one REPEATABLE READ READ ONLY transaction with
// search_path = pg_catalog (so every pg_get_*def text is schema-qualified)
// and with the output settings that affect deparsed constants pinned
// (DateStyle ISO, IntervalStyle postgres, TimeZone UTC, extra_float_digits 1,
// bytea_output hex), and use a fixed number of queries whatever the size of
// the schema. The transaction is always ended, so conn stays usable.
//
// The result is a normal form: the same DDL loaded into two databases of the
// same server version gives byte-identical models (see Canonical). OIDs,
// database names, statistics and sequence positions are never read into it.
// Objects that belong to an extension are left out; objects of kinds the
// model does not cover are listed in Schema.Unmanaged.
//
// ACL entries (Namespace.ACL, Table.ACL, Column.ACL, ...) are the exploded
// privileges of the object with the entries granted to the object's owner
// removed, formatted "grantee=PRIVILEGE" ("grantee=PRIVILEGE*" when WITH
// GRANT OPTION), grantee quoted like an identifier and PUBLIC for the public
// pseudo-role, sorted; e.g. []string{"PUBLIC=EXECUTE", "app=SELECT*"}. An
// object with default privileges gets the owner-less part of
// acldefault(), e.g. "PUBLIC=EXECUTE" for functions and "PUBLIC=USAGE" for
// types; nil means nobody but the owner has privileges.
func Introspect(ctx context.Context, conn *pgx.Conn) (s *Schema, err error) {
	if conn == nil {
		return nil, errors.New("introspect: nil connection")
	}
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("introspect: begin transaction: %w", err)
	}
	defer func() {
		// Read-only: rolling back is the same as committing. Use a context
		// that is not cancelled so the connection is left in a clean state.
		if rerr := tx.Rollback(context.WithoutCancel(ctx)); rerr != nil && !errors.Is(rerr, pgx.ErrTxClosed) && err == nil {
			s, err = nil, fmt.Errorf("introspect: end transaction: %w", rerr)
		}
	}()
	for _, set := range []string{
		"SET LOCAL search_path = pg_catalog",
		"SET LOCAL DateStyle = 'ISO, YMD'",
		"SET LOCAL IntervalStyle = 'postgres'",
		"SET LOCAL TimeZone = 'UTC'",
		"SET LOCAL extra_float_digits = 1",
		"SET LOCAL bytea_output = 'hex'",
		// As pg_dump does: the catalog queries cost enough for the planner
		// to JIT-compile them, which takes longer than running them.
		"SET LOCAL jit = off",
	} {
		if _, err := tx.Exec(ctx, set); err != nil {
			return nil, fmt.Errorf("introspect: %s: %w", set, err)
		}
	}
	in := newIntrospector(tx)
	if err := in.run(ctx); err != nil {
		return nil, err
	}
	return in.s, nil
}

// Catalog OIDs (fixed in the PostgreSQL headers, identical on every version).
const (
	classPgType       uint32 = 1247
	classPgProc       uint32 = 1255
	classPgClass      uint32 = 1259
	classPgAttrdef    uint32 = 2604
	classPgConstraint uint32 = 2606
	classPgNamespace  uint32 = 2615
	classPgRewrite    uint32 = 2618
	classPgTrigger    uint32 = 2620
	classPgExtension  uint32 = 3079
	classPgPolicy     uint32 = 3256
)

// objRef names a catalog row: (classid, objid).
type objRef struct{ class, oid uint32 }

// relInfo is what the dependency translation needs to know about a relation.
type relInfo struct {
	kind     byte   // relkind
	key      string // qualified name
	id       string // ID of the relation itself ("" when not modeled)
	attnames map[int16]string
	// identityCol is the column ID an identity sequence belongs to.
	identityCol string
	// consID is the constraint ID of an index that implements a constraint.
	consID string
}

// depSink collects the dependencies of one dependent catalog row.
type depSink struct {
	deps *[]string
	// cols receives column-level dependencies (objsubid > 0) of a table.
	cols map[int16]*Column
	self map[string]bool
}

type introspector struct {
	tx  pgx.Tx
	s   *Schema
	ver int

	extByOID   map[uint32]string // extension oid -> ID
	extMember  map[objRef]string // member object -> extension ID
	nsByOID    map[uint32]string // user namespace oid -> name
	rels       map[uint32]*relInfo
	typeIDs    map[uint32]string // pg_type oid -> ID (resolved; "" = not modeled)
	typeRaw    map[uint32]typeRow
	procIDs    map[uint32]string
	consIDs    map[uint32]string
	tables     map[uint32]*Table
	views      map[uint32]*View
	typesByRel map[uint32]*Type // composite type by its pg_class oid
	sinks      map[objRef]*depSink
	// identity sequences: sequence oid -> column (attached after columns are read)
	identitySeqs map[uint32]identitySeq
	// pendingOwners are OWNED BY sequences, resolved once column names are known.
	pendingOwners []pendingOwner
	consObjs      map[uint32]*Constraint
}

type identitySeq struct {
	seq    *Sequence
	table  uint32
	attnum int16
}

func newIntrospector(tx pgx.Tx) *introspector {
	return &introspector{
		tx:           tx,
		s:            NewSchema(),
		extByOID:     map[uint32]string{},
		extMember:    map[objRef]string{},
		nsByOID:      map[uint32]string{},
		rels:         map[uint32]*relInfo{},
		typeIDs:      map[uint32]string{},
		typeRaw:      map[uint32]typeRow{},
		procIDs:      map[uint32]string{},
		consIDs:      map[uint32]string{},
		tables:       map[uint32]*Table{},
		views:        map[uint32]*View{},
		typesByRel:   map[uint32]*Type{},
		sinks:        map[objRef]*depSink{},
		identitySeqs: map[uint32]identitySeq{},
		consObjs:     map[uint32]*Constraint{},
	}
}

func (in *introspector) run(ctx context.Context) error {
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"server version", in.readVersion},
		{"extensions", in.readExtensions},
		{"extension members", in.readExtensionMembers},
		{"namespaces", in.readNamespaces},
		{"types", in.readTypes},
		{"tables", in.readTables},
		{"views", in.readViews},
		{"sequences", in.readSequences},
		{"columns", in.readColumns},
		{"constraints", in.readConstraints},
		{"indexes", in.readIndexes},
		{"partition indexes", in.readPartitionIndexes},
		{"triggers", in.readTriggers},
		{"policies", in.readPolicies},
		{"functions", in.readFunctions},
		{"dependencies", in.readDepends},
		{"unmanaged objects", in.readUnmanaged},
	}
	for _, st := range steps {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("introspect %s: %w", st.name, err)
		}
		if err := st.fn(ctx); err != nil {
			return fmt.Errorf("introspect %s: %w", st.name, err)
		}
	}
	SortModel(in.s)
	return nil
}

// query runs sql and calls scan for each row.
func (in *introspector) query(ctx context.Context, sql string, scan func(pgx.Rows) error, args ...any) error {
	rows, err := in.tx.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// SQL fragments shared by the queries.

// userNamespace is true for the namespace alias n when it is not a system schema.
const userNamespace = `(n.nspname <> 'information_schema' AND n.nspname !~ '^pg_')`

// notExtMember returns a condition that the row oidExpr of catalog class is
// not a member of an extension. The queries of large catalogs (pg_class,
// pg_attribute, pg_type, pg_proc) test membership on the client instead,
// with isExtMember: the anti-join scans pg_depend, the largest catalog,
// once per query.
func notExtMember(class, oidExpr string) string {
	return `NOT EXISTS (SELECT 1 FROM pg_depend xd WHERE xd.classid = '` + class + `'::regclass AND xd.objid = ` + oidExpr + ` AND xd.deptype = 'e')`
}

// aclSQL returns an expression giving the normalized ACL entries of an
// object as text[]: "grantee=PRIVILEGE[*]", without the owner's entries.
func aclSQL(aclExpr, defaultKind, ownerExpr string) string {
	var src string
	if defaultKind == "" {
		src = aclExpr // aclexplode is strict: NULL gives no rows
	} else {
		src = `coalesce(` + aclExpr + `, acldefault('` + defaultKind + `', ` + ownerExpr + `))`
	}
	return `ARRAY(SELECT (CASE WHEN xa.grantee = 0 THEN 'PUBLIC' ELSE xa.grantee::regrole::text END) || '=' || xa.privilege_type || (CASE WHEN xa.is_grantable THEN '*' ELSE '' END) FROM aclexplode(` + src + `) xa WHERE xa.grantee <> ` + ownerExpr + `)`
}

// commentSQL returns a LEFT JOIN on pg_description for (class, oidExpr, subidExpr) as alias.
func commentJoin(alias, class, oidExpr, subidExpr string) string {
	return ` LEFT JOIN pg_description ` + alias + ` ON ` + alias + `.objoid = ` + oidExpr + ` AND ` + alias + `.classoid = '` + class + `'::regclass AND ` + alias + `.objsubid = ` + subidExpr + ` `
}

func (in *introspector) readVersion(ctx context.Context) error {
	var v string
	if err := in.tx.QueryRow(ctx, `SELECT current_setting('server_version_num')`).Scan(&v); err != nil {
		return err
	}
	if _, err := fmt.Sscan(v, &in.ver); err != nil {
		return fmt.Errorf("parse server_version_num %q: %w", v, err)
	}
	if in.ver < 130000 {
		// The catalog queries use columns added up to PostgreSQL 13
		// (pg_trigger.tgparentid); newer ones are gated on in.ver.
		return fmt.Errorf("PostgreSQL %d.%d is not supported: pgshift needs PostgreSQL 13 or later", in.ver/10000, in.ver%10000)
	}
	in.s.ServerVersionNum = in.ver
	return nil
}

func (in *introspector) readExtensions(ctx context.Context) error {
	return in.query(ctx, `
SELECT e.oid, e.extname, n.nspname, e.extversion, coalesce(d.description, '')
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace`+
		commentJoin("d", "pg_extension", "e.oid", "0"), func(r pgx.Rows) error {
		var oid uint32
		e := &Extension{}
		if err := r.Scan(&oid, &e.Name, &e.Schema, &e.Version, &e.Comment); err != nil {
			return err
		}
		in.s.Extensions[e.Key()] = e
		in.extByOID[oid] = ID(KindExtension, e.Key())
		return nil
	})
}

// isExtMember reports whether the catalog row (class, oid) belongs to an
// extension (readExtensionMembers has run).
func (in *introspector) isExtMember(class, oid uint32) bool {
	_, ok := in.extMember[objRef{class, oid}]
	return ok
}

func (in *introspector) readExtensionMembers(ctx context.Context) error {
	return in.query(ctx, `
SELECT classid, objid, refobjid FROM pg_depend
WHERE deptype = 'e' AND refclassid = 'pg_extension'::regclass`, func(r pgx.Rows) error {
		var class, oid, ext uint32
		if err := r.Scan(&class, &oid, &ext); err != nil {
			return err
		}
		if id, ok := in.extByOID[ext]; ok {
			in.extMember[objRef{class, oid}] = id
		}
		return nil
	})
}

func (in *introspector) readNamespaces(ctx context.Context) error {
	return in.query(ctx, `
SELECT n.oid, n.nspname,
       -- The public schema's owner in a fresh database (pg_database_owner
       -- from PostgreSQL 15, the bootstrap superuser before) is no choice
       -- of the schema's: "" as for any owner not declared.
       CASE WHEN n.nspname = 'public' AND (n.nspowner = 10 OR pg_get_userbyid(n.nspowner) = 'pg_database_owner')
            THEN '' ELSE pg_get_userbyid(n.nspowner) END,
       coalesce(d.description, ''),
       `+aclSQL("n.nspacl", "n", "n.nspowner")+`
FROM pg_namespace n`+commentJoin("d", "pg_namespace", "n.oid", "0")+`
WHERE `+userNamespace+` AND `+notExtMember("pg_namespace", "n.oid"), func(r pgx.Rows) error {
		var oid uint32
		ns := &Namespace{}
		if err := r.Scan(&oid, &ns.Name, &ns.Owner, &ns.Comment, &ns.ACL); err != nil {
			return err
		}
		ns.ACL = SortedSet(ns.ACL)
		in.s.Namespaces[ns.Key()] = ns
		in.nsByOID[oid] = ns.Name
		return nil
	})
}

// typeRow is the raw data of a pg_type row of a user namespace.
type typeRow struct {
	schema, name string
	typtype      string
	elem         uint32 // element type of an array type (0 otherwise)
	relid        uint32 // typrelid
	relkind      string // relkind of typrelid
	multiOf      uint32 // range type of a multirange
	member       bool   // extension member
}

func (in *introspector) readTypes(ctx context.Context) error {
	multi := "0::oid"
	multiName := "''"
	if in.ver >= 140000 {
		multi = "coalesce((SELECT rm.rngtypid FROM pg_range rm WHERE rm.rngmultitypid = t.oid), 0)"
		multiName = "coalesce((SELECT quote_ident(mn.nspname) || '.' || quote_ident(mt.typname) FROM pg_type mt JOIN pg_namespace mn ON mn.oid = mt.typnamespace WHERE mt.oid = r.rngmultitypid), '')"
	}
	q := `
SELECT t.oid, n.nspname, t.typname, t.typtype::text,
       (CASE WHEN t.typelem <> 0 AND (SELECT et.typarray FROM pg_type et WHERE et.oid = t.typelem) = t.oid THEN t.typelem ELSE 0 END),
       t.typrelid, coalesce(c.relkind::text, ''), ` + multi + `,
       pg_get_userbyid(t.typowner), coalesce(d.description, ''), ` + aclSQL("t.typacl", "T", "t.typowner") + `,
       -- domain
       (CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) ELSE '' END),
       t.typnotnull,
       (CASE WHEN t.typtype = 'd' THEN coalesce(pg_get_expr(t.typdefaultbin, 0), t.typdefault, '') ELSE '' END),
       (CASE WHEN t.typtype = 'd' AND t.typcollation <> bt.typcollation
             THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = t.typcollation)
             ELSE '' END),
       -- enum
       (CASE WHEN t.typtype = 'e' THEN ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) END),
       -- range
       coalesce(format_type(r.rngsubtype, NULL), ''),
       coalesce((SELECT quote_ident(on_.nspname) || '.' || quote_ident(oc.opcname) FROM pg_opclass oc JOIN pg_namespace on_ ON on_.oid = oc.opcnamespace
                 WHERE oc.oid = r.rngsubopc AND NOT oc.opcdefault), ''),
       coalesce((SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
                 WHERE co.oid = r.rngcollation AND r.rngcollation <> st.typcollation), ''),
       coalesce(nullif(r.rngcanonical, 0)::regproc::text, ''),
       coalesce(nullif(r.rngsubdiff, 0)::regproc::text, ''),
       ` + multiName + `
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_class c ON c.oid = t.typrelid
LEFT JOIN pg_type bt ON bt.oid = t.typbasetype
LEFT JOIN pg_range r ON r.rngtypid = t.oid
LEFT JOIN pg_type st ON st.oid = r.rngsubtype` + commentJoin("d", "pg_type", "t.oid", "0") + `
WHERE ` + userNamespace
	return in.query(ctx, q, func(r pgx.Rows) error {
		var (
			oid      uint32
			tr       typeRow
			typ      = &Type{}
			labels   []string
			multirng string
			rngColl  string
		)
		if err := r.Scan(&oid, &tr.schema, &tr.name, &tr.typtype, &tr.elem, &tr.relid, &tr.relkind, &tr.multiOf,
			&typ.Owner, &typ.Comment, &typ.ACL,
			&typ.BaseType, &typ.NotNull, &typ.Default, &typ.Collation,
			&labels,
			&typ.Subtype, &typ.SubtypeOpclass, &rngColl, &typ.Canonical, &typ.SubtypeDiff, &multirng); err != nil {
			return err
		}
		tr.member = in.isExtMember(classPgType, oid)
		in.typeRaw[oid] = tr
		if tr.member {
			return nil
		}
		typ.Schema, typ.Name = tr.schema, tr.name
		switch {
		case tr.typtype == "e":
			typ.Kind = TypeEnum
			typ.Labels = labels
		case tr.typtype == "d":
			typ.Kind = TypeDomain
		case tr.typtype == "r":
			typ.Kind = TypeRange
			typ.Collation = rngColl
			// The default multirange name is derived from the range name;
			// record it only when it was chosen explicitly.
			if multirng != "" && multirng != DefaultMultirangeName(tr.schema, tr.name) {
				typ.Multirange = multirng
			}
		case tr.typtype == "c" && tr.relkind == "c":
			typ.Kind = TypeComposite
		default:
			return nil
		}
		if typ.Kind != TypeDomain {
			typ.NotNull = false
			typ.Default = ""
		}
		typ.ACL = SortedSet(typ.ACL)
		in.s.Types[typ.Key()] = typ
		id := ID(KindType, typ.Key())
		self := map[string]bool{id: true}
		in.sinks[objRef{classPgType, oid}] = &depSink{deps: &typ.Deps, self: self}
		if typ.Kind == TypeComposite {
			in.typesByRel[tr.relid] = typ
			in.rels[tr.relid] = &relInfo{kind: 'c', key: typ.Key(), id: id}
			in.sinks[objRef{classPgClass, tr.relid}] = &depSink{deps: &typ.Deps, self: self}
		}
		return nil
	})
}

// DefaultMultirangeName is the name PostgreSQL derives for the multirange of
// a range type (makeMultirangeTypeName): "range" in the name becomes
// "multirange", else "_multirange" is appended.
func DefaultMultirangeName(schema, rng string) string {
	var name string
	if i := strings.Index(rng, "range"); i >= 0 {
		name = rng[:i] + "multirange" + rng[i+len("range"):]
	} else {
		name = rng + "_multirange"
	}
	if len(name) > 63 {
		return "" // truncated names: always record explicitly
	}
	return QualName(schema, name)
}

// typeID resolves a pg_type oid to the ID of the modeled object it stands
// for: the type itself, an array's element, a relation's row type, a
// multirange's range, or the extension the type belongs to.
func (in *introspector) typeID(oid uint32, depth int) string {
	if id, ok := in.extMember[objRef{classPgType, oid}]; ok {
		return id
	}
	tr, ok := in.typeRaw[oid]
	if !ok || depth > 8 {
		return ""
	}
	switch {
	case tr.elem != 0:
		return in.typeID(tr.elem, depth+1)
	case tr.multiOf != 0:
		return in.typeID(tr.multiOf, depth+1)
	case tr.relid != 0:
		return in.relID(tr.relid, 0)
	case tr.typtype == "e" || tr.typtype == "d" || tr.typtype == "r":
		return ID(KindType, QualName(tr.schema, tr.name))
	}
	return ""
}

// relID translates a reference to a relation (and optionally one of its
// columns) into an object ID.
func (in *introspector) relID(oid uint32, subid int16) string {
	if id, ok := in.extMember[objRef{classPgClass, oid}]; ok {
		return id
	}
	ri, ok := in.rels[oid]
	if !ok {
		return ""
	}
	switch ri.kind {
	case 'r', 'p':
		if subid > 0 {
			if name, ok := ri.attnames[subid]; ok {
				return ID(KindColumn, ri.key+"."+QuoteIdent(name))
			}
			return ""
		}
		return ri.id
	case 'S':
		if ri.identityCol != "" {
			return ri.identityCol
		}
		return ri.id
	case 'i', 'I':
		if ri.consID != "" {
			return ri.consID
		}
		return ri.id
	default:
		return ri.id
	}
}

// refID translates any pg_depend reference into an object ID, "" when the
// referenced object is not modeled.
func (in *introspector) refID(class, oid uint32, subid int16) string {
	if id, ok := in.extMember[objRef{class, oid}]; ok {
		return id
	}
	switch class {
	case classPgClass:
		return in.relID(oid, subid)
	case classPgType:
		return in.typeID(oid, 0)
	case classPgProc:
		return in.procIDs[oid]
	case classPgNamespace:
		if name, ok := in.nsByOID[oid]; ok {
			return ID(KindSchema, QuoteIdent(name))
		}
	case classPgExtension:
		return in.extByOID[oid]
	case classPgConstraint:
		return in.consIDs[oid]
	}
	return ""
}

func (in *introspector) readDepends(ctx context.Context) error {
	return in.query(ctx, `
SELECT classid, objid, objsubid::int2, refclassid, refobjid, refobjsubid::int2
FROM pg_depend
WHERE deptype IN ('n', 'a') AND objid >= 16384
  AND classid IN ('pg_class'::regclass, 'pg_type'::regclass, 'pg_proc'::regclass, 'pg_constraint'::regclass,
                  'pg_attrdef'::regclass, 'pg_rewrite'::regclass, 'pg_trigger'::regclass, 'pg_policy'::regclass)`,
		func(r pgx.Rows) error {
			var class, oid, refclass, refoid uint32
			var subid, refsubid int16
			if err := r.Scan(&class, &oid, &subid, &refclass, &refoid, &refsubid); err != nil {
				return err
			}
			sink := in.sinks[objRef{class, oid}]
			if sink == nil {
				return nil
			}
			id := in.refID(refclass, refoid, refsubid)
			if id == "" || sink.self[id] {
				return nil
			}
			if subid > 0 && sink.cols != nil {
				col := sink.cols[subid]
				if col == nil {
					return nil
				}
				col.Deps = append(col.Deps, id)
				return nil
			}
			*sink.deps = append(*sink.deps, id)
			return nil
		})
}

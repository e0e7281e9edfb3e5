package schema

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// relOptionsSQL gives the reloptions of relation c plus those of its TOAST
// table prefixed "toast.", as text[].
const relOptionsSQL = `coalesce(c.reloptions, '{}'::text[]) ||
       coalesce((SELECT array_agg('toast.' || o) FROM pg_class tc, unnest(tc.reloptions) o WHERE tc.oid = c.reltoastrelid), '{}'::text[])`

func (in *introspector) readTables(ctx context.Context) error {
	parents := map[uint32][]uint32{}
	var order []uint32
	err := in.query(ctx, `
SELECT c.oid, n.nspname, c.relname, c.relkind::text, c.relpersistence = 'u',
       pg_get_userbyid(c.relowner), coalesce(d.description, ''), `+aclSQL("c.relacl", "r", "c.relowner")+`,
       `+relOptionsSQL+`,
       c.relrowsecurity, c.relforcerowsecurity, c.relreplident::text,
       coalesce((SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
                 WHERE i.indrelid = c.oid AND i.indisreplident LIMIT 1), ''),
       (CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) ELSE '' END),
       c.relispartition,
       (CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) ELSE '' END),
       ARRAY(SELECT ih.inhparent FROM pg_inherits ih WHERE ih.inhrelid = c.oid ORDER BY ih.inhseqno)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace`+commentJoin("d", "pg_class", "c.oid", "0")+`
WHERE c.relkind IN ('r', 'p') AND `+userNamespace,
		func(r pgx.Rows) error {
			var (
				oid    uint32
				kind   string
				isPart bool
				par    []uint32
				riName string
			)
			t := &Table{}
			if err := r.Scan(&oid, &t.Schema, &t.Name, &kind, &t.Unlogged, &t.Owner, &t.Comment, &t.ACL, &t.Options,
				&t.RLSEnabled, &t.RLSForced, &t.ReplicaIdentity, &riName, &t.PartitionKey, &isPart, &t.PartitionBound, &par); err != nil {
				return err
			}
			if in.isExtMember(classPgClass, oid) {
				return nil
			}
			t.Kind = TableKind(kind)
			t.ACL = SortedSet(t.ACL)
			t.Options = SortedSet(t.Options)
			if t.ReplicaIdentity == "i" {
				t.ReplicaIdentityIndex = riName
			}
			if isPart && len(par) > 0 {
				// A partition has exactly one parent; any others would be an error.
				parents[oid] = par[:1]
			} else if len(par) > 0 {
				parents[oid] = par
			}
			in.s.Tables[t.Key()] = t
			in.tables[oid] = t
			id := ID(KindTable, t.Key())
			in.rels[oid] = &relInfo{kind: kind[0], key: t.Key(), id: id}
			in.sinks[objRef{classPgClass, oid}] = &depSink{deps: &t.Deps, cols: map[int16]*Column{}, self: map[string]bool{id: true}}
			if isPart {
				t.PartitionOf = "\x00" // resolved below
			}
			order = append(order, oid)
			return nil
		})
	if err != nil {
		return err
	}
	for _, oid := range order {
		t := in.tables[oid]
		names := make([]string, 0, len(parents[oid]))
		for _, p := range parents[oid] {
			pi, ok := in.rels[p]
			if !ok {
				return fmt.Errorf("table %s: parent relation %d is not a modeled table", t.Key(), p)
			}
			names = append(names, pi.key)
		}
		if t.PartitionOf != "" {
			t.PartitionOf = ""
			if len(names) == 1 {
				t.PartitionOf = names[0]
			}
		} else {
			t.Inherits = names
		}
	}
	return nil
}

func (in *introspector) readViews(ctx context.Context) error {
	return in.query(ctx, `
SELECT c.oid, n.nspname, c.relname, c.relkind = 'm', pg_get_viewdef(c.oid),
       pg_get_userbyid(c.relowner), coalesce(d.description, ''), `+aclSQL("c.relacl", "r", "c.relowner")+`,
       `+relOptionsSQL+`, c.relispopulated,
       coalesce((SELECT rw.oid FROM pg_rewrite rw WHERE rw.ev_class = c.oid AND rw.rulename = '_RETURN'), 0)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace`+commentJoin("d", "pg_class", "c.oid", "0")+`
WHERE c.relkind IN ('v', 'm') AND `+userNamespace,
		func(r pgx.Rows) error {
			var oid, rule uint32
			v := &View{}
			if err := r.Scan(&oid, &v.Schema, &v.Name, &v.Materialized, &v.Definition, &v.Owner, &v.Comment, &v.ACL,
				&v.Options, &v.WithData, &rule); err != nil {
				return err
			}
			if in.isExtMember(classPgClass, oid) {
				return nil
			}
			if !v.Materialized {
				v.WithData = false
			}
			v.ACL = SortedSet(v.ACL)
			v.Options = SortedSet(v.Options)
			in.s.Views[v.Key()] = v
			in.views[oid] = v
			id := ID(KindView, v.Key())
			kind := byte('v')
			if v.Materialized {
				kind = 'm'
			}
			in.rels[oid] = &relInfo{kind: kind, key: v.Key(), id: id}
			sink := &depSink{deps: &v.Deps, self: map[string]bool{id: true}}
			in.sinks[objRef{classPgClass, oid}] = sink
			if rule != 0 {
				in.sinks[objRef{classPgRewrite, rule}] = sink
			}
			return nil
		})
}

// pendingOwner is a sequence whose OWNED BY column is resolved after columns are read.
type pendingOwner struct {
	seq    *Sequence
	table  uint32
	attnum int16
}

func (in *introspector) readSequences(ctx context.Context) error {
	return in.query(ctx, `
SELECT c.oid, n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
       s.seqcache, s.seqcycle, c.relpersistence = 'u',
       pg_get_userbyid(c.relowner), coalesce(d.description, ''), `+aclSQL("c.relacl", "s", "c.relowner")+`,
       coalesce(ow.refobjid, 0), coalesce(ow.refobjsubid, 0)::int2, coalesce(ow.deptype::text, '')
FROM pg_class c
JOIN pg_sequence s ON s.seqrelid = c.oid
JOIN pg_namespace n ON n.oid = c.relnamespace`+commentJoin("d", "pg_class", "c.oid", "0")+`
LEFT JOIN LATERAL (SELECT dp.refobjid, dp.refobjsubid, dp.deptype FROM pg_depend dp
                   WHERE dp.classid = 'pg_class'::regclass AND dp.objid = c.oid AND dp.refclassid = 'pg_class'::regclass
                     AND dp.deptype IN ('a', 'i') AND dp.refobjsubid > 0
                   ORDER BY dp.deptype DESC LIMIT 1) ow ON true
WHERE c.relkind = 'S' AND `+userNamespace,
		func(r pgx.Rows) error {
			var (
				oid, owner uint32
				attnum     int16
				deptype    string
			)
			sq := &Sequence{}
			if err := r.Scan(&oid, &sq.Schema, &sq.Name, &sq.DataType, &sq.Start, &sq.Increment, &sq.Min, &sq.Max,
				&sq.Cache, &sq.Cycle, &sq.Unlogged, &sq.Owner, &sq.Comment, &sq.ACL, &owner, &attnum, &deptype); err != nil {
				return err
			}
			if in.isExtMember(classPgClass, oid) {
				return nil
			}
			if deptype == "i" {
				// Identity sequence: its options belong to the column; its
				// name, owner, privileges and comment are not modeled.
				in.identitySeqs[oid] = identitySeq{seq: &Sequence{
					DataType: sq.DataType, Start: sq.Start, Increment: sq.Increment, Min: sq.Min, Max: sq.Max,
					Cache: sq.Cache, Cycle: sq.Cycle, Unlogged: sq.Unlogged,
				}, table: owner, attnum: attnum}
				in.rels[oid] = &relInfo{kind: 'S', key: sq.Key()}
				return nil
			}
			sq.ACL = SortedSet(sq.ACL)
			in.s.Sequences[sq.Key()] = sq
			id := ID(KindSequence, sq.Key())
			in.rels[oid] = &relInfo{kind: 'S', key: sq.Key(), id: id}
			in.sinks[objRef{classPgClass, oid}] = &depSink{deps: &sq.Deps, self: map[string]bool{id: true}}
			if deptype == "a" {
				in.pendingOwners = append(in.pendingOwners, pendingOwner{seq: sq, table: owner, attnum: attnum})
			}
			return nil
		})
}

func (in *introspector) readColumns(ctx context.Context) error {
	compression := "''"
	if in.ver >= 140000 {
		compression = "a.attcompression::text"
	}
	// PostgreSQL 18 keeps every table NOT NULL as a named pg_constraint
	// row (contype 'n', one column in conkey); older majors have no name.
	notNullName := "''"
	if in.ver >= 180000 {
		notNullName = `coalesce((SELECT nc.conname FROM pg_constraint nc
          WHERE nc.conrelid = a.attrelid AND nc.contype = 'n' AND nc.conkey[1] = a.attnum LIMIT 1), '')`
	}
	err := in.query(ctx, `
SELECT a.attrelid, a.attnum::int2, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attislocal,
       coalesce(pg_get_expr(ad.adbin, ad.adrelid), ''), coalesce(ad.oid, 0), a.attidentity::text, a.attgenerated::text,
       (CASE WHEN a.attcollation <> t.typcollation THEN
          (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
           WHERE co.oid = a.attcollation) ELSE '' END),
       coalesce(a.attoptions, '{}'::text[]), coalesce(a.attstattarget::int, -1),
       (CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text ELSE '' END),
       (CASE WHEN a.attstorage <> t.typstorage THEN t.typstorage::text ELSE '' END),
       `+compression+`, coalesce(d.description, ''), `+aclSQL("a.attacl", "", "c.relowner")+`,
       `+notNullName+`
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum`+commentJoin("d", "pg_class", "c.oid", "a.attnum")+`
WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'c', 'f')
  AND `+userNamespace+`
ORDER BY a.attrelid, a.attnum`,
		func(r pgx.Rows) error {
			var (
				rel, adoid  uint32
				attnum      int16
				local       bool
				def, gen    string
				ident       string
				col         = &Column{}
				attComment  string
				attCollName string
			)
			if err := r.Scan(&rel, &attnum, &col.Name, &col.Type, &col.NotNull, &local, &def, &adoid, &ident, &gen,
				&col.Collation, &col.Options, &col.Statistics, &col.Storage, &col.TypeStorage, &col.Compression, &col.Comment, &col.ACL, &col.NotNullName); err != nil {
				return err
			}
			if !col.NotNull {
				col.NotNullName = ""
			}
			if in.isExtMember(classPgClass, rel) {
				return nil
			}
			if ri := in.rels[rel]; ri != nil {
				if ri.attnames == nil {
					ri.attnames = map[int16]string{}
				}
				ri.attnames[attnum] = col.Name
			}
			attComment, attCollName = col.Comment, col.Collation
			switch {
			case in.tables[rel] != nil:
				t := in.tables[rel]
				if !local && t.PartitionOf == "" {
					return nil // inherited (legacy inheritance); a partition lists every column
				}
				col.Identity = ident
				switch gen {
				case "s":
					col.Generated = def
				case "v":
					col.Generated = def
					col.Virtual = true
				default:
					col.Default = def
				}
				col.Options = SortedSet(filterAttOptions(col.Options))
				col.ACL = SortedSet(col.ACL)
				t.Columns = append(t.Columns, col)
				colID := ID(KindColumn, t.Key()+"."+QuoteIdent(col.Name))
				if sink := in.sinks[objRef{classPgClass, rel}]; sink != nil {
					sink.cols[attnum] = col
				}
				if adoid != 0 {
					in.sinks[objRef{classPgAttrdef, adoid}] = &depSink{deps: &col.Deps,
						self: map[string]bool{colID: true, ID(KindTable, t.Key()): true}}
				}
			case in.views[rel] != nil:
				v := in.views[rel]
				v.Columns = append(v.Columns, &ViewColumn{Name: col.Name, Type: col.Type, Comment: attComment, Default: def})
				if adoid != 0 {
					in.sinks[objRef{classPgAttrdef, adoid}] = in.sinks[objRef{classPgClass, rel}]
				}
			case in.typesByRel[rel] != nil:
				typ := in.typesByRel[rel]
				typ.Attributes = append(typ.Attributes, &Attribute{Name: col.Name, Type: col.Type, Collation: attCollName, Comment: attComment})
			}
			return nil
		})
	if err != nil {
		return err
	}
	// OWNED BY and identity sequences need the column names.
	for _, p := range in.pendingOwners {
		ri := in.rels[p.table]
		if ri == nil || ri.attnames[p.attnum] == "" {
			continue
		}
		p.seq.OwnedBy = ri.key + "." + QuoteIdent(ri.attnames[p.attnum])
	}
	for oid, is := range in.identitySeqs {
		ri := in.rels[is.table]
		if ri == nil || ri.attnames[is.attnum] == "" {
			continue
		}
		colID := ID(KindColumn, ri.key+"."+QuoteIdent(ri.attnames[is.attnum]))
		in.rels[oid].identityCol = colID
		if t := in.tables[is.table]; t != nil {
			if c := t.Column(ri.attnames[is.attnum]); c != nil && c.Identity != "" {
				c.IdentitySequence = is.seq
			}
		}
	}
	return nil
}

func (in *introspector) readConstraints(ctx context.Context) error {
	// NOT NULL constraints (contype 'n': domains on PG 17+, tables on
	// PG 18+, named <table>_<column>_not_null by default) are modeled by
	// Column.NotNull and Type.NotNull, as on older majors, so a plan never
	// says NOT NULL twice; a table's NOT NULL name is Column.NotNullName
	// (readColumns).
	// Constraint triggers (contype 't') are modeled as triggers.
	return in.query(ctx, `
SELECT co.oid, co.conname, co.contype::text, co.conrelid, co.contypid, pg_get_constraintdef(co.oid), co.convalidated,
       coalesce(ixn.nspname, ''), coalesce(ix.relname, ''), coalesce(ixd.description, ''),
       coalesce(rn.nspname, ''), coalesce(rc.relname, ''), coalesce(d.description, '')
FROM pg_constraint co
JOIN pg_namespace n ON n.oid = co.connamespace
LEFT JOIN pg_class ix ON ix.oid = co.conindid AND co.contype IN ('p', 'u', 'x')
LEFT JOIN pg_namespace ixn ON ixn.oid = ix.relnamespace
LEFT JOIN pg_description ixd ON ixd.objoid = ix.oid AND ixd.classoid = 'pg_class'::regclass AND ixd.objsubid = 0
LEFT JOIN pg_class rc ON rc.oid = co.confrelid AND co.contype = 'f'
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace`+commentJoin("d", "pg_constraint", "co.oid", "0")+`
WHERE `+userNamespace+` AND co.contype NOT IN ('t', 'n')
  AND co.conparentid = 0 AND (co.conislocal OR co.contypid <> 0)`,
		func(r pgx.Rows) error {
			var (
				oid, rel, typid uint32
				contype         string
				ixSchema, ixRel string
				refSchema, ref  string
			)
			c := &Constraint{}
			if err := r.Scan(&oid, &c.Name, &contype, &rel, &typid, &c.Definition, &c.Validated,
				&ixSchema, &ixRel, &c.IndexComment, &refSchema, &ref, &c.Comment); err != nil {
				return err
			}
			c.Type = ConstraintType(contype)
			if contype == "c" {
				c.Definition = normalizeCheck(c.Definition)
			}
			if typid != 0 {
				tr, ok := in.typeRaw[typid]
				if !ok || tr.member {
					return nil
				}
				typ := in.s.Types[QualName(tr.schema, tr.name)]
				if typ == nil || typ.Kind != TypeDomain {
					return nil
				}
				typ.Constraints = append(typ.Constraints, &DomainConstraint{Name: c.Name, Definition: c.Definition, Comment: c.Comment})
				id := ID(KindType, typ.Key())
				in.consIDs[oid] = id
				in.sinks[objRef{classPgConstraint, oid}] = &depSink{deps: &typ.Deps, self: map[string]bool{id: true}}
				return nil
			}
			t := in.tables[rel]
			if t == nil {
				return nil
			}
			if ixRel != "" {
				c.Index = QualName(ixSchema, ixRel)
			} else {
				c.IndexComment = ""
			}
			if ref != "" {
				c.ReferencedTable = QualName(refSchema, ref)
			}
			t.Constraints = append(t.Constraints, c)
			id := ID(KindConstraint, t.Key()+"."+QuoteIdent(c.Name))
			in.consIDs[oid] = id
			in.sinks[objRef{classPgConstraint, oid}] = &depSink{deps: &c.Deps, self: map[string]bool{id: true}}
			in.consObjs[oid] = c
			return nil
		})
}

func (in *introspector) readIndexes(ctx context.Context) error {
	return in.query(ctx, `
SELECT i.indexrelid, n.nspname, ic.relname, i.indrelid, pg_get_indexdef(i.indexrelid), i.indisunique, i.indisvalid,
       i.indisclustered, coalesce(d.description, ''),
       coalesce((SELECT co.oid FROM pg_constraint co WHERE co.conindid = i.indexrelid AND co.conrelid = i.indrelid
                   AND co.contype IN ('p', 'u', 'x') LIMIT 1), 0),
       EXISTS (SELECT 1 FROM pg_inherits ih WHERE ih.inhrelid = i.indexrelid)
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = ic.relnamespace`+commentJoin("d", "pg_class", "ic.oid", "0")+`
WHERE `+userNamespace,
		func(r pgx.Rows) error {
			var (
				oid, rel, con uint32
				isChild       bool
			)
			x := &Index{}
			if err := r.Scan(&oid, &x.Schema, &x.Name, &rel, &x.Definition, &x.Unique, &x.Valid, &x.Clustered, &x.Comment,
				&con, &isChild); err != nil {
				return err
			}
			t, v := in.tables[rel], in.views[rel]
			if t == nil && v == nil {
				return nil
			}
			ri := &relInfo{kind: 'i', key: x.Key()}
			in.rels[oid] = ri
			if con != 0 {
				// Implements a constraint: references to the index mean the
				// constraint, and the index's own dependencies are the constraint's.
				if id, ok := in.consIDs[con]; ok {
					ri.consID = id
					if c := in.consObjs[con]; c != nil {
						in.sinks[objRef{classPgClass, oid}] = &depSink{deps: &c.Deps, self: map[string]bool{id: true}}
					}
				}
				return nil
			}
			if isChild {
				return nil
			}
			id := ID(KindIndex, x.Key())
			ri.id = id
			in.sinks[objRef{classPgClass, oid}] = &depSink{deps: &x.Deps, self: map[string]bool{id: true}}
			if t != nil {
				x.Table = t.Key()
				t.Indexes = append(t.Indexes, x)
			} else {
				x.Table = v.Key()
				v.Indexes = append(v.Indexes, x)
			}
			return nil
		})
}

func (in *introspector) readTriggers(ctx context.Context) error {
	return in.query(ctx, `
SELECT t.oid, t.tgrelid, t.tgname, pg_get_triggerdef(t.oid, false), t.tgenabled::text, coalesce(d.description, '')
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace`+commentJoin("d", "pg_trigger", "t.oid", "0")+`
WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND `+userNamespace,
		func(r pgx.Rows) error {
			var oid, rel uint32
			tg := &Trigger{}
			if err := r.Scan(&oid, &rel, &tg.Name, &tg.Definition, &tg.Enabled, &tg.Comment); err != nil {
				return err
			}
			var key string
			switch {
			case in.tables[rel] != nil:
				t := in.tables[rel]
				t.Triggers = append(t.Triggers, tg)
				key = t.Key()
			case in.views[rel] != nil:
				v := in.views[rel]
				v.Triggers = append(v.Triggers, tg)
				key = v.Key()
			default:
				return nil
			}
			id := ID(KindTrigger, key+"."+QuoteIdent(tg.Name))
			in.sinks[objRef{classPgTrigger, oid}] = &depSink{deps: &tg.Deps, self: map[string]bool{id: true}}
			return nil
		})
}

var policyCommands = map[string]string{"*": "ALL", "r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE"}

func (in *introspector) readPolicies(ctx context.Context) error {
	return in.query(ctx, `
SELECT p.oid, p.polrelid, p.polname, p.polpermissive, p.polcmd::text,
       ARRAY(SELECT CASE WHEN pr = 0 THEN 'public' ELSE pg_get_userbyid(pr)::text END FROM unnest(p.polroles) pr),
       coalesce(pg_get_expr(p.polqual, p.polrelid), ''), coalesce(pg_get_expr(p.polwithcheck, p.polrelid), ''),
       coalesce(d.description, '')
FROM pg_policy p
JOIN pg_class c ON c.oid = p.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace`+commentJoin("d", "pg_policy", "p.oid", "0")+`
WHERE `+userNamespace,
		func(r pgx.Rows) error {
			var (
				oid, rel uint32
				cmd      string
			)
			p := &Policy{}
			if err := r.Scan(&oid, &rel, &p.Name, &p.Permissive, &cmd, &p.Roles, &p.Using, &p.WithCheck, &p.Comment); err != nil {
				return err
			}
			t := in.tables[rel]
			if t == nil {
				return nil
			}
			p.Command = policyCommands[cmd]
			if p.Command == "" {
				return fmt.Errorf("policy %s on %s: unknown command %q", p.Name, t.Key(), cmd)
			}
			p.Roles = SortedSet(p.Roles)
			t.Policies = append(t.Policies, p)
			id := ID(KindPolicy, t.Key()+"."+QuoteIdent(p.Name))
			in.sinks[objRef{classPgPolicy, oid}] = &depSink{deps: &p.Deps, self: map[string]bool{id: true}}
			return nil
		})
}

// ignoredAttOptionKeys are attoptions keys that carry no schema meaning and
// differ between two loads of the same DDL. The server used here stamps every
// new column with "pg_attver=<number>" (not a PostgreSQL option: it cannot
// be set with ALTER TABLE ... SET), so it must not reach the model.
var ignoredAttOptionKeys = map[string]bool{"pg_attver": true}

// filterAttOptions drops the ignoredAttOptionKeys entries from attoptions.
func filterAttOptions(opts []string) []string {
	out := opts[:0:0]
	for _, o := range opts {
		k, _, _ := strings.Cut(o, "=")
		if !ignoredAttOptionKeys[k] {
			out = append(out, o)
		}
	}
	return out
}

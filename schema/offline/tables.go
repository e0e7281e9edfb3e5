package offline

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"github.com/pgshift/pgshift/schema"
	"google.golang.org/protobuf/proto"
)

// pendingCon is a table constraint waiting for its name (PostgreSQL names
// CHECKs first, then PRIMARY KEY / UNIQUE / EXCLUDE, then FOREIGN KEYs).
type pendingCon struct {
	c   *pg_query.Constraint
	col string // column of a column constraint
}

func (b *offline) createTable(cs *pg_query.CreateStmt) error {
	sc, name := b.rangeVar(cs.Relation)
	if b.relExists(sc, name) {
		if cs.IfNotExists {
			return nil
		}
	}
	t := &schema.Table{Schema: sc, Name: name, Kind: schema.TableOrdinary, Unlogged: cs.Relation.Relpersistence == "u", ReplicaIdentity: "d"}
	t.Deps = []string{schema.ID(schema.KindSchema, schema.QuoteIdent(sc))}
	b.s.Tables[t.Key()] = t
	b.addRel(sc, name, "r")
	if cs.Partspec != nil {
		t.Kind = schema.TablePartitioned
		t.PartitionKey = b.partKey(cs.Partspec, t)
	}
	if cs.OfTypename != nil {
		b.gap("typed-table")
	}
	t.Options = relOptions(cs.Options)
	for _, p := range cs.InhRelations {
		parent := b.table(p.GetRangeVar())
		if parent == nil {
			b.gap("unresolved-reference")
			continue
		}
		t.Deps = append(t.Deps, schema.ID(schema.KindTable, parent.Key()))
		if cs.Partbound != nil {
			t.PartitionOf = parent.Key()
		} else {
			t.Inherits = append(t.Inherits, parent.Key())
		}
	}
	if cs.Partbound != nil {
		t.PartitionBound = b.partBound(cs.Partbound)
		b.gap("partition")
	}
	if len(t.Inherits) > 0 {
		b.gap("inheritance")
	}
	var pending []pendingCon
	for _, e := range cs.TableElts {
		switch x := e.Node.(type) {
		case *pg_query.Node_ColumnDef:
			if cs.Partbound != nil {
				// PARTITION OF (col WITH OPTIONS ...): only constraints.
				for _, c := range x.ColumnDef.Constraints {
					if cc := c.GetConstraint(); cc != nil {
						pending = append(pending, pendingCon{cc, x.ColumnDef.Colname})
					}
				}
				continue
			}
			pending = append(pending, b.addColumn(t, x.ColumnDef)...)
		case *pg_query.Node_Constraint:
			pending = append(pending, pendingCon{c: x.Constraint})
		case *pg_query.Node_TableLikeClause:
			b.gap("create-table-like")
		}
	}
	pending = applyConstraintAttrs(pending)
	for _, phase := range []func(pg_query.ConstrType) bool{
		func(ct pg_query.ConstrType) bool { return ct == pg_query.ConstrType_CONSTR_CHECK },
		func(ct pg_query.ConstrType) bool {
			return ct == pg_query.ConstrType_CONSTR_PRIMARY || ct == pg_query.ConstrType_CONSTR_UNIQUE || ct == pg_query.ConstrType_CONSTR_EXCLUSION
		},
		func(ct pg_query.ConstrType) bool { return ct == pg_query.ConstrType_CONSTR_FOREIGN },
	} {
		for _, p := range pending {
			if phase(p.c.Contype) {
				b.addConstraint(t, p.c, p.col)
			}
		}
	}
	return nil
}

// applyConstraintAttrs folds DEFERRABLE / INITIALLY DEFERRED / ... attribute
// nodes into the constraint before them and drops them.
func applyConstraintAttrs(in []pendingCon) []pendingCon {
	var out []pendingCon
	for _, p := range in {
		switch p.c.Contype {
		case pg_query.ConstrType_CONSTR_ATTR_DEFERRABLE, pg_query.ConstrType_CONSTR_ATTR_NOT_DEFERRABLE,
			pg_query.ConstrType_CONSTR_ATTR_DEFERRED, pg_query.ConstrType_CONSTR_ATTR_IMMEDIATE:
			if len(out) == 0 {
				continue
			}
			last := out[len(out)-1].c
			switch p.c.Contype {
			case pg_query.ConstrType_CONSTR_ATTR_DEFERRABLE:
				last.Deferrable = true
			case pg_query.ConstrType_CONSTR_ATTR_NOT_DEFERRABLE:
				last.Deferrable = false
			case pg_query.ConstrType_CONSTR_ATTR_DEFERRED:
				last.Initdeferred, last.Deferrable = true, true
			case pg_query.ConstrType_CONSTR_ATTR_IMMEDIATE:
				last.Initdeferred = false
			}
			continue
		}
		out = append(out, p)
	}
	return out
}

func relOptions(opts []*pg_query.Node) []string {
	var out []string
	for _, o := range opts {
		d := o.GetDefElem()
		if d == nil {
			continue
		}
		k := d.Defname
		if d.Defnamespace != "" {
			k = d.Defnamespace + "." + k
		}
		v := defString(d)
		if d.Arg == nil {
			v = "true"
		}
		out = append(out, k+"="+v)
	}
	return schema.SortedSet(out)
}

func (b *offline) partKey(ps *pg_query.PartitionSpec, t *schema.Table) string {
	cs := &pg_query.CreateStmt{Relation: &pg_query.RangeVar{Relname: "x", Inh: true, Relpersistence: "p"}, Partspec: proto.Clone(ps).(*pg_query.PartitionSpec)}
	for _, p := range cs.Partspec.PartParams {
		if pe := p.GetPartitionElem(); pe != nil && pe.Expr != nil {
			b.gap("partition")
			b.qualify(pe.Expr, t, &t.Deps)
		}
	}
	out := deparseWithPrefix("CREATE TABLE x () PARTITION BY ", &pg_query.Node{Node: &pg_query.Node_CreateStmt{CreateStmt: cs}})
	return canonPartKey(out)
}

func (b *offline) partBound(pb *pg_query.PartitionBoundSpec) string {
	cs := &pg_query.CreateStmt{
		Relation:     &pg_query.RangeVar{Relname: "x", Inh: true, Relpersistence: "p"},
		InhRelations: []*pg_query.Node{{Node: &pg_query.Node_RangeVar{RangeVar: &pg_query.RangeVar{Relname: "y", Inh: true, Relpersistence: "p"}}}},
		Partbound:    pb,
	}
	out := deparseWithPrefix("CREATE TABLE x PARTITION OF y ", &pg_query.Node{Node: &pg_query.Node_CreateStmt{CreateStmt: cs}})
	return canonPartBound(out)
}

// addColumn adds a column and returns its table-level constraints.
func (b *offline) addColumn(t *schema.Table, cd *pg_query.ColumnDef) []pendingCon {
	typ, dep := b.formatType(cd.TypeName)
	col := &schema.Column{Name: cd.Colname, Type: typ, Statistics: -1}
	colID := schema.ID(schema.KindColumn, t.Key()+"."+schema.QuoteIdent(col.Name))
	if dep != "" {
		col.Deps = append(col.Deps, dep)
	}
	if cd.CollClause != nil {
		col.Collation = b.collation(cd.CollClause.Collname)
	}
	switch strings.ToLower(cd.Compression) {
	case "pglz":
		col.Compression = "p"
	case "lz4":
		col.Compression = "l"
	}
	if cd.StorageName != "" {
		b.setStorage(col, cd.StorageName)
	}
	t.Columns = append(t.Columns, col)
	var pending []pendingCon
	for _, cn := range cd.Constraints {
		c := cn.GetConstraint()
		if c == nil {
			continue
		}
		switch c.Contype {
		case pg_query.ConstrType_CONSTR_NOTNULL:
			col.NotNull = true
		case pg_query.ConstrType_CONSTR_NULL:
			col.NotNull = false
		case pg_query.ConstrType_CONSTR_DEFAULT:
			col.Default = b.expr(c.RawExpr, t, &col.Deps)
			b.temporalDefault(col, c.RawExpr)
		case pg_query.ConstrType_CONSTR_IDENTITY:
			b.setIdentity(t, col, c)
		case pg_query.ConstrType_CONSTR_GENERATED:
			col.Generated = b.expr(c.RawExpr, t, &col.Deps)
		default:
			pending = append(pending, pendingCon{c, col.Name})
		}
	}
	sc, tn := typeNameParts(cd.TypeName)
	if st, ok := serialTypes[tn]; ok && (sc == "" || sc == "pg_catalog") && len(cd.TypeName.ArrayBounds) == 0 {
		seqName := b.chooseRelationName(t.Schema, t.Name, col.Name, "seq", false)
		b.addRel(t.Schema, seqName, "S")
		r := intRange[st]
		sq := &schema.Sequence{Schema: t.Schema, Name: seqName, DataType: st, Start: 1, Increment: 1, Min: 1, Max: r[1], Cache: 1,
			OwnedBy: t.Key() + "." + schema.QuoteIdent(col.Name), Unlogged: t.Unlogged}
		sq.Deps = []string{schema.ID(schema.KindSchema, schema.QuoteIdent(t.Schema)), colID}
		b.s.Sequences[sq.Key()] = sq
		col.Default = CanonExpr("nextval(" + schema.QuoteLiteral(sq.Key()) + "::regclass)")
		col.Deps = append(col.Deps, schema.ID(schema.KindSequence, sq.Key()))
		col.NotNull = true
	}
	col.Deps = withoutIDs(col.Deps, colID, schema.ID(schema.KindTable, t.Key()))
	return pending
}

func withoutIDs(deps []string, drop ...string) []string {
	var out []string
	for _, d := range deps {
		keep := true
		for _, x := range drop {
			if d == x {
				keep = false
			}
		}
		if keep {
			out = append(out, d)
		}
	}
	return out
}

var storageCodes = map[string]string{"plain": "p", "external": "e", "extended": "x", "main": "m", "default": ""}

func (b *offline) setStorage(col *schema.Column, name string) {
	code, ok := storageCodes[strings.ToLower(name)]
	if !ok {
		return
	}
	ts := b.typeStorage(col.Type)
	if code == "" || code == ts {
		col.Storage, col.TypeStorage = "", ""
		return
	}
	col.Storage, col.TypeStorage = code, ts
}

func (b *offline) setIdentity(t *schema.Table, col *schema.Column, c *pg_query.Constraint) {
	col.Identity = "d"
	if c.GeneratedWhen == "a" {
		col.Identity = "a"
	}
	col.NotNull = true
	dt := col.Type
	if _, ok := intRange[dt]; !ok {
		dt = "bigint"
	}
	sq := &schema.Sequence{DataType: dt, Increment: 1, Cache: 1, Unlogged: t.Unlogged}
	b.seqOptions(sq, c.Options, nil)
	col.IdentitySequence = sq
	// The identity sequence takes a relation name.
	name := b.chooseRelationName(t.Schema, t.Name, col.Name, "seq", false)
	for _, o := range c.Options {
		if d := o.GetDefElem(); d != nil && d.Defname == "sequence_name" {
			if l := d.Arg.GetList(); l != nil {
				_, name = nameList(l.Items)
			}
		}
	}
	b.addRel(t.Schema, name, "S")
}

func (b *offline) colID(t *schema.Table, col string) string {
	return schema.ID(schema.KindColumn, t.Key()+"."+schema.QuoteIdent(col))
}

// temporalTypes are column types whose constants the server stores in a
// normalized spelling (a date literal becomes '2030-01-01 00:00:00+00').
var temporalTypes = map[string]bool{
	"date": true, "timestamp without time zone": true, "timestamp with time zone": true,
	"time without time zone": true, "time with time zone": true, "interval": true,
}

// extensionFunctions maps functions of common contrib extensions to the extension.
var extensionFunctions = map[string]string{
	"uuid_generate_v1": "uuid-ossp", "uuid_generate_v1mc": "uuid-ossp", "uuid_generate_v3": "uuid-ossp",
	"uuid_generate_v4": "uuid-ossp", "uuid_generate_v5": "uuid-ossp", "uuid_nil": "uuid-ossp",
	"digest": "pgcrypto", "hmac": "pgcrypto", "crypt": "pgcrypto", "gen_salt": "pgcrypto", "gen_random_bytes": "pgcrypto",
	"pgp_sym_encrypt": "pgcrypto", "pgp_sym_decrypt": "pgcrypto",
	"unaccent": "unaccent", "similarity": "pg_trgm", "word_similarity": "pg_trgm", "show_trgm": "pg_trgm",
	"ll_to_earth": "earthdistance", "earth_distance": "earthdistance", "earth_box": "earthdistance",
	"cube": "cube", "levenshtein": "fuzzystrmatch", "soundex": "fuzzystrmatch", "metaphone": "fuzzystrmatch",
}

// temporalDefault records the typed-literal gap for a string constant
// default on a date/time column (the server stores it re-spelled).
func (b *offline) temporalDefault(col *schema.Column, n *pg_query.Node) {
	typ := col.Type
	if i := strings.IndexByte(typ, '('); i >= 0 {
		typ = strings.TrimSpace(typ[:i] + typ[strings.IndexByte(typ, ')')+1:])
	}
	if !temporalTypes[typ] || n == nil {
		return
	}
	schema.WalkNodes(n.ProtoReflect(), func(x *pg_query.Node) {
		if k := x.GetAConst(); k != nil && k.GetSval() != nil {
			b.gap("typed-literal")
		}
	})
}

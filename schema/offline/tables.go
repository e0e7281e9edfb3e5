package offline

import (
	"github.com/pgshift/pgshift/schema"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
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

// exprColumns returns the distinct column names an expression references (single-field ColumnRefs).
func exprColumns(n *pg_query.Node) []string {
	if n == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	schema.WalkNodes(n.ProtoReflect(), func(x *pg_query.Node) {
		cr := x.GetColumnRef()
		if cr == nil || len(cr.Fields) != 1 || cr.Fields[0].GetString_() == nil {
			return
		}
		name := cr.Fields[0].GetString_().Sval
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	})
	return out
}

func stringsOf(nodes []*pg_query.Node) []string {
	var out []string
	for _, n := range nodes {
		out = append(out, n.GetString_().GetSval())
	}
	return out
}

func strNodes(ss []string) []*pg_query.Node {
	var out []*pg_query.Node
	for _, s := range ss {
		out = append(out, strNode(s))
	}
	return out
}

// constraintDef deparses a table constraint into its normal form.
func constraintDef(c *pg_query.Constraint) string {
	cc := proto.Clone(c).(*pg_query.Constraint)
	cc.Conname = "c"
	cc.Indexspace = ""
	at := &pg_query.AlterTableStmt{
		Relation: &pg_query.RangeVar{Relname: "t", Inh: true, Relpersistence: "p"},
		Objtype:  pg_query.ObjectType_OBJECT_TABLE,
		Cmds: []*pg_query.Node{{Node: &pg_query.Node_AlterTableCmd{AlterTableCmd: &pg_query.AlterTableCmd{
			Subtype: pg_query.AlterTableType_AT_AddConstraint, Def: &pg_query.Node{Node: &pg_query.Node_Constraint{Constraint: cc}}, Behavior: pg_query.DropBehavior_DROP_RESTRICT}}}},
	}
	const prefix = "ALTER TABLE t ADD CONSTRAINT c "
	out := deparseWithPrefix(prefix, &pg_query.Node{Node: &pg_query.Node_AlterTableStmt{AlterTableStmt: at}})
	return CanonConstraintDef(out)
}

func (b *offline) colID(t *schema.Table, col string) string {
	return schema.ID(schema.KindColumn, t.Key()+"."+schema.QuoteIdent(col))
}

// addConstraint adds a CHECK, PRIMARY KEY, UNIQUE, EXCLUDE or FOREIGN KEY
// constraint to t; col is the column of a column constraint.
func (b *offline) addConstraint(t *schema.Table, c *pg_query.Constraint, col string) {
	c = proto.Clone(c).(*pg_query.Constraint)
	con := &schema.Constraint{Name: c.Conname, Validated: !c.SkipValidation}
	sc := t.Schema
	switch c.Contype {
	case pg_query.ConstrType_CONSTR_CHECK:
		con.Type = schema.ConstraintCheck
		if con.Name == "" {
			cols := exprColumns(c.RawExpr)
			one := ""
			if len(cols) == 1 {
				one = cols[0]
			}
			con.Name = b.chooseConstraintName(sc, t.Name, one, "check")
		}
		b.qualify(c.RawExpr, t, &con.Deps)
	case pg_query.ConstrType_CONSTR_PRIMARY, pg_query.ConstrType_CONSTR_UNIQUE:
		con.Type = schema.ConstraintUnique
		label := "key"
		if c.Contype == pg_query.ConstrType_CONSTR_PRIMARY {
			con.Type, label = schema.ConstraintPrimaryKey, "pkey"
		}
		keys := stringsOf(c.Keys)
		if len(keys) == 0 && col != "" {
			keys = []string{col}
			c.Keys = strNodes(keys)
		}
		if c.Indexname != "" {
			b.gap("unsupported-statement") // ADD CONSTRAINT ... USING INDEX
		}
		if con.Name == "" {
			add := ""
			if con.Type == schema.ConstraintUnique {
				add = nameAddition(indexColumnNames(append(append([]string(nil), keys...), stringsOf(c.Including)...)))
			}
			con.Name = b.chooseRelationName(sc, t.Name, add, label, true)
		}
		for _, k := range append(append([]string(nil), keys...), stringsOf(c.Including)...) {
			con.Deps = append(con.Deps, b.colID(t, k))
		}
		if con.Type == schema.ConstraintPrimaryKey {
			for _, k := range keys {
				if cc := t.Column(k); cc != nil {
					cc.NotNull = true
				}
			}
		}
		con.Index = schema.QualName(sc, con.Name)
		b.addRel(sc, con.Name, "i")
		b.uniques[t.Key()] = append(b.uniques[t.Key()], uniqueKey{cols: keys, isPK: con.Type == schema.ConstraintPrimaryKey, isCon: true,
			id: schema.ID(schema.KindConstraint, t.Key()+"."+schema.QuoteIdent(con.Name))})
		if c.WhereClause != nil {
			b.qualify(c.WhereClause, t, &con.Deps)
		}
	case pg_query.ConstrType_CONSTR_EXCLUSION:
		con.Type = schema.ConstraintExclusion
		var names []string
		for _, ex := range c.Exclusions {
			l := ex.GetList()
			if l == nil || len(l.Items) == 0 {
				continue
			}
			ie := l.Items[0].GetIndexElem()
			switch {
			case ie.GetIndexcolname() != "":
				names = append(names, ie.Indexcolname)
			case ie.GetName() != "":
				names = append(names, ie.Name)
				con.Deps = append(con.Deps, b.colID(t, ie.Name))
			default:
				names = append(names, "expr")
				b.qualify(ie.GetExpr(), t, &con.Deps)
			}
		}
		if con.Name == "" {
			con.Name = b.chooseRelationName(sc, t.Name, nameAddition(indexColumnNames(names)), "excl", true)
		}
		if c.AccessMethod == "" {
			c.AccessMethod = "btree"
		}
		if c.WhereClause != nil {
			b.qualify(c.WhereClause, t, &con.Deps)
		}
		con.Index = schema.QualName(sc, con.Name)
		b.addRel(sc, con.Name, "i")
	case pg_query.ConstrType_CONSTR_FOREIGN:
		con.Type = schema.ConstraintForeignKey
		fk := stringsOf(c.FkAttrs)
		if len(fk) == 0 && col != "" {
			fk = []string{col}
			c.FkAttrs = strNodes(fk)
		}
		ref := b.table(c.Pktable)
		pk := stringsOf(c.PkAttrs)
		if ref == nil {
			b.gap("unresolved-reference")
			rsc, _ := b.lookupRel(c.Pktable.Schemaname, c.Pktable.Relname)
			con.ReferencedTable = schema.QualName(rsc, c.Pktable.Relname)
			c.Pktable.Schemaname = rsc
		} else {
			con.ReferencedTable = ref.Key()
			c.Pktable.Schemaname = ref.Schema
			var uk *uniqueKey
			for i, u := range b.uniques[ref.Key()] {
				if len(pk) == 0 && u.isPK || len(pk) > 0 && sameSet(pk, u.cols) {
					uk = &b.uniques[ref.Key()][i]
					break
				}
			}
			if uk != nil {
				if len(pk) == 0 {
					pk = uk.cols
				}
				con.Deps = append(con.Deps, uk.id)
			} else {
				b.gap("unresolved-reference")
			}
			for _, k := range pk {
				con.Deps = append(con.Deps, b.colID(ref, k))
			}
		}
		c.PkAttrs = strNodes(pk)
		for _, k := range fk {
			con.Deps = append(con.Deps, b.colID(t, k))
		}
		if con.Name == "" {
			con.Name = b.chooseConstraintName(sc, t.Name, nameAddition(fk), "fkey")
		}
		if c.FkMatchtype == "s" {
			c.FkMatchtype = ""
		}
		if c.FkUpdAction == "a" {
			c.FkUpdAction = ""
		}
		if c.FkDelAction == "a" {
			c.FkDelAction = ""
		}
	default:
		return
	}
	if t.Constraint(con.Name) != nil {
		return
	}
	b.addCon(sc, con.Name)
	con.Definition = constraintDef(c)
	con.Deps = withoutIDs(con.Deps, schema.ID(schema.KindConstraint, t.Key()+"."+schema.QuoteIdent(con.Name)))
	t.Constraints = append(t.Constraints, con)
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]bool{}
	for _, x := range a {
		m[x] = true
	}
	for _, x := range b {
		if !m[x] {
			return false
		}
	}
	return true
}

// qualify schema-qualifies, in place, the references of an expression that
// the catalog prints qualified (user functions, user types, sequences in
// nextval, regclass constants) and collects the IDs it depends on.
func (b *offline) qualify(n *pg_query.Node, t *schema.Table, deps *[]string) {
	if n == nil {
		return
	}
	add := func(id string) {
		if deps != nil && id != "" {
			*deps = append(*deps, id)
		}
	}
	schema.WalkNodes(n.ProtoReflect(), func(x *pg_query.Node) {
		switch v := x.Node.(type) {
		case *pg_query.Node_ColumnRef:
			f := v.ColumnRef.Fields
			if t == nil {
				return
			}
			var name string
			switch {
			case len(f) == 1 && f[0].GetString_() != nil:
				name = f[0].GetString_().Sval
			case len(f) == 2 && f[1].GetString_() != nil:
				q := strings.ToLower(f[0].GetString_().GetSval())
				if q == "new" || q == "old" || q == t.Name {
					name = f[1].GetString_().Sval
				}
			}
			if name != "" && t.Column(name) != nil {
				add(b.colID(t, name))
			}
		case *pg_query.Node_FuncCall:
			fc := v.FuncCall
			sc, name := nameList(fc.Funcname)
			if (sc == "" || sc == "pg_catalog") && (name == "nextval" || name == "currval" || name == "setval") && len(fc.Args) > 0 {
				b.qualifyRegclass(fc.Args[0], deps)
				return
			}
			if sc == "pg_catalog" {
				return
			}
			var fns []*schema.Function
			if sc == "" {
				if f := b.findFunction(name); f != nil {
					fns = b.functionsNamed(f.Schema, name)
				}
			} else {
				fns = b.functionsNamed(sc, name)
			}
			if len(fns) == 0 {
				if ext, ok := extensionFunctions[name]; ok {
					if e := b.s.Extensions[schema.QuoteIdent(ext)]; e != nil && (sc == "" || sc == e.Schema) {
						fc.Funcname = strNodes([]string{e.Schema, name})
						add(schema.ID(schema.KindExtension, e.Key()))
					}
				}
				return
			}
			fc.Funcname = strNodes([]string{fns[0].Schema, name})
			if len(fns) > 1 {
				b.gap("function-overload")
			}
			add(schema.ID(schema.KindFunction, fns[0].Key()))
		case *pg_query.Node_AExpr:
			b.constTypes(v.AExpr, t, add)
		case *pg_query.Node_TypeCast:
			tc := v.TypeCast
			_, tn := typeNameParts(tc.TypeName)
			if tn == "regclass" && tc.Arg != nil && tc.Arg.GetAConst() != nil {
				b.qualifyRegclass(tc.Arg, deps)
				return
			}
			b.qualifyTypeName(tc.TypeName, deps)
		}
	})
}

// qualifyTypeName qualifies a user type name in place.
func (b *offline) qualifyTypeName(tn *pg_query.TypeName, deps *[]string) {
	if tn == nil {
		return
	}
	sc, name := typeNameParts(tn)
	if sc == "pg_catalog" {
		return
	}
	if k, id, ok := b.lookupType(sc, name); ok {
		if sc == "" {
			var tsc string
			if t := b.s.Types[k]; t != nil {
				tsc = t.Schema
			} else if t := b.s.Tables[k]; t != nil {
				tsc = t.Schema
			} else if v := b.s.Views[k]; v != nil {
				tsc = v.Schema
			}
			tn.Names = strNodes([]string{tsc, name})
		}
		if deps != nil {
			*deps = append(*deps, id)
		}
		return
	}
	if sc == "" {
		if ext, ok := b.extTypes[name]; ok {
			e := b.s.Extensions[schema.QuoteIdent(ext)]
			tn.Names = strNodes([]string{e.Schema, name})
			if deps != nil {
				*deps = append(*deps, schema.ID(schema.KindExtension, e.Key()))
			}
		}
	}
}

// qualifyRegclass qualifies the relation named by a string constant (or a
// string constant cast to regclass).
func (b *offline) qualifyRegclass(arg *pg_query.Node, deps *[]string) {
	c := arg.GetAConst()
	if c == nil {
		if tc := arg.GetTypeCast(); tc != nil {
			c = tc.Arg.GetAConst()
		}
	}
	if c == nil || c.GetSval() == nil {
		return
	}
	sc, name := parseQualName(c.GetSval().Sval)
	rsc, ok := b.lookupRel(sc, name)
	key := schema.QualName(rsc, name)
	c.Val = &pg_query.A_Const_Sval{Sval: &pg_query.String{Sval: key}}
	if ok && deps != nil {
		switch b.rels[rsc][name] {
		case "S":
			if b.s.Sequences[key] != nil {
				*deps = append(*deps, schema.ID(schema.KindSequence, key))
			}
		case "r":
			*deps = append(*deps, schema.ID(schema.KindTable, key))
		}
	}
}

// parseQualName splits "schema.name" (identifiers possibly quoted) the way
// regclass input does: unquoted parts are folded to lower case.
func parseQualName(s string) (string, string) {
	var parts []string
	cur := strings.Builder{}
	inq := false
	quoted := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case inq && ch == '"' && i+1 < len(s) && s[i+1] == '"':
			cur.WriteByte('"')
			i++
		case ch == '"':
			inq = !inq
			quoted = true
		case ch == '.' && !inq:
			parts = append(parts, foldIdent(cur.String(), quoted))
			cur.Reset()
			quoted = false
		default:
			cur.WriteByte(ch)
		}
	}
	parts = append(parts, foldIdent(cur.String(), quoted))
	if len(parts) == 1 {
		return "", parts[0]
	}
	return parts[len(parts)-2], parts[len(parts)-1]
}

func foldIdent(s string, quoted bool) string {
	if quoted {
		return s
	}
	return strings.ToLower(strings.TrimSpace(s))
}

// createIndex models CREATE INDEX.
func (b *offline) createIndex(is *pg_query.IndexStmt) error {
	t := b.table(is.Relation)
	var v *schema.View
	if t == nil {
		v = b.view(is.Relation)
		if v == nil {
			b.gap("unresolved-reference")
			return nil
		}
	}
	var sc, relName, relKey string
	var colTable *schema.Table
	if t != nil {
		sc, relName, relKey, colTable = t.Schema, t.Name, t.Key(), t
	} else {
		sc, relName, relKey = v.Schema, v.Name, v.Key()
		b.gap("view")
	}
	var names []string
	var deps []string
	is = proto.Clone(is).(*pg_query.IndexStmt)
	for _, p := range append(append([]*pg_query.Node(nil), is.IndexParams...), is.IndexIncludingParams...) {
		ie := p.GetIndexElem()
		if ie == nil {
			continue
		}
		switch {
		case ie.Indexcolname != "":
			names = append(names, ie.Indexcolname)
		case ie.Name != "":
			names = append(names, ie.Name)
		default:
			names = append(names, "expr")
		}
		if ie.Name != "" && colTable != nil {
			deps = append(deps, b.colID(colTable, ie.Name))
		}
		if ie.Expr != nil {
			b.qualify(ie.Expr, colTable, &deps)
		}
		if len(ie.Opclass) > 0 {
			b.gap("index-opclass")
		}
		if am := strings.ToLower(is.AccessMethod); (am == "gist" && b.s.Extensions["btree_gist"] != nil) || (am == "gin" && b.s.Extensions["btree_gin"] != nil) {
			b.gap("extension-opclass")
		}
	}
	b.qualify(is.WhereClause, colTable, &deps)
	simple := false
	for _, p := range is.IndexParams {
		if p.GetIndexElem().GetName() != "" {
			simple = true
		}
	}
	if !simple && colTable != nil {
		// index_create: an index without a plain column depends on the whole table
		deps = append(deps, schema.ID(schema.KindTable, colTable.Key()))
	}
	name := is.Idxname
	if name == "" {
		name = b.chooseRelationName(sc, relName, nameAddition(indexColumnNames(names)), "idx", false)
	}
	if b.relExists(sc, name) {
		if is.IfNotExists {
			return nil
		}
	}
	b.addRel(sc, name, "i")
	is.Idxname = name
	is.Relation = &pg_query.RangeVar{Schemaname: sc, Relname: relName, Inh: t == nil || t.Kind != schema.TablePartitioned, Relpersistence: "p"}
	if is.AccessMethod == "" {
		is.AccessMethod = "btree"
	}
	is.Concurrent, is.IfNotExists, is.TableSpace = false, false, ""
	def := canonStatement(deparseWithPrefix("", &pg_query.Node{Node: &pg_query.Node_IndexStmt{IndexStmt: is}}))
	x := &schema.Index{Schema: sc, Name: name, Table: relKey, Definition: def, Unique: is.Unique, Valid: true, Deps: deps}
	if t != nil {
		t.Indexes = append(t.Indexes, x)
		if is.Unique && is.WhereClause == nil {
			var cols []string
			ok := true
			for _, p := range is.IndexParams {
				if n := p.GetIndexElem().GetName(); n != "" {
					cols = append(cols, n)
				} else {
					ok = false
				}
			}
			if ok {
				b.uniques[t.Key()] = append(b.uniques[t.Key()], uniqueKey{cols: cols, id: schema.ID(schema.KindIndex, x.Key())})
			}
		}
	} else {
		v.Indexes = append(v.Indexes, x)
	}
	return nil
}

// findIndex finds an index (not implementing a constraint) by name.
func (b *offline) findIndex(nsp, name string) (*schema.Index, *schema.Table, *schema.View) {
	for _, k := range schema.SortedKeys(b.s.Tables) {
		t := b.s.Tables[k]
		for _, x := range t.Indexes {
			if x.Name == name && (nsp == "" && b.inPath(x.Schema) || x.Schema == nsp) {
				return x, t, nil
			}
		}
	}
	for _, k := range schema.SortedKeys(b.s.Views) {
		v := b.s.Views[k]
		for _, x := range v.Indexes {
			if x.Name == name && (nsp == "" && b.inPath(x.Schema) || x.Schema == nsp) {
				return x, nil, v
			}
		}
	}
	return nil, nil, nil
}

// findConstraintIndex finds the constraint implemented by the index named name.
func (b *offline) findConstraintIndex(nsp, name string) (*schema.Constraint, *schema.Table) {
	for _, k := range schema.SortedKeys(b.s.Tables) {
		t := b.s.Tables[k]
		for _, c := range t.Constraints {
			if c.Index != "" && c.Name == name && (nsp == "" && b.inPath(t.Schema) || t.Schema == nsp) {
				return c, t
			}
		}
	}
	return nil, nil
}

func (b *offline) inPath(nsp string) bool {
	for _, s := range b.sp {
		if s == nsp {
			return true
		}
	}
	return false
}

func (b *offline) alterTable(at *pg_query.AlterTableStmt) error {
	switch at.Objtype {
	case pg_query.ObjectType_OBJECT_INDEX:
		return b.alterIndex(at)
	case pg_query.ObjectType_OBJECT_SEQUENCE:
		sc, _ := b.lookupRel(at.Relation.Schemaname, at.Relation.Relname)
		sq := b.s.Sequences[schema.QualName(sc, at.Relation.Relname)]
		for _, cn := range at.Cmds {
			cmd := cn.GetAlterTableCmd()
			if cmd.Subtype == pg_query.AlterTableType_AT_ChangeOwner && sq != nil {
				sq.Owner = cmd.Newowner.GetRolename()
			}
		}
		return nil
	case pg_query.ObjectType_OBJECT_VIEW, pg_query.ObjectType_OBJECT_MATVIEW:
		v := b.view(at.Relation)
		if v == nil {
			return nil
		}
		for _, cn := range at.Cmds {
			cmd := cn.GetAlterTableCmd()
			switch cmd.Subtype {
			case pg_query.AlterTableType_AT_ChangeOwner:
				v.Owner = cmd.Newowner.GetRolename()
			case pg_query.AlterTableType_AT_SetRelOptions:
				v.Options = schema.SortedSet(append(v.Options, relOptions(cmd.Def.GetList().GetItems())...))
			default:
				b.gap("view")
			}
		}
		return nil
	case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_FOREIGN_TABLE:
	default:
		b.gap("unsupported-statement")
		return nil
	}
	t := b.table(at.Relation)
	if t == nil {
		if !at.MissingOk {
			b.gap("unresolved-reference")
		}
		return nil
	}
	for _, cn := range at.Cmds {
		cmd := cn.GetAlterTableCmd()
		if cmd == nil {
			continue
		}
		col := t.Column(cmd.Name)
		switch cmd.Subtype {
		case pg_query.AlterTableType_AT_AddConstraint:
			c := cmd.Def.GetConstraint()
			b.addConstraint(t, c, "")
		case pg_query.AlterTableType_AT_AddColumn:
			cd := cmd.Def.GetColumnDef()
			if t.Column(cd.Colname) != nil && cmd.MissingOk {
				continue
			}
			pending := applyConstraintAttrs(b.addColumn(t, cd))
			for _, p := range pending {
				b.addConstraint(t, p.c, p.col)
			}
		case pg_query.AlterTableType_AT_ColumnDefault:
			if col == nil {
				continue
			}
			col.Default = ""
			if cmd.Def != nil {
				col.Default = b.expr(cmd.Def, t, &col.Deps)
				b.temporalDefault(col, cmd.Def)
				col.Deps = withoutIDs(col.Deps, b.colID(t, col.Name), schema.ID(schema.KindTable, t.Key()))
			}
		case pg_query.AlterTableType_AT_SetNotNull:
			if col != nil {
				col.NotNull = true
			}
		case pg_query.AlterTableType_AT_DropNotNull:
			if col != nil {
				col.NotNull = false
			}
		case pg_query.AlterTableType_AT_AddIdentity:
			if col != nil {
				b.setIdentity(t, col, cmd.Def.GetConstraint())
			}
		case pg_query.AlterTableType_AT_SetIdentity:
			if col != nil && col.IdentitySequence != nil {
				for _, o := range cmd.Def.GetList().GetItems() {
					d := o.GetDefElem()
					if d.GetDefname() == "generated" {
						if defInt(d) == 1 || defString(d) == "1" {
							col.Identity = "a"
						} else {
							col.Identity = "d"
						}
						continue
					}
					b.seqOptionsAlter(col.IdentitySequence, d)
				}
			}
		case pg_query.AlterTableType_AT_ChangeOwner:
			t.Owner = cmd.Newowner.GetRolename()
		case pg_query.AlterTableType_AT_EnableRowSecurity:
			t.RLSEnabled = true
		case pg_query.AlterTableType_AT_DisableRowSecurity:
			t.RLSEnabled = false
		case pg_query.AlterTableType_AT_ForceRowSecurity:
			t.RLSForced = true
		case pg_query.AlterTableType_AT_NoForceRowSecurity:
			t.RLSForced = false
		case pg_query.AlterTableType_AT_ReplicaIdentity:
			ri := cmd.Def.GetReplicaIdentityStmt()
			t.ReplicaIdentity, t.ReplicaIdentityIndex = ri.GetIdentityType(), ""
			if ri.GetIdentityType() == "i" {
				t.ReplicaIdentityIndex = ri.Name
			}
		case pg_query.AlterTableType_AT_SetRelOptions:
			opts := relOptions(cmd.Def.GetList().GetItems())
			merged := map[string]string{}
			for _, o := range append(append([]string(nil), t.Options...), opts...) {
				k, v, _ := strings.Cut(o, "=")
				merged[k] = v
			}
			t.Options = nil
			for k, v := range merged {
				t.Options = append(t.Options, k+"="+v)
			}
			t.Options = schema.SortedSet(t.Options)
		case pg_query.AlterTableType_AT_ResetRelOptions:
			for _, o := range cmd.Def.GetList().GetItems() {
				d := o.GetDefElem()
				k := d.GetDefname()
				if d.GetDefnamespace() != "" {
					k = d.Defnamespace + "." + k
				}
				var keep []string
				for _, x := range t.Options {
					if !strings.HasPrefix(x, k+"=") {
						keep = append(keep, x)
					}
				}
				t.Options = keep
			}
		case pg_query.AlterTableType_AT_SetStatistics:
			if col != nil {
				col.Statistics = int(defIntNode(cmd.Def))
			}
		case pg_query.AlterTableType_AT_SetStorage:
			if col != nil {
				b.setStorage(col, cmd.Def.GetString_().GetSval())
			}
		case pg_query.AlterTableType_AT_SetOptions:
			if col != nil {
				col.Options = schema.SortedSet(append(col.Options, relOptions(cmd.Def.GetList().GetItems())...))
			}
		case pg_query.AlterTableType_AT_SetCompression:
			if col != nil {
				switch strings.ToLower(cmd.Def.GetString_().GetSval()) {
				case "pglz":
					col.Compression = "p"
				case "lz4":
					col.Compression = "l"
				default:
					col.Compression = ""
				}
			}
		case pg_query.AlterTableType_AT_AttachPartition:
			pc := cmd.Def.GetPartitionCmd()
			child := b.table(pc.Name)
			if child == nil {
				b.gap("unresolved-reference")
				continue
			}
			child.PartitionOf = t.Key()
			child.PartitionBound = b.partBound(pc.Bound)
			child.Deps = append(child.Deps, schema.ID(schema.KindTable, t.Key()))
			b.gap("partition")
		case pg_query.AlterTableType_AT_ClusterOn:
			for _, x := range t.Indexes {
				x.Clustered = x.Name == cmd.Name
			}
		case pg_query.AlterTableType_AT_ValidateConstraint:
			if c := t.Constraint(cmd.Name); c != nil {
				c.Validated = true
				c.Definition = strings.TrimSuffix(c.Definition, " NOT VALID")
			}
		case pg_query.AlterTableType_AT_DropConstraint:
			for i, c := range t.Constraints {
				if c.Name == cmd.Name {
					t.Constraints = append(t.Constraints[:i], t.Constraints[i+1:]...)
					break
				}
			}
		case pg_query.AlterTableType_AT_DropColumn:
			for i, c := range t.Columns {
				if c.Name == cmd.Name {
					t.Columns = append(t.Columns[:i], t.Columns[i+1:]...)
					break
				}
			}
		case pg_query.AlterTableType_AT_AddInherit:
			if p := b.table(cmd.Def.GetRangeVar()); p != nil {
				t.Inherits = append(t.Inherits, p.Key())
				t.Deps = append(t.Deps, schema.ID(schema.KindTable, p.Key()))
			}
			b.gap("inheritance")
		case pg_query.AlterTableType_AT_EnableTrig, pg_query.AlterTableType_AT_DisableTrig,
			pg_query.AlterTableType_AT_EnableAlwaysTrig, pg_query.AlterTableType_AT_EnableReplicaTrig:
			state := map[pg_query.AlterTableType]string{
				pg_query.AlterTableType_AT_EnableTrig: "O", pg_query.AlterTableType_AT_DisableTrig: "D",
				pg_query.AlterTableType_AT_EnableAlwaysTrig: "A", pg_query.AlterTableType_AT_EnableReplicaTrig: "R",
			}[cmd.Subtype]
			for _, tg := range t.Triggers {
				if tg.Name == cmd.Name {
					tg.Enabled = state
				}
			}
		case pg_query.AlterTableType_AT_SetLogged:
			t.Unlogged = false
		case pg_query.AlterTableType_AT_SetUnLogged:
			t.Unlogged = true
		case pg_query.AlterTableType_AT_AlterColumnType:
			if col != nil {
				cd := cmd.Def.GetColumnDef()
				var dep string
				col.Type, dep = b.formatType(cd.TypeName)
				if dep != "" {
					col.Deps = schema.SortedSet(append(col.Deps, dep))
				}
				b.gap("alter-column-type")
			}
		default:
			b.gap("unsupported-statement")
		}
	}
	return nil
}

func defIntNode(n *pg_query.Node) int64 {
	if n == nil {
		return 0
	}
	if i := n.GetInteger(); i != nil {
		return int64(i.Ival)
	}
	return 0
}

// seqOptionsAlter applies one ALTER SEQUENCE option (increment, min/max,
// start, cache, cycle) to sq; options not given keep their values.
func (b *offline) seqOptionsAlter(sq *schema.Sequence, d *pg_query.DefElem) {
	switch d.GetDefname() {
	case "increment":
		sq.Increment = defInt(d)
	case "minvalue":
		if d.Arg != nil {
			sq.Min = defInt(d)
		}
	case "maxvalue":
		if d.Arg != nil {
			sq.Max = defInt(d)
		}
	case "start":
		sq.Start = defInt(d)
	case "cache":
		sq.Cache = defInt(d)
	case "cycle":
		sq.Cycle = defString(d) == "true" || defString(d) == "1"
	}
}

// alterIndex handles ALTER INDEX ... ATTACH PARTITION (the child index, or the
// constraint it implements, belongs to the parent from then on) and SET options.
func (b *offline) alterIndex(at *pg_query.AlterTableStmt) error {
	for _, cn := range at.Cmds {
		cmd := cn.GetAlterTableCmd()
		switch cmd.GetSubtype() {
		case pg_query.AlterTableType_AT_AttachPartition:
			child := cmd.Def.GetPartitionCmd().GetName()
			if x, t, _ := b.findIndex(child.Schemaname, child.Relname); x != nil && t != nil {
				for i, y := range t.Indexes {
					if y == x {
						t.Indexes = append(t.Indexes[:i], t.Indexes[i+1:]...)
						break
					}
				}
			} else if c, t := b.findConstraintIndex(child.Schemaname, child.Relname); c != nil {
				for i, y := range t.Constraints {
					if y == c {
						t.Constraints = append(t.Constraints[:i], t.Constraints[i+1:]...)
						break
					}
				}
			}
			b.gap("partition")
		default:
			b.gap("unsupported-statement")
		}
	}
	return nil
}

// temporalTypes are column types whose constants the server stores in a
// normalized spelling (a date literal becomes '2030-01-01 00:00:00+00').
var temporalTypes = map[string]bool{
	"date": true, "timestamp without time zone": true, "timestamp with time zone": true,
	"time without time zone": true, "time with time zone": true, "interval": true,
}

// constTypes handles `column op constant`: a string constant compared with a
// column of a user type (an enum, a domain) becomes a constant of that type,
// which the expression then depends on; a constant compared with a
// date/time column is a known gap (the server re-spells it).
func (b *offline) constTypes(e *pg_query.A_Expr, t *schema.Table, add func(string)) {
	if t == nil || e.Lexpr == nil || e.Rexpr == nil {
		return
	}
	side := func(col, other *pg_query.Node) {
		cr := col.GetColumnRef()
		if cr == nil || len(cr.Fields) == 0 {
			return
		}
		c := t.Column(cr.Fields[len(cr.Fields)-1].GetString_().GetSval())
		if c == nil {
			return
		}
		hasConst := false
		schema.WalkNodes(other.ProtoReflect(), func(x *pg_query.Node) {
			if k := x.GetAConst(); k != nil && k.GetSval() != nil {
				hasConst = true
			}
		})
		if !hasConst {
			return
		}
		typ := strings.TrimSuffix(c.Type, "[]")
		if i := strings.IndexByte(typ, '('); i >= 0 {
			typ = strings.TrimSpace(typ[:i] + typ[strings.IndexByte(typ, ')')+1:])
		}
		if temporalTypes[typ] {
			b.gap("typed-literal")
		}
		if ut := b.s.Types[strings.TrimSuffix(c.Type, "[]")]; ut != nil {
			add(schema.ID(schema.KindType, ut.Key()))
		}
	}
	side(e.Lexpr, e.Rexpr)
	side(e.Rexpr, e.Lexpr)
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

package offline

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/proto"

	"github.com/pgshift/pgshift/schema"
)

// OfflineResult is a schema file modeled without a server (LoadOffline).
type OfflineResult struct {
	Schema *schema.Schema
	// Notes are remarks for the user (skipped statements, ...).
	Notes []string
	// Gaps lists the known offline gaps (see OfflineGaps) the file uses, in
	// order of first use, each with the position of its first use.
	Gaps []GapUse
}

// GapUse is one known offline gap used by a file.
type GapUse struct {
	Gap string // Gap.Name
	Pos string // "file:line:col" of the first use
}

// LoadOfflineFile is LoadOffline for a file on disk.
// It follows \i / \ir includes and reads a directory of .sql files as
// schema.ReadSchemaFile does.
func LoadOfflineFile(path string) (*OfflineResult, error) {
	stmts, _, err := schema.ReadSchemaFile(path)
	if err != nil {
		return nil, err
	}
	return loadOffline(path, stmts)
}

// LoadOffline builds the model of a schema file from its parse tree alone,
// with no server: PostgreSQL's rules for implicit names, type aliases,
// serial columns and search_path resolution are applied, and definition
// texts are put into the offline normal form (see NormalizeOffline). The
// model starts from what every new database holds (the public schema and
// plpgsql). Constructs the offline loader cannot model exactly are recorded
// in the result's Gaps (see OfflineGaps); path names the file in messages.
func LoadOffline(path string, src []byte) (*OfflineResult, error) {
	stmts, err := schema.SplitSQL(path, src)
	if err != nil {
		return nil, err
	}
	return loadOffline(path, stmts)
}

// loadOffline is LoadOffline for statements already split (each in
// Statement.File, else in path).
func loadOffline(path string, stmts []schema.Statement) (*OfflineResult, error) {
	b := newOffline(path)
	for _, st := range stmts {
		file := st.FileOr(path)
		b.pos = fmt.Sprintf("%s:%d:%d", file, st.Line, st.Col)
		if err := b.stmt(st); err != nil {
			return nil, &schema.PosError{File: file, Line: st.Line, Col: st.Col, Msg: err.Error(), Err: err}
		}
	}
	schema.SortModel(b.s)
	return b.res, nil
}

// offline is the state of one offline load.
type offline struct {
	path string
	pos  string
	s    *schema.Schema
	res  *OfflineResult
	sp   []string // search_path without $user and pg_catalog

	rels     map[string]map[string]string // schema -> relation (or type) name -> kind
	conNames map[string]map[string]bool   // schema -> constraint names
	gapSeen  map[string]bool
	// uniques are the unique keys of each table (qualified), for FK resolution.
	uniques map[string][]uniqueKey
	// extTypes maps a type name provided by a created extension to its extension.
	extTypes map[string]string
}

type uniqueKey struct {
	cols  []string
	id    string // constraint or index ID
	isPK  bool
	isCon bool
}

func newOffline(path string) *offline {
	s := schema.NewSchema()
	s.Namespaces[schema.QuoteIdent("public")] = &schema.Namespace{Name: "public", Comment: "standard public schema",
		ACL: []string{"PUBLIC=USAGE"}, Owner: "pg_database_owner"}
	s.Extensions["plpgsql"] = &schema.Extension{Name: "plpgsql", Schema: "pg_catalog", Version: "1.0"}
	return &offline{
		path:     path,
		s:        s,
		res:      &OfflineResult{Schema: s},
		sp:       []string{"public"},
		rels:     map[string]map[string]string{},
		conNames: map[string]map[string]bool{},
		gapSeen:  map[string]bool{},
		uniques:  map[string][]uniqueKey{},
		extTypes: map[string]string{},
	}
}

// gap records the use of a known gap.
func (b *offline) gap(name string) {
	if b.gapSeen[name] {
		return
	}
	b.gapSeen[name] = true
	b.res.Gaps = append(b.res.Gaps, GapUse{Gap: name, Pos: b.pos})
}

func (b *offline) note(format string, args ...any) {
	b.res.Notes = append(b.res.Notes, b.pos+": "+fmt.Sprintf(format, args...))
}

func (b *offline) relExists(nsp, name string) bool {
	_, ok := b.rels[nsp][name]
	return ok
}

func (b *offline) addRel(nsp, name, kind string) {
	if b.rels[nsp] == nil {
		b.rels[nsp] = map[string]string{}
	}
	b.rels[nsp][name] = kind
}

func (b *offline) addCon(nsp, name string) {
	if b.conNames[nsp] == nil {
		b.conNames[nsp] = map[string]bool{}
	}
	b.conNames[nsp][name] = true
}

// creationSchema is the schema an unqualified new object goes to.
func (b *offline) creationSchema(given string) string {
	if given != "" {
		return given
	}
	for _, sc := range b.sp {
		if b.s.Namespaces[schema.QuoteIdent(sc)] != nil {
			return sc
		}
	}
	return "public"
}

// lookupRel finds the schema of an existing relation name (kinds "" = any).
func (b *offline) lookupRel(nsp, name string) (string, bool) {
	if nsp != "" {
		return nsp, b.relExists(nsp, name)
	}
	for _, sc := range b.sp {
		if b.relExists(sc, name) {
			return sc, true
		}
	}
	return b.creationSchema(""), false
}

func (b *offline) rangeVar(rv *pg_query.RangeVar) (string, string) {
	return b.creationSchema(rv.Schemaname), rv.Relname
}

// table returns the table a RangeVar refers to, or nil.
func (b *offline) table(rv *pg_query.RangeVar) *schema.Table {
	sc, _ := b.lookupRel(rv.Schemaname, rv.Relname)
	return b.s.Tables[schema.QualName(sc, rv.Relname)]
}

func (b *offline) view(rv *pg_query.RangeVar) *schema.View {
	sc, _ := b.lookupRel(rv.Schemaname, rv.Relname)
	return b.s.Views[schema.QualName(sc, rv.Relname)]
}

// nameList turns a list of String nodes into (schema, name).
func nameList(nodes []*pg_query.Node) (string, string) {
	var parts []string
	for _, n := range nodes {
		parts = append(parts, n.GetString_().GetSval())
	}
	switch len(parts) {
	case 0:
		return "", ""
	case 1:
		return "", parts[0]
	default:
		return parts[len(parts)-2], parts[len(parts)-1]
	}
}

// lookupType finds a user type (or relation row type) by possibly
// unqualified name; key is its qualified name.
func (b *offline) lookupType(nsp, name string) (key string, id string, ok bool) {
	try := func(sc string) (string, string, bool) {
		k := schema.QualName(sc, name)
		if b.s.Types[k] != nil {
			return k, schema.ID(schema.KindType, k), true
		}
		if b.s.Tables[k] != nil {
			return k, schema.ID(schema.KindTable, k), true
		}
		if b.s.Views[k] != nil {
			return k, schema.ID(schema.KindView, k), true
		}
		return "", "", false
	}
	if nsp != "" {
		return try(nsp)
	}
	for _, sc := range b.sp {
		if k, id, ok := try(sc); ok {
			return k, id, true
		}
	}
	return "", "", false
}

// formatType renders a TypeName the way format_type does and returns the
// ID of the modeled object it depends on ("" for builtin types).
func (b *offline) formatType(tn *pg_query.TypeName) (string, string) {
	if tn == nil {
		return "", ""
	}
	nsp, name := typeNameParts(tn)
	arr := ""
	if len(tn.ArrayBounds) > 0 {
		arr = "[]"
	}
	if tn.PctType {
		b.gap("type-reference")
	}
	mods, _ := typmodInts(tn)
	if nsp == "pg_catalog" {
		if s, ok := formatBuiltin(name, mods); ok {
			return s + arr, ""
		}
		return schema.QuoteIdent(name) + arr, ""
	}
	if k, id, ok := b.lookupType(nsp, name); ok {
		return k + arr, id
	}
	if nsp == "" {
		if name == "char" {
			return `"char"` + arr, ""
		}
		if s, ok := formatBuiltin(name, mods); ok {
			return s + arr, ""
		}
		if ext, ok := b.extTypes[name]; ok {
			e := b.s.Extensions[schema.QuoteIdent(ext)]
			s := schema.QualName(e.Schema, name)
			if len(mods) > 0 {
				b.gap("extension-type-modifier")
			}
			return s + arr, schema.ID(schema.KindExtension, e.Key())
		}
		b.gap("unknown-type")
		return schema.QualName(b.creationSchema(""), name) + arr, ""
	}
	if ext, ok := b.extTypes[name]; ok {
		return schema.QualName(nsp, name) + arr, schema.ID(schema.KindExtension, schema.QuoteIdent(ext))
	}
	b.gap("unknown-type")
	return schema.QualName(nsp, name) + arr, ""
}

// typeStorage returns the default storage of a formatted type.
func (b *offline) typeStorage(typ string) string {
	if strings.HasSuffix(typ, "[]") {
		return "x"
	}
	base := typ
	if i := strings.IndexByte(base, '('); i >= 0 {
		base = strings.TrimSpace(base[:i]) + base[strings.IndexByte(base, ')')+1:]
	}
	if bt, ok := builtinTypes[base]; ok {
		return bt.storage
	}
	if t := b.s.Types[typ]; t != nil {
		switch t.Kind {
		case schema.TypeEnum:
			return "p"
		case schema.TypeDomain:
			return b.typeStorage(t.BaseType)
		}
		return "x"
	}
	return "x"
}

// isCollatable reports whether a formatted type is collatable.
func (b *offline) isCollatable(typ string) bool {
	typ = strings.TrimSuffix(typ, "[]")
	base := typ
	if i := strings.IndexByte(base, '('); i >= 0 {
		base = strings.TrimSpace(base[:i])
	}
	if bt, ok := builtinTypes[base]; ok {
		return bt.coll
	}
	if t := b.s.Types[typ]; t != nil && t.Kind == schema.TypeDomain {
		return b.isCollatable(t.BaseType)
	}
	if strings.HasSuffix(typ, ".citext") {
		return true
	}
	return false
}

// collation formats a COLLATE clause's name ("" for "default").
func (b *offline) collation(names []*pg_query.Node) string {
	sc, name := nameList(names)
	if name == "default" && sc == "" {
		return ""
	}
	if sc == "" {
		sc = "pg_catalog"
	}
	return schema.QualName(sc, name)
}

// stmt models one statement.
func (b *offline) stmt(st schema.Statement) error {
	if st.IsData() {
		return nil
	}
	switch n := st.Node.Node.(type) {
	case *pg_query.Node_VariableSetStmt:
		b.setStmt(n.VariableSetStmt)
	case *pg_query.Node_SelectStmt:
		b.selectStmt(n.SelectStmt)
	case *pg_query.Node_TransactionStmt, *pg_query.Node_CreateRoleStmt, *pg_query.Node_AlterRoleStmt,
		*pg_query.Node_GrantRoleStmt, *pg_query.Node_DropRoleStmt, *pg_query.Node_CheckPointStmt,
		*pg_query.Node_VacuumStmt, *pg_query.Node_NotifyStmt,
		*pg_query.Node_ListenStmt, *pg_query.Node_DiscardStmt, *pg_query.Node_LockStmt:
	case *pg_query.Node_CreatedbStmt, *pg_query.Node_DropdbStmt, *pg_query.Node_AlterDatabaseStmt,
		*pg_query.Node_AlterDatabaseSetStmt:
		b.note("skipped %s (database-level statement)", st.Kind)
	case *pg_query.Node_CreateSchemaStmt:
		b.createSchema(n.CreateSchemaStmt)
	case *pg_query.Node_CreateExtensionStmt:
		b.createExtension(n.CreateExtensionStmt)
	case *pg_query.Node_CreateEnumStmt:
		b.createEnum(n.CreateEnumStmt)
	case *pg_query.Node_AlterEnumStmt:
		return b.alterEnum(n.AlterEnumStmt)
	case *pg_query.Node_CreateDomainStmt:
		b.createDomain(n.CreateDomainStmt)
	case *pg_query.Node_AlterDomainStmt:
		b.alterDomain(n.AlterDomainStmt)
	case *pg_query.Node_CompositeTypeStmt:
		b.createComposite(n.CompositeTypeStmt)
	case *pg_query.Node_CreateRangeStmt:
		b.createRange(n.CreateRangeStmt)
	case *pg_query.Node_CreateSeqStmt:
		b.createSequence(n.CreateSeqStmt)
	case *pg_query.Node_AlterSeqStmt:
		b.alterSequence(n.AlterSeqStmt)
	case *pg_query.Node_CreateStmt:
		return b.createTable(n.CreateStmt)
	case *pg_query.Node_AlterTableStmt:
		return b.alterTable(n.AlterTableStmt)
	case *pg_query.Node_IndexStmt:
		return b.createIndex(n.IndexStmt)
	case *pg_query.Node_CreateTrigStmt:
		b.createTrigger(n.CreateTrigStmt)
	case *pg_query.Node_CreatePolicyStmt:
		b.createPolicy(n.CreatePolicyStmt)
	case *pg_query.Node_ViewStmt:
		b.createView(n.ViewStmt)
	case *pg_query.Node_CreateTableAsStmt:
		b.createMatView(n.CreateTableAsStmt)
	case *pg_query.Node_CreateFunctionStmt:
		b.createFunction(n.CreateFunctionStmt)
	case *pg_query.Node_CommentStmt:
		b.comment(n.CommentStmt)
	case *pg_query.Node_GrantStmt:
		b.grant(n.GrantStmt)
	case *pg_query.Node_AlterOwnerStmt:
		b.alterOwner(n.AlterOwnerStmt)
	case *pg_query.Node_DropStmt:
		b.drop(n.DropStmt)
	case *pg_query.Node_DoStmt:
		b.gap("do-block")
	case *pg_query.Node_DefineStmt:
		b.define(n.DefineStmt)
	case *pg_query.Node_AlterDefaultPrivilegesStmt:
		b.gap("default-privileges")
	case *pg_query.Node_CreateEventTrigStmt:
		b.s.Unmanaged = append(b.s.Unmanaged, schema.Unmanaged{Kind: "event trigger", Name: schema.QuoteIdent(n.CreateEventTrigStmt.Trigname)})
	case *pg_query.Node_CreatePublicationStmt:
		b.s.Unmanaged = append(b.s.Unmanaged, schema.Unmanaged{Kind: "publication", Name: schema.QuoteIdent(n.CreatePublicationStmt.Pubname)})
	case *pg_query.Node_RuleStmt:
		r := n.RuleStmt
		sc, _ := b.lookupRel(r.Relation.Schemaname, r.Relation.Relname)
		b.s.Unmanaged = append(b.s.Unmanaged, schema.Unmanaged{Kind: "rule", Name: schema.QuoteIdent(r.Rulename) + " ON " + schema.QualName(sc, r.Relation.Relname)})
	case *pg_query.Node_CreateStatsStmt:
		cs := n.CreateStatsStmt
		sc, name := nameList(cs.Defnames)
		if name == "" {
			b.gap("unnamed-statistics")
			return nil
		}
		b.s.Unmanaged = append(b.s.Unmanaged, schema.Unmanaged{Kind: "statistics", Name: schema.QualName(b.creationSchema(sc), name)})
	case *pg_query.Node_CreateForeignTableStmt:
		rv := n.CreateForeignTableStmt.BaseStmt.GetRelation()
		sc, name := b.rangeVar(rv)
		b.addRel(sc, name, "f")
		b.s.Unmanaged = append(b.s.Unmanaged, schema.Unmanaged{Kind: "foreign table", Name: schema.QualName(sc, name)})
	case *pg_query.Node_CreateFdwStmt:
		b.s.Unmanaged = append(b.s.Unmanaged, schema.Unmanaged{Kind: "foreign data wrapper", Name: schema.QuoteIdent(n.CreateFdwStmt.Fdwname)})
	case *pg_query.Node_CreateForeignServerStmt:
		b.s.Unmanaged = append(b.s.Unmanaged, schema.Unmanaged{Kind: "server", Name: schema.QuoteIdent(n.CreateForeignServerStmt.Servername)})
	case *pg_query.Node_CreateCastStmt:
		c := n.CreateCastStmt
		src, _ := b.formatType(c.Sourcetype)
		dst, _ := b.formatType(c.Targettype)
		b.s.Unmanaged = append(b.s.Unmanaged, schema.Unmanaged{Kind: "cast", Name: "(" + src + " AS " + dst + ")"})
	default:
		b.gap("unsupported-statement")
		b.note("offline: statement %s is not modeled", st.Kind)
	}
	return nil
}

// setStmt follows SET search_path.
func (b *offline) setStmt(v *pg_query.VariableSetStmt) {
	if v.Name != "search_path" || v.IsLocal {
		return
	}
	switch v.Kind {
	case pg_query.VariableSetKind_VAR_SET_VALUE:
		var names []string
		for _, a := range v.Args {
			if c := a.GetAConst(); c != nil && c.GetSval() != nil {
				names = append(names, c.GetSval().Sval)
			}
		}
		b.setSearchPath(names)
	case pg_query.VariableSetKind_VAR_SET_DEFAULT, pg_query.VariableSetKind_VAR_RESET:
		b.sp = []string{"public"}
	}
}

// selectStmt follows SELECT set_config('search_path', '...', false).
func (b *offline) selectStmt(s *pg_query.SelectStmt) {
	for _, t := range s.TargetList {
		fc := t.GetResTarget().GetVal().GetFuncCall()
		if fc == nil || len(fc.Args) != 3 {
			continue
		}
		_, fn := nameList(fc.Funcname)
		if fn != "set_config" {
			continue
		}
		if fc.Args[0].GetAConst().GetSval().GetSval() != "search_path" {
			continue
		}
		if fc.Args[2].GetAConst().GetBoolval().GetBoolval() {
			continue // is_local
		}
		val := fc.Args[1].GetAConst().GetSval().GetSval()
		var names []string
		for _, p := range strings.Split(val, ",") {
			p = strings.TrimSpace(p)
			if strings.HasPrefix(p, `"`) && strings.HasSuffix(p, `"`) && len(p) >= 2 {
				p = strings.ReplaceAll(p[1:len(p)-1], `""`, `"`)
			} else {
				p = strings.ToLower(p)
			}
			if p != "" {
				names = append(names, p)
			}
		}
		b.setSearchPath(names)
	}
}

func (b *offline) setSearchPath(names []string) {
	var sp []string
	for _, n := range names {
		if n == "$user" || n == "pg_catalog" || n == "" {
			continue
		}
		sp = append(sp, n)
	}
	b.sp = sp
}

func (b *offline) createSchema(cs *pg_query.CreateSchemaStmt) {
	name := cs.Schemaname
	if name == "" && cs.Authrole != nil {
		name = cs.Authrole.Rolename
	}
	if b.s.Namespaces[schema.QuoteIdent(name)] != nil {
		return
	}
	ns := &schema.Namespace{Name: name}
	if cs.Authrole != nil {
		ns.Owner = cs.Authrole.Rolename
	}
	b.s.Namespaces[ns.Key()] = ns
	if len(cs.SchemaElts) > 0 {
		b.gap("unsupported-statement")
	}
}

// extensionTypes are the types of common contrib extensions (for column types).
var extensionTypes = map[string][]string{
	"citext":        {"citext"},
	"hstore":        {"hstore"},
	"ltree":         {"ltree", "lquery", "ltxtquery"},
	"cube":          {"cube"},
	"earthdistance": {"earth"},
	"isn":           {"ean13", "isbn", "issn", "upc", "isbn13", "ismn", "ismn13", "issn13"},
	"seg":           {"seg"},
	"postgis":       {"geometry", "geography", "box2d", "box3d"},
	"vector":        {"vector", "halfvec", "sparsevec"},
	"pg_trgm":       {"gtrgm"},
	"uuid-ossp":     nil,
	"pgcrypto":      nil,
	"btree_gist":    nil,
	"btree_gin":     nil,
}

func (b *offline) createExtension(ce *pg_query.CreateExtensionStmt) {
	if b.s.Extensions[schema.QuoteIdent(ce.Extname)] != nil {
		return
	}
	e := &schema.Extension{Name: ce.Extname}
	for _, o := range ce.Options {
		d := o.GetDefElem()
		switch d.GetDefname() {
		case "schema":
			e.Schema = defString(d)
		case "new_version":
			e.Version = defString(d)
		}
	}
	if e.Schema == "" {
		e.Schema = b.creationSchema("")
	}
	b.gap("extension-version")
	b.s.Extensions[e.Key()] = e
	for _, t := range extensionTypes[ce.Extname] {
		b.extTypes[t] = ce.Extname
	}
}

func (b *offline) newType(names []*pg_query.Node, kind schema.TypeKind) *schema.Type {
	sc, name := nameList(names)
	sc = b.creationSchema(sc)
	t := &schema.Type{Schema: sc, Name: name, Kind: kind, ACL: []string{"PUBLIC=USAGE"}}
	t.Deps = []string{schema.ID(schema.KindSchema, schema.QuoteIdent(sc))}
	b.s.Types[t.Key()] = t
	return t
}

func (b *offline) createEnum(ce *pg_query.CreateEnumStmt) {
	t := b.newType(ce.TypeName, schema.TypeEnum)
	for _, v := range ce.Vals {
		t.Labels = append(t.Labels, v.GetString_().GetSval())
	}
}

func (b *offline) findType(names []*pg_query.Node) *schema.Type {
	sc, name := nameList(names)
	k, _, ok := b.lookupType(sc, name)
	if !ok {
		return nil
	}
	return b.s.Types[k]
}

func (b *offline) alterEnum(ae *pg_query.AlterEnumStmt) error {
	t := b.findType(ae.TypeName)
	if t == nil || t.Kind != schema.TypeEnum {
		b.gap("unresolved-reference")
		return nil
	}
	if ae.OldVal != "" {
		for i, l := range t.Labels {
			if l == ae.OldVal {
				t.Labels[i] = ae.NewVal
			}
		}
		return nil
	}
	for _, l := range t.Labels {
		if l == ae.NewVal {
			return nil
		}
	}
	if ae.NewValNeighbor == "" {
		t.Labels = append(t.Labels, ae.NewVal)
		return nil
	}
	for i, l := range t.Labels {
		if l == ae.NewValNeighbor {
			at := i
			if ae.NewValIsAfter {
				at = i + 1
			}
			t.Labels = append(t.Labels[:at], append([]string{ae.NewVal}, t.Labels[at:]...)...)
			return nil
		}
	}
	return fmt.Errorf("enum label %q does not exist", ae.NewValNeighbor)
}

func (b *offline) createDomain(cd *pg_query.CreateDomainStmt) {
	t := b.newType(cd.Domainname, schema.TypeDomain)
	var dep string
	t.BaseType, dep = b.formatType(cd.TypeName)
	if dep != "" {
		t.Deps = append(t.Deps, dep)
	}
	if cd.CollClause != nil {
		t.Collation = b.collation(cd.CollClause.Collname)
	}
	for _, c := range cd.Constraints {
		b.domainConstraint(t, c.GetConstraint())
	}
}

func (b *offline) domainConstraint(t *schema.Type, c *pg_query.Constraint) {
	if c == nil {
		return
	}
	switch c.Contype {
	case pg_query.ConstrType_CONSTR_NOTNULL:
		t.NotNull = true
	case pg_query.ConstrType_CONSTR_NULL:
		t.NotNull = false
	case pg_query.ConstrType_CONSTR_DEFAULT:
		t.Default = b.expr(c.RawExpr, nil, &t.Deps)
	case pg_query.ConstrType_CONSTR_CHECK:
		name := c.Conname
		if name == "" {
			name = b.chooseConstraintName(t.Schema, t.Name, "", "check")
		}
		b.addCon(t.Schema, name)
		cc := proto.Clone(c).(*pg_query.Constraint)
		cc.Conname = "c"
		b.qualify(cc.RawExpr, nil, &t.Deps)
		def := deparseWithPrefix("ALTER DOMAIN d ADD ", &pg_query.Node{Node: &pg_query.Node_AlterDomainStmt{AlterDomainStmt: &pg_query.AlterDomainStmt{
			Subtype: "C", TypeName: []*pg_query.Node{strNode("d")}, Def: &pg_query.Node{Node: &pg_query.Node_Constraint{Constraint: cc}}}}})
		def = strings.TrimPrefix(def, "CONSTRAINT c ")
		t.Constraints = append(t.Constraints, &schema.DomainConstraint{Name: name, Definition: canonDomainConstraintDef(def)})
		sort.Slice(t.Constraints, func(i, j int) bool { return t.Constraints[i].Name < t.Constraints[j].Name })
	default:
		b.gap("unsupported-statement")
	}
}

func (b *offline) alterDomain(ad *pg_query.AlterDomainStmt) {
	t := b.findType(ad.TypeName)
	if t == nil {
		b.gap("unresolved-reference")
		return
	}
	switch ad.Subtype {
	case "T":
		t.Default = ""
		if ad.Def != nil {
			t.Default = b.expr(ad.Def, nil, &t.Deps)
		}
	case "N":
		t.NotNull = false
	case "O":
		t.NotNull = true
	case "C":
		b.domainConstraint(t, ad.Def.GetConstraint())
	case "X":
		for i, c := range t.Constraints {
			if c.Name == ad.Name {
				t.Constraints = append(t.Constraints[:i], t.Constraints[i+1:]...)
				break
			}
		}
	case "V":
		for _, c := range t.Constraints {
			if c.Name == ad.Name {
				c.Definition = strings.TrimSuffix(c.Definition, " NOT VALID")
			}
		}
	}
}

func (b *offline) createComposite(ct *pg_query.CompositeTypeStmt) {
	sc, name := b.rangeVar(ct.Typevar)
	t := &schema.Type{Schema: sc, Name: name, Kind: schema.TypeComposite, ACL: []string{"PUBLIC=USAGE"}, Deps: []string{schema.ID(schema.KindSchema, schema.QuoteIdent(sc))}}
	b.s.Types[t.Key()] = t
	b.addRel(sc, name, "c")
	for _, e := range ct.Coldeflist {
		cd := e.GetColumnDef()
		if cd == nil {
			continue
		}
		typ, dep := b.formatType(cd.TypeName)
		if dep != "" {
			t.Deps = append(t.Deps, dep)
		}
		a := &schema.Attribute{Name: cd.Colname, Type: typ}
		if cd.CollClause != nil {
			a.Collation = b.collation(cd.CollClause.Collname)
		}
		t.Attributes = append(t.Attributes, a)
	}
}

func (b *offline) createRange(cr *pg_query.CreateRangeStmt) {
	t := b.newType(cr.TypeName, schema.TypeRange)
	for _, p := range cr.Params {
		d := p.GetDefElem()
		switch d.GetDefname() {
		case "subtype":
			var dep string
			t.Subtype, dep = b.formatType(d.Arg.GetTypeName())
			if dep != "" {
				t.Deps = append(t.Deps, dep)
			}
		case "subtype_opclass":
			b.gap("range-options")
			t.SubtypeOpclass = schema.QualName("pg_catalog", defString(d))
		case "collation":
			t.Collation = schema.QualName("pg_catalog", defString(d))
		case "canonical", "subtype_diff":
			fn := b.funcName(d.Arg)
			if d.Defname == "canonical" {
				t.Canonical = fn
			} else {
				t.SubtypeDiff = fn
			}
		case "multirange_type_name":
			sc, name := "", defString(d)
			if l := d.Arg.GetList(); l != nil {
				sc, name = nameList(l.Items)
			}
			mr := schema.QualName(b.creationSchema(sc), name)
			if mr != schema.DefaultMultirangeName(t.Schema, t.Name) {
				t.Multirange = mr
			}
		}
	}
}

// funcName renders a function reference given as a definition argument the
// way regproc::text does under search_path = pg_catalog.
func (b *offline) funcName(n *pg_query.Node) string {
	var sc, name string
	switch {
	case n.GetTypeName() != nil:
		sc, name = typeNameParts(n.GetTypeName())
	case n.GetList() != nil:
		sc, name = nameList(n.GetList().Items)
	default:
		name = n.GetString_().GetSval()
	}
	if sc == "" {
		if f := b.findFunction(name); f != nil {
			sc = f.Schema
		}
	}
	if sc == "" || sc == "pg_catalog" {
		return schema.QuoteIdent(name)
	}
	return schema.QualName(sc, name)
}

// findFunction finds a file-defined function by unqualified name through
// the search path (nil if none).
func (b *offline) findFunction(name string) *schema.Function {
	for _, sc := range b.sp {
		prefix := schema.QualName(sc, name) + "("
		for _, k := range schema.SortedKeys(b.s.Functions) {
			if strings.HasPrefix(k, prefix) {
				return b.s.Functions[k]
			}
		}
	}
	return nil
}

func (b *offline) functionsNamed(sc, name string) []*schema.Function {
	var out []*schema.Function
	prefix := schema.QualName(sc, name) + "("
	for _, k := range schema.SortedKeys(b.s.Functions) {
		if strings.HasPrefix(k, prefix) {
			out = append(out, b.s.Functions[k])
		}
	}
	return out
}

// ownedByName returns the dotted column name of an OWNED BY option.
func ownedByName(d *pg_query.DefElem) string {
	var parts []string
	for _, it := range d.Arg.GetList().GetItems() {
		parts = append(parts, it.GetString_().GetSval())
	}
	return strings.Join(parts, ".")
}

// seqOptions applies the options of CREATE SEQUENCE (or an identity
// column) to sq, filling PostgreSQL's defaults for those not given; OWNED BY
// goes to *owner when owner is not nil.
func (b *offline) seqOptions(sq *schema.Sequence, opts []*pg_query.Node, owner *string) {
	var minSet, maxSet, startSet bool
	var minNo, maxNo bool
	for _, o := range opts {
		d := o.GetDefElem()
		if d == nil {
			continue
		}
		switch d.Defname {
		case "as":
			sq.DataType, _ = b.formatType(d.Arg.GetTypeName())
		case "increment":
			sq.Increment = defInt(d)
		case "minvalue":
			if d.Arg == nil {
				minNo = true
			} else {
				sq.Min, minSet = defInt(d), true
			}
		case "maxvalue":
			if d.Arg == nil {
				maxNo = true
			} else {
				sq.Max, maxSet = defInt(d), true
			}
		case "start":
			sq.Start, startSet = defInt(d), true
		case "cache":
			sq.Cache = defInt(d)
		case "cycle":
			sq.Cycle = defString(d) == "true" || defString(d) == "1"
		case "owned_by":
			if owner != nil {
				*owner = ownedByName(d)
			}
		case "restart", "sequence_name":
		default:
			b.gap("unsupported-statement")
		}
	}
	r := intRange[sq.DataType]
	if !minSet || minNo {
		if sq.Increment > 0 {
			sq.Min = 1
		} else {
			sq.Min = r[0]
		}
	}
	if !maxSet || maxNo {
		if sq.Increment > 0 {
			sq.Max = r[1]
		} else {
			sq.Max = -1
		}
	}
	if !startSet {
		if sq.Increment > 0 {
			sq.Start = sq.Min
		} else {
			sq.Start = sq.Max
		}
	}
}

func defInt(d *pg_query.DefElem) int64 {
	v, _ := strconv.ParseInt(defString(d), 10, 64)
	return v
}

func (b *offline) createSequence(cs *pg_query.CreateSeqStmt) {
	sc, name := b.rangeVar(cs.Sequence)
	if cs.IfNotExists && b.relExists(sc, name) {
		return
	}
	sq := &schema.Sequence{Schema: sc, Name: name, DataType: "bigint", Increment: 1, Cache: 1,
		Unlogged: cs.Sequence.Relpersistence == "u"}
	var owner string
	b.seqOptions(sq, cs.Options, &owner)
	sq.Deps = []string{schema.ID(schema.KindSchema, schema.QuoteIdent(sc))}
	b.s.Sequences[sq.Key()] = sq
	b.addRel(sc, name, "S")
	b.setOwnedBy(sq, owner)
}

// setOwnedBy resolves "table.column" or "schema.table.column" (or "none").
func (b *offline) setOwnedBy(sq *schema.Sequence, owner string) {
	if owner == "" {
		return
	}
	// remove an earlier OWNED BY dependency
	var deps []string
	for _, d := range sq.Deps {
		if k, _ := schema.SplitID(d); k != schema.KindColumn {
			deps = append(deps, d)
		}
	}
	sq.Deps = deps
	sq.OwnedBy = ""
	if strings.EqualFold(owner, "none") {
		return
	}
	parts := strings.Split(owner, ".")
	col := parts[len(parts)-1]
	rv := &pg_query.RangeVar{Relname: parts[len(parts)-2]}
	if len(parts) == 3 {
		rv.Schemaname = parts[0]
	}
	t := b.table(rv)
	if t == nil {
		b.gap("unresolved-reference")
		return
	}
	sq.OwnedBy = t.Key() + "." + schema.QuoteIdent(col)
	sq.Deps = append(sq.Deps, schema.ID(schema.KindColumn, sq.OwnedBy))
}

func (b *offline) alterSequence(as *pg_query.AlterSeqStmt) {
	sc, _ := b.lookupRel(as.Sequence.Schemaname, as.Sequence.Relname)
	sq := b.s.Sequences[schema.QualName(sc, as.Sequence.Relname)]
	if sq == nil {
		if !as.MissingOk {
			b.gap("unresolved-reference")
		}
		return
	}
	// Re-apply: options not given keep their values.
	var owner string
	for _, o := range as.Options {
		d := o.GetDefElem()
		switch d.GetDefname() {
		case "owned_by":
			owner = ownedByName(d)
		case "increment", "minvalue", "maxvalue", "start", "cache", "cycle":
			b.seqOptionsAlter(sq, d)
		case "as":
			sq.DataType, _ = b.formatType(d.Arg.GetTypeName())
			r := intRange[sq.DataType]
			if sq.Max > r[1] {
				sq.Max = r[1]
			}
			if sq.Min < r[0] {
				sq.Min = r[0]
			}
		case "restart":
		default:
			b.gap("unsupported-statement")
		}
	}
	b.setOwnedBy(sq, owner)
}

// deparseWithPrefix deparses one statement and strips prefix from the result.
func deparseWithPrefix(prefix string, stmt *pg_query.Node) string {
	out, err := pg_query.Deparse(&pg_query.ParseResult{Stmts: []*pg_query.RawStmt{{Stmt: stmt}}})
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(out, prefix)
}

// deparseExpr deparses a scalar expression.
func deparseExpr(n *pg_query.Node) string {
	sel := &pg_query.Node{Node: &pg_query.Node_SelectStmt{SelectStmt: &pg_query.SelectStmt{
		TargetList: []*pg_query.Node{{Node: &pg_query.Node_ResTarget{ResTarget: &pg_query.ResTarget{Val: n}}}},
	}}}
	return deparseWithPrefix("SELECT ", sel)
}

// expr qualifies a copy of an expression, collects its dependencies into
// deps (columns of t when t is not nil) and returns its normal form.
func (b *offline) expr(n *pg_query.Node, t *schema.Table, deps *[]string) string {
	if n == nil {
		return ""
	}
	c := proto.Clone(n).(*pg_query.Node)
	b.qualify(c, t, deps)
	return CanonExpr(deparseExpr(c))
}

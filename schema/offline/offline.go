package offline

import (
	"fmt"
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
	stmts, files, err := schema.ReadSchemaFile(path)
	if err != nil {
		return nil, err
	}
	anns, err := schema.FileAnnotations(files)
	if err != nil {
		return nil, err
	}
	return loadOffline(path, stmts, anns)
}

// LoadOffline builds the model of a schema file from its parse tree alone,
// with no server: PostgreSQL's rules for implicit names, type aliases,
// serial columns and search_path resolution are applied, and definition
// texts are put into the offline normal form (see NormalizeOffline). The
// model starts from what every new database holds (the public schema and
// plpgsql). Constructs the offline loader cannot model exactly are recorded
// in the result's Gaps (see OfflineGaps); path names the file in messages.
// The file's pgshift directives (renamed-from, ...) are read as online.
func LoadOffline(path string, src []byte) (*OfflineResult, error) {
	stmts, err := schema.SplitSQLOffline(path, src)
	if err != nil {
		return nil, err
	}
	anns, err := schema.FileAnnotations([]schema.SchemaFile{{Path: path, Src: src, Stmts: stmts}})
	if err != nil {
		return nil, err
	}
	return loadOffline(path, stmts, anns)
}

// loadOffline is LoadOffline for statements already split (each in
// Statement.File, else in path), with the files' directives.
func loadOffline(path string, stmts []schema.Statement, anns []schema.Annotation) (*OfflineResult, error) {
	// A statement the parser does not know (newer syntax) cannot be modeled
	// from a parse tree: an error naming it that asks for a dev database.
	if err := schema.UnparsedError(stmts); err != nil {
		return nil, err
	}
	b := newOffline(path)
	for _, st := range stmts {
		file := st.FileOr(path)
		b.pos = fmt.Sprintf("%s:%d:%d", file, st.Line, st.Col)
		if err := b.stmt(st); err != nil {
			return nil, &schema.PosError{File: file, Line: st.Line, Col: st.Col, Msg: err.Error(), Err: err}
		}
	}
	schema.SortModel(b.s)
	var err error
	if b.s.Annotations, err = schema.ResolveAnnotations(b.s, anns); err != nil {
		return nil, err
	}
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

package offline

import (
	"github.com/pgshift/pgshift/schema"
	"regexp"
	"sort"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// The offline normal form.
//
// An offline model (LoadOffline) holds definition texts derived from the
// user's own SQL, while an introspected model holds the server's rendering
// (pg_get_expr, pg_get_constraintdef, ...). The two agree after both are put
// through the same canonicalization: the text is parsed with pg_query, the
// tree is rewritten with the rules below, and deparsed again. LoadOffline
// returns models already in this form; NormalizeOffline puts an introspected
// model into it, so that offline and introspected models can be compared
// (the parity test does exactly that).
//
// Rewrite rules (each one undoes something PostgreSQL's parse analysis or
// ruleutils adds, or spells one construct one way):
//   - casts of constants are dropped ('a'::text -> 'a', '-1'::integer -> -1),
//     and a string constant that is a number becomes that number;
//   - casts of a column to text or character varying are dropped (the
//     implicit varchar -> text coercion);
//   - x IN (a, b) becomes x = ANY (ARRAY[a, b]) (NOT IN: <> ALL);
//   - x BETWEEN a AND b becomes x >= a AND x <= b (NOT BETWEEN: x < a OR x > b);
//   - LIKE / ILIKE / NOT LIKE / NOT ILIKE become the operators ~~, ~~*, !~~, !~~*;
//   - a function name qualified with pg_catalog loses the qualification;
//   - CAST(ARRAY[...] AS t[]) pushes the cast down to the elements (as in normalizeCheck);
//   - index columns: ASC and the default NULLS ordering are dropped;
//   - option values (WITH (fillfactor=70)) become strings;
//   - type names are spelled the pg_catalog way (timestamptz -> pg_catalog.timestamptz).
// The rules lose a little: a diff between two offline models does not see a
// change that only adds or removes one of these spellings.

var numberRe = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

func strNode(s string) *pg_query.Node { return pg_query.MakeStrNode(s) }

// canonRewrite applies the offline normal form rules to one node.
func canonRewrite(n *pg_query.Node) {
	switch x := n.Node.(type) {
	case *pg_query.Node_TypeCast:
		tc := x.TypeCast
		if tc.Arg == nil {
			return
		}
		if c := tc.Arg.GetAConst(); c != nil {
			n.Node = tc.Arg.Node
			canonConst(n)
			return
		}
		if len(tc.TypeName.GetArrayBounds()) > 0 {
			if arr := tc.Arg.GetAArrayExpr(); arr != nil {
				// Push the cast down; the element casts of constants then go too.
				schema.PushDownArrayCast(n)
				for _, e := range n.GetAArrayExpr().Elements {
					canonRewrite(e)
				}
				return
			}
		}
		if tc.Arg.GetColumnRef() != nil {
			_, name := typeNameParts(tc.TypeName)
			if (name == "text" || name == "varchar") && len(tc.TypeName.ArrayBounds) == 0 && len(tc.TypeName.Typmods) == 0 {
				n.Node = tc.Arg.Node
				return
			}
		}
		canonTypeName(tc.TypeName)
	case *pg_query.Node_AConst:
		canonConst(n)
	case *pg_query.Node_AExpr:
		e := x.AExpr
		switch e.Kind {
		case pg_query.A_Expr_Kind_AEXPR_IN:
			op := "="
			kind := pg_query.A_Expr_Kind_AEXPR_OP_ANY
			if opName(e.Name) == "<>" {
				op, kind = "<>", pg_query.A_Expr_Kind_AEXPR_OP_ALL
			}
			list := e.Rexpr.GetList()
			if list == nil {
				return
			}
			arr := &pg_query.Node{Node: &pg_query.Node_AArrayExpr{AArrayExpr: &pg_query.A_ArrayExpr{Elements: list.Items, Location: -1}}}
			e.Kind, e.Name, e.Rexpr = kind, []*pg_query.Node{strNode(op)}, arr
		case pg_query.A_Expr_Kind_AEXPR_BETWEEN, pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN:
			list := e.Rexpr.GetList()
			if list == nil || len(list.Items) != 2 {
				return
			}
			lo, hi, op1, op2, bo := ">=", "<=", list.Items[0], list.Items[1], pg_query.BoolExprType_AND_EXPR
			if e.Kind == pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN {
				lo, hi, bo = "<", ">", pg_query.BoolExprType_OR_EXPR
			}
			mk := func(op string, r *pg_query.Node) *pg_query.Node {
				return &pg_query.Node{Node: &pg_query.Node_AExpr{AExpr: &pg_query.A_Expr{Kind: pg_query.A_Expr_Kind_AEXPR_OP,
					Name: []*pg_query.Node{strNode(op)}, Lexpr: e.Lexpr, Rexpr: r, Location: -1}}}
			}
			n.Node = &pg_query.Node_BoolExpr{BoolExpr: &pg_query.BoolExpr{Boolop: bo, Args: []*pg_query.Node{mk(lo, op1), mk(hi, op2)}, Location: -1}}
		case pg_query.A_Expr_Kind_AEXPR_LIKE, pg_query.A_Expr_Kind_AEXPR_ILIKE:
			e.Kind = pg_query.A_Expr_Kind_AEXPR_OP
		case pg_query.A_Expr_Kind_AEXPR_OP:
			if len(e.Name) == 2 && e.Name[0].GetString_().GetSval() == "pg_catalog" {
				e.Name = e.Name[1:]
			}
		}
	case *pg_query.Node_BoolExpr:
		// Flatten nested ANDs / ORs (the parser does; parenthesised input does not).
		b := x.BoolExpr
		if b.Boolop == pg_query.BoolExprType_NOT_EXPR {
			return
		}
		var args []*pg_query.Node
		for _, a := range b.Args {
			if ab := a.GetBoolExpr(); ab != nil && ab.Boolop == b.Boolop {
				args = append(args, ab.Args...)
			} else {
				args = append(args, a)
			}
		}
		b.Args = args
	case *pg_query.Node_FuncCall:
		f := x.FuncCall
		if len(f.Funcname) == 2 && f.Funcname[0].GetString_().GetSval() == "pg_catalog" {
			f.Funcname = f.Funcname[1:]
		}
	case *pg_query.Node_IndexElem:
		ie := x.IndexElem
		if ie.Ordering == pg_query.SortByDir_SORTBY_ASC {
			ie.Ordering = pg_query.SortByDir_SORTBY_DEFAULT
		}
		if ie.Ordering == pg_query.SortByDir_SORTBY_DEFAULT && ie.NullsOrdering == pg_query.SortByNulls_SORTBY_NULLS_LAST ||
			ie.Ordering == pg_query.SortByDir_SORTBY_DESC && ie.NullsOrdering == pg_query.SortByNulls_SORTBY_NULLS_FIRST {
			ie.NullsOrdering = pg_query.SortByNulls_SORTBY_NULLS_DEFAULT
		}
		// An expression that is a bare column reference is the column.
		if ie.Expr != nil {
			if cr := ie.Expr.GetColumnRef(); cr != nil && len(cr.Fields) == 1 && cr.Fields[0].GetString_() != nil {
				ie.Name, ie.Expr = cr.Fields[0].GetString_().Sval, nil
			}
		}
	case *pg_query.Node_DefElem:
		d := x.DefElem
		if d.Arg != nil {
			switch a := d.Arg.Node.(type) {
			case *pg_query.Node_Integer:
				d.Arg = strNode(itoa64(int64(a.Integer.Ival)))
			case *pg_query.Node_Float:
				d.Arg = strNode(a.Float.Fval)
			case *pg_query.Node_TypeName:
				if len(a.TypeName.Names) == 1 {
					// bare words such as fillfactor=on parse as a type name
					d.Arg = strNode(a.TypeName.Names[0].GetString_().GetSval())
				}
			}
		}
	case *pg_query.Node_TypeName:
		canonTypeName(x.TypeName)
	}
}

// canonConst turns a string constant that spells a number into the number.
func canonConst(n *pg_query.Node) {
	c := n.GetAConst()
	if c == nil {
		return
	}
	sv := c.GetSval()
	if sv == nil || !numberRe.MatchString(sv.Sval) {
		return
	}
	if !strings.Contains(sv.Sval, ".") && len(sv.Sval) < 10 {
		var v int64
		for _, r := range strings.TrimPrefix(sv.Sval, "-") {
			v = v*10 + int64(r-'0')
		}
		if strings.HasPrefix(sv.Sval, "-") {
			v = -v
		}
		c.Val = &pg_query.A_Const_Ival{Ival: &pg_query.Integer{Ival: int32(v)}}
		return
	}
	c.Val = &pg_query.A_Const_Fval{Fval: &pg_query.Float{Fval: sv.Sval}}
}

func itoa64(v int64) string {
	if v == 0 {
		return "0"
	}
	neg := v < 0
	if neg {
		v = -v
	}
	var b []byte
	for v > 0 {
		b = append([]byte{byte('0' + v%10)}, b...)
		v /= 10
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}

// canonTypeName spells builtin types the way the parser does for their SQL
// keywords: pg_catalog.<internal name>.
func canonTypeName(tn *pg_query.TypeName) {
	if tn == nil {
		return
	}
	nsp, name := typeNameParts(tn)
	if nsp != "" && nsp != "pg_catalog" {
		return
	}
	internal := map[string]string{
		"integer": "int4", "int": "int4", "int4": "int4", "bigint": "int8", "int8": "int8", "smallint": "int2", "int2": "int2",
		"real": "float4", "float4": "float4", "float8": "float8", "double precision": "float8", "numeric": "numeric", "decimal": "numeric",
		"boolean": "bool", "bool": "bool", "varchar": "varchar", "character varying": "varchar", "bpchar": "bpchar",
		"timestamptz": "timestamptz", "timestamp": "timestamp", "time": "time", "timetz": "timetz", "interval": "interval",
		"bit": "bit", "varbit": "varbit",
	}
	if in, ok := internal[name]; ok {
		tn.Names = []*pg_query.Node{strNode("pg_catalog"), strNode(in)}
		return
	}
	if nsp == "pg_catalog" {
		tn.Names = []*pg_query.Node{strNode(name)}
	}
}

func opName(names []*pg_query.Node) string {
	if len(names) == 0 {
		return ""
	}
	return names[len(names)-1].GetString_().GetSval()
}

// canonTree rewrites a whole parse tree into the normal form and deparses it.
func canonTree(tree *pg_query.ParseResult) (string, bool) {
	schema.RewriteNodes(tree.ProtoReflect(), canonRewrite)
	out, err := pg_query.Deparse(tree)
	if err != nil {
		return "", false
	}
	return out, true
}

// canonWithPrefix canonicalizes def as the tail of the statement prefix+def.
func canonWithPrefix(prefix, def string) string {
	if def == "" {
		return ""
	}
	tree, err := pg_query.Parse(prefix + def)
	if err != nil || len(tree.Stmts) != 1 {
		return def
	}
	out, ok := canonTree(tree)
	if !ok || !strings.HasPrefix(out, prefix) {
		return def
	}
	return strings.TrimPrefix(out, prefix)
}

// CanonExpr returns the offline normal form of a scalar expression text.
func CanonExpr(expr string) string { return canonWithPrefix("SELECT ", expr) }

// CanonConstraintDef returns the offline normal form of a table constraint definition.
func CanonConstraintDef(def string) string {
	return canonWithPrefix("ALTER TABLE t ADD CONSTRAINT c ", def)
}

// canonDomainConstraintDef returns the offline normal form of a domain constraint definition.
func canonDomainConstraintDef(def string) string {
	return canonWithPrefix("ALTER DOMAIN d ADD CONSTRAINT c ", def)
}

// canonStatement returns the offline normal form of a whole statement
// (CREATE INDEX, CREATE TRIGGER, ...).
func canonStatement(def string) string {
	def = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(def), ";"))
	tree, err := pg_query.Parse(def)
	if err != nil || len(tree.Stmts) != 1 {
		return def
	}
	if fn := tree.Stmts[0].Stmt.GetCreateFunctionStmt(); fn != nil {
		canonFunction(fn)
	}
	out, ok := canonTree(tree)
	if !ok {
		return def
	}
	return out
}

// canonPartBound returns the offline normal form of a partition bound.
func canonPartBound(def string) string { return canonWithPrefix("CREATE TABLE x PARTITION OF y ", def) }

// canonPartKey returns the offline normal form of a partition key ("RANGE (a)").
func canonPartKey(def string) string {
	if def == "" {
		return ""
	}
	return canonWithPrefix("CREATE TABLE x () PARTITION BY ", def)
}

// canonFunction drops the options pg_get_functiondef leaves out because they
// are defaults, sorts the rest, and spells IN parameters without a mode.
func canonFunction(fn *pg_query.CreateFunctionStmt) {
	fn.Replace = true
	lang := ""
	retset := fn.ReturnType != nil && fn.ReturnType.Setof
	for _, p := range fn.Parameters {
		fp := p.GetFunctionParameter()
		if fp == nil {
			continue
		}
		if fp.Mode == pg_query.FunctionParameterMode_FUNC_PARAM_IN {
			fp.Mode = pg_query.FunctionParameterMode_FUNC_PARAM_DEFAULT
		}
		if fp.Mode == pg_query.FunctionParameterMode_FUNC_PARAM_TABLE {
			retset = true
		}
	}
	for _, o := range fn.Options {
		if d := o.GetDefElem(); d != nil && d.Defname == "language" {
			lang = strings.ToLower(defString(d))
		}
	}
	var keep []*pg_query.Node
	for _, o := range fn.Options {
		d := o.GetDefElem()
		if d == nil {
			keep = append(keep, o)
			continue
		}
		v := strings.ToLower(defString(d))
		switch d.Defname {
		case "volatility":
			if v == "volatile" {
				continue
			}
		case "strict", "security", "leakproof":
			if v == "false" || v == "0" {
				continue
			}
			if v == "1" {
				d.Arg = &pg_query.Node{Node: &pg_query.Node_Boolean{Boolean: &pg_query.Boolean{Boolval: true}}}
			}
		case "parallel":
			if v == "unsafe" {
				continue
			}
		case "cost":
			if (lang == "c" || lang == "internal") && v == "1" || lang != "c" && lang != "internal" && v == "100" {
				continue
			}
		case "rows":
			if !retset || v == "1000" {
				continue
			}
		}
		keep = append(keep, o)
	}
	sort.SliceStable(keep, func(i, j int) bool {
		return keep[i].GetDefElem().GetDefname() < keep[j].GetDefElem().GetDefname()
	})
	fn.Options = keep
}

// defString returns a DefElem's argument as text.
func defString(d *pg_query.DefElem) string {
	if d.Arg == nil {
		return ""
	}
	switch a := d.Arg.Node.(type) {
	case *pg_query.Node_String_:
		return a.String_.Sval
	case *pg_query.Node_Integer:
		return itoa64(int64(a.Integer.Ival))
	case *pg_query.Node_Float:
		return a.Float.Fval
	case *pg_query.Node_Boolean:
		if a.Boolean.Boolval {
			return "true"
		}
		return "false"
	case *pg_query.Node_TypeName:
		_, n := typeNameParts(a.TypeName)
		return n
	case *pg_query.Node_List:
		var parts []string
		for _, it := range a.List.Items {
			parts = append(parts, it.GetString_().GetSval())
		}
		return strings.Join(parts, ".")
	}
	return ""
}

// NormalizeOffline puts a model (normally an introspected one) into the
// offline normal form in place: every definition text is canonicalized as
// described above, and the fields an offline load cannot know are cleared
// (ServerVersionNum, owners, extension versions and comments). A model from
// LoadOffline is already in this form (NormalizeOffline leaves it unchanged).
func NormalizeOffline(s *schema.Schema) {
	s.ServerVersionNum = 0
	for _, n := range s.Namespaces {
		n.Owner = ""
	}
	for _, e := range s.Extensions {
		e.Version, e.Comment = "", ""
	}
	for _, t := range s.Types {
		t.Owner = ""
		t.Default = canonOrEmpty(t.Default, CanonExpr)
		for _, c := range t.Constraints {
			c.Definition = canonDomainConstraintDef(c.Definition)
		}
	}
	for _, sq := range s.Sequences {
		sq.Owner = ""
	}
	for _, t := range s.Tables {
		t.Owner = ""
		t.PartitionKey = canonPartKey(t.PartitionKey)
		t.PartitionBound = canonOrEmpty(t.PartitionBound, canonPartBound)
		for _, c := range t.Columns {
			c.Default = canonOrEmpty(c.Default, CanonExpr)
			c.Generated = canonOrEmpty(c.Generated, CanonExpr)
		}
		for _, c := range t.Constraints {
			c.Definition = CanonConstraintDef(c.Definition)
		}
		for _, x := range t.Indexes {
			x.Definition = canonStatement(x.Definition)
		}
		for _, x := range t.Triggers {
			x.Definition = canonStatement(x.Definition)
		}
		for _, p := range t.Policies {
			p.Using = canonOrEmpty(p.Using, CanonExpr)
			p.WithCheck = canonOrEmpty(p.WithCheck, CanonExpr)
		}
	}
	for _, v := range s.Views {
		v.Owner = ""
		v.Definition = canonOrEmpty(strings.TrimSuffix(strings.TrimSpace(v.Definition), ";"), canonStatement)
		for _, x := range v.Indexes {
			x.Definition = canonStatement(x.Definition)
		}
		for _, x := range v.Triggers {
			x.Definition = canonStatement(x.Definition)
		}
		for _, c := range v.Columns {
			c.Default = canonOrEmpty(c.Default, CanonExpr)
		}
	}
	for _, f := range s.Functions {
		f.Owner = ""
		if f.Kind != schema.FunctionAggregate {
			f.Definition = canonStatement(f.Definition)
		}
	}
}

func canonOrEmpty(s string, fn func(string) string) string {
	if s == "" {
		return ""
	}
	return fn(s)
}

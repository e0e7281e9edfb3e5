package offline

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"github.com/pgshift/pgshift/schema"
	"google.golang.org/protobuf/proto"
)

// funcName renders a function reference given as a definition argument the
// way regproc::text does under search_path = pg_catalog.
// languageExtensions are the procedural languages that come as extensions.
var languageExtensions = map[string]bool{"plpgsql": true, "plperl": true, "plpython3u": true, "pltcl": true, "plv8": true}

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

// funcSignature computes identity arguments and result of a function.
func (b *offline) funcSignature(cf *pg_query.CreateFunctionStmt, deps *[]string) (ident, result string) {
	var idParts, tableParts, outTypes []string
	for _, p := range cf.Parameters {
		fp := p.GetFunctionParameter()
		if fp == nil {
			continue
		}
		typ, dep := b.formatType(fp.ArgType)
		if dep != "" && deps != nil {
			*deps = append(*deps, dep)
		}
		named := typ
		if fp.Name != "" {
			named = schema.QuoteIdent(fp.Name) + " " + typ
		}
		switch fp.Mode {
		case pg_query.FunctionParameterMode_FUNC_PARAM_IN, pg_query.FunctionParameterMode_FUNC_PARAM_DEFAULT:
			if cf.IsProcedure {
				// procedures list OUT arguments too, so IN is spelled out
				named = "IN " + named
			}
			idParts = append(idParts, named)
		case pg_query.FunctionParameterMode_FUNC_PARAM_INOUT:
			idParts = append(idParts, "INOUT "+named)
			outTypes = append(outTypes, typ)
		case pg_query.FunctionParameterMode_FUNC_PARAM_VARIADIC:
			idParts = append(idParts, "VARIADIC "+named)
		case pg_query.FunctionParameterMode_FUNC_PARAM_OUT:
			if cf.IsProcedure {
				idParts = append(idParts, "OUT "+named)
			}
			outTypes = append(outTypes, typ)
		case pg_query.FunctionParameterMode_FUNC_PARAM_TABLE:
			tableParts = append(tableParts, named)
		}
	}
	ident = strings.Join(idParts, ", ")
	switch {
	case cf.IsProcedure:
	case len(tableParts) > 0:
		result = "TABLE(" + strings.Join(tableParts, ", ") + ")"
	case cf.ReturnType != nil:
		typ, dep := b.formatType(cf.ReturnType)
		if dep != "" && deps != nil {
			*deps = append(*deps, dep)
		}
		if cf.ReturnType.Setof {
			typ = "SETOF " + typ
		}
		result = typ
	case len(outTypes) == 1:
		result = outTypes[0]
	default:
		result = "record"
	}
	return ident, result
}

func (b *offline) createFunction(cf *pg_query.CreateFunctionStmt) {
	cf = proto.Clone(cf).(*pg_query.CreateFunctionStmt)
	sc, name := nameList(cf.Funcname)
	sc = b.creationSchema(sc)
	f := &schema.Function{Schema: sc, Name: name, Kind: schema.FunctionNormal, ACL: []string{"PUBLIC=EXECUTE"}}
	if cf.IsProcedure {
		f.Kind = schema.FunctionProcedure
	}
	f.Deps = []string{schema.ID(schema.KindSchema, schema.QuoteIdent(sc))}
	f.IdentityArgs, f.Result = b.funcSignature(cf, &f.Deps)
	for _, o := range cf.Options {
		d := o.GetDefElem()
		switch d.GetDefname() {
		case "language":
			l := strings.ToLower(defString(d))
			if languageExtensions[l] && b.s.Extensions[schema.QuoteIdent(l)] != nil {
				f.Deps = append(f.Deps, schema.ID(schema.KindExtension, schema.QuoteIdent(l)))
			}
		case "window":
			f.Kind = schema.FunctionWindow
		}
	}
	if cf.SqlBody != nil {
		b.gap("sql-body")
	}
	if cf.ReturnType != nil && cf.ReturnType.Setof && hasOutParams(cf) {
		b.gap("function-out-params")
	} else if cf.ReturnType == nil && !cf.IsProcedure && hasOutParams(cf) {
		b.gap("function-out-params")
	}
	cf.Funcname = strNodes([]string{sc, name})
	// Qualify user types in the signature.
	schema.WalkNodes(cf.ProtoReflect(), func(x *pg_query.Node) {
		if fp := x.GetFunctionParameter(); fp != nil {
			b.qualifyTypeName(fp.ArgType, nil)
			if fp.Defexpr != nil {
				b.qualify(fp.Defexpr, nil, nil)
			}
		}
	})
	b.qualifyTypeName(cf.ReturnType, nil)
	f.Definition = canonStatement(deparseWithPrefix("", &pg_query.Node{Node: &pg_query.Node_CreateFunctionStmt{CreateFunctionStmt: cf}}))
	if old := b.s.Functions[f.Key()]; old != nil {
		f.Owner, f.ACL, f.Comment = old.Owner, old.ACL, old.Comment
	}
	b.s.Functions[f.Key()] = f
}

func hasOutParams(cf *pg_query.CreateFunctionStmt) bool {
	for _, p := range cf.Parameters {
		switch p.GetFunctionParameter().GetMode() {
		case pg_query.FunctionParameterMode_FUNC_PARAM_OUT, pg_query.FunctionParameterMode_FUNC_PARAM_INOUT:
			return true
		}
	}
	return false
}

// findFunctionArgs finds a function from an ObjectWithArgs.
func (b *offline) findFunctionArgs(owa *pg_query.ObjectWithArgs) *schema.Function {
	if owa == nil {
		return nil
	}
	sc, name := nameList(owa.Objname)
	var cands []*schema.Function
	if sc == "" {
		for _, s := range b.sp {
			if fs := b.functionsNamed(s, name); len(fs) > 0 {
				cands = fs
				break
			}
		}
	} else {
		cands = b.functionsNamed(sc, name)
	}
	if len(cands) == 1 && (owa.ArgsUnspecified || len(cands) == 1) {
		if owa.ArgsUnspecified {
			return cands[0]
		}
	}
	var want []string
	for _, a := range owa.Objargs {
		typ, _ := b.formatType(a.GetTypeName())
		want = append(want, typ)
	}
	for _, f := range cands {
		if sameArgTypes(f.IdentityArgs, want) {
			return f
		}
	}
	if len(cands) == 1 {
		return cands[0]
	}
	return nil
}

// sameArgTypes compares identity arguments ("a integer, b text") with types.
func sameArgTypes(ident string, types []string) bool {
	var have []string
	if ident != "" {
		for _, p := range strings.Split(ident, ", ") {
			p = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(p, "INOUT "), "VARIADIC "), "OUT "), "IN ")
			have = append(have, p)
		}
	}
	if len(have) != len(types) {
		return false
	}
	for i := range have {
		if have[i] != types[i] && !strings.HasSuffix(have[i], " "+types[i]) {
			return false
		}
	}
	return true
}

func (b *offline) define(d *pg_query.DefineStmt) {
	sc, name := nameList(d.Defnames)
	switch d.Kind {
	case pg_query.ObjectType_OBJECT_AGGREGATE:
		b.gap("aggregate")
		sc = b.creationSchema(sc)
		f := &schema.Function{Schema: sc, Name: name, Kind: schema.FunctionAggregate, ACL: []string{"PUBLIC=EXECUTE"},
			Deps: []string{schema.ID(schema.KindSchema, schema.QuoteIdent(sc))}}
		var args []string
		if len(d.Args) > 0 {
			if l := d.Args[0].GetList(); l != nil {
				for _, a := range l.Items {
					if fp := a.GetFunctionParameter(); fp != nil {
						typ, _ := b.formatType(fp.ArgType)
						args = append(args, typ)
					}
				}
			}
		}
		f.IdentityArgs = strings.Join(args, ", ")
		f.Definition = deparseWithPrefix("", &pg_query.Node{Node: &pg_query.Node_DefineStmt{DefineStmt: d}})
		b.s.Functions[f.Key()] = f
	case pg_query.ObjectType_OBJECT_COLLATION:
		b.s.Unmanaged = append(b.s.Unmanaged, schema.Unmanaged{Kind: "collation", Name: schema.QualName(b.creationSchema(sc), name)})
	case pg_query.ObjectType_OBJECT_TSCONFIGURATION:
		b.s.Unmanaged = append(b.s.Unmanaged, schema.Unmanaged{Kind: "text search configuration", Name: schema.QualName(b.creationSchema(sc), name)})
	case pg_query.ObjectType_OBJECT_TSDICTIONARY:
		b.s.Unmanaged = append(b.s.Unmanaged, schema.Unmanaged{Kind: "text search dictionary", Name: schema.QualName(b.creationSchema(sc), name)})
	case pg_query.ObjectType_OBJECT_TSPARSER:
		b.s.Unmanaged = append(b.s.Unmanaged, schema.Unmanaged{Kind: "text search parser", Name: schema.QualName(b.creationSchema(sc), name)})
	case pg_query.ObjectType_OBJECT_TSTEMPLATE:
		b.s.Unmanaged = append(b.s.Unmanaged, schema.Unmanaged{Kind: "text search template", Name: schema.QualName(b.creationSchema(sc), name)})
	default:
		b.gap("unsupported-statement")
	}
}

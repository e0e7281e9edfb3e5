package offline

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"github.com/pgshift/pgshift/schema"
)

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

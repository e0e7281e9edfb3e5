package offline

import (
	"github.com/pgshift/pgshift/schema"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/proto"
)

func (b *offline) createTrigger(ct *pg_query.CreateTrigStmt) {
	ct = proto.Clone(ct).(*pg_query.CreateTrigStmt)
	t := b.table(ct.Relation)
	var v *schema.View
	var key, sc, rel string
	if t != nil {
		key, sc, rel = t.Key(), t.Schema, t.Name
	} else if v = b.view(ct.Relation); v != nil {
		key, sc, rel = v.Key(), v.Schema, v.Name
	} else {
		b.gap("unresolved-reference")
		return
	}
	tg := &schema.Trigger{Name: ct.Trigname, Enabled: "O"}
	tg.Deps = append(tg.Deps, schema.ID(schema.KindTable, key))
	if v != nil {
		tg.Deps = []string{schema.ID(schema.KindView, key)}
	}
	ct.Relation = &pg_query.RangeVar{Schemaname: sc, Relname: rel, Inh: true, Relpersistence: "p"}
	ct.Replace = false
	fsc, fname := nameList(ct.Funcname)
	if fsc == "pg_catalog" {
		ct.Funcname = strNodes([]string{fname})
	} else {
		var fns []*schema.Function
		if fsc == "" {
			if f := b.findFunction(fname); f != nil {
				fns = b.functionsNamed(f.Schema, fname)
			}
		} else {
			fns = b.functionsNamed(fsc, fname)
		}
		for _, f := range fns {
			if f.IdentityArgs == "" {
				ct.Funcname = strNodes([]string{f.Schema, fname})
				tg.Deps = append(tg.Deps, schema.ID(schema.KindFunction, f.Key()))
			}
		}
		if len(fns) == 0 && fsc == "" {
			b.gap("unresolved-reference")
		}
	}
	for _, c := range ct.Columns {
		if t != nil {
			tg.Deps = append(tg.Deps, b.colID(t, c.GetString_().GetSval()))
		}
	}
	if ct.Constrrel != nil {
		if r := b.table(ct.Constrrel); r != nil {
			ct.Constrrel = &pg_query.RangeVar{Schemaname: r.Schema, Relname: r.Name, Inh: true, Relpersistence: "p"}
			tg.Deps = append(tg.Deps, schema.ID(schema.KindTable, r.Key()))
		}
	}
	b.qualify(ct.WhenClause, t, &tg.Deps)
	if ct.Isconstraint {
		b.gap("constraint-trigger")
	}
	// pg_get_triggerdef prints arguments as string constants.
	for i, a := range ct.Args {
		if s := a.GetString_(); s == nil {
			ct.Args[i] = strNode(defString(&pg_query.DefElem{Arg: a}))
		}
	}
	tg.Definition = canonStatement(deparseWithPrefix("", &pg_query.Node{Node: &pg_query.Node_CreateTrigStmt{CreateTrigStmt: ct}}))
	if t != nil {
		t.Triggers = append(t.Triggers, tg)
	} else {
		v.Triggers = append(v.Triggers, tg)
	}
}

func (b *offline) createPolicy(cp *pg_query.CreatePolicyStmt) {
	t := b.table(cp.Table)
	if t == nil {
		b.gap("unresolved-reference")
		return
	}
	p := &schema.Policy{Name: cp.PolicyName, Permissive: cp.Permissive, Command: strings.ToUpper(cp.CmdName)}
	if p.Command == "" {
		p.Command = "ALL"
	}
	for _, r := range cp.Roles {
		rs := r.GetRoleSpec()
		switch rs.GetRoletype() {
		case pg_query.RoleSpecType_ROLESPEC_PUBLIC:
			p.Roles = append(p.Roles, "public")
		case pg_query.RoleSpecType_ROLESPEC_CSTRING:
			p.Roles = append(p.Roles, rs.Rolename)
		default:
			b.gap("current-role")
		}
	}
	if len(p.Roles) == 0 {
		p.Roles = []string{"public"}
	}
	p.Deps = []string{schema.ID(schema.KindTable, t.Key())}
	p.Using = b.expr(cp.Qual, t, &p.Deps)
	p.WithCheck = b.expr(cp.WithCheck, t, &p.Deps)
	t.Policies = append(t.Policies, p)
}

// qualifyQuery qualifies the relations and functions a query refers to and
// collects dependencies (approximately: relations, not their columns).
func (b *offline) qualifyQuery(q *pg_query.Node, deps *[]string) {
	ctes := map[string]bool{}
	schema.WalkNodes(q.ProtoReflect(), func(x *pg_query.Node) {
		if cte := x.GetCommonTableExpr(); cte != nil {
			ctes[cte.Ctename] = true
		}
	})
	schema.WalkNodes(q.ProtoReflect(), func(x *pg_query.Node) {
		rv := x.GetRangeVar()
		if rv == nil || rv.Schemaname == "" && ctes[rv.Relname] {
			return
		}
		sc, ok := b.lookupRel(rv.Schemaname, rv.Relname)
		if !ok {
			return
		}
		rv.Schemaname = sc
		k := schema.QualName(sc, rv.Relname)
		switch {
		case b.s.Tables[k] != nil:
			*deps = append(*deps, schema.ID(schema.KindTable, k))
		case b.s.Views[k] != nil:
			*deps = append(*deps, schema.ID(schema.KindView, k))
		}
	})
	b.qualify(q, nil, deps)
}

// viewColumns names the output columns of a query (types are unknown offline).
func viewColumns(q *pg_query.Node, aliases []*pg_query.Node) []*schema.ViewColumn {
	sel := q.GetSelectStmt()
	for sel != nil && sel.Larg != nil {
		sel = sel.Larg
	}
	var cols []*schema.ViewColumn
	if sel != nil {
		for _, t := range sel.TargetList {
			rt := t.GetResTarget()
			name := rt.GetName()
			if name == "" && rt.GetVal() != nil {
				switch v := rt.Val.Node.(type) {
				case *pg_query.Node_ColumnRef:
					if f := v.ColumnRef.Fields; len(f) > 0 {
						name = f[len(f)-1].GetString_().GetSval()
					}
				case *pg_query.Node_FuncCall:
					_, name = nameList(v.FuncCall.Funcname)
				case *pg_query.Node_TypeCast:
					if cr := v.TypeCast.Arg.GetColumnRef(); cr != nil && len(cr.Fields) > 0 {
						name = cr.Fields[len(cr.Fields)-1].GetString_().GetSval()
					} else {
						_, name = typeNameParts(v.TypeCast.TypeName)
					}
				default:
					name = "?column?"
				}
			}
			cols = append(cols, &schema.ViewColumn{Name: name})
		}
	}
	for i, a := range aliases {
		if i < len(cols) {
			cols[i].Name = a.GetString_().GetSval()
		}
	}
	return cols
}

func (b *offline) createView(vs *pg_query.ViewStmt) {
	b.gap("view")
	sc, name := b.rangeVar(vs.View)
	v := &schema.View{Schema: sc, Name: name, Deps: []string{schema.ID(schema.KindSchema, schema.QuoteIdent(sc))}}
	q := proto.Clone(vs.Query).(*pg_query.Node)
	b.qualifyQuery(q, &v.Deps)
	v.Definition = canonStatement(deparseWithPrefix("", q))
	v.Columns = viewColumns(q, vs.Aliases)
	v.Options = relOptions(vs.Options)
	switch vs.WithCheckOption {
	case pg_query.ViewCheckOption_LOCAL_CHECK_OPTION:
		v.Options = schema.SortedSet(append(v.Options, "check_option=local"))
	case pg_query.ViewCheckOption_CASCADED_CHECK_OPTION:
		v.Options = schema.SortedSet(append(v.Options, "check_option=cascaded"))
	}
	v.Deps = withoutIDs(v.Deps, schema.ID(schema.KindView, v.Key()))
	b.s.Views[v.Key()] = v
	b.addRel(sc, name, "v")
}

func (b *offline) createMatView(ct *pg_query.CreateTableAsStmt) {
	if ct.Objtype != pg_query.ObjectType_OBJECT_MATVIEW {
		b.gap("unsupported-statement")
		return
	}
	b.gap("view")
	sc, name := b.rangeVar(ct.Into.Rel)
	if ct.IfNotExists && b.relExists(sc, name) {
		return
	}
	v := &schema.View{Schema: sc, Name: name, Materialized: true, WithData: !ct.Into.SkipData, Deps: []string{schema.ID(schema.KindSchema, schema.QuoteIdent(sc))}}
	q := proto.Clone(ct.Query).(*pg_query.Node)
	b.qualifyQuery(q, &v.Deps)
	v.Definition = canonStatement(deparseWithPrefix("", q))
	v.Columns = viewColumns(q, ct.Into.ColNames)
	v.Options = relOptions(ct.Into.Options)
	b.s.Views[v.Key()] = v
	b.addRel(sc, name, "m")
}

var languageExtensions = map[string]bool{"plpgsql": true, "plperl": true, "plpython3u": true, "pltcl": true, "plv8": true}

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

func (b *offline) comment(c *pg_query.CommentStmt) {
	text := c.Comment
	obj := c.Object
	listNames := func() []string {
		if l := obj.GetList(); l != nil {
			return stringsOf(l.Items)
		}
		return nil
	}
	rvOf := func(parts []string) *pg_query.RangeVar {
		rv := &pg_query.RangeVar{Relname: parts[len(parts)-1]}
		if len(parts) >= 2 {
			rv.Schemaname = parts[len(parts)-2]
		}
		return rv
	}
	switch c.Objtype {
	case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_VIEW, pg_query.ObjectType_OBJECT_MATVIEW,
		pg_query.ObjectType_OBJECT_SEQUENCE, pg_query.ObjectType_OBJECT_FOREIGN_TABLE:
		parts := listNames()
		if len(parts) == 0 {
			return
		}
		rv := rvOf(parts)
		if t := b.table(rv); t != nil {
			t.Comment = text
		} else if v := b.view(rv); v != nil {
			v.Comment = text
		} else {
			sc, _ := b.lookupRel(rv.Schemaname, rv.Relname)
			if sq := b.s.Sequences[schema.QualName(sc, rv.Relname)]; sq != nil {
				sq.Comment = text
			} else if c.Objtype != pg_query.ObjectType_OBJECT_FOREIGN_TABLE {
				b.gap("unresolved-reference")
			}
		}
	case pg_query.ObjectType_OBJECT_INDEX:
		parts := listNames()
		sc := ""
		if len(parts) >= 2 {
			sc = parts[len(parts)-2]
		}
		name := parts[len(parts)-1]
		if x, _, _ := b.findIndex(sc, name); x != nil {
			x.Comment = text
		} else if con, _ := b.findConstraintIndex(sc, name); con != nil {
			con.IndexComment = text
		} else {
			b.gap("unresolved-reference")
		}
	case pg_query.ObjectType_OBJECT_COLUMN:
		parts := listNames()
		if len(parts) < 2 {
			return
		}
		col := parts[len(parts)-1]
		rv := rvOf(parts[:len(parts)-1])
		if t := b.table(rv); t != nil {
			if cc := t.Column(col); cc != nil {
				cc.Comment = text
			}
		} else if v := b.view(rv); v != nil {
			for _, vc := range v.Columns {
				if vc.Name == col {
					vc.Comment = text
				}
			}
		} else if typ := b.findType(strNodes(parts[:len(parts)-1])); typ != nil {
			for _, a := range typ.Attributes {
				if a.Name == col {
					a.Comment = text
				}
			}
		}
	case pg_query.ObjectType_OBJECT_SCHEMA:
		if ns := b.s.Namespaces[schema.QuoteIdent(obj.GetString_().GetSval())]; ns != nil {
			ns.Comment = text
		}
	case pg_query.ObjectType_OBJECT_TYPE, pg_query.ObjectType_OBJECT_DOMAIN:
		if tn := obj.GetTypeName(); tn != nil {
			if t := b.findType(tn.Names); t != nil {
				t.Comment = text
			}
		}
	case pg_query.ObjectType_OBJECT_FUNCTION, pg_query.ObjectType_OBJECT_PROCEDURE, pg_query.ObjectType_OBJECT_AGGREGATE,
		pg_query.ObjectType_OBJECT_ROUTINE:
		if f := b.findFunctionArgs(obj.GetObjectWithArgs()); f != nil {
			f.Comment = text
		} else {
			b.gap("unresolved-reference")
		}
	case pg_query.ObjectType_OBJECT_TRIGGER, pg_query.ObjectType_OBJECT_POLICY, pg_query.ObjectType_OBJECT_TABCONSTRAINT:
		parts := listNames()
		if len(parts) < 2 {
			return
		}
		name := parts[len(parts)-1]
		rv := rvOf(parts[:len(parts)-1])
		t := b.table(rv)
		if t == nil {
			if v := b.view(rv); v != nil && c.Objtype == pg_query.ObjectType_OBJECT_TRIGGER {
				for _, tg := range v.Triggers {
					if tg.Name == name {
						tg.Comment = text
					}
				}
			}
			return
		}
		switch c.Objtype {
		case pg_query.ObjectType_OBJECT_TRIGGER:
			for _, tg := range t.Triggers {
				if tg.Name == name {
					tg.Comment = text
				}
			}
		case pg_query.ObjectType_OBJECT_POLICY:
			for _, p := range t.Policies {
				if p.Name == name {
					p.Comment = text
				}
			}
		default:
			if con := t.Constraint(name); con != nil {
				con.Comment = text
			}
		}
	case pg_query.ObjectType_OBJECT_DOMCONSTRAINT:
		l := obj.GetList()
		if l == nil || len(l.Items) != 2 {
			return
		}
		if t := b.findType(l.Items[0].GetTypeName().GetNames()); t != nil {
			for _, dc := range t.Constraints {
				if dc.Name == l.Items[1].GetString_().GetSval() {
					dc.Comment = text
				}
			}
		}
	case pg_query.ObjectType_OBJECT_EXTENSION:
		if e := b.s.Extensions[schema.QuoteIdent(obj.GetString_().GetSval())]; e != nil {
			e.Comment = text
		}
	default:
		b.gap("unsupported-statement")
	}
}

var allPrivileges = map[pg_query.ObjectType][]string{
	pg_query.ObjectType_OBJECT_TABLE:    {"INSERT", "SELECT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"},
	pg_query.ObjectType_OBJECT_SEQUENCE: {"USAGE", "SELECT", "UPDATE"},
	pg_query.ObjectType_OBJECT_FUNCTION: {"EXECUTE"},
	pg_query.ObjectType_OBJECT_SCHEMA:   {"USAGE", "CREATE"},
	pg_query.ObjectType_OBJECT_TYPE:     {"USAGE"},
	pg_query.ObjectType_OBJECT_COLUMN:   {"INSERT", "SELECT", "UPDATE", "REFERENCES"},
}

// aclTarget is something privileges can be granted on.
type aclTarget struct {
	acl   *[]string
	owner string
	kind  pg_query.ObjectType
	table *schema.Table // for column privileges
}

func (b *offline) grant(g *pg_query.GrantStmt) {
	if g.Targtype == pg_query.GrantTargetType_ACL_TARGET_DEFAULTS {
		b.gap("default-privileges")
		return
	}
	var targets []aclTarget
	kind := g.Objtype
	switch kind {
	case pg_query.ObjectType_OBJECT_PROCEDURE, pg_query.ObjectType_OBJECT_ROUTINE, pg_query.ObjectType_OBJECT_AGGREGATE:
		kind = pg_query.ObjectType_OBJECT_FUNCTION
	case pg_query.ObjectType_OBJECT_DOMAIN:
		kind = pg_query.ObjectType_OBJECT_TYPE
	}
	if g.Targtype == pg_query.GrantTargetType_ACL_TARGET_ALL_IN_SCHEMA {
		for _, o := range g.Objects {
			sc := o.GetString_().GetSval()
			switch kind {
			case pg_query.ObjectType_OBJECT_TABLE:
				for _, k := range schema.SortedKeys(b.s.Tables) {
					if t := b.s.Tables[k]; t.Schema == sc {
						targets = append(targets, aclTarget{&t.ACL, t.Owner, kind, t})
					}
				}
				for _, k := range schema.SortedKeys(b.s.Views) {
					if v := b.s.Views[k]; v.Schema == sc {
						targets = append(targets, aclTarget{&v.ACL, v.Owner, kind, nil})
					}
				}
			case pg_query.ObjectType_OBJECT_SEQUENCE:
				for _, k := range schema.SortedKeys(b.s.Sequences) {
					if sq := b.s.Sequences[k]; sq.Schema == sc {
						targets = append(targets, aclTarget{&sq.ACL, sq.Owner, kind, nil})
					}
				}
			case pg_query.ObjectType_OBJECT_FUNCTION:
				for _, k := range schema.SortedKeys(b.s.Functions) {
					if f := b.s.Functions[k]; f.Schema == sc {
						targets = append(targets, aclTarget{&f.ACL, f.Owner, kind, nil})
					}
				}
			}
		}
	} else {
		for _, o := range g.Objects {
			switch kind {
			case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_SEQUENCE:
				rv := o.GetRangeVar()
				if rv == nil {
					continue
				}
				if t := b.table(rv); t != nil {
					targets = append(targets, aclTarget{&t.ACL, t.Owner, pg_query.ObjectType_OBJECT_TABLE, t})
				} else if v := b.view(rv); v != nil {
					targets = append(targets, aclTarget{&v.ACL, v.Owner, pg_query.ObjectType_OBJECT_TABLE, nil})
				} else {
					sc, _ := b.lookupRel(rv.Schemaname, rv.Relname)
					if sq := b.s.Sequences[schema.QualName(sc, rv.Relname)]; sq != nil {
						targets = append(targets, aclTarget{&sq.ACL, sq.Owner, pg_query.ObjectType_OBJECT_SEQUENCE, nil})
					} else {
						b.gap("unresolved-reference")
					}
				}
			case pg_query.ObjectType_OBJECT_FUNCTION:
				if f := b.findFunctionArgs(o.GetObjectWithArgs()); f != nil {
					targets = append(targets, aclTarget{&f.ACL, f.Owner, kind, nil})
				} else {
					b.gap("unresolved-reference")
				}
			case pg_query.ObjectType_OBJECT_SCHEMA:
				if ns := b.s.Namespaces[schema.QuoteIdent(o.GetString_().GetSval())]; ns != nil {
					targets = append(targets, aclTarget{&ns.ACL, ns.Owner, kind, nil})
				}
			case pg_query.ObjectType_OBJECT_TYPE:
				var names []*pg_query.Node
				if l := o.GetList(); l != nil {
					names = l.Items
				} else if tn := o.GetTypeName(); tn != nil {
					names = tn.Names
				}
				if t := b.findType(names); t != nil {
					targets = append(targets, aclTarget{&t.ACL, t.Owner, kind, nil})
				}
			default:
				b.gap("unsupported-statement")
			}
		}
	}
	var grantees []string
	for _, gr := range g.Grantees {
		rs := gr.GetRoleSpec()
		switch rs.GetRoletype() {
		case pg_query.RoleSpecType_ROLESPEC_PUBLIC:
			grantees = append(grantees, "PUBLIC")
		case pg_query.RoleSpecType_ROLESPEC_CSTRING:
			grantees = append(grantees, schema.QuoteIdent(rs.Rolename))
		default:
			b.gap("current-role")
		}
	}
	for _, tg := range targets {
		type privCols struct {
			priv string
			cols []string
		}
		var privs []privCols
		if len(g.Privileges) == 0 {
			for _, p := range allPrivileges[tg.kind] {
				privs = append(privs, privCols{p, nil})
			}
		}
		for _, p := range g.Privileges {
			ap := p.GetAccessPriv()
			name := strings.ToUpper(ap.GetPrivName())
			cols := stringsOf(ap.GetCols())
			if name == "" { // ALL (cols)
				for _, pp := range allPrivileges[pg_query.ObjectType_OBJECT_COLUMN] {
					privs = append(privs, privCols{pp, cols})
				}
				continue
			}
			if name == "ALL" || name == "ALL PRIVILEGES" {
				for _, pp := range allPrivileges[tg.kind] {
					privs = append(privs, privCols{pp, cols})
				}
				continue
			}
			privs = append(privs, privCols{name, cols})
		}
		for _, pc := range privs {
			if len(pc.cols) > 0 {
				if tg.table == nil {
					continue
				}
				for _, cn := range pc.cols {
					if col := tg.table.Column(cn); col != nil {
						for _, gr := range grantees {
							col.ACL = applyACL(col.ACL, gr, pc.priv, g.IsGrant, g.GrantOption)
						}
					}
				}
				continue
			}
			for _, gr := range grantees {
				*tg.acl = applyACL(*tg.acl, gr, pc.priv, g.IsGrant, g.GrantOption)
			}
		}
	}
}

// applyACL grants or revokes one privilege in a normalized ACL list.
func applyACL(acl []string, grantee, priv string, grant, option bool) []string {
	plain, starred := grantee+"="+priv, grantee+"="+priv+"*"
	var out []string
	for _, e := range acl {
		if e == plain || e == starred {
			continue
		}
		out = append(out, e)
	}
	switch {
	case grant && option:
		out = append(out, starred)
	case grant:
		// keep an existing grant option
		had := false
		for _, e := range acl {
			if e == starred {
				had = true
			}
		}
		if had {
			out = append(out, starred)
		} else {
			out = append(out, plain)
		}
	case option: // REVOKE GRANT OPTION FOR: the privilege stays
		for _, e := range acl {
			if e == plain || e == starred {
				out = append(out, plain)
				break
			}
		}
	}
	return schema.SortedSet(out)
}

func (b *offline) alterOwner(ao *pg_query.AlterOwnerStmt) {
	owner := ao.Newowner.GetRolename()
	switch ao.ObjectType {
	case pg_query.ObjectType_OBJECT_SCHEMA:
		if ns := b.s.Namespaces[schema.QuoteIdent(ao.Object.GetString_().GetSval())]; ns != nil {
			ns.Owner = owner
		}
	case pg_query.ObjectType_OBJECT_TYPE, pg_query.ObjectType_OBJECT_DOMAIN:
		var names []*pg_query.Node
		if l := ao.Object.GetList(); l != nil {
			names = l.Items
		} else if tn := ao.Object.GetTypeName(); tn != nil {
			names = tn.Names
		}
		if t := b.findType(names); t != nil {
			t.Owner = owner
		}
	case pg_query.ObjectType_OBJECT_FUNCTION, pg_query.ObjectType_OBJECT_PROCEDURE, pg_query.ObjectType_OBJECT_AGGREGATE,
		pg_query.ObjectType_OBJECT_ROUTINE:
		if f := b.findFunctionArgs(ao.Object.GetObjectWithArgs()); f != nil {
			f.Owner = owner
		}
	}
}

func (b *offline) drop(d *pg_query.DropStmt) {
	for _, o := range d.Objects {
		var parts []string
		if l := o.GetList(); l != nil {
			parts = stringsOf(l.Items)
		} else if s := o.GetString_(); s != nil {
			parts = []string{s.Sval}
		}
		switch d.RemoveType {
		case pg_query.ObjectType_OBJECT_TABLE, pg_query.ObjectType_OBJECT_VIEW, pg_query.ObjectType_OBJECT_MATVIEW,
			pg_query.ObjectType_OBJECT_SEQUENCE, pg_query.ObjectType_OBJECT_INDEX:
			if len(parts) == 0 {
				continue
			}
			rv := &pg_query.RangeVar{Relname: parts[len(parts)-1]}
			if len(parts) > 1 {
				rv.Schemaname = parts[len(parts)-2]
			}
			sc, ok := b.lookupRel(rv.Schemaname, rv.Relname)
			if !ok {
				continue
			}
			k := schema.QualName(sc, rv.Relname)
			delete(b.s.Tables, k)
			delete(b.s.Views, k)
			delete(b.s.Sequences, k)
			delete(b.rels[sc], rv.Relname)
			if d.RemoveType == pg_query.ObjectType_OBJECT_INDEX {
				if x, t, v := b.findIndex(sc, rv.Relname); x != nil {
					if t != nil {
						t.Indexes = removeIndex(t.Indexes, x)
					} else {
						v.Indexes = removeIndex(v.Indexes, x)
					}
				}
			}
		case pg_query.ObjectType_OBJECT_TYPE, pg_query.ObjectType_OBJECT_DOMAIN:
			if tn := o.GetTypeName(); tn != nil {
				if t := b.findType(tn.Names); t != nil {
					delete(b.s.Types, t.Key())
				}
			}
		case pg_query.ObjectType_OBJECT_FUNCTION, pg_query.ObjectType_OBJECT_PROCEDURE, pg_query.ObjectType_OBJECT_ROUTINE,
			pg_query.ObjectType_OBJECT_AGGREGATE:
			if f := b.findFunctionArgs(o.GetObjectWithArgs()); f != nil {
				delete(b.s.Functions, f.Key())
			}
		case pg_query.ObjectType_OBJECT_SCHEMA:
			if len(parts) == 1 && b.s.Namespaces[schema.QuoteIdent(parts[0])] != nil {
				delete(b.s.Namespaces, schema.QuoteIdent(parts[0]))
			}
		case pg_query.ObjectType_OBJECT_EXTENSION:
			if len(parts) == 1 {
				delete(b.s.Extensions, schema.QuoteIdent(parts[0]))
			}
		case pg_query.ObjectType_OBJECT_TRIGGER, pg_query.ObjectType_OBJECT_POLICY, pg_query.ObjectType_OBJECT_RULE:
			if len(parts) < 2 {
				continue
			}
			rv := &pg_query.RangeVar{Relname: parts[len(parts)-2]}
			if len(parts) > 2 {
				rv.Schemaname = parts[len(parts)-3]
			}
			if t := b.table(rv); t != nil {
				name := parts[len(parts)-1]
				for i, tg := range t.Triggers {
					if tg.Name == name && d.RemoveType == pg_query.ObjectType_OBJECT_TRIGGER {
						t.Triggers = append(t.Triggers[:i], t.Triggers[i+1:]...)
						break
					}
				}
				for i, p := range t.Policies {
					if p.Name == name && d.RemoveType == pg_query.ObjectType_OBJECT_POLICY {
						t.Policies = append(t.Policies[:i], t.Policies[i+1:]...)
						break
					}
				}
			}
		}
	}
}

func removeIndex(xs []*schema.Index, x *schema.Index) []*schema.Index {
	for i, y := range xs {
		if y == x {
			return append(xs[:i], xs[i+1:]...)
		}
	}
	return xs
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

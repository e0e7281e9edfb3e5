package offline

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"github.com/pgshift/pgshift/schema"
)

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

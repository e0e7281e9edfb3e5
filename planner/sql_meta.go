package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pgshift/pgshift/diff"
	"github.com/pgshift/pgshift/schema"
)

func commentLiteral(c string) string {
	if c == "" {
		return "NULL"
	}
	return schema.QuoteLiteral(c)
}

// comment writes COMMENT ON <target> IS ... for the object with id.
func (b *builder) comment(id, text string) []string {
	var target string
	if e := b.lookup(id); e != nil {
		target = e.commentTarget()
	}
	if target == "" {
		return []string{fmt.Sprintf("-- pgshift: no comment target for %s", id)}
	}
	return []string{fmt.Sprintf("COMMENT ON %s IS %s;", target, commentLiteral(text))}
}

// objectMeta writes the comment and privileges of a newly created object:
// the comment when set, and the GRANT/REVOKE statements that take the
// object's default privileges to acl.
func (b *builder) objectMeta(id, comment, _ string, acl []string) []string {
	var sql []string
	if comment != "" {
		sql = append(sql, b.comment(id, comment)...)
	}
	kind, _ := schema.SplitID(id)
	def := defaultACL(kind)
	if !slices.Equal(def, acl) && !(len(def) == 0 && len(acl) == 0) {
		sql = append(sql, b.privileges(id, def, acl)...)
	}
	return sql
}

// defaultACL is the normalized ACL an object of this kind has right after
// CREATE, without the owner's own entries (PostgreSQL "Privileges", table
// 5.2): EXECUTE for PUBLIC on functions and procedures, USAGE for PUBLIC on
// types and domains, nothing on other objects.
func defaultACL(kind string) []string {
	switch kind {
	case schema.KindFunction:
		return []string{"PUBLIC=EXECUTE"}
	case schema.KindType:
		return []string{"PUBLIC=USAGE"}
	}
	return nil
}

// aclItem is one normalized privilege: grantee=PRIVILEGE, with a trailing
// "*" when it carries WITH GRANT OPTION.
type aclItem struct {
	grantee, privilege string
	grantOption        bool
}

func parseACLItem(s string) aclItem {
	g, p, _ := strings.Cut(s, "=")
	it := aclItem{grantee: g, privilege: p}
	if strings.HasSuffix(p, "*") {
		it.privilege, it.grantOption = strings.TrimSuffix(p, "*"), true
	}
	return it
}

func granteeSQL(g string) string {
	if g == "PUBLIC" || g == "" {
		return "PUBLIC"
	}
	return schema.QuoteIdent(g)
}

// privileges writes the REVOKE and GRANT statements that take the object
// with id from one normalized ACL to another.
func (b *builder) privileges(id string, from, to []string) []string {
	var target, column string
	if e := b.lookup(id); e != nil {
		target, column = e.grantTarget()
	}
	if target == "" {
		return []string{fmt.Sprintf("-- pgshift: no privilege target for %s", id)}
	}
	return privilegesOn(target, column, from, to)
}

// privilegesOn writes the REVOKE and GRANT statements on target (e.g.
// `TABLE public.t`; with column, the privileges of that quoted column).
func privilegesOn(target, column string, from, to []string) []string {
	priv := func(it aclItem) string {
		if column != "" {
			return it.privilege + " (" + column + ")"
		}
		return it.privilege
	}
	var sql []string
	for _, s := range from {
		if slices.Contains(to, s) {
			continue
		}
		it := parseACLItem(s)
		if it.grantOption && slices.Contains(to, strings.TrimSuffix(s, "*")) {
			sql = append(sql, fmt.Sprintf("REVOKE GRANT OPTION FOR %s ON %s FROM %s;", priv(it), target, granteeSQL(it.grantee)))
			continue
		}
		sql = append(sql, fmt.Sprintf("REVOKE %s ON %s FROM %s;", priv(it), target, granteeSQL(it.grantee)))
	}
	for _, s := range to {
		if slices.Contains(from, s) {
			continue
		}
		it := parseACLItem(s)
		g := fmt.Sprintf("GRANT %s ON %s TO %s", priv(it), target, granteeSQL(it.grantee))
		if it.grantOption {
			g += " WITH GRANT OPTION"
		}
		sql = append(sql, g+";")
	}
	return sql
}

// ownerSQL writes ALTER <object> OWNER TO for a newly created object with
// id whose model names owner; a recreated object (dropped and created
// again around another change) whose target model leaves the owner unsaid
// keeps the owner it had. Nothing when no owner is known: the object
// belongs to the role that runs the migration. It comes after the
// object's GRANTs, which the creating role may then still give.
func (b *builder) ownerSQL(id, owner string) []string {
	if owner == "" {
		if e := b.fromIdx.get(id); e != nil {
			owner = ownerOf(e.obj)
		}
	}
	if owner == "" {
		return nil
	}
	return []string{b.alterOwner(id, owner)}
}

// alterOwner is `ALTER <object> OWNER TO role;` for the object with id;
// role "" is CURRENT_USER (the role running the migration).
func (b *builder) alterOwner(id, role string) string {
	target := ""
	if e := b.lookup(id); e != nil {
		target = e.commentTarget()
	}
	if target == "" {
		return fmt.Sprintf("-- pgshift: no owner target for %s", id)
	}
	r := "CURRENT_USER"
	if role != "" {
		r = schema.QuoteIdent(role)
	}
	return fmt.Sprintf("ALTER %s OWNER TO %s;", target, r)
}

// ownerOf returns the Owner of a model object, "" for kinds without one.
func ownerOf(obj any) string {
	switch o := obj.(type) {
	case *schema.Namespace:
		return o.Owner
	case *schema.Type:
		return o.Owner
	case *schema.Sequence:
		return o.Owner
	case *schema.Function:
		return o.Owner
	case *schema.Table:
		return o.Owner
	case *schema.View:
		return o.Owner
	}
	return ""
}

// setOwner writes an owner change: ALTER ... OWNER TO, then the REVOKE and
// GRANT statements from what the owner change leaves (the old ACL without
// the new owner's entries, which it absorbs) to the target ACL.
func (b *builder) setOwner(c *diff.SetOwner) []string {
	sql := []string{b.alterOwner(c.ID, c.To)}
	return append(sql, b.privileges(c.ID, diff.WithoutGrantees(c.FromACL, c.To), c.ToACL)...)
}

// ownerRoles returns the sorted roles that the up SQL of changes names in
// OWNER TO: owner changes and created objects with a declared owner.
func (b *builder) ownerRoles(changes []diff.Change) []string {
	seen := map[string]bool{}
	for _, ch := range changes {
		var o string
		switch c := ch.(type) {
		case *diff.SetOwner:
			o = c.To
		case *diff.CreateSchema:
			o = c.Schema.Owner
		case *diff.CreateType:
			o = c.Type.Owner
		case *diff.CreateSequence:
			if c.Sequence.OwnedBy == "" {
				o = c.Sequence.Owner
			}
		case *diff.CreateFunction:
			o = c.Function.Owner
		case *diff.CreateTable:
			o = c.Table.Owner
		case *diff.CreateView:
			o = c.View.Owner
		}
		if o != "" {
			seen[o] = true
		}
	}
	return schema.SortedKeys(seen)
}

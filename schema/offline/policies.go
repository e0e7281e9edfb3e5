package offline

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
	"github.com/pgshift/pgshift/schema"
)

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

package schema

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// blankLoaderOwners clears the Owner of every object in s owned by the
// role conn is logged in as (the role that loaded a file or replayed
// migrations into a scratch database) and returns that role. An object the
// file created without OWNER TO belongs to whoever runs the migration: its
// owner is not part of the desired state, and Compare leaves it alone.
// Owned sequences and identity sequences follow their table.
func blankLoaderOwners(ctx context.Context, conn *pgx.Conn, s *Schema) (string, error) {
	var role string
	if err := conn.QueryRow(ctx, "SELECT current_user").Scan(&role); err != nil {
		return "", fmt.Errorf("read the dev server role: %w", err)
	}
	blank := func(o *string) {
		if *o == role {
			*o = ""
		}
	}
	for _, x := range s.Namespaces {
		blank(&x.Owner)
	}
	for _, x := range s.Types {
		blank(&x.Owner)
	}
	for _, x := range s.Sequences {
		blank(&x.Owner)
	}
	for _, x := range s.Functions {
		blank(&x.Owner)
	}
	for _, x := range s.Tables {
		blank(&x.Owner)
	}
	for _, x := range s.Views {
		blank(&x.Owner)
	}
	return role, nil
}

// ownerClause is an OWNER TO (or CREATE SCHEMA AUTHORIZATION) of a file:
// the role it names ("" for CURRENT_USER / SESSION_USER / CURRENT_ROLE),
// as written, and where.
type ownerClause struct{ role, spelled, pos string }

// ownerClauses lists the OWNER TO and AUTHORIZATION clauses of stmts.
func ownerClauses(path string, stmts []Statement) []ownerClause {
	var out []ownerClause
	add := func(st Statement, rs *pg_query.RoleSpec) {
		if rs == nil {
			return
		}
		c := ownerClause{pos: fmt.Sprintf("%s:%d:%d", path, st.Line, st.Col)}
		switch rs.Roletype {
		case pg_query.RoleSpecType_ROLESPEC_CSTRING:
			c.role, c.spelled = rs.Rolename, QuoteIdent(rs.Rolename)
		case pg_query.RoleSpecType_ROLESPEC_PUBLIC:
			return
		default:
			c.spelled = strings.TrimPrefix(rs.Roletype.String(), "ROLESPEC_")
		}
		out = append(out, c)
	}
	for _, st := range stmts {
		switch {
		case st.Node.GetAlterOwnerStmt() != nil:
			add(st, st.Node.GetAlterOwnerStmt().Newowner)
		case st.Node.GetCreateSchemaStmt() != nil:
			add(st, st.Node.GetCreateSchemaStmt().Authrole)
		case st.Node.GetAlterTableStmt() != nil:
			for _, c := range st.Node.GetAlterTableStmt().Cmds {
				if cmd := c.GetAlterTableCmd(); cmd != nil && cmd.Subtype == pg_query.AlterTableType_AT_ChangeOwner {
					add(st, cmd.Newowner)
				}
			}
		}
	}
	return out
}

// MissingRoles returns those of roles that do not exist on the server of
// the database URL u (sorted as given). Errors name the server.
func MissingRoles(ctx context.Context, u string, roles []string) ([]string, error) {
	if len(roles) == 0 {
		return nil, nil
	}
	conn, err := connect(ctx, "database", u)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(ctx, "SELECT r FROM unnest($1::text[]) r WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r)", roles)
	if err != nil {
		return nil, fmt.Errorf("look up roles on %s: %w", ServerAddr(u), err)
	}
	missing, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("look up roles on %s: %w", ServerAddr(u), err)
	}
	return missing, nil
}

// loaderOwnerNote says, once per file, that OWNER TO clauses naming the
// loading role (or CURRENT_USER) cannot be told from no OWNER TO, so those
// owners are not compared; "" when there are none.
func loaderOwnerNote(owners []ownerClause, loader string) string {
	var hits []ownerClause
	for _, o := range owners {
		if o.role == loader || o.role == "" {
			hits = append(hits, o)
		}
	}
	if len(hits) == 0 {
		return ""
	}
	what := fmt.Sprintf("%s: OWNER TO %s", hits[0].pos, hits[0].spelled)
	if len(hits) > 1 {
		what = fmt.Sprintf("%s (and %d more OWNER TO clauses)", what, len(hits)-1)
	}
	return fmt.Sprintf("%s names the role that loads the file on the dev server (%s): pgshift cannot tell it from no OWNER TO, so that owner is not compared; to compare it, load with a dev server user that owns nothing in the application", what, QuoteIdent(loader))
}

// ForgetOwners clears in s the owner of every object whose counterpart in
// ref has none (or that ref lacks): for comparing a live database s with a
// state ref that does not declare owners, such as its replayed migrations,
// where an object's owner is whoever ran them.
func ForgetOwners(s, ref *Schema) {
	for k, x := range s.Namespaces {
		if r := ref.Namespaces[k]; r == nil || r.Owner == "" {
			x.Owner = ""
		}
	}
	for k, x := range s.Types {
		if r := ref.Types[k]; r == nil || r.Owner == "" {
			x.Owner = ""
		}
	}
	for k, x := range s.Sequences {
		if r := ref.Sequences[k]; r == nil || r.Owner == "" {
			x.Owner = ""
		}
	}
	for k, x := range s.Functions {
		if r := ref.Functions[k]; r == nil || r.Owner == "" {
			x.Owner = ""
		}
	}
	for k, x := range s.Tables {
		if r := ref.Tables[k]; r == nil || r.Owner == "" {
			x.Owner = ""
		}
	}
	for k, x := range s.Views {
		if r := ref.Views[k]; r == nil || r.Owner == "" {
			x.Owner = ""
		}
	}
}

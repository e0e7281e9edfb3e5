package schema

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// EmptyModel returns the model of a database freshly created from
// template0 on a server of version serverVersionNum (server_version_num,
// e.g. 150004): the public schema and the plpgsql extension, nothing else.
// bootstrap is the name of the bootstrap superuser (pg_authid OID 10),
// which owns the public schema before PostgreSQL 15; from 15 on it is
// owned by pg_database_owner and PUBLIC keeps only USAGE (PostgreSQL 15
// release notes, "Remove PUBLIC creation permission on the public
// schema"). It is what EmptyFrom reads from a scratch database, without
// one; TestEmptyModelMatchesServer checks that on every major.
func EmptyModel(serverVersionNum int, bootstrap string) *Schema {
	s := NewSchema()
	s.ServerVersionNum = serverVersionNum
	// The public schema's owner is its default one (pg_database_owner, or
	// bootstrap before 15): "" in the model, as Introspect reports a
	// default owner (it is not a choice of the schema's).
	public := &Namespace{Name: "public", Comment: "standard public schema", ACL: []string{"PUBLIC=USAGE"}}
	if serverVersionNum < 150000 {
		public.ACL = []string{"PUBLIC=CREATE", "PUBLIC=USAGE"}
	}
	_ = bootstrap
	s.Namespaces[public.Key()] = public
	s.Extensions[QuoteIdent("plpgsql")] = &Extension{Name: "plpgsql", Schema: "pg_catalog", Version: "1.0", Comment: "PL/pgSQL procedural language"}
	return s
}

// EmptyModelOf is EmptyModel for the server conn is connected to.
func EmptyModelOf(ctx context.Context, conn *pgx.Conn) (*Schema, error) {
	var num int
	var bootstrap string
	err := conn.QueryRow(ctx, `SELECT pg_catalog.current_setting('server_version_num')::int,
		(SELECT rolname FROM pg_catalog.pg_roles WHERE oid = 10)`).Scan(&num, &bootstrap)
	if err != nil {
		return nil, fmt.Errorf("read server version: %w", err)
	}
	return EmptyModel(num, bootstrap), nil
}

// EmptyModelURL is EmptyModel for the server at connString (a URL or a
// keyword/value string; "" means DATABASE_URL, then the PG* variables, as
// LoadURL reads them): one connection and one query, no scratch database.
// Errors name the server.
func EmptyModelURL(ctx context.Context, connString string) (*Schema, error) {
	conn, err := connect(ctx, "server", connString)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	return EmptyModelOf(ctx, conn)
}

// Package pgtest gives tests their own database on the real PostgreSQL
// server named by PGSHIFT_TEST_URL (default
// postgres://postgres@127.0.0.1:5432/postgres). Each database has a unique
// name and is dropped when the test ends.
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultURL is used when PGSHIFT_TEST_URL is not set.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

var counter atomic.Int64

// AdminURL returns the maintenance database URL tests connect to.
func AdminURL() string {
	if u := os.Getenv("PGSHIFT_TEST_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// PGEnv returns the libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD)
// naming the AdminURL server, for tools run by tests (psql, load.sh). A
// Unix socket directory given as the URL's host query parameter
// (postgres://postgres@/postgres?host=/tmp/sock&port=54318) becomes PGHOST.
func PGEnv() []string {
	u, err := url.Parse(AdminURL())
	if err != nil {
		return nil
	}
	q := u.Query()
	host := u.Hostname()
	if h := q.Get("host"); h != "" {
		host = h
	}
	if host == "" {
		host = "127.0.0.1"
	}
	env := []string{"PGHOST=" + host}
	port := u.Port()
	if p := q.Get("port"); p != "" {
		port = p
	}
	if port != "" {
		env = append(env, "PGPORT="+port)
	}
	user := "postgres"
	if u.User != nil && u.User.Username() != "" {
		user = u.User.Username()
	} else if v := q.Get("user"); v != "" {
		user = v
	}
	env = append(env, "PGUSER="+user)
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
		}
	}
	return env
}

// URLFor returns AdminURL with its database replaced by db.
func URLFor(tb testing.TB, db string) string {
	u, err := url.Parse(AdminURL())
	if err != nil {
		tb.Fatalf("PGSHIFT_TEST_URL: %v", err)
	}
	u.Path = "/" + db
	return u.String()
}

// NewDB creates a fresh database with a unique name and returns its URL.
// The database is dropped (WITH (FORCE)) when the test ends.
func NewDB(tb testing.TB) string {
	tb.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("pgshift_test_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, counter.Add(1))
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		tb.Fatalf("connect to test server: %v", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), AdminURL())
		if err != nil {
			tb.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			tb.Errorf("drop test database %s: %v", name, err)
		}
	})
	return URLFor(tb, name)
}

// Connect opens a connection to url and closes it when the test ends.
func Connect(tb testing.TB, url string) *pgx.Conn {
	tb.Helper()
	c, err := pgx.Connect(context.Background(), url)
	if err != nil {
		tb.Fatalf("connect: %v", err)
	}
	tb.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// Exec runs sql (may hold several statements) over the simple protocol and
// fails the test on error.
func Exec(tb testing.TB, conn *pgx.Conn, sql string) {
	tb.Helper()
	if _, err := conn.Exec(context.Background(), sql, pgx.QueryExecModeSimpleProtocol); err != nil {
		tb.Fatalf("exec: %v\n--- SQL ---\n%s", err, truncate(sql, 4000))
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "\n" + strings.Repeat(".", 3)
}

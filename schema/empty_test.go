package schema

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pgshift/pgshift/internal/pgtest"
)

// TestEmptyModelMatchesServer: the empty baseline built without a scratch
// database is what the server's own fresh database holds (run on every
// major by .ci/pg-matrix, which runs this package's short tests).
func TestEmptyModelMatchesServer(t *testing.T) {
	ctx := context.Background()
	want, err := EmptyFrom(ctx, pgtest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, pgtest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	got, err := EmptyModelOf(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if d := CanonicalDiff(Canonical(want, CanonicalOptions{}), Canonical(got, CanonicalOptions{})); d != "" {
		t.Fatalf("EmptyModel differs from a fresh database (- server, + model):\n%s", d)
	}
	for k, ns := range want.Namespaces {
		if g := got.Namespaces[k]; g == nil || g.Owner != ns.Owner {
			t.Errorf("schema %s: owner %+v, want %q", k, g, ns.Owner)
		}
	}
	if got.ServerVersionNum != want.ServerVersionNum {
		t.Errorf("ServerVersionNum %d, want %d", got.ServerVersionNum, want.ServerVersionNum)
	}
}

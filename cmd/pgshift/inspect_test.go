package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/schema"
)

// TestInspectNeedsNoDevServer: inspect connects to the inspected database
// only (no --dev-url, no $PGSHIFT_DEV_URL, no server binaries on PATH), and
// its output, loaded into a fresh database, reproduces the schema.
func TestInspectNeedsNoDevServer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := pgtest.NewDB(t)
	if err := schema.ExecFile(ctx, pgtest.Connect(t, src), exampleSchema); err != nil {
		t.Fatal(err)
	}
	r := pgshift(t, map[string]string{"PATH": ""}, "inspect", "--url", src)
	if r.code != exitOK {
		t.Fatalf("inspect: %+v", r)
	}
	out := writeFile(t, t.TempDir(), "inspected.sql", r.stdout)
	dst := pgtest.NewDB(t)
	if err := schema.ExecFile(ctx, pgtest.Connect(t, dst), filepath.Clean(out)); err != nil {
		t.Fatalf("inspect output does not load: %v", err)
	}
	a, err := schema.IntrospectURL(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	b, err := schema.IntrospectURL(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	opts := schema.CanonicalOptions{}
	if d := schema.CanonicalDiff(schema.Canonical(a, opts), schema.Canonical(b, opts)); d != "" {
		t.Fatalf("inspect output loaded elsewhere differs (- source, + loaded):\n%s", d)
	}
}

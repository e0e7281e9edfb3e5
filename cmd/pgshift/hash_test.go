package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHashAndMissingSum(t *testing.T) {
	t.Parallel()
	plannerReady(t)
	dir := filepath.Join(t.TempDir(), "migrations")
	r := pgshift(t, devVars(), "generate", "--to", exampleCurrent, "--dir", dir, "--name", "init")
	if r.code != 0 {
		t.Fatalf("generate: %+v", r)
	}
	// A hand-written migration, edited afterwards: never blocks.
	hand := writeFile(t, dir, "29990101000000_hand.up.sql", "SELECT 1;\n")
	writeFile(t, dir, "29990101000000_hand.down.sql", "SELECT 1;\n")
	writeFile(t, dir, "29990101000000_hand.up.sql", "SELECT 2;\n")
	r = pgshift(t, devVars(), "generate", "--to", exampleCurrent, "--dir", dir)
	if r.code != 0 || !strings.Contains(r.stderr, "-- no changes") || strings.Contains(r.stderr, "hand") {
		t.Fatalf("generate with a hand-written file: %+v", r)
	}
	// The sum deleted: generate and drift name the fix.
	if err := os.Remove(filepath.Join(dir, "pgshift.sum")); err != nil {
		t.Fatal(err)
	}
	want := "but no pgshift.sum: check the files, then record it with `pgshift hash --dir " + dir + "`"
	r = pgshift(t, devVars(), "generate", "--to", exampleSchema, "--dir", dir)
	if r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Errorf("generate without a sum: %+v", r)
	}
	r = pgshift(t, devVars(), "drift", "--url", "postgres://127.0.0.1:1/x?connect_timeout=1", "--dir", dir)
	if r.code != 1 || !strings.Contains(r.stderr, want) && !strings.Contains(r.stderr, "127.0.0.1:1") {
		t.Errorf("drift without a sum: %+v", r)
	}
	// hash re-records it; generate then works.
	r = pgshift(t, nil, "hash", "--dir", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "pgshift.sum: 2 file(s) tracked") {
		t.Fatalf("hash: %+v", r)
	}
	// An intended edit of a generated file, then hash.
	ups, _ := filepath.Glob(filepath.Join(dir, "*_init.up.sql"))
	if len(ups) != 1 {
		t.Fatalf("generated files: %v", ups)
	}
	b, _ := os.ReadFile(ups[0])
	writeFile(t, dir, filepath.Base(ups[0]), string(b)+"-- reviewed\n")
	r = pgshift(t, devVars(), "generate", "--to", exampleSchema, "--dir", dir)
	if r.code != 1 || !strings.Contains(r.stderr, "was edited after it was generated") {
		t.Fatalf("edited generated file: %+v", r)
	}
	if r = pgshift(t, nil, "hash", "--dir", dir, hand); r.code != 0 || !strings.Contains(r.stdout, "3 file(s) tracked") {
		t.Fatalf("hash with a file: %+v", r)
	}
	r = pgshift(t, devVars(), "generate", "--to", exampleSchema, "--dir", dir, "--name", "next")
	if r.code != 0 || !strings.Contains(r.stdout, "_next.up.sql") {
		t.Fatalf("generate after hash: %+v", r)
	}
	// Now tracked, the hand-written file may not change unnoticed.
	writeFile(t, dir, "29990101000000_hand.up.sql", "SELECT 3;\n")
	r = pgshift(t, devVars(), "generate", "--to", exampleSchema, "--dir", dir)
	if r.code != 1 || !strings.Contains(r.stderr, "29990101000000_hand.up.sql was edited") {
		t.Errorf("tracked hand-written file edited: %+v", r)
	}
	if r = pgshift(t, nil, "hash", "--dir", filepath.Join(dir, "nope")); r.code != 1 {
		t.Errorf("hash of a missing dir: %+v", r)
	}
}

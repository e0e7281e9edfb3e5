package pgfacts

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pgshift/pgshift/internal/pgtest"
)

// fixture is the populated table every probe runs on: t (3,000 rows)
// referencing p (100 rows).
const fixture = `
CREATE TABLE p (id integer PRIMARY KEY);
INSERT INTO p SELECT g FROM generate_series(1, 100) g;
CREATE TABLE t (id integer PRIMARY KEY, a integer, pid integer, v varchar(10), b varbit(8), n cidr, ts timestamp, x numeric(10,2));
INSERT INTO t SELECT g, g, 1 + g % 100, 'v' || g, B'101', '10.0.0.0/8', '2024-01-01', g FROM generate_series(1, 3000) g;
ANALYZE t;`

// serverMajor returns the major version of the server conn is on.
func serverMajor(t *testing.T, conn *pgx.Conn) int {
	t.Helper()
	var num string
	if err := conn.QueryRow(context.Background(), "SHOW server_version_num").Scan(&num); err != nil {
		t.Fatalf("server_version_num: %v", err)
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		t.Fatalf("server_version_num %q: %v", num, err)
	}
	return n / 10000
}

// TestFactsMeasured runs every fact's probe on a populated table of the
// server named by PGSHIFT_TEST_URL (15 in the suite, 13–18 in
// .ci/pg-matrix) and fails when the server contradicts the fact: the
// strongest lock the statement's session holds on the relation (pg_locks,
// read from a second session while the statement's transaction is open,
// or while a concurrent statement waits for an older transaction), the
// lock on the referenced table, the relfilenode before and after (a
// rewrite gives the relation a new file), and the scan the server reports
// at DEBUG1 ("verifying table", "validating foreign key constraint",
// "building index … on table").
func TestFactsMeasured(t *testing.T) {
	url := pgtest.NewDB(t)
	admin := pgtest.Connect(t, url)
	major := serverMajor(t, admin)
	measured := 0
	for i, f := range ForMajor(major) {
		if f.Probe == nil {
			if f.NotMeasured == "" {
				t.Errorf("%s: no probe and no reason why it is not measured", f.Kind)
			}
			continue
		}
		measured++
		f, nsp := f, fmt.Sprintf("f%d", i)
		t.Run(string(f.Kind), func(t *testing.T) {
			t.Parallel()
			measure(t, url, nsp, major, f)
		})
	}
	if measured < 40 {
		t.Errorf("only %d facts measured on %d", measured, major)
	}
}

var (
	scanRe = regexp.MustCompile(`verifying table "([^"]+)"|building index "[^"]+" on table "([^"]+)"`)
	fkRe   = regexp.MustCompile(`validating foreign key constraint`)
)

// measure runs f's probe in schema nsp of the database at url (each probe
// has a schema of its own, so probes run in parallel).
func measure(t *testing.T, url, nsp string, major int, f Fact) {
	ctx := context.Background()
	path := "SET search_path = " + nsp
	setup := pgtest.Connect(t, url)
	pgtest.Exec(t, setup, "CREATE SCHEMA "+nsp+"; "+path)
	pgtest.Exec(t, setup, fixture)
	if f.Probe.Setup != "" {
		pgtest.Exec(t, setup, f.Probe.Setup)
	}
	rel := f.Probe.Relation
	if rel == "" {
		rel = "t"
	}
	scanOf := f.Probe.ScanOf
	if scanOf == "" {
		scanOf = rel
	}
	var relOID uint32
	var before uint32
	if err := setup.QueryRow(ctx, "SELECT $1::regclass::oid, coalesce(pg_relation_filenode($1::regclass), 0)", rel).Scan(&relOID, &before); err != nil {
		t.Fatalf("filenode of %s: %v", rel, err)
	}

	var mu sync.Mutex
	var notices []string
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
		mu.Lock()
		notices = append(notices, n.Message)
		mu.Unlock()
	}
	a, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close(ctx)
	observer := pgtest.Connect(t, url)
	pgtest.Exec(t, observer, path)
	pgtest.Exec(t, a, path+"; SET client_min_messages = debug1")
	var pid int
	if err := a.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
		t.Fatal(err)
	}

	var lock, refLock Lock
	if !f.NonTransactional {
		pgtest.Exec(t, a, "BEGIN")
		if _, err := a.Exec(ctx, f.Probe.SQL, pgx.QueryExecModeSimpleProtocol); err != nil {
			t.Fatalf("%s: %v", f.Probe.SQL, err)
		}
		lock, refLock = heldLocks(t, observer, pid, relOID)
		pgtest.Exec(t, a, "COMMIT")
	} else {
		// A concurrent statement runs in transactions of its own: an older
		// transaction holding a snapshot and a lock on the table makes it
		// wait, with its own lock held, until that transaction ends.
		blocker := pgtest.Connect(t, url)
		pgtest.Exec(t, blocker, path+"; BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM "+rel)
		done := make(chan error, 1)
		go func() {
			_, err := a.Exec(ctx, f.Probe.SQL, pgx.QueryExecModeSimpleProtocol)
			done <- err
		}()
		// It cannot finish before the blocker ends, so it waits at some
		// point; the loop is bounded in case it does not.
		waited := false
		for i := 0; i < 6000 && !waited; i++ {
			var n int
			if err := observer.QueryRow(ctx, "SELECT count(*) FROM pg_locks, pg_sleep(0.005) WHERE pid = $1 AND NOT granted", pid).Scan(&n); err != nil {
				t.Fatal(err)
			}
			waited = n > 0
		}
		if waited {
			lock, refLock = heldLocks(t, observer, pid, relOID)
		}
		pgtest.Exec(t, blocker, "COMMIT")
		if err := <-done; err != nil {
			t.Fatalf("%s: %v", f.Probe.SQL, err)
		}
		if !waited {
			t.Fatalf("%s never waited for the older transaction: its lock could not be observed", f.Probe.SQL)
		}
	}

	var after uint32
	if err := setup.QueryRow(ctx, "SELECT coalesce(pg_relation_filenode(($1::oid)::regclass), 0)", relOID).Scan(&after); err != nil {
		t.Fatalf("filenode of %s after: %v", rel, err)
	}
	mu.Lock()
	msgs := append([]string(nil), notices...)
	mu.Unlock()
	scanned := false
	for _, m := range msgs {
		if fkRe.MatchString(m) {
			scanned = true
		}
		if sm := scanRe.FindStringSubmatch(m); sm != nil && (sm[1] == scanOf || sm[2] == scanOf) {
			scanned = true
		}
	}

	if lock != f.Lock {
		t.Errorf("PostgreSQL %d: %s holds %q on %s, the fact says %q (%s)", major, f.Probe.SQL, lock, rel, f.Lock, f.Doc)
	}
	if f.RefLock != None && refLock != f.RefLock {
		t.Errorf("PostgreSQL %d: %s holds %q on p, the fact says %q", major, f.Probe.SQL, refLock, f.RefLock)
	}
	newFile := after != before
	switch {
	case f.Probe.NewFile && !newFile:
		t.Errorf("PostgreSQL %d: %s kept the relfilenode of %s, the fact says it gets a new file", major, f.Probe.SQL, rel)
	case !f.Probe.NewFile && newFile != f.Rewrite:
		t.Errorf("PostgreSQL %d: %s: relfilenode of %s %d → %d, the fact says rewrite=%v (%s)", major, f.Probe.SQL, rel, before, after, f.Rewrite, f.Doc)
	}
	if !f.Rewrite && !f.Probe.NewFile && scanned != f.Scan {
		t.Errorf("PostgreSQL %d: %s: server reports scan=%v, the fact says scan=%v; DEBUG1 messages:\n  %s",
			major, f.Probe.SQL, scanned, f.Scan, strings.Join(msgs, "\n  "))
	}
}

// heldLocks returns the strongest lock granted to pid on the relation oid
// and on table p.
func heldLocks(t *testing.T, observer *pgx.Conn, pid int, oid uint32) (onRel, onRef Lock) {
	t.Helper()
	rows, err := observer.Query(context.Background(),
		`SELECT l.mode, l.relation = $2::oid, l.relation = 'p'::regclass::oid FROM pg_locks l
		  WHERE l.pid = $1 AND l.granted AND l.locktype = 'relation' AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`, pid, oid)
	if err != nil {
		t.Fatalf("pg_locks: %v", err)
	}
	defer rows.Close()
	for rows.Next() {
		var mode string
		var isRel, isRef bool
		if err := rows.Scan(&mode, &isRel, &isRef); err != nil {
			t.Fatal(err)
		}
		switch {
		case isRel:
			onRel = Stronger(onRel, PGMode(mode))
		case isRef:
			onRef = Stronger(onRef, PGMode(mode))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return onRel, onRef
}

// TestTypeChangeRewritesMeasured changes a column of a populated table
// from each type to each other of the pairs below and compares the
// server's relfilenode with TypeChangeRewrites.
func TestTypeChangeRewritesMeasured(t *testing.T) {
	pairs := [][2]string{
		{"varchar(8)", "varchar(16)"}, {"varchar(16)", "varchar(8)"}, {"varchar(8)", "varchar"}, {"varchar(8)", "text"},
		{"text", "varchar"}, {"text", "varchar(8)"}, {"varbit(8)", "varbit(16)"}, {"varbit(16)", "varbit(8)"}, {"varbit(8)", "varbit"},
		{"numeric(10,2)", "numeric(12,2)"}, {"numeric(10,2)", "numeric(12,3)"}, {"numeric(10,2)", "numeric"}, {"numeric", "numeric(10,2)"},
		{"cidr", "inet"}, {"inet", "cidr"}, {"integer", "bigint"}, {"timestamp", "timestamptz"}, {"integer[]", "bigint[]"},
	}
	url := pgtest.NewDB(t)
	conn := pgtest.Connect(t, url)
	major := serverMajor(t, conn)
	sample := map[string]string{"varchar": "'1'", "text": "'1'", "varbit": "B'1'", "numeric": "1", "cidr": "'10.0.0.0/8'",
		"inet": "'10.0.0.0/8'", "integer": "1", "timestamp": "now()", "integer[]": "ARRAY[1]"}
	for i, p := range pairs {
		base := ParseType(p[0])
		key := strings.SplitN(p[0], "(", 2)[0]
		if base.Array > 0 {
			key = p[0]
		}
		tbl := fmt.Sprintf("tc%d", i)
		pgtest.Exec(t, conn, fmt.Sprintf("CREATE TABLE %s (c %s); INSERT INTO %s SELECT %s FROM generate_series(1, 2000)", tbl, p[0], tbl, sample[key]))
		var before, after uint32
		if err := conn.QueryRow(context.Background(), "SELECT pg_relation_filenode($1::regclass)", tbl).Scan(&before); err != nil {
			t.Fatal(err)
		}
		pgtest.Exec(t, conn, fmt.Sprintf("SET TimeZone = 'Europe/Paris'; ALTER TABLE %s ALTER COLUMN c TYPE %s", tbl, p[1]))
		if err := conn.QueryRow(context.Background(), "SELECT pg_relation_filenode($1::regclass)", tbl).Scan(&after); err != nil {
			t.Fatal(err)
		}
		want, _ := TypeChangeRewrites(p[0], p[1], major)
		if got := after != before; got != want {
			t.Errorf("PostgreSQL %d: %s → %s: rewrite=%v on the server, TypeChangeRewrites says %v", major, p[0], p[1], got, want)
		}
	}
}

// overloadExceptions are functions with one overload of another
// volatility than the ones a column default calls.
var overloadExceptions = map[string]string{
	"timezone": "timezone(text, time with time zone) is VOLATILE on 13 (STABLE from 14); defaults call the timestamp overloads",
}

// TestFuncVolatilityMeasured compares the volatility table with
// pg_proc.provolatile of the server for every function it lists that the
// server has.
func TestFuncVolatilityMeasured(t *testing.T) {
	conn := pgtest.Connect(t, pgtest.AdminURL())
	major := serverMajor(t, conn)
	checked := 0
	for name, want := range funcVolatility {
		rows, err := conn.Query(context.Background(),
			"SELECT DISTINCT provolatile FROM pg_proc WHERE proname = $1 AND pronamespace = 'pg_catalog'::regnamespace", name)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		rows.Close()
		if len(got) == 0 {
			continue // an extension's function, or one this major lacks
		}
		checked++
		code := map[Volatility]string{Immutable: "i", Stable: "s", Volatile: "v"}[want]
		// Overloads may differ (e.g. to_char); the table holds the strongest.
		strongest := "i"
		for _, g := range got {
			if g == "v" || g == "s" && strongest == "i" {
				strongest = g
			}
		}
		if strongest != code && !(overloadExceptions[name] != "" && strongest == "v") {
			t.Errorf("PostgreSQL %d: %s() is provolatile %v, the table says %s", major, name, got, want)
		}
	}
	if checked < 30 {
		t.Errorf("only %d functions checked", checked)
	}
}

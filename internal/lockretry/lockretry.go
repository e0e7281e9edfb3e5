// Package lockretry holds pgshift's lock discipline for migration files:
// the default per-attempt lock_timeout, the retry limits, and the DO block
// that applies them inside the file itself, so that every runner
// (golang-migrate, goose, dbmate, Flyway) and `psql -f` get the same
// behaviour.
//
// Why: a statement that waits for a lock which blocks reads or writes
// (ACCESS EXCLUSIVE, EXCLUSIVE, SHARE ROW EXCLUSIVE, SHARE) makes every
// later conflicting request on the relation queue behind it (PostgreSQL
// docs, "Explicit Locking", 13.3.1: lock requests are granted in order).
// Behind one long-running transaction an instant ALTER TABLE thus stalls all
// traffic on the table until it gets its lock. A short lock_timeout bounds
// that stall; retrying with backoff and jitter (docs/hazards.md §3: pgroll,
// GitLab with_lock_retries) lets the traffic through between attempts.
//
// Why a DO block: `SET LOCAL` outside a transaction block is ignored with a
// warning (PostgreSQL docs, "SET": "SET LOCAL ... has no effect outside a
// transaction block"), which is how `psql -f` runs a file; the block sets
// lock_timeout with set_config(..., true) in its own transaction (or in the
// runner's), and each attempt runs in a subtransaction (a BEGIN ... EXCEPTION
// block, PL/pgSQL "Trapping Errors") whose rollback drops the lock request
// and leaves the queue. A statement that cannot run in a transaction block
// (CREATE INDEX CONCURRENTLY) cannot be wrapped: its locks (SHARE UPDATE
// EXCLUSIVE) block neither reads nor writes.
package lockretry

import (
	"fmt"
	"strconv"
	"strings"
)

// Defaults of the lock discipline (docs/hazards.md §3; pgroll uses 500 ms
// per attempt with exponential backoff and jitter).
const (
	// DefaultTimeout is the lock_timeout of one attempt: the longest a
	// waiting migration statement makes the table's traffic queue.
	DefaultTimeout = "500ms"
	// DefaultRetries is how many times a statement group is retried after
	// its first attempt failed with lock_not_available (SQLSTATE 55P03).
	DefaultRetries = 30
	// DefaultBudget is the longest the retries go on, from the first attempt,
	// as a PostgreSQL interval.
	DefaultBudget = "5min"
	// firstSleep and maxSleep bound the backoff between attempts, in
	// seconds: firstSleep·2^n capped at maxSleep, times a random factor in
	// [0.5, 1) (jitter, so that concurrent migrations do not retry in step).
	firstSleep = "0.1"
	maxSleep   = "5"
)

// Policy is the lock discipline of one set of files.
type Policy struct {
	// Timeout is the per-attempt lock_timeout ("500ms", "1s"); "" means
	// DefaultTimeout.
	Timeout string
	// Retries is the number of retries after the first attempt; 0 means
	// DefaultRetries, a negative number means none (one attempt).
	Retries int
	// Budget is the total time the attempts may take, a PostgreSQL
	// interval ("5min"); "" means DefaultBudget.
	Budget string
}

// retries returns the effective retry count.
func (p Policy) retries() int {
	switch {
	case p.Retries == 0:
		return DefaultRetries
	case p.Retries < 0:
		return 0
	}
	return p.Retries
}

// Recommendation is the advice lint gives for a statement that waits for
// a blocking lock without a lock_timeout, with the planner's own values.
func Recommendation() string {
	return fmt.Sprintf("Set lock_timeout = '%s' before it (SET LOCAL inside a transaction block, set_config('lock_timeout', '%s', true) in a DO block under psql -f) and retry on lock_not_available with backoff (pgshift retries %d times within %s)",
		DefaultTimeout, DefaultTimeout, DefaultRetries, DefaultBudget)
}

// Wrap returns a comment line and one DO block that runs stmts (complete statements, each
// ending in ";") with lock_timeout = p.Timeout per attempt, retrying the
// whole group on lock_not_available (each attempt in a subtransaction)
// after a sleep with backoff and jitter, until p's retries or budget are
// spent; then it raises lock_not_available with the attempt count, the time
// spent and a hint. The previous lock_timeout is restored after the group.
// The statements must be allowed in a transaction block and in EXECUTE
// (no transaction control, no CONCURRENTLY).
func Wrap(stmts []string, p Policy) string {
	timeout := p.Timeout
	if timeout == "" {
		timeout = DefaultTimeout
	}
	budget := p.Budget
	if budget == "" {
		budget = DefaultBudget
	}
	body := strings.Join(stmts, "\n")
	outer := freeTag("pgshift_retry", body)
	inner := freeTag("pgshift_stmt", body)
	var b strings.Builder
	fmt.Fprintf(&b, "-- lock_timeout %s per attempt, retried on lock_not_available up to %d times within %s\n", timeout, p.retries(), budget)
	b.WriteString("DO $" + outer + "$\nDECLARE\n")
	b.WriteString("  pgshift_saved text := current_setting('lock_timeout');\n")
	b.WriteString("  pgshift_start timestamptz := clock_timestamp();\n")
	b.WriteString("  pgshift_attempt int := 0;\nBEGIN\n  LOOP\n    BEGIN\n")
	b.WriteString("      PERFORM set_config('lock_timeout', " + quote(timeout) + ", true);\n")
	for _, st := range stmts {
		st = strings.TrimSpace(st)
		if st == "" {
			continue
		}
		b.WriteString("      EXECUTE $" + inner + "$" + strings.TrimSuffix(st, ";") + "$" + inner + "$;\n")
	}
	b.WriteString("      EXIT;\n    EXCEPTION WHEN lock_not_available THEN\n")
	b.WriteString("      pgshift_attempt := pgshift_attempt + 1;\n")
	b.WriteString("      IF pgshift_attempt > " + strconv.Itoa(p.retries()) + " OR clock_timestamp() - pgshift_start >= interval " + quote(budget) + " THEN\n")
	b.WriteString("        RAISE EXCEPTION 'pgshift: lock not available after % attempts in %: %', pgshift_attempt, clock_timestamp() - pgshift_start, SQLERRM\n")
	b.WriteString("          USING ERRCODE = 'lock_not_available', HINT = 'a long-running transaction holds a conflicting lock (see pg_stat_activity); end it and run the migration again';\n")
	b.WriteString("      END IF;\n")
	b.WriteString("      PERFORM pg_sleep(least(" + maxSleep + ", " + firstSleep + " * 2 ^ pgshift_attempt) * (0.5 + random() / 2));\n")
	b.WriteString("    END;\n  END LOOP;\n")
	b.WriteString("  PERFORM set_config('lock_timeout', pgshift_saved, true);\nEND\n$" + outer + "$;")
	return b.String()
}

// freeTag returns base, or base with a number appended, such that "$tag$"
// does not occur in text.
func freeTag(base, text string) string {
	tag := base
	for i := 1; strings.Contains(text, "$"+tag+"$"); i++ {
		tag = base + strconv.Itoa(i)
	}
	return tag
}

// quote quotes s as an SQL string literal.
func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

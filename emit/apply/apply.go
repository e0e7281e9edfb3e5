// Package apply runs a plan's steps against a live database: each
// transactional step in a transaction of its own, the others (CREATE INDEX
// CONCURRENTLY, batched backfills) outside any, every attempt bounded by a
// short lock_timeout and retried with backoff and jitter while a lock is
// not available, so that a migration waiting behind a long transaction
// never makes the table's other queries queue behind it for long.
package apply

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pgshift/pgshift/planner"
	"github.com/pgshift/pgshift/schema"
)

// Defaults of Options.
const (
	// DefaultLockTimeout bounds one attempt's wait for a lock. While a DDL
	// statement waits for its lock every later query on the table queues
	// behind it (PostgreSQL docs, "Explicit Locking"), so the wait must
	// stay well under what the application tolerates.
	DefaultLockTimeout = 500 * time.Millisecond
	// DefaultLockBudget bounds the time one step may spend in attempts and
	// backoff before it gives up.
	DefaultLockBudget = 2 * time.Minute
)

// lockNotAvailable is the SQLSTATE of a lock_timeout expiry (55P03,
// lock_not_available; PostgreSQL docs, Appendix A "Error Codes").
const lockNotAvailable = "55P03"

// Options configure Run.
type Options struct {
	// LockTimeout is the lock_timeout of one attempt (0: DefaultLockTimeout).
	LockTimeout time.Duration
	// LockBudget is the total time a step may spend on attempts that failed
	// for a lock and the backoff between them (0: DefaultLockBudget).
	LockBudget time.Duration
	// StatementTimeout is the statement_timeout of every step that does not
	// bring its own ("" or "0": none).
	StatementTimeout string
	// Log receives progress lines (no newline); nil discards them.
	Log func(line string)
	// Empty is, for Verify, the model of an empty database on the dev
	// server (schema.EmptyFrom) when the caller already has it; nil makes
	// Verify read it.
	Empty *schema.Schema
}

func (o Options) lockTimeout() time.Duration {
	if o.LockTimeout > 0 {
		return o.LockTimeout
	}
	return DefaultLockTimeout
}

func (o Options) lockBudget() time.Duration {
	if o.LockBudget > 0 {
		return o.LockBudget
	}
	return DefaultLockBudget
}

func (o Options) log(format string, args ...any) {
	if o.Log != nil {
		o.Log(fmt.Sprintf(format, args...))
	}
}

// StepError is the failure of one step: Index is its 0-based position in
// the steps given to Run, Applied the number of steps applied before it.
type StepError struct {
	Index   int
	Step    *planner.Step
	Applied int
	Err     error
}

func (e *StepError) Error() string {
	return fmt.Sprintf("step %d (%s) failed: %v", e.Index+1, e.Step.Summary, e.Err)
}

func (e *StepError) Unwrap() error { return e.Err }

// Run applies steps in order to the database at dbURL and returns how many
// were applied. It stops at the first failure, returned as a *StepError
// (wrapping the server's *pgconn.PgError, or ctx.Err() when cancelled); the
// steps before it stay applied, and an INVALID index that a failed
// non-transactional step left behind is dropped (DROP INDEX CONCURRENTLY),
// so that running the plan again starts clean. A cancelled ctx stops the
// running statement (PostgreSQL cancels it; a batched backfill keeps the
// batches it committed) and no further step starts.
func Run(ctx context.Context, dbURL string, steps []*planner.Step, opts Options) (int, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return 0, fmt.Errorf("connect to %s: %w", schema.ServerAddr(dbURL), err)
	}
	defer func() { conn.Close(context.Background()) }()
	for i, s := range steps {
		if err := ctx.Err(); err != nil {
			return i, &StepError{Index: i, Step: s, Applied: i, Err: err}
		}
		start := time.Now()
		if conn.IsClosed() {
			if conn, err = pgx.Connect(ctx, dbURL); err != nil {
				return i, &StepError{Index: i, Step: s, Applied: i, Err: fmt.Errorf("reconnect: %w", err)}
			}
		}
		opts.log("[%d/%d] %s%s", i+1, len(steps), s.Summary, rowEstimate(ctx, conn, s))
		if err := runStep(ctx, conn, dbURL, s, opts); err != nil {
			return i, &StepError{Index: i, Step: s, Applied: i, Err: err}
		}
		opts.log("[%d/%d] done in %s", i+1, len(steps), time.Since(start).Round(time.Millisecond))
	}
	return len(steps), nil
}

// rowEstimate says, for a data step (one that runs outside a transaction
// under ROW EXCLUSIVE: a batched backfill), how many rows its table has by
// the planner's statistics (pg_class.reltuples); "" otherwise.
func rowEstimate(ctx context.Context, conn *pgx.Conn, s *planner.Step) string {
	if s.Transactional || s.Lock != planner.LockRowExclusive || len(s.Relations) != 1 {
		return ""
	}
	var n float64
	if err := conn.QueryRow(ctx, "SELECT reltuples FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass($1)", s.Relations[0]).Scan(&n); err != nil || n < 0 {
		return ""
	}
	return fmt.Sprintf(" (about %.0f rows)", n)
}

// runStep runs one step, retrying attempts that failed for a lock until the
// lock budget is spent.
func runStep(ctx context.Context, conn *pgx.Conn, dbURL string, s *planner.Step, opts Options) error {
	deadline := time.Now().Add(opts.lockBudget())
	for attempt := 1; ; attempt++ {
		var err error
		if s.Transactional {
			err = runTransactional(ctx, conn, s, opts)
		} else {
			err = runOutside(ctx, conn, dbURL, s, opts)
		}
		if err == nil || !IsLockTimeout(err) || ctx.Err() != nil {
			return err
		}
		wait := Backoff(attempt)
		if time.Now().Add(wait).After(deadline) {
			return fmt.Errorf("lock not available after %d attempts of %s within the lock budget %s: %w",
				attempt, opts.lockTimeout(), opts.lockBudget(), err)
		}
		opts.log("    lock not available (attempt %d, lock_timeout %s): retrying in %s", attempt, opts.lockTimeout(), wait.Round(time.Millisecond))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// IsLockTimeout reports whether err is a lock_timeout expiry (SQLSTATE
// 55P03).
func IsLockTimeout(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == lockNotAvailable
}

// Backoff is the wait before attempt+1: 100 ms doubled per attempt, capped
// at 5 s, with ±50 % jitter so that several waiting migrations (or
// replicas of one) do not retry in lock step.
func Backoff(attempt int) time.Duration {
	d := 100 * time.Millisecond
	for i := 1; i < attempt && d < 5*time.Second; i++ {
		d *= 2
	}
	d = min(d, 5*time.Second)
	return d/2 + rand.N(d)
}

// settings are the SET statements that bound one attempt; local selects
// SET LOCAL (inside the step's transaction).
func settings(s *planner.Step, opts Options, local bool) []string {
	set := "SET "
	if local {
		set = "SET LOCAL "
	}
	out := []string{fmt.Sprintf("%slock_timeout = '%dms'", set, opts.lockTimeout().Milliseconds())}
	st := s.StatementTimeout
	if st == "" {
		st = opts.StatementTimeout
	}
	if st != "" {
		out = append(out, set+"statement_timeout = "+schema.QuoteLiteral(st))
	}
	return out
}

func runTransactional(ctx context.Context, conn *pgx.Conn, s *planner.Step, opts Options) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.Background()) }()
	for _, q := range append(settings(s, opts, true), s.Up...) {
		if _, err := tx.Exec(ctx, q, pgx.QueryExecModeSimpleProtocol); err != nil {
			return statementError(q, err)
		}
	}
	return tx.Commit(ctx)
}

// runOutside runs a step that cannot run in a transaction block, with
// session-level settings that are reset afterwards. On failure, INVALID
// indexes that did not exist before the step are dropped.
func runOutside(ctx context.Context, conn *pgx.Conn, dbURL string, s *planner.Step, opts Options) (err error) {
	before, err := invalidIndexes(ctx, conn)
	if err != nil {
		return err
	}
	defer func() {
		if conn.IsClosed() {
			return
		}
		_, _ = conn.Exec(context.Background(), "RESET lock_timeout; RESET statement_timeout", pgx.QueryExecModeSimpleProtocol)
	}()
	defer func() {
		if err != nil {
			if cerr := dropNewInvalid(dbURL, before, opts); cerr != nil {
				err = fmt.Errorf("%w; cleaning up: %v", err, cerr)
			}
		}
	}()
	for _, q := range settings(s, opts, false) {
		if _, err := conn.Exec(ctx, q, pgx.QueryExecModeSimpleProtocol); err != nil {
			return err
		}
	}
	for _, q := range s.Up {
		if _, err := conn.Exec(ctx, q, pgx.QueryExecModeSimpleProtocol); err != nil {
			return statementError(q, err)
		}
	}
	return nil
}

// statementError names the failing statement (its first line).
func statementError(q string, err error) error {
	first, _, _ := strings.Cut(strings.TrimSpace(q), "\n")
	if len(first) > 120 {
		first = first[:120] + "..."
	}
	return fmt.Errorf("%s: %w", first, err)
}

const invalidIndexesSQL = `SELECT pg_catalog.format('%I.%I', n.nspname, c.relname)
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE NOT i.indisvalid`

func invalidIndexes(ctx context.Context, conn *pgx.Conn) (map[string]bool, error) {
	rows, err := conn.Query(ctx, invalidIndexesSQL)
	if err != nil {
		return nil, fmt.Errorf("list invalid indexes: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list invalid indexes: %w", err)
	}
	out := make(map[string]bool, len(names))
	for _, n := range names {
		out[n] = true
	}
	return out, nil
}

// dropNewInvalid drops, on a fresh connection (the step's may have been
// cancelled), the INVALID indexes that are not in before: what a failed
// CREATE INDEX CONCURRENTLY leaves (PostgreSQL docs, CREATE INDEX,
// "Building Indexes Concurrently").
func dropNewInvalid(dbURL string, before map[string]bool, opts Options) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	now, err := invalidIndexes(ctx, conn)
	if err != nil {
		return err
	}
	for name := range now {
		if before[name] {
			continue
		}
		opts.log("    dropping INVALID index %s left by the failed step", name)
		if _, err := conn.Exec(ctx, "DROP INDEX CONCURRENTLY IF EXISTS "+name, pgx.QueryExecModeSimpleProtocol); err != nil {
			return fmt.Errorf("drop INVALID index %s: %w", name, err)
		}
	}
	return nil
}

// Reverse returns the down path of steps as steps: in reverse order, each
// running its Down as Up, with the same transactionality and timeouts.
func Reverse(steps []*planner.Step) []*planner.Step {
	out := make([]*planner.Step, 0, len(steps))
	for i := len(steps) - 1; i >= 0; i-- {
		s := *steps[i]
		s.Up, s.Down = steps[i].Down, steps[i].Up
		s.Summary = "undo: " + s.Summary
		out = append(out, &s)
	}
	return out
}

// Package pgfacts is pgshift's one table of PostgreSQL facts: for every
// statement kind the planner emits or the linter checks, and for every
// supported major (13–18), the lock it takes and on which relations,
// whether it rewrites or scans the table, whether it can run in a
// transaction block, and what makes it safe. It also holds the rules that
// decide a rewrite (type changes that are binary coercible) and the
// volatility of the functions a column default may call.
//
// The planner (package planner) and the linter (package planner/lint) both
// read these facts; neither keeps a copy. Every row cites its PostgreSQL
// documentation section and the row of ../shared/docs/hazards.md where it
// was measured, and facts_db_test.go measures each row again on the
// server named by PGSHIFT_TEST_URL (pg_relation_filenode before and after,
// pg_locks from a second session while the statement's transaction is open).
package pgfacts

// Lock is a table-level lock mode, named as in the PostgreSQL documentation
// "Explicit Locking", 13.3.1 Table-Level Locks.
type Lock string

// Lock modes, weakest first. None means the statement takes no lock on the
// relation.
const (
	None                 Lock = ""
	AccessShare          Lock = "ACCESS SHARE"
	RowShare             Lock = "ROW SHARE"
	RowExclusive         Lock = "ROW EXCLUSIVE"
	ShareUpdateExclusive Lock = "SHARE UPDATE EXCLUSIVE"
	Share                Lock = "SHARE"
	ShareRowExclusive    Lock = "SHARE ROW EXCLUSIVE"
	Exclusive            Lock = "EXCLUSIVE"
	AccessExclusive      Lock = "ACCESS EXCLUSIVE"
)

// lockModes lists the modes weakest first; LOCK TABLE's mode number (as
// pg_query gives it) is the index plus one.
var lockModes = []Lock{AccessShare, RowShare, RowExclusive, ShareUpdateExclusive,
	Share, ShareRowExclusive, Exclusive, AccessExclusive}

// Rank returns the strength of l: 0 for None (or an unknown name), 1 for
// ACCESS SHARE up to 8 for ACCESS EXCLUSIVE.
func (l Lock) Rank() int {
	for i, m := range lockModes {
		if m == l {
			return i + 1
		}
	}
	return 0
}

// BlocksTraffic reports whether l blocks the reads or the writes of
// ordinary sessions: SHARE and stronger conflict with ROW EXCLUSIVE
// (INSERT, UPDATE, DELETE); "Explicit Locking", Table 13.2.
func (l Lock) BlocksTraffic() bool { return l.Rank() >= Share.Rank() }

// ModeNumber returns the lock mode of LOCK TABLE's mode number n (1 ACCESS
// SHARE … 8 ACCESS EXCLUSIVE), or None for a number out of range.
func ModeNumber(n int) Lock {
	if n < 1 || n > len(lockModes) {
		return None
	}
	return lockModes[n-1]
}

// Stronger returns the stronger of two locks.
func Stronger(a, b Lock) Lock {
	if b.Rank() > a.Rank() {
		return b
	}
	return a
}

// PGMode maps pg_locks.mode (e.g. "ShareUpdateExclusiveLock") to a Lock;
// None for a mode it does not know.
func PGMode(mode string) Lock {
	switch mode {
	case "AccessShareLock":
		return AccessShare
	case "RowShareLock":
		return RowShare
	case "RowExclusiveLock":
		return RowExclusive
	case "ShareUpdateExclusiveLock":
		return ShareUpdateExclusive
	case "ShareLock":
		return Share
	case "ShareRowExclusiveLock":
		return ShareRowExclusive
	case "ExclusiveLock":
		return Exclusive
	case "AccessExclusiveLock":
		return AccessExclusive
	}
	return None
}

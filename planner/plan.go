// Package planner turns typed schema changes (package diff) into an ordered
// plan of steps, each with its up SQL and the exact reverse as down SQL, the
// locks it takes and its hazards; dangerous changes are split into phases
// (expand / backfill / contract) that can be deployed with running code.
package planner

// Plan is an ordered list of steps. Applying every step's Up in order takes
// the "from" database to the "to" model; applying every Down in reverse
// order takes it back.
type Plan struct {
	Steps []*Step
	// Phases describes each phase number used by Steps, in order. A plan
	// made only of single-phase steps has one phase.
	Phases []Phase
	// Notes are things the plan reports but does not do: unsupported
	// changes, unmanaged objects, skipped drops.
	Notes []string
	// Unplanned are the notes (also in Notes) that are differences between
	// the two states the plan does not migrate: drops skipped without
	// AllowDrop, unsupported changes, objects pgshift does not manage on
	// one side only. A plan with no steps but unplanned differences does
	// not bring the database to the target state.
	Unplanned []string
	// OwnerRoles are the roles the plan makes owners of objects (ALTER ...
	// OWNER TO in its up steps), sorted: they must exist where it runs.
	OwnerRoles []string
}

// Phase is one deployment phase of a plan. Between two phases the
// application is deployed (or switched), as Before says.
type Phase struct {
	Number int
	// Title names the phase, e.g. "expand", "backfill", "contract".
	Title string
	// Before says what must happen before this phase runs (e.g. "deploy
	// code that reads users.email_new"); "" when nothing.
	Before string
}

// HazardKind classifies a hazard of a step.
type HazardKind string

// Hazard kinds, shown in text, markdown and JSON output.
const (
	// HazardDataLoss: the step destroys data (a dropped table or column).
	HazardDataLoss HazardKind = "data-loss"
	// HazardBlockingLock: the step holds a lock that blocks reads or writes
	// of a relation for longer than a catalog update.
	HazardBlockingLock HazardKind = "blocking-lock"
	// HazardTableRewrite: the step rewrites every row of a table.
	HazardTableRewrite HazardKind = "table-rewrite"
	// HazardTableScan: the step reads every row of a table while holding a lock.
	HazardTableScan HazardKind = "table-scan"
	// HazardBackwardIncompatible: code written for the old schema breaks.
	HazardBackwardIncompatible HazardKind = "backward-incompatible"
	// HazardNonTransactional: the step cannot run inside a transaction block.
	HazardNonTransactional HazardKind = "non-transactional"
	// HazardIrreversible: the down step cannot restore the old state exactly.
	HazardIrreversible HazardKind = "irreversible"
	// HazardAuthz: the step changes who may read or write what: privileges
	// (GRANT / REVOKE), row-level security policies, RLS on or off.
	HazardAuthz HazardKind = "authz"
	// HazardIndexBuild: the step builds an index, reading the whole table
	// (CREATE INDEX CONCURRENTLY too: it takes no blocking lock, but reads
	// the table twice and waits for older transactions).
	HazardIndexBuild HazardKind = "index-build"
	// HazardUntrackedDependencies: the step creates or changes a function
	// whose body PostgreSQL does not track dependencies of (plpgsql and the
	// other procedural languages, SQL bodies written as strings): dropping
	// or changing what it uses does not fail, calls do.
	HazardUntrackedDependencies HazardKind = "untracked-dependencies"
	// HazardReplication: the step changes what logical replication sends
	// or matches rows by (REPLICA IDENTITY, publications).
	HazardReplication HazardKind = "replication"
	// HazardColumnOrder: the step moves a column (a table rebuilt to put
	// it at its declared position): SELECT * and INSERT without a column
	// list see the new order.
	HazardColumnOrder HazardKind = "column-order"
)

// HazardKinds lists every hazard kind, in the order the README table
// documents them.
var HazardKinds = []HazardKind{HazardDataLoss, HazardBlockingLock, HazardTableRewrite, HazardTableScan,
	HazardIndexBuild, HazardBackwardIncompatible, HazardNonTransactional, HazardIrreversible, HazardAuthz,
	HazardUntrackedDependencies, HazardReplication, HazardColumnOrder}

// Hazard is one risk of a step, with a human explanation.
type Hazard struct {
	Kind    HazardKind `json:"kind"`
	Message string     `json:"message"`
}

// Step is one change, as SQL.
type Step struct {
	// Summary is a short human description, e.g. `create table public.users`.
	Summary string
	// Up and Down are complete SQL statements, each ending in ";".
	Up   []string
	Down []string
	// Transactional is false for a statement that cannot run inside a
	// transaction block (CREATE INDEX CONCURRENTLY, a batched backfill that
	// commits per batch, ALTER TYPE ... ADD VALUE whose value is used
	// later): the emitter puts such a step alone in its own file.
	Transactional bool
	// Irreversible is non-empty when Down cannot restore the previous state
	// exactly (e.g. data lost by a dropped column); it says why.
	Irreversible string

	// Phase is the step's deployment phase (1-based; 0 is treated as 1).
	// Steps of different phases never share a file.
	Phase int
	// Lock is the strongest lock level the step takes, as PostgreSQL's
	// "Explicit Locking" chapter names it ("ACCESS EXCLUSIVE",
	// "SHARE UPDATE EXCLUSIVE", "SHARE ROW EXCLUSIVE", ...); "" for none.
	Lock string
	// Relations are the qualified names the lock is taken on.
	Relations []string
	// Rewrites is true when the step rewrites the table (and its indexes).
	Rewrites bool
	// Scans is true when the step reads the whole table under its lock.
	Scans bool
	// Hazards lists the step's risks.
	Hazards []Hazard
	// Before says what must happen before this step runs when that is a
	// deploy or a manual action (it opens a new phase); "" otherwise.
	Before string
	// StatementTimeout overrides the plan's statement_timeout for this
	// step's file (e.g. "0" for VALIDATE CONSTRAINT, which may run long
	// under a weak lock); "" keeps the default.
	StatementTimeout string
}

// Empty reports whether the plan has no steps.
func (p *Plan) Empty() bool { return len(p.Steps) == 0 }

// Differs reports whether the two states differ at all: the plan has steps
// or differences it does not plan (Unplanned).
func (p *Plan) Differs() bool { return len(p.Steps) > 0 || len(p.Unplanned) > 0 }

// PhaseOf returns the step's phase number, treating 0 as 1.
func (s *Step) PhaseOf() int {
	if s.Phase < 1 {
		return 1
	}
	return s.Phase
}

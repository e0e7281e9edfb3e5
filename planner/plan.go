// Package planner turns typed schema changes (package diff) into an ordered
// plan of steps, each with its up SQL and the exact reverse as down SQL.
package planner

// Plan is an ordered list of steps. Applying every step's Up in order takes
// the "from" database to the "to" model; applying every Down in reverse
// order takes it back.
type Plan struct {
	Steps []*Step
	// Notes are things the plan reports but does not do: unsupported
	// changes, unmanaged objects, skipped drops.
	Notes []string
}

// Step is one change, as SQL.
type Step struct {
	// Summary is a short human description, e.g. `create table public.users`.
	Summary string
	// Up and Down are complete SQL statements, each ending in ";".
	Up   []string
	Down []string
	// Transactional is false for a statement that cannot run inside a
	// transaction block (CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE
	// when the value is used later): the emitter puts it alone in its own file.
	Transactional bool
	// Irreversible is non-empty when Down cannot restore the previous state
	// exactly (e.g. data lost by a dropped column); it says why.
	Irreversible string
}

// Empty reports whether the plan has no steps.
func (p *Plan) Empty() bool { return len(p.Steps) == 0 }

package planner

import (
	"github.com/pgshift/pgshift/diff"
	"github.com/pgshift/pgshift/schema"
)

// Options tune the plan.
type Options struct{}

// Build diffs from against to and returns the ordered plan that migrates a
// database in state from to state to. The models must come from the same
// introspection code (schema.Introspect).
func Build(from, to *schema.Schema, opts Options) (*Plan, error) {
	_ = diff.Compare(from, to)
	return &Plan{}, nil // TODO(core)
}

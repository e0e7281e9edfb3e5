// Package diff compares two schema models and returns typed changes. It
// knows nothing of SQL text or files.
package diff

import "github.com/pgshift/pgshift/schema"

// Change is one typed difference between two models.
type Change interface {
	// Inverse returns the change that undoes this one.
	Inverse() Change
}

// Compare returns the changes that take from to to, in no particular order
// (the planner orders them).
func Compare(from, to *schema.Schema) []Change {
	return nil // TODO(core): implemented in diff.go
}

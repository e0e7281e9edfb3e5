// Package ordered runs independent tasks (the two sides of a diff, the
// live database and the migrations of a drift check) concurrently while
// keeping the outcome of running them one after the other, in the order
// they were started.
package ordered

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// errEarlier is the cancellation cause of the tasks after one that failed.
var errEarlier = errors.New("an earlier task failed")

// Group runs functions concurrently. Its error is the one a sequential run
// in Go order would return: that of the first function (in Go order) that
// failed. A failing function cancels the context of the functions started
// after it (their errors would not be reported: a sequential run would not
// have started them), never of those before it, so the error does not
// depend on scheduling. Cancelling the parent context stops all of them.
// A Group is used by one goroutine: Go, then Wait once.
type Group struct {
	next    context.Context // context of the next function
	cancels []context.CancelCauseFunc
	errs    []*error // one per function, written by its goroutine before wg.Done
	wg      sync.WaitGroup
}

// New returns a Group whose functions run under ctx.
func New(ctx context.Context) *Group { return &Group{next: ctx} }

// Go starts fn in a goroutine (a panic in it becomes its error) with a context that is cancelled when ctx
// of New is, or when a function started earlier fails.
func (g *Group) Go(fn func(ctx context.Context) error) {
	ctx := g.next
	after, cancel := context.WithCancelCause(ctx)
	g.next = after
	g.cancels = append(g.cancels, cancel)
	res := new(error)
	g.errs = append(g.errs, res)
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := call(ctx, fn); err != nil {
			*res = err
			cancel(errEarlier)
		}
	}()
}

// call runs fn, turning a panic into an error: the goroutine of a Group
// is not covered by the caller's recover.
func call(ctx context.Context, fn func(context.Context) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	return fn(ctx)
}

// Wait waits for every function and returns the error of the first one,
// in Go order, that failed (nil when none did).
func (g *Group) Wait() error {
	g.wg.Wait()
	for _, c := range g.cancels {
		c(context.Canceled)
	}
	for _, err := range g.errs {
		if *err != nil {
			return *err
		}
	}
	return nil
}

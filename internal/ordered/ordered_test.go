package ordered

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestGroup(t *testing.T) {
	errA, errB := errors.New("a"), errors.New("b")
	// waitCancel blocks until its context is cancelled (or 5 s) and returns
	// the context's error: a task that only fails by being stopped.
	waitCancel := func(ctx context.Context) error {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Second):
			return errors.New("not cancelled")
		}
	}
	failAfter := func(d time.Duration, err error) func(context.Context) error {
		return func(context.Context) error { time.Sleep(d); return err }
	}
	ok := func(context.Context) error { return nil }
	for _, tc := range []struct {
		name  string
		tasks []func(context.Context) error
		want  error
	}{
		{"none fail", []func(context.Context) error{ok, ok}, nil},
		{"first fails, second is stopped", []func(context.Context) error{failAfter(0, errA), waitCancel}, errA},
		// The second fails first but the first's error is the one a
		// sequential run reports: the first is not cancelled by it.
		{"both fail, second sooner", []func(context.Context) error{failAfter(50*time.Millisecond, errA), failAfter(0, errB)}, errA},
		{"second fails, first succeeds later", []func(context.Context) error{failAfter(50*time.Millisecond, nil), failAfter(0, errB)}, errB},
		{"middle fails, last stopped", []func(context.Context) error{ok, failAfter(10*time.Millisecond, errB), waitCancel}, errB},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := New(context.Background())
			for _, fn := range tc.tasks {
				g.Go(fn)
			}
			if err := g.Wait(); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("Wait() = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestGroupConcurrent checks that the functions run at the same time: each
// waits for the other to have started.
func TestGroupConcurrent(t *testing.T) {
	var started atomic.Int32
	both := func(context.Context) error {
		started.Add(1)
		deadline := time.Now().Add(5 * time.Second)
		for started.Load() < 2 {
			if time.Now().After(deadline) {
				return errors.New("the other task never started: not concurrent")
			}
			time.Sleep(time.Millisecond)
		}
		return nil
	}
	g := New(context.Background())
	g.Go(both)
	g.Go(both)
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
}

// TestGroupParentCancel checks that cancelling the parent stops every task.
func TestGroupParentCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	g := New(ctx)
	for range 2 {
		g.Go(func(ctx context.Context) error {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(5 * time.Second):
				return nil
			}
		})
	}
	time.AfterFunc(10*time.Millisecond, cancel)
	if err := g.Wait(); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait() = %v, want context.Canceled", err)
	}
}

// TestGroupPanic checks that a panicking task is an error, not a crash.
func TestGroupPanic(t *testing.T) {
	g := New(context.Background())
	g.Go(func(context.Context) error { panic("boom") })
	if err := g.Wait(); err == nil || err.Error() != "internal error: boom" {
		t.Errorf("Wait() = %v, want internal error: boom", err)
	}
}

package main

import (
	"fmt"
	"sync"
	"time"

	"github.com/spf13/cobra"
)

// outputFlags are the root flags that choose what a run prints to stderr
// besides its notes: progress lines and phase timings.
type outputFlags struct {
	progress, quiet, timings bool
}

func (o *outputFlags) register(root *cobra.Command) {
	pf := root.PersistentFlags()
	pf.BoolVar(&o.progress, "progress", false, "print phase progress to stderr even when it is not a terminal")
	pf.BoolVarP(&o.quiet, "quiet", "q", false, "print no progress, even when stderr is a terminal")
	pf.BoolVar(&o.timings, "timings", false, "print the duration of each phase to stderr (as PGSHIFT_TIMINGS=1)")
}

// progress prints "-- progress: <elapsed>s <what>" lines to stderr when
// stderr is a terminal (env.stderrTerminal) or --progress is given, and
// never with --quiet. It is safe for use by both sides of a diff at once.
type progress struct {
	e     env
	on    bool
	start time.Time
	mu    *sync.Mutex
}

func newProgress(e env) progress {
	on := e.stderrTerminal
	if e.out != nil {
		on = (on || e.out.progress) && !e.out.quiet
	}
	return progress{e: e, on: on, start: time.Now(), mu: new(sync.Mutex)}
}

// printf prints one progress line.
func (p progress) printf(format string, args ...any) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.e.stderr, "-- progress: %5.1fs %s\n", time.Since(p.start).Seconds(), fmt.Sprintf(format, args...))
}

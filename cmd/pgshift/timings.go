package main

import (
	"fmt"
	"time"

	"github.com/pgshift/pgshift/diff"
	"github.com/pgshift/pgshift/schema"
)

// timer prints the duration of each phase of a run to stderr as
// "-- timing: <phase> <seconds>s" when PGSHIFT_TIMINGS is set or --timings is given (bench/run.sh
// reads them); otherwise it does nothing.
type timer struct {
	e  env
	on bool
}

func newTimer(e env) timer {
	return timer{e: e, on: e.getenv("PGSHIFT_TIMINGS") != "" || (e.out != nil && e.out.timings)}
}

func (t timer) print(phase string, d time.Duration) {
	if t.on {
		fmt.Fprintf(t.e.stderr, "-- timing: %s %.3fs\n", phase, d.Seconds())
	}
}

// since prints the time elapsed since start for phase.
func (t timer) since(phase string, start time.Time) { t.print(phase, time.Since(start)) }

// load prints the phases of loading one side (from, to, source) that took
// total.
func (t timer) load(side string, r *schema.LoadResult, total time.Duration) {
	if !t.on || r == nil {
		return
	}
	if r.Timings.Parse > 0 || r.Timings.Exec > 0 {
		t.print(side+".parse", r.Timings.Parse)
		t.print(side+".load", r.Timings.Exec)
		t.print(side+".scratch_create", r.Timings.CreateScratch)
		t.print(side+".scratch_drop", r.Timings.DropScratch)
	}
	t.print(side+".introspect", r.Timings.Introspect)
	t.print(side+".total", total)
}

// diff times diff.Compare on its own: planner.Build runs it again, so the
// "plan" phase includes a diff too.
func (t timer) diff(from, to *schema.Schema) {
	if !t.on {
		return
	}
	start := time.Now()
	n := len(diff.Compare(from, to))
	t.since("diff", start)
	fmt.Fprintf(t.e.stderr, "-- timing: changes %d\n", n)
}

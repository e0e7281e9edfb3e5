package pgtest

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"testing"
)

// DefaultParallel is how many parallel tests a package that talks to the
// server runs at once when -test.parallel is not given. Its tests mostly
// wait on the server (CREATE DATABASE, and the checkpoint every DROP
// DATABASE forces), not on the CPU, so go test's default of GOMAXPROCS
// (2 on the CI machine) leaves the server idle; concurrent DROP DATABASE
// calls also share one checkpoint.
const DefaultParallel = 4

// Main runs the package's tests (m.Run) with -test.parallel raised to
// DefaultParallel unless the command line sets it, and exits with m.Run's
// status. Call it from TestMain.
func Main(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		if err := flag.Set("test.parallel", strconv.Itoa(DefaultParallel)); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: -test.parallel: %v\n", err)
			os.Exit(2)
		}
	}
	os.Exit(m.Run())
}

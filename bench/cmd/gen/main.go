// Command gen writes a synthetic schema of N tables (see package
// bench/gen) to stdout or to -o.
//
//	go run ./bench/cmd/gen -n 10000 [-changed] [-o schema.sql]
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/pgshift/pgshift/bench/gen"
)

func main() {
	n := flag.Int("n", 1000, "number of tables")
	changed := flag.Bool("changed", false, "write the changed version of the schema")
	out := flag.String("o", "", "output file (default stdout)")
	flag.Parse()
	if err := run(*n, *changed, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(n int, changed bool, out string) error {
	if n < 1 {
		return fmt.Errorf("-n must be at least 1")
	}
	var w io.Writer = os.Stdout
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
		if err := gen.Write(w, gen.Options{Tables: n, Changed: changed}); err != nil {
			return err
		}
		return f.Close()
	}
	return gen.Write(w, gen.Options{Tables: n, Changed: changed})
}

package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffUnsupportedPartitioningExitCode: turning an ordinary table into a
// partitioned one (or back) is not planned; diff says so naming the table,
// plans none of the new partitions' DDL, and --exit-code exits 2 (the
// databases differ) even though no step is planned.
func TestDiffUnsupportedPartitioningExitCode(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..", "testdata", "cases", "unsupported")
	for _, c := range []string{"table_to_partitioned", "partitioned_to_table"} {
		t.Run(c, func(t *testing.T) {
			from, to := filepath.Join(root, c, "from.sql"), filepath.Join(root, c, "to.sql")
			r := pgshift(t, devVars(), "diff", "--from", from, "--to", to, "--exit-code")
			all := r.stdout + r.stderr
			if r.code != 2 {
				t.Errorf("exit %d, want 2:\n%s", r.code, all)
			}
			if !strings.Contains(all, "public.logs") || !strings.Contains(all, "unsupported") {
				t.Errorf("output does not name public.logs as unsupported:\n%s", all)
			}
			if strings.Contains(r.stdout, "PARTITION OF") || strings.Contains(r.stdout, "DROP TABLE public.logs_2025") {
				t.Errorf("partition DDL planned for a table whose partitioning is unsupported:\n%s", r.stdout)
			}
		})
	}
}

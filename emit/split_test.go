package emit

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pgshift/pgshift/planner"
)

// TestLargePlanSplitIntoFiles: a long run of transactional steps is cut
// into files of at most MaxFileStatements statements, in order.
func TestLargePlanSplitIntoFiles(t *testing.T) {
	plan := &planner.Plan{}
	for i := 0; i < MaxFileStatements+50; i++ {
		plan.Steps = append(plan.Steps, &planner.Step{
			Summary:       fmt.Sprintf("create table public.t%d", i),
			Up:            []string{fmt.Sprintf("CREATE TABLE public.t%d ();", i)},
			Down:          []string{fmt.Sprintf("DROP TABLE public.t%d;", i)},
			Transactional: true,
		})
	}
	files, err := Files(plan, Options{Now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 4 {
		t.Fatalf("want 2 file pairs, got %d files", len(files))
	}
	first := string(files[0].Content)
	if n := strings.Count(first, "CREATE TABLE"); n != MaxFileStatements {
		t.Errorf("first up file has %d statements, want %d", n, MaxFileStatements)
	}
	if !strings.Contains(string(files[2].Content), fmt.Sprintf("public.t%d ", MaxFileStatements)) {
		t.Errorf("second up file does not continue where the first stopped")
	}
}

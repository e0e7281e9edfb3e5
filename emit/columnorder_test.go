package emit

import (
	"strings"
	"testing"

	"github.com/pgshift/pgshift/planner"
)

// columnOrderPlan is the swap and contract of an int -> bigint shadow-column
// recipe, as the planner writes them, with their column-order hazards.
func columnOrderPlan() *planner.Plan {
	swap := &planner.Step{
		Summary: "swap: public.t.n becomes the bigint column; the old values stay in n__pgshift_old, kept in sync",
		Up: []string{
			"ALTER TABLE public.t RENAME COLUMN n TO n__pgshift_old;",
			"ALTER TABLE public.t RENAME COLUMN n__pgshift_new TO n;",
		},
		Down: []string{
			"ALTER TABLE public.t RENAME COLUMN n TO n__pgshift_new;",
			"ALTER TABLE public.t RENAME COLUMN n__pgshift_old TO n;",
		},
		Transactional: true, Phase: 2, Lock: planner.LockAccessExclusive, Relations: []string{"public.t"},
		Hazards: []planner.Hazard{
			{Kind: planner.HazardBackwardIncompatible, Message: "code that needs n to be integer sees bigint from here on"},
			{Kind: planner.HazardColumnOrder, Message: "n moves to the end of public.t (the old values stay at its position as n__pgshift_old): code that inserts positionally (INSERT INTO public.t VALUES (...)) or reads SELECT * by position stores or reads the wrong columns; name the columns"},
		},
	}
	contract := &planner.Step{
		Summary:       "contract: drop public.t.n__pgshift_old and its sync trigger",
		Up:            []string{"ALTER TABLE public.t DROP COLUMN n__pgshift_old;"},
		Down:          []string{"ALTER TABLE public.t ADD COLUMN n__pgshift_old integer;"},
		Transactional: true, Phase: 3, Lock: planner.LockAccessExclusive, Relations: []string{"public.t"},
		Hazards: []planner.Hazard{
			{Kind: planner.HazardColumnOrder, Message: "dropping n__pgshift_old shifts the columns after it: positional INSERT and SELECT * by position see other columns; name the columns"},
		},
	}
	return &planner.Plan{
		Steps:  []*planner.Step{swap, contract},
		Phases: []planner.Phase{{Number: 2, Title: "swap"}, {Number: 3, Title: "contract"}},
	}
}

// TestColumnOrderHazard: the column-order hazard shows in the text (SQL
// comments, up and down), the markdown (listed up front) and the JSON.
func TestColumnOrderHazard(t *testing.T) {
	plan := columnOrderPlan()
	sql := Script(plan, Options{})
	js := string(JSON(plan))
	md := Markdown(plan)
	files := render(mustFiles(t, plan, Options{Now: now}))
	golden(t, "column_order_sql", sql)
	golden(t, "column_order_json", js)
	golden(t, "column_order_markdown", md)
	golden(t, "column_order_files", files)
	for what, text := range map[string]string{"sql": sql, "json": js, "markdown": md, "files": files} {
		if !strings.Contains(text, "column-order") {
			t.Errorf("%s output does not name the column-order hazard", what)
		}
	}
	up := strings.Index(md, "**Column order changes**")
	if up < 0 || up > strings.Index(md, "### Phase") {
		t.Errorf("markdown does not list the column-order steps before the phases:\n%s", md)
	}
	if strings.Count(files, "hazards: backward-incompatible, column-order") < 2 {
		t.Errorf("the up and down files do not both carry the swap's hazards:\n%s", files)
	}
}

package schema

import "testing"

// TestRolloutsPhaseInProgress: of one change's markers, a later phase wins;
// within a phase an applied marker wins over one in progress (Resume), and
// a later Resume over an earlier one.
func TestRolloutsPhaseInProgress(t *testing.T) {
	m := func(phase, resume int) string {
		return RolloutMarker{Change: "c", Phase: phase, Of: 2, Title: "t", Plan: "p", Resume: resume}.Text()
	}
	for _, tc := range []struct {
		name              string
		comments          []string
		phase, wantResume int
	}{
		{"in progress only", []string{m(1, 2)}, 1, 2},
		{"applied wins in its phase", []string{m(1, 2), m(1, 0)}, 1, 0},
		{"applied wins in either order", []string{m(1, 0), m(1, 2)}, 1, 0},
		{"later resume wins", []string{m(1, 2), m(1, 4), m(1, 3)}, 1, 4},
		{"later phase in progress wins over an applied one", []string{m(1, 0), m(2, 5)}, 2, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSchema()
			tbl := &Table{Schema: "public", Name: "t", Kind: TableOrdinary}
			for i, c := range tc.comments {
				tbl.Columns = append(tbl.Columns, &Column{Name: string(rune('a' + i)), Type: "integer", Comment: c})
			}
			s.Tables[tbl.Key()] = tbl
			rs := s.Rollouts()
			if len(rs) != 1 || rs[0].Phase != tc.phase || rs[0].Resume != tc.wantResume {
				t.Fatalf("Rollouts() = %+v, want phase %d resume %d", rs, tc.phase, tc.wantResume)
			}
		})
	}
}

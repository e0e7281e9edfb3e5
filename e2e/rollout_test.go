package e2e

// Rollout tests: a multi-phase change deployed the way a team runs it. A
// migrations directory at v1, schema.sql edited to v2; `pgshift generate`
// (no --from: the directory is the current state) writes only the phase
// that may run before the next deploy; the real runner applies it while the
// old code writes; old and new code then write side by side; drift exits 0
// and names the rollout; generate again writes the next phase, and so on
// until it writes nothing. The catalog then equals a fresh load of v2 and no
// row was lost or changed.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pgshift/pgshift/emit"
	"github.com/pgshift/pgshift/internal/pgtest"
)

const rolloutV1 = `CREATE TABLE public.orgs (id bigint PRIMARY KEY);
CREATE TABLE public.users (
    id bigint PRIMARY KEY,
    name text,
    n integer,
    email text,
    org_id bigint
);
`

// rolloutSeed: small tables; the recipes batch over them like over big ones.
const rolloutSeed = `INSERT INTO public.orgs SELECT g FROM generate_series(1, 3) g;
INSERT INTO public.users SELECT g, 'u' || g, g, 'e' || g || '@example.com', 1 FROM generate_series(1, 200) g;`

// rolloutSeedSum is a checksum of the seeded rows' columns no recipe touches.
const rolloutSeedSum = `SELECT md5(string_agg(id || ':' || email || ':' || org_id, ',' ORDER BY id)) FROM public.users WHERE id <= 200`

const oldInsert = `INSERT INTO public.users (id, name, n, email, org_id) VALUES ($1, 'old' || $1, 1, 'o' || $1 || '@example.com', 1)`
const oldUpdate = `UPDATE public.users SET name = 'old-upd' || $1, n = n + 1 WHERE id = $1`

type rolloutRecipe struct {
	name, v2 string
	// change is the rollout's change key ("" for a one-phase recipe).
	change string
	phases int
	// newCode are the new code's insert and update ($1: id).
	newCode []string
	// check must return "ok" once the rollout is done.
	check string
	// table is the users table's name in v2 ("" for public.users).
	table string
}

var rolloutRecipes = []rolloutRecipe{
	{
		name:   "required_column_backfill",
		v2:     strings.Replace(rolloutV1, "    org_id bigint\n", "    org_id bigint,\n    verified boolean NOT NULL -- pgshift:backfill n > 100\n", 1),
		change: "add-column public.users.verified", phases: 2,
		newCode: []string{
			`INSERT INTO public.users (id, name, n, email, org_id, verified) VALUES ($1, 'new' || $1, 1, 'n' || $1 || '@example.com', 1, true)`,
			`UPDATE public.users SET verified = true, n = n + 1 WHERE id = $1`,
		},
		check: `SELECT CASE WHEN count(*) FILTER (WHERE id <= 200 AND verified IS DISTINCT FROM (n > 100)) = 0 THEN 'ok' ELSE 'seeded rows not filled from the backfill' END FROM public.users`,
	},
	{
		name: "type_change", v2: strings.Replace(rolloutV1, "n integer", "n bigint", 1),
		change: "alter-column public.users.n", phases: 3,
		newCode: []string{
			`INSERT INTO public.users (id, name, n, email, org_id) VALUES ($1, 'new' || $1, 5, 'n' || $1 || '@example.com', 1)`,
			`UPDATE public.users SET n = n + 1 WHERE id = $1`,
		},
		check: `SELECT CASE WHEN count(*) FILTER (WHERE id <= 200 AND n <> id) = 0 THEN 'ok' ELSE 'seeded values of n changed' END FROM public.users`,
	},
	{
		name: "column_rename", v2: strings.Replace(rolloutV1, "    name text,", "    full_name text, -- pgshift:renamed-from name", 1),
		change: "rename-column public.users.name", phases: 2,
		newCode: []string{
			`INSERT INTO public.users (id, full_name, n, email, org_id) VALUES ($1, 'new' || $1, 1, 'n' || $1 || '@example.com', 1)`,
			`UPDATE public.users SET full_name = 'new-upd' || $1, n = n + 1 WHERE id = $1`,
		},
		// id 1 was updated by old code through "name" mid-rollout.
		check: `SELECT CASE WHEN (SELECT full_name FROM public.users WHERE id = 1) = 'old-code-update' AND
		    (SELECT count(*) FROM public.users WHERE id BETWEEN 2 AND 200 AND full_name <> 'u' || id) = 0 THEN 'ok'
		    ELSE 'values did not reach the renamed column' END`,
	},
	{
		name: "table_rename",
		v2: strings.Replace(strings.Replace(rolloutV1, "CREATE TABLE public.users (", "CREATE TABLE public.accounts ( -- pgshift:renamed-from users", 1),
			"id bigint PRIMARY KEY,\n    name", "id bigint CONSTRAINT users_pkey PRIMARY KEY,\n    name", 1),
		change: "rename-table public.users", phases: 2, table: "public.accounts",
		newCode: []string{
			`INSERT INTO public.accounts (id, name, n, email, org_id) VALUES ($1, 'new' || $1, 1, 'n' || $1 || '@example.com', 1)`,
			`UPDATE public.accounts SET name = 'new-upd' || $1, n = n + 1 WHERE id = $1`,
		},
		// Old code wrote through the view public.users until the contract.
		check: `SELECT CASE WHEN to_regclass('public.users') IS NULL AND
		    (SELECT count(*) FROM public.accounts WHERE name LIKE 'old-upd%') > 0 THEN 'ok'
		    ELSE 'old-code writes through the view did not reach public.accounts' END`,
	},
	{
		name: "foreign_key", v2: strings.Replace(rolloutV1, "    org_id bigint\n", "    org_id bigint CONSTRAINT users_org_fk REFERENCES public.orgs (id)\n", 1),
		phases: 1, newCode: []string{oldInsert, oldUpdate},
		check: `SELECT CASE WHEN convalidated THEN 'ok' ELSE 'not validated' END FROM pg_constraint WHERE conname = 'users_org_fk'`,
	},
	{
		name: "unique_constraint", v2: strings.Replace(rolloutV1, "    email text,", "    email text CONSTRAINT users_email_key UNIQUE,", 1),
		phases: 1, newCode: []string{oldInsert, oldUpdate},
		check: `SELECT CASE WHEN count(*) = 1 THEN 'ok' ELSE 'no unique constraint' END FROM pg_constraint WHERE conname = 'users_email_key' AND contype = 'u'`,
	},
}

// session is application code writing through one column set until stopped.
type session struct {
	stop   chan struct{}
	wg     sync.WaitGroup
	ops    atomic.Int64
	mu     sync.Mutex
	errs   []error
	nextID atomic.Int64
}

// startSession runs stmts ($1: a fresh id per round: insert, then update)
// in a loop on its own connection until end is called.
func startSession(t *testing.T, db string, firstID int64, stmts []string) *session {
	t.Helper()
	s := &session{stop: make(chan struct{})}
	s.nextID.Store(firstID)
	conn := pgtest.Connect(t, db)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			select {
			case <-s.stop:
				return
			default:
			}
			id := s.nextID.Add(1)
			for _, q := range stmts {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				_, err := conn.Exec(ctx, q, pgx.QueryExecModeSimpleProtocol, id)
				cancel()
				if err != nil {
					s.mu.Lock()
					s.errs = append(s.errs, fmt.Errorf("%s [id %d]: %w", q, id, err))
					s.mu.Unlock()
				}
			}
			s.ops.Add(1)
			time.Sleep(time.Millisecond)
		}
	}()
	return s
}

// end stops the session after at least min rounds and fails the test on
// any error it met.
func (s *session) end(t *testing.T, what string, min int64) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); s.ops.Load() < min && time.Now().Before(deadline); {
		time.Sleep(2 * time.Millisecond)
	}
	close(s.stop)
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, err := range s.errs {
		if i == 3 {
			t.Errorf("%s: ... %d errors in all", what, len(s.errs))
			break
		}
		t.Errorf("%s: %v", what, err)
	}
	if s.ops.Load() < min {
		t.Errorf("%s: only %d rounds", what, s.ops.Load())
	}
}

// generateCLI runs `pgshift generate --to schema --dir dir` and returns the
// migration files it wrote (pgshift.sum left out).
func generateCLI(t *testing.T, schemaPath, dir, format string, extra ...string) []string {
	t.Helper()
	code, out, errs := runPgshift(t, append([]string{"generate", "--to", schemaPath, "--dir", dir, "--format", format}, extra...)...)
	if code != 0 {
		t.Fatalf("generate: exit %d\n%s%s", code, out, errs)
	}
	var files []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l != "" && filepath.Base(l) != emit.SumFile {
			files = append(files, filepath.Base(l))
		}
	}
	return files
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRolloutThroughRunners(t *testing.T) {
	pgshiftBinary(t)
	for _, rc := range rolloutRecipes {
		for _, format := range []string{emit.FormatGolangMigrate, emit.FormatGoose, emit.FormatDbmate} {
			t.Run(rc.name+"/"+format, func(t *testing.T) {
				t.Parallel()
				acquire(t)
				testRollout(t, rc, format)
			})
		}
	}
}

func testRollout(t *testing.T, rc rolloutRecipe, format string) {
	ctx := context.Background()
	work := t.TempDir()
	dir := filepath.Join(work, "migrations")
	schemaPath := filepath.Join(work, "schema.sql")
	db := pgtest.NewDB(t)
	r := newRunner(t, format, dir, db)

	// v1: the directory, applied, with rows.
	writeFile(t, schemaPath, rolloutV1)
	if files := generateCLI(t, schemaPath, dir, format, "--name", "init"); len(files) == 0 {
		t.Fatal("generate v1 wrote nothing")
	}
	if err := r.up(); err != nil {
		t.Fatal(err)
	}
	if err := execOnce(ctx, db, rolloutSeed); err != nil {
		t.Fatal(err)
	}
	seedSum := queryString(t, db, rolloutSeedSum)

	// v2: one phase per generate.
	writeFile(t, schemaPath, rc.v2)
	var inserted int64
	for phase := 1; ; phase++ {
		files := generateCLI(t, schemaPath, dir, format)
		if len(files) == 0 {
			if phase != rc.phases+1 {
				t.Fatalf("generate wrote nothing after %d phase(s), want %d phases", phase-1, rc.phases)
			}
			break
		}
		if phase > rc.phases {
			t.Fatalf("phase %d of %d: generate wrote more: %v", phase, rc.phases, files)
		}
		header := fmt.Sprintf("phase %d of %d", phase, rc.phases)
		if rc.phases == 1 {
			header = ""
		}
		for _, f := range files {
			b := string(mustRead(t, filepath.Join(dir, f)))
			if header != "" && !strings.Contains(b, header) && phase == 1 {
				t.Errorf("%s: no %q header:\n%s", f, header, b)
			}
			if phase == 1 && rc.change == "rename-column public.users.name" && strings.Contains(b, "DROP COLUMN name") && !strings.Contains(f, ".down.") {
				t.Fatalf("the first generate of a rename drops the old column:\n%s", b)
			}
		}
		// The runner applies the phase while code writes: the old code
		// in phase 1 (nothing new is deployed yet), the new code after.
		var during *session
		if phase == 1 {
			during = startSession(t, db, 100_000, []string{oldInsert, oldUpdate})
		} else {
			during = startSession(t, db, 200_000*int64(phase), rc.newCode)
		}
		err := r.up()
		during.end(t, fmt.Sprintf("phase %d: code running during %s up", phase, format), 1)
		inserted += during.ops.Load()
		if err != nil {
			t.Fatalf("phase %d: %v", phase, err)
		}
		if phase == rc.phases {
			continue
		}
		// Between the deploys: old and new code side by side.
		if rc.change == "rename-column public.users.name" {
			if err := execOnce(ctx, db, `UPDATE public.users SET name = 'old-code-update' WHERE id = 1`); err != nil {
				t.Fatal(err)
			}
		}
		if phase == 1 {
			old := startSession(t, db, 1_000_000, []string{oldInsert, oldUpdate})
			nw := startSession(t, db, 2_000_000, rc.newCode)
			old.end(t, "old code after expand", 20)
			nw.end(t, "new code after expand", 20)
			inserted += old.ops.Load() + nw.ops.Load()
		}
		code, out := drift(t, db, dir)
		if code != 0 || !strings.Contains(out, "rollout in progress (not drift): "+rc.change) || !strings.Contains(out, "deploy") {
			t.Fatalf("phase %d: drift exit %d, want 0 naming the rollout %s:\n%s", phase, code, rc.change, out)
		}
	}
	if rc.phases == 1 {
		if code, out := drift(t, db, dir); code != 0 || strings.Contains(out, "rollout in progress") {
			t.Fatalf("drift after a one-phase change: exit %d\n%s", code, out)
		}
	}

	// Done: the catalog is v2, no row lost or changed.
	assertModel(t, "after the last phase", liveModel(t, db, format), loadModel(t, rc.v2))
	table := "public.users"
	if rc.table != "" {
		table = rc.table
	}
	if got := queryString(t, db, `SELECT count(*)::text FROM `+table); got != fmt.Sprint(200+inserted) {
		t.Errorf("rows: %s, want %d (200 seeded + %d inserted)", got, 200+inserted, inserted)
	}
	if got := queryString(t, db, strings.Replace(rolloutSeedSum, "public.users", table, 1)); got != seedSum {
		t.Errorf("seeded rows changed")
	}
	if got := queryString(t, db, rc.check); got != "ok" {
		t.Errorf("%s", got)
	}
}

// TestDiffMidRollout: diff against a database in the middle of a rename
// plans the remaining phase only: it neither adds the new column again nor
// drops the sync trigger outside the contract; status lists the rollout;
// a schema.sql that asks for something else of the renamed column is
// refused with the reason.
func TestDiffMidRollout(t *testing.T) {
	t.Parallel()
	acquire(t)
	ctx := context.Background()
	work := t.TempDir()
	dir := filepath.Join(work, "migrations")
	schemaPath := filepath.Join(work, "schema.sql")
	db := pgtest.NewDB(t)
	r := newRunner(t, emit.FormatGolangMigrate, dir, db)
	writeFile(t, schemaPath, rolloutV1)
	generateCLI(t, schemaPath, dir, emit.FormatGolangMigrate, "--name", "init")
	if err := r.up(); err != nil {
		t.Fatal(err)
	}
	if err := execOnce(ctx, db, rolloutSeed); err != nil {
		t.Fatal(err)
	}
	v2 := strings.Replace(rolloutV1, "    name text,", "    full_name text, -- pgshift:renamed-from name", 1)
	v2 = strings.Replace(v2, "n integer", "n bigint", 1)
	writeFile(t, schemaPath, v2)
	if files := generateCLI(t, schemaPath, dir, emit.FormatGolangMigrate); len(files) == 0 {
		t.Fatal("nothing written")
	}
	if err := r.up(); err != nil {
		t.Fatal(err)
	}

	code, out, errs := runPgshift(t, "diff", "--from", db, "--to", schemaPath, "--format", "json")
	if code != 0 {
		t.Fatalf("diff: exit %d\n%s", code, errs)
	}
	var rep emit.JSONPlan
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	titles := map[int]string{}
	for _, p := range rep.Phases {
		titles[p.Number] = p.Title
		if p.Title == "expand" {
			t.Errorf("expand is planned again: %+v", rep.Phases)
		}
	}
	if len(rep.Steps) == 0 || len(rep.Phases) != 2 || titles[1] != "swap" || titles[2] != "contract" {
		t.Fatalf("want the swap and the contract, got phases %+v", rep.Phases)
	}
	for _, s := range rep.Steps {
		up := strings.Join(s.Up, "\n")
		if strings.Contains(up, "ADD COLUMN full_name") || strings.Contains(up, "ADD COLUMN n__pgshift_new") {
			t.Errorf("step %q adds a column of the expand again", s.Summary)
		}
		if strings.Contains(up, "DROP TRIGGER pgshift_sync") && titles[s.Phase] != "contract" {
			t.Errorf("step %q (phase %s) drops a sync trigger before the contract", s.Summary, titles[s.Phase])
		}
		if strings.HasPrefix(s.Summary, "drop trigger") || strings.HasPrefix(s.Summary, "drop function") || strings.HasPrefix(s.Summary, "drop constraint") {
			t.Errorf("step %q undoes the rollout's artifacts", s.Summary)
		}
	}
	// The default text output shows the swap now and the contract later.
	_, text, _ := runPgshift(t, "diff", "--from", db, "--to", schemaPath)
	if !strings.Contains(text, "-- phase 1 of 2: swap") || !strings.Contains(text, "-- phase 2 of 2: contract") ||
		!strings.Contains(text, "-- before this phase: deploy") || strings.Contains(text, "\nDROP TRIGGER") {
		t.Errorf("diff text output:\n%s", text)
	}

	// status names both rollouts and what comes next, in text and JSON.
	code, out, errs = runPgshift(t, "status", "--url", db, "--format", "json")
	var st struct {
		Rollouts []struct {
			Change, Title, Next string
			Phase               int
		}
	}
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil || len(st.Rollouts) != 2 ||
		st.Rollouts[0].Change != "alter-column public.users.n" || st.Rollouts[0].Next != "swap" ||
		st.Rollouts[1].Change != "rename-column public.users.name" || st.Rollouts[1].Next != "contract" {
		t.Errorf("status: exit %d\n%s%s", code, out, errs)
	}
	if code, out, _ := runPgshift(t, "status", "--dir", dir); code != 0 || !strings.Contains(out, "rename-column public.users.name: phase 1 of 3 (expand) applied") {
		t.Errorf("status --dir: exit %d\n%s", code, out)
	}

	// schema.sql changed mid-rollout: the column is now renamed to another name.
	writeFile(t, schemaPath, strings.Replace(v2, "full_name text,", "display_name text,", 1))
	code, _, errs = runPgshift(t, "generate", "--to", schemaPath, "--dir", dir)
	if code != 1 || !strings.Contains(errs, "rollout of rename-column public.users.name is in progress") || !strings.Contains(errs, "different change") {
		t.Errorf("a changed schema.sql mid-rollout: exit %d\n%s", code, errs)
	}
}

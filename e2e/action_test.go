package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pgshift/pgshift/emit"
	"github.com/pgshift/pgshift/internal/pgtest"
	"github.com/pgshift/pgshift/schema"
)

// actionInputs reads action.yml's step environment: every
// `INPUT_X: ${{ inputs.name }}` line, keyed by the input's name. The test
// then runs the step's script with exactly that wiring, the way the
// Actions runner does, so an input that action.yml declares but does not
// pass on fails here.
func actionInputs(t *testing.T) (declared []string, env map[string]string) {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	inputRe := regexp.MustCompile(`^  ([a-z][a-z-]*):$`)
	envRe := regexp.MustCompile(`^\s+(INPUT_[A-Z_]+): \$\{\{ inputs\.([a-z-]+) \}\}$`)
	env = map[string]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if len(line) > 0 && line[0] != ' ' && line[0] != '#' {
			section = strings.TrimSuffix(line, ":")
		}
		if m := inputRe.FindStringSubmatch(line); m != nil && section == "inputs" {
			declared = append(declared, m[1])
		}
		if m := envRe.FindStringSubmatch(line); m != nil {
			env[m[2]] = m[1]
		}
	}
	return declared, env
}

// githubAPI is a loopback stand-in for the REST endpoints the action's
// comment step uses (list, create and update issue comments).
type githubAPI struct {
	mu              sync.Mutex
	comments        map[int]string // id -> body
	posts, patches  int
	unauthenticated int
}

func (g *githubAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer test-token" {
		g.unauthenticated++
		http.Error(w, "bad credentials", http.StatusUnauthorized)
		return
	}
	var in struct{ Body string }
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/repos/o/r/issues/7/comments":
		type comment struct {
			ID   int    `json:"id"`
			Body string `json:"body"`
		}
		list := []comment{{ID: 1, Body: "an unrelated comment"}}
		for id, b := range g.comments {
			list = append(list, comment{id, b})
		}
		_ = json.NewEncoder(w).Encode(list)
	case r.Method == http.MethodPost && r.URL.Path == "/repos/o/r/issues/7/comments":
		_ = json.NewDecoder(r.Body).Decode(&in)
		g.posts++
		g.comments[100+g.posts] = in.Body
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{}`))
	case r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, "/repos/o/r/issues/comments/"):
		id, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/repos/o/r/issues/comments/"))
		if _, ok := g.comments[id]; !ok {
			http.NotFound(w, r)
			return
		}
		_ = json.NewDecoder(r.Body).Decode(&in)
		g.patches++
		g.comments[id] = in.Body
		_, _ = w.Write([]byte(`{}`))
	default:
		http.NotFound(w, r)
	}
}

type actionRun struct {
	code            int
	stdout, summary string
	outputs         map[string]string
}

// runAction runs action.yml's step (.github/action/run.sh) with the given
// inputs, in a pull-request event for o/r#7, against api.
func runAction(t *testing.T, api string, inputs map[string]string) actionRun {
	t.Helper()
	declared, wiring := actionInputs(t)
	for _, in := range declared {
		if wiring[in] == "" {
			t.Fatalf("action.yml declares input %q but does not pass it to the step", in)
		}
	}
	tmp := t.TempDir()
	event := filepath.Join(tmp, "event.json")
	if err := os.WriteFile(event, []byte(`{"pull_request":{"number":7}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	outFile, sumFile := filepath.Join(tmp, "output"), filepath.Join(tmp, "summary")
	env := append(os.Environ(), "GITHUB_OUTPUT="+outFile, "GITHUB_STEP_SUMMARY="+sumFile,
		"GITHUB_EVENT_PATH="+event, "GITHUB_REPOSITORY=o/r", "GITHUB_API_URL="+api,
		"GITHUB_ACTION_PATH="+repoRoot(t), "RUNNER_TEMP="+tmp)
	inputs["pgshift-bin"] = pgshiftBinary(t)
	for name, v := range inputs {
		if wiring[name] == "" {
			t.Fatalf("input %q is not an input of action.yml", name)
		}
		env = append(env, wiring[name]+"="+v)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(repoRoot(t), ".github/action/run.sh"))
	cmd.Env = env
	cmd.Dir = tmp
	out, err := cmd.Output()
	r := actionRun{stdout: string(out), outputs: map[string]string{}}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
		r.stdout += string(ee.Stderr)
	} else if err != nil {
		t.Fatal(err)
	}
	sum, _ := os.ReadFile(sumFile)
	r.summary = string(sum)
	outs, _ := os.ReadFile(outFile)
	for _, l := range strings.Split(string(outs), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			r.outputs[k] = v
		}
	}
	return r
}

func TestAction(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("jq not installed (GitHub's runners have it)")
	}
	root := repoRoot(t)
	api := &githubAPI{comments: map[int]string{}}
	srv := httptest.NewServer(api)
	defer srv.Close()

	t.Run("diff comments once and updates it", func(t *testing.T) {
		in := func() map[string]string {
			return map[string]string{"command": "diff", "dev-url": pgtest.AdminURL(),
				"from": filepath.Join(root, "testdata/example/current.sql"), "to": filepath.Join(root, "testdata/example/schema.sql"),
				"comment": "true", "github-token": "test-token"}
		}
		for i := 0; i < 2; i++ {
			r := runAction(t, srv.URL, in())
			if r.code != 0 || r.outputs["changes"] != "true" || r.outputs["exit-code"] != "2" {
				t.Fatalf("run %d: exit %d, outputs %v\n%s", i, r.code, r.outputs, r.stdout)
			}
			if !strings.Contains(r.summary, "CREATE") {
				t.Fatalf("run %d: step summary has no plan:\n%s", i, r.summary)
			}
		}
		if api.posts != 1 || api.patches != 1 || len(api.comments) != 1 {
			t.Fatalf("want one comment posted then updated, got %d posts, %d patches, comments %v", api.posts, api.patches, api.comments)
		}
		for _, b := range api.comments {
			if !strings.HasPrefix(b, "<!-- pgshift-action:diff -->\n") || !strings.Contains(b, "CREATE") {
				t.Fatalf("comment body:\n%s", b)
			}
		}
	})

	t.Run("lint annotates file and line", func(t *testing.T) {
		dir := t.TempDir()
		f := filepath.Join(dir, "20260101000000_idx.up.sql")
		if err := os.WriteFile(f, []byte("SET lock_timeout = '1s';\nCREATE INDEX t_a ON t (a);\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		r := runAction(t, srv.URL, map[string]string{"command": "lint", "dir": dir})
		want := "::warning file=" + f + ",line=2,col=1,title=pgshift require-concurrent-index::"
		if r.code != 3 || !strings.Contains(r.stdout, want) || !strings.Contains(r.summary, "require-concurrent-index") {
			t.Fatalf("exit %d, want an annotation %q:\n%s\nsummary:\n%s", r.code, want, r.stdout, r.summary)
		}
		if r := runAction(t, srv.URL, map[string]string{"command": "lint", "files": f, "fail-on": "error"}); r.code != 0 {
			t.Fatalf("--fail-on error: exit %d\n%s", r.code, r.stdout)
		}
	})

	t.Run("drift fails the step and says why", func(t *testing.T) {
		empty, err := schema.EmptyFrom(context.Background(), pgtest.AdminURL())
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), "migrations")
		db := pgtest.NewDB(t)
		rn := newRunner(t, emit.FormatGolangMigrate, dir, db)
		generate(t, empty, loadModel(t, driftV1), emit.FormatGolangMigrate, dir, "init", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), nil)
		if err := rn.up(); err != nil {
			t.Fatal(err)
		}
		in := map[string]string{"command": "drift", "url": db, "dir": dir, "dev-url": pgtest.AdminURL()}
		if r := runAction(t, srv.URL, in); r.code != 0 || r.outputs["drift"] != "false" {
			t.Fatalf("in sync: exit %d, outputs %v\n%s", r.code, r.outputs, r.stdout)
		}
		conn := pgtest.Connect(t, db)
		pgtest.Exec(t, conn, "ALTER TABLE public.accounts ADD COLUMN sneaky int")
		r := runAction(t, srv.URL, in)
		if r.code != 2 || r.outputs["drift"] != "true" || !strings.Contains(r.stdout, "::error") || !strings.Contains(r.summary, "sneaky") {
			t.Fatalf("drift: exit %d, outputs %v\n%s\nsummary:\n%s", r.code, r.outputs, r.stdout, r.summary)
		}
	})

	if api.unauthenticated != 0 {
		t.Errorf("%d API calls without the token", api.unauthenticated)
	}
}

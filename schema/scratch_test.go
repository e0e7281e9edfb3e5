package schema

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/pgshift/pgshift/internal/pgtest"
)

func TestScratchNameRoundTrip(t *testing.T) {
	self := currentProc()
	n, err := scratchName(self)
	if err != nil {
		t.Fatal(err)
	}
	if len(n) > 63 {
		t.Errorf("%q: %d bytes, want at most 63", n, len(n))
	}
	big := procID{pid: 4194304, host: "ffffffff", boot: "ffffffff", start: strconv.FormatUint(1<<64-1, 36)}
	if n, _ := scratchName(big); len(n) > 63 {
		t.Errorf("largest name %q: %d bytes, want at most 63", n, len(n))
	}
	p, ok := parseScratchName(n)
	if !ok || p != self {
		t.Errorf("parseScratchName(%q) = %+v, %v; want %+v", n, p, ok, self)
	}
	if self.stale(self) {
		t.Error("this process's own scratch database is taken for stale")
	}
	for _, old := range []string{"pgshift_scratch_123_deadbeef", "pgshift_scratch_x_a_b_c_d", "other"} {
		if _, ok := parseScratchName(old); ok {
			t.Errorf("parseScratchName(%q) accepted", old)
		}
	}
}

// TestStaleScratchDropped: a load on the real server drops the scratch
// databases of dead processes of this host (a pid that has exited, a pid
// reused by another process, an earlier boot) and keeps those of live
// processes, of other hosts and of names it does not know.
func TestStaleScratchDropped(t *testing.T) {
	ctx := context.Background()
	self := currentProc()
	if self.boot == "0" || self.start == "0" {
		t.Skip("no /proc: stale scratch databases are not recognised here")
	}
	// A process that has exited: its pid is free (or reused with another
	// start time).
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	deadPid := cmd.Process.Pid
	parentStart, ok := procStart(os.Getppid())
	if !ok {
		t.Fatal("no start time for the parent process")
	}
	mk := func(p procID) string {
		n, err := scratchName(p)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	dead := mk(procID{pid: deadPid, host: self.host, boot: self.boot, start: "1"})
	reused := mk(procID{pid: os.Getppid(), host: self.host, boot: self.boot, start: parentStart + "1"})
	earlierBoot := mk(procID{pid: os.Getppid(), host: self.host, boot: "00000001", start: parentStart})
	live := mk(procID{pid: os.Getppid(), host: self.host, boot: self.boot, start: parentStart})
	otherHost := mk(procID{pid: deadPid, host: "00000002", boot: self.boot, start: "1"})
	oldStyle := ScratchPrefix + strconv.Itoa(deadPid) + "_0badcafe"

	admin := pgtest.Connect(t, pgtest.AdminURL())
	all := []string{dead, reused, earlierBoot, live, otherHost, oldStyle}
	for _, n := range all {
		id := pgx.Identifier{n}.Sanitize()
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+id); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _, _ = admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+id+" WITH (FORCE)") })
	}
	if _, err := LoadSQL(ctx, pgtest.AdminURL(), writeSQL(t, "s.sql", "CREATE TABLE t (a int);\n")); err != nil {
		t.Fatal(err)
	}
	exists := func(n string) bool {
		var ok bool
		if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", n).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	for _, c := range []struct {
		what, name string
		kept       bool
	}{
		{"exited pid", dead, false}, {"reused pid", reused, false}, {"earlier boot", earlierBoot, false},
		{"live process", live, true}, {"other host", otherHost, true}, {"old-style name", oldStyle, true},
	} {
		if got := exists(c.name); got != c.kept {
			t.Errorf("%s (%s): exists after a load = %v, want %v", c.what, c.name, got, c.kept)
		}
	}
}

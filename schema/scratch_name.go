package schema

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"os"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// procID identifies a process across hosts and reboots: the host (a hash of
// the host name and /etc/machine-id), the boot (a hash of the kernel's
// boot_id), the pid and its start time in clock ticks after boot (field 22
// of /proc/PID/stat, proc(5)). A pid alone is reused; pid and start time
// within one boot are not. Where /proc is missing (not Linux) boot and
// start are "0": such names are never taken for stale.
type procID struct {
	host, boot string // 8 hex digits each
	pid        int
	start      string // clock ticks in base 36, "0" when unknown
}

// currentProc returns this process's procID.
func currentProc() procID {
	h, _ := os.Hostname()
	mid, _ := os.ReadFile("/etc/machine-id")
	p := procID{host: hash8(h + "\x00" + strings.TrimSpace(string(mid))), boot: "0", pid: os.Getpid(), start: "0"}
	if b, err := os.ReadFile("/proc/sys/kernel/random/boot_id"); err == nil {
		p.boot = hash8(strings.TrimSpace(string(b)))
	}
	if st, ok := procStart(p.pid); ok {
		p.start = st
	}
	return p
}

func hash8(s string) string {
	f := fnv.New32a()
	f.Write([]byte(s))
	return fmt.Sprintf("%08x", f.Sum32())
}

// procStart returns the start time (clock ticks after boot, in base 36) of
// process pid from /proc/PID/stat, and false when there is no such process
// (or no /proc).
func procStart(pid int) (string, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", false
	}
	// The command name (field 2) is in parentheses and may hold spaces:
	// fields are counted after its closing parenthesis (field 3 onwards).
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return "", false
	}
	fs := strings.Fields(string(b[i+1:]))
	if len(fs) < 20 {
		return "", false
	}
	v, err := strconv.ParseUint(fs[19], 10, 64) // field 22
	if err != nil {
		return "", false
	}
	return strconv.FormatUint(v, 36), true
}

// scratchName returns ScratchPrefix + "<pid>_<host>_<boot>_<start>_<6 random
// hex digits>" for process self; at most 62 bytes (16 + 7 + 8 + 8 + 13 + 6 +
// 4 separators for the largest pid and start time).
func scratchName(self procID) (string, error) {
	var b [3]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("scratch database name: %w", err)
	}
	return fmt.Sprintf("%s%d_%s_%s_%s_%s", ScratchPrefix, self.pid, self.host, self.boot, self.start, hex.EncodeToString(b[:])), nil
}

// parseScratchName is the inverse of scratchName; ok is false for any other
// name (older pgshift versions' "<pid>_<random>" names included).
func parseScratchName(name string) (p procID, ok bool) {
	rest, found := strings.CutPrefix(name, ScratchPrefix)
	if !found {
		return p, false
	}
	fs := strings.Split(rest, "_")
	if len(fs) != 5 || len(fs[1]) != 8 || len(fs[4]) != 6 {
		return p, false
	}
	pid, err := strconv.Atoi(fs[0])
	if err != nil || pid <= 0 {
		return p, false
	}
	return procID{pid: pid, host: fs[1], boot: fs[2], start: fs[3]}, true
}

// stale reports whether the process that named a scratch database p is
// surely gone, seen from process self: same host and an earlier boot, or
// same host and boot and no process with that pid and start time. A name
// from another host, or with an unknown boot or start, is never stale.
func (self procID) stale(p procID) bool {
	if p.host != self.host || self.boot == "0" || p.boot == "0" || p.start == "0" {
		return false
	}
	if p.boot != self.boot {
		return true
	}
	if p.pid == self.pid && p.start == self.start {
		return false
	}
	st, alive := procStart(p.pid)
	return !alive || st != p.start
}

// dropStaleScratch drops the scratch databases on the server of admin that
// processes of this host left behind when they were killed (SIGKILL, a
// crash, a reboot): see procID.stale. It is best effort: a database another
// run is dropping at the same time, or one the role may not drop, is left
// alone, and errors are not returned (the run's own scratch database does
// not depend on it).
func dropStaleScratch(ctx context.Context, admin *pgx.Conn, self procID) {
	rows, err := admin.Query(ctx, "SELECT datname FROM pg_catalog.pg_database WHERE starts_with(datname, $1)", ScratchPrefix)
	if err != nil {
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return
	}
	for _, n := range names {
		if p, ok := parseScratchName(n); ok && self.stale(p) {
			_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{n}.Sanitize()+" WITH (FORCE)")
		}
	}
}

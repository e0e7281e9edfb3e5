package runner

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseVersion splits a migration version ("20260314150926", "1.2.3",
// "1_2") into its numeric parts; trailing zero parts do not count
// (Flyway: 1.0 == 1).
func ParseVersion(v string) ([]uint64, error) {
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == '.' || r == '_' })
	if len(parts) == 0 {
		return nil, fmt.Errorf("bad version %q", v)
	}
	key := make([]uint64, len(parts))
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad version %q: %w", v, err)
		}
		key[i] = n
	}
	for len(key) > 1 && key[len(key)-1] == 0 {
		key = key[:len(key)-1]
	}
	return key, nil
}

// CompareVersions compares two version strings numerically, part by part
// (-1, 0, 1); unparsable versions compare as strings.
func CompareVersions(a, b string) int {
	ka, errA := ParseVersion(a)
	kb, errB := ParseVersion(b)
	if errA != nil || errB != nil {
		return strings.Compare(a, b)
	}
	return compareKeys(ka, kb)
}

// NormVersion is a version's comparable form ("1.0", "01" and "1" are
// equal); an unparsable version is returned as is.
func NormVersion(v string) string {
	k, err := ParseVersion(v)
	if err != nil {
		return v
	}
	return keyString(k)
}

func compareKeys(a, b []uint64) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		switch {
		case a[i] < b[i]:
			return -1
		case a[i] > b[i]:
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

func keyString(k []uint64) string {
	s := make([]string, len(k))
	for i, n := range k {
		s[i] = strconv.FormatUint(n, 10)
	}
	return strings.Join(s, ".")
}

// TimestampLayout is the version layout every runner's "create" command
// writes by default (UTC): golang-migrate `migrate create` (-format
// default 20060102150405), `goose create`, `dbmate new`.
const TimestampLayout = "20060102150405"

// Numbering is how a directory numbers its migrations.
type Numbering struct {
	// Sequential: plain integers (golang-migrate `create -seq`, goose
	// `create -s`, or hand-numbered 001, 0001 ...), zero-padded to Width.
	Sequential bool
	Width      int
	// Max is the highest version already in the directory (0: none).
	Max uint64
}

// NumberingOf returns the numbering of the versions already in a
// directory: timestamps when the highest version is a 14-digit
// YYYYMMDDHHMMSS time (or there is none), else sequential, zero-padded to
// the width of the highest one (001, 0001, 6).
func NumberingOf(versions []string) (Numbering, error) {
	var n Numbering
	maxS := ""
	for _, v := range versions {
		k, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return n, fmt.Errorf("version %s: %w", v, err)
		}
		if k >= n.Max {
			n.Max, maxS = k, v
		}
	}
	if maxS == "" {
		return n, nil
	}
	if _, err := time.Parse(TimestampLayout, maxS); err == nil && len(maxS) == len(TimestampLayout) {
		return n, nil
	}
	n.Sequential, n.Width = true, len(maxS)
	return n, nil
}

// Next returns the version after prev in this numbering: prev+1 when
// sequential, else the later of now (UTC, TimestampLayout) and prev plus
// one second. Start with prev = n.Max.
func (n Numbering) Next(prev uint64, now time.Time) uint64 {
	if n.Sequential {
		return prev + 1
	}
	v, _ := strconv.ParseUint(now.UTC().Format(TimestampLayout), 10, 64)
	if v > prev {
		return v
	}
	if t, err := time.Parse(TimestampLayout, fmt.Sprintf("%014d", prev)); err == nil && prev >= 1e13 {
		w, _ := strconv.ParseUint(t.Add(time.Second).Format(TimestampLayout), 10, 64)
		return w
	}
	return prev + 1
}

// Format writes version v the way the directory does.
func (n Numbering) Format(v uint64) string {
	if n.Sequential {
		return fmt.Sprintf("%0*d", n.Width, v)
	}
	return strconv.FormatUint(v, 10)
}

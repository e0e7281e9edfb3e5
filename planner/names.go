package planner

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/pgshift/pgshift/schema"
)

// maxIdentLen is the longest identifier PostgreSQL keeps: NAMEDATALEN - 1
// bytes (PostgreSQL docs, "Identifiers and Key Words"); longer names are
// truncated silently, so two generated names that differ only after byte
// 63 would be the same object.
const maxIdentLen = 63

// generatedName is the one naming function of every identifier the planner
// invents (shadow columns, sync triggers and functions, NOT NULL checks,
// renamed types): base followed by suffix when that fits in 63 bytes;
// otherwise base cut (at a UTF-8 character boundary) and followed by "_",
// the first 8 hex digits of the SHA-256 of base and suffix, and suffix.
// The result is at most 63 bytes, keeps suffix intact (so the names built
// from one base with different suffixes differ), and is the same for the
// same input on every run (up and down files must agree).
func generatedName(base, suffix string) string {
	if len(base)+len(suffix) <= maxIdentLen {
		return base + suffix
	}
	sum := sha256.Sum256([]byte(base + "\x00" + suffix))
	h := "_" + hex.EncodeToString(sum[:4])
	return schema.ClipIdent(base, maxIdentLen-len(h)-len(suffix)) + h + suffix
}

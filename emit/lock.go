package emit

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// LockDir takes an exclusive advisory lock (flock(2)) on the migrations
// directory dir, or on its nearest existing parent when dir does not
// exist yet, for the whole of one generate run: reading the directory,
// planning from it and writing into it. A second run on the same
// directory fails at once instead of planning from a state the first run
// is about to change (two runs would otherwise both write a migration
// creating the same objects). The lock goes away with the process, so a
// crash leaves nothing to clean up. It returns the unlock function.
// Errors: the directory is locked by another run, or cannot be opened.
func LockDir(dir string) (func(), error) {
	p := filepath.Clean(dir)
	for {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			break
		}
		parent := filepath.Dir(p)
		if parent == p {
			break
		}
		p = parent
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("lock migrations directory %s: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("migrations directory %s is locked by another pgshift generate (lock on %s): run again when it has finished", dir, p)
		}
		return nil, fmt.Errorf("lock migrations directory %s: %w", dir, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// groupCommit makes changes durable in batches. A caller records that it
// changed something in memory and waits; one caller at a time writes
// everything changed so far, and every caller whose change that write
// includes returns with it. So a burst of N changes costs a couple of writes
// instead of N, yet nobody returns before its change is on disk.
//
// It needs no goroutine of its own: the first waiter that finds no write in
// progress does the write.
type groupCommit struct {
	write func() error // writes the whole state as it is now

	mu      sync.Mutex
	done    sync.Cond // broadcast after each write
	changed uint64    // number of the newest change recorded
	settled uint64    // every change up to this number has been written (or the write failed)
	writing bool
	err     error  // result of the latest write
	writes  uint64 // writes done, for tests
}

func newGroupCommit(write func() error) *groupCommit {
	g := &groupCommit{write: write}
	g.done.L = &g.mu
	return g
}

// commit records a change already made in memory and returns once a write
// that includes it has finished, with that write's error.
func (g *groupCommit) commit() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.changed++
	mine := g.changed
	for g.settled < mine {
		if g.writing {
			g.done.Wait()
			continue
		}
		// Every change numbered up to target was made in memory before it
		// was numbered, so the snapshot taken by write includes it.
		g.writing = true
		target := g.changed
		g.mu.Unlock()
		err := g.write()
		g.mu.Lock()
		g.writing = false
		g.settled, g.err = target, err
		g.writes++
		g.done.Broadcast()
	}
	return g.err
}

// saveState returns once every change made so far is in the state file.
// Concurrent callers share writes (see groupCommit).
func (s *Server) saveState() error {
	if s.statePath == "" {
		return nil
	}
	return s.saves.commit()
}

// writeState writes the whole store to the state file, atomically. It does
// not know the file's fields: whatever snapshot returns is written.
func (s *Server) writeState() error {
	s.usedDirty.Store(false) // a use after the snapshot marks it dirty again
	s.mu.RLock()
	snap := s.st.snapshot()
	s.mu.RUnlock()
	data, err := json.Marshal(snap)
	if err != nil {
		return fmt.Errorf("sandbox: encoding state: %w", err)
	}
	if err := s.writeFile(s.statePath, data); err != nil {
		s.usedDirty.Store(true)
		s.saveBroken.Store(true)
		return fmt.Errorf("sandbox: saving state to %s: %w", s.statePath, err)
	}
	s.saveBroken.Store(false)
	s.lastSave.Store(time.Now().UnixNano())
	return nil
}

// tempPattern names writeFileAtomic's temporary files for path.
func tempPattern(path string) string { return "." + filepath.Base(path) + ".tmp-*" }

// writeFileAtomic replaces path with data so that a reader sees the old or
// the new file, never a part: temp file in the same directory, fsync,
// rename, mode 0600.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, tempPattern(path))
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	done = true
	if d, err := os.Open(dir); err == nil { // make the rename itself durable
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// removeStaleTemps deletes temporary files that a killed process left next
// to path. Only this server writes that path, so none is in use.
func removeStaleTemps(path string) {
	stale, _ := filepath.Glob(filepath.Join(filepath.Dir(path), tempPattern(path)))
	for _, f := range stale {
		_ = os.Remove(f)
	}
}

// checkStatePrivate refuses a state file that other users could read or
// change, as ssh does for a private key: it names the file and the fix. A
// missing file is fine (it will be created with mode 0600).
func checkStatePrivate(path string) error {
	info, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sandbox: reading state file %s: %w", path, err)
	}
	if uid, mine := ownedByMe(info); !mine {
		return fmt.Errorf("sandbox: state file %s belongs to another user (uid %d), who could change it: "+
			"use a state file of your own, or take this one with: chown %d %s", path, uid, os.Geteuid(), shellQuote(path))
	}
	if perm := info.Mode().Perm(); privateModes && perm&0o077 != 0 {
		return fmt.Errorf("sandbox: state file %s is open to other users (mode %04o); "+
			"make it private with: chmod 600 %s", path, perm, shellQuote(path))
	}
	return nil
}

// shellQuote quotes s for a POSIX shell when it needs quoting, so that the
// printed fix can be pasted as is.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./,:+@%=") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

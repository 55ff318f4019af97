//go:build linux

package main

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// harden keeps the admin key and a new key's secret out of core dumps and
// away from debuggers, as ssh-agent does: no core file is written
// (RLIMIT_CORE 0, hard limit too), and the process is not dumpable, which
// also stops a ptrace attach and the reading of /proc/<pid>/mem and
// /proc/<pid>/environ by anyone but root. Children (the clipboard tool)
// are dumpable again after exec; they are given no key (see scrubKeyEnv).
func harden() error {
	if err := unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: 0, Max: 0}); err != nil {
		return fmt.Errorf("cannot turn core dumps off: %w", err)
	}
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return fmt.Errorf("cannot make the process non-dumpable: %w", err)
	}
	return nil
}

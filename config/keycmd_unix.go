//go:build unix

package config

import (
	"os/exec"
	"syscall"
)

// killProcessGroupOnCancel starts the command in its own process group and
// kills the whole group on timeout: `sh -c "sleep 30"` forks, and killing
// only sh would leave sleep running.
func killProcessGroupOnCancel(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

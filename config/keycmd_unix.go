//go:build unix

package config

import (
	"errors"
	"io"
	"os"
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

// endProcessGroup kills what is left of the command's process group after
// the command has exited, such as `sleep 100 &`, and reports whether
// anything was left. Daemons that detach properly (gpg-agent) start their
// own session and are not touched.
func endProcessGroup(cmd *exec.Cmd) bool {
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) == nil
}

// drainAvailable copies what the pipe already holds into w without waiting
// for more, and reports whether it reached the end of the pipe.
func drainAvailable(r *os.File, w io.Writer) (eof bool) {
	rc, err := r.SyscallConn()
	if err != nil {
		return false
	}
	buf := make([]byte, 32<<10)
	for {
		var n int
		var rerr error
		err := rc.Read(func(fd uintptr) bool {
			n, rerr = syscall.Read(int(fd), buf)
			return true // one attempt: never wait for data
		})
		switch {
		case err != nil:
			return false
		case n > 0:
			_, _ = w.Write(buf[:n])
		case rerr == nil:
			return true // read returned 0: end of the pipe
		case errors.Is(rerr, syscall.EINTR):
		default: // EAGAIN: nothing more for now
			return false
		}
	}
}

// sameEnvName compares variable names; they are case-sensitive here.
func sameEnvName(a, b string) bool { return a == b }

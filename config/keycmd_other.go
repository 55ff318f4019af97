//go:build !unix

package config

import (
	"io"
	"os"
	"os/exec"
	"strings"
)

// killProcessGroupOnCancel keeps exec's default (kill the process) where
// process groups are not available.
func killProcessGroupOnCancel(cmd *exec.Cmd) {}

// endProcessGroup has no process group to end here.
func endProcessGroup(cmd *exec.Cmd) bool { return false }

// drainAvailable is not needed where pipes have no deadlines: collect
// waits for the end of the output instead.
func drainAvailable(r *os.File, w io.Writer) bool { return false }

// sameEnvName compares variable names; Windows ignores their case.
func sameEnvName(a, b string) bool { return strings.EqualFold(a, b) }

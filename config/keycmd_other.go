//go:build !unix

package config

import "os/exec"

// killProcessGroupOnCancel keeps exec's default (kill the process) where
// process groups are not available.
func killProcessGroupOnCancel(cmd *exec.Cmd) {}

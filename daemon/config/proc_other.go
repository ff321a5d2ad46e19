//go:build !unix

package config

import "os/exec"

// killGroupOnCancel leaves the default of killing only the process itself
// where there are no POSIX process groups.
func killGroupOnCancel(cmd *exec.Cmd) {}

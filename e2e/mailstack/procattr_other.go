//go:build !linux

package mailstack

import "syscall"

// procAttr has nothing to add where there is no Pdeathsig; the stack needs
// Debian's packages anyway.
func procAttr() *syscall.SysProcAttr { return nil }

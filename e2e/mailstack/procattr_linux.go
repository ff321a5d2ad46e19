package mailstack

import "syscall"

// procAttr makes the script get SIGTERM, and so stop the daemons, should
// the test binary die without running its cleanups (a panic, or go test's
// -timeout). Linux sends it when the OS thread that started the script
// exits; Go keeps its threads until the process ends, unless a goroutine
// locked to one with runtime.LockOSThread returns, which tests do not.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}

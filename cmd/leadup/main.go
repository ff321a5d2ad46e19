// Command leadup helps you lead up: it watches your calendar for meetings
// with your boss, emails you a prep brief before each one and a follow-up
// after it, and logs what you reply.
//
// Run "leadup help" for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // time zones work on systems without a zoneinfo database

	"github.com/leadup/leadup/daemon"
)

func main() { os.Exit(run()) }

func run() int {
	// SIGINT and SIGTERM cancel the context; the commands wind down from it.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first signal, restore the default action, so that a
		// second SIGINT or SIGTERM ends leadup at once, mid-shutdown.
		<-ctx.Done()
		stop()
	}()
	daemon.TuneGC()
	return runCommand(ctx, os.Args[1:], os.Stdout, os.Stderr)
}

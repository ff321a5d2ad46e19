package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"

	"github.com/leadup/leadup/daemon"
	"github.com/leadup/leadup/daemon/config"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

// Exit statuses.
const (
	exitOK   = 0
	exitFail = 1 // something failed at run time: network, Google, the store
	// exitConfig is EX_CONFIG of sysexits.h. Not 2: the Go runtime exits
	// with 2 after a panic or when it runs out of memory, and the units do
	// not restart a configuration mistake, but must restart a crash.
	exitConfig = 78 // the configuration or the command line is wrong
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	usage   string // after "leadup NAME"
	help    string // paragraphs shown by -h
	// logLevel is the default of -log-level: "warn" unless set, so that
	// interactive commands print only their results.
	logLevel string
	// setup registers the command's own flags on fs and returns the function
	// that runs it, which reads those flags' values.
	setup func(fs *flag.FlagSet) runFunc
}

type runFunc func(ctx context.Context, e *env, args []string) int

// env is what every command gets: where to write, and the common flags.
type env struct {
	stdout, stderr io.Writer
	configPath     string
	logLevel       string
	logFormat      string
}

func commands() []command {
	return []command{demoCommand, runDaemonCommand, checkCommand, authCommand, meetingsCommand, statusCommand, previewCommand,
		itemsCommand, logCommand, ingestCommand, parseReplyCommand, versionCommand}
}

func runCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitConfig
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 {
			if c, ok := lookup(rest[0]); ok {
				fs, _ := c.flags(&env{stdout: stdout, stderr: stdout})
				fs.Usage()
				return exitOK
			}
		}
		usage(stdout)
		return exitOK
	case "-version", "--version":
		name = "version"
	}
	c, ok := lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "leadup: unknown command %q\n\n", name)
		usage(stderr)
		return exitConfig
	}
	return c.invoke(ctx, rest, stdout, stderr)
}

// invoke runs the command as "leadup NAME args" would.
func (c command) invoke(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr}
	fs, run := c.flags(e)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitConfig
	}
	if e.logFormat != "text" && e.logFormat != "json" {
		fmt.Fprintf(stderr, "leadup: -log-format %q: use text or json\n", e.logFormat)
		return exitConfig
	}
	return run(ctx, e, fs.Args())
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// flags returns the command's flag set, with the common flags and its own,
// and the function that runs it.
func (c command) flags(e *env) (*flag.FlagSet, runFunc) {
	fs := flag.NewFlagSet("leadup "+c.name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&e.configPath, "config", config.DefaultPath(), "configuration `file`")
	level := c.logLevel
	if level == "" {
		level = "warn"
	}
	fs.StringVar(&e.logLevel, "log-level", level, "log `level`: debug, info, warn or error")
	fs.StringVar(&e.logFormat, "log-format", "text", "log `format`: text (key=value; without timestamps under journald) or json")
	run := c.setup(fs)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: leadup %s %s\n\n%s\n\nFlags:\n", c.name, c.usage, strings.TrimSpace(c.help))
		fs.PrintDefaults()
	}
	return fs, run
}

func usage(w io.Writer) {
	fmt.Fprint(w, `leadup watches your Google Calendar for meetings with your boss, emails you a
prep brief before each one and a follow-up after it, and turns your reply into
a log of decisions and action items.

Usage: leadup <command> [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, `
Every command takes -config FILE (default %s).
Run "leadup <command> -h" for a command's flags.
`, config.DefaultPath())
}

// logger returns the logger for a command, on stderr at the chosen level:
// key=value text, without timestamps when journald is reading ($JOURNAL_STREAM
// set: it stamps each line itself), or JSON for other collectors.
func (e *env) logger() *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(e.logLevel)); err != nil {
		level = slog.LevelWarn
	}
	opts := &slog.HandlerOptions{Level: level}
	if e.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, opts))
	}
	if os.Getenv("JOURNAL_STREAM") != "" {
		opts.ReplaceAttr = func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
}

// loadConfig loads the configuration, printing what is wrong with it.
func (e *env) loadConfig(log *slog.Logger) (*config.Config, int) {
	cfg, err := config.Load(e.configPath, log)
	if err != nil {
		e.invalidConfig(err)
		return nil, exitConfig
	}
	return cfg, exitOK
}

// invalidConfig prints a configuration mistake.
func (e *env) invalidConfig(err error) {
	fmt.Fprintf(e.stderr, "leadup: configuration is not valid:\n%s\n", indent(err.Error()))
}

// report prints err and returns the exit status it calls for: 78 for a
// configuration mistake, 1 for anything else.
func (e *env) report(err error) int {
	if config.IsConfigError(err) {
		e.invalidConfig(err)
		return exitConfig
	}
	fmt.Fprintf(e.stderr, "leadup: %v\n", err)
	return exitFail
}

// openDaemon loads the configuration and assembles the daemon; opts may
// adjust its options.
func (e *env) openDaemon(ctx context.Context, opts ...func(*daemon.Options)) (*daemon.Daemon, *config.Config, int) {
	log := e.logger()
	cfg, code := e.loadConfig(log)
	if code != exitOK {
		return nil, nil, code
	}
	o := daemon.Options{Config: cfg, Log: log, UserAgent: "leadup/" + version}
	for _, f := range opts {
		f(&o)
	}
	d, err := daemon.Open(ctx, o)
	if err != nil {
		return nil, nil, e.report(err)
	}
	return d, cfg, exitOK
}

// readOnly is the openDaemon option of the commands that only report on the
// state (status, items, log, preview, meetings -offline): they create and
// write nothing, so they work on a read-only state directory, beside a
// running daemon, and as another user without leaving files behind.
func readOnly(o *daemon.Options) { o.ReadOnly = true }

// writeJSON writes v as indented JSON: the -json output of the commands.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

// printJSON writes v to standard output as indented JSON, and returns the
// exit status.
func (e *env) printJSON(v any) int {
	if err := writeJSON(e.stdout, v); err != nil {
		fmt.Fprintf(e.stderr, "leadup: %v\n", err)
		return exitFail
	}
	return exitOK
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n  ")
}

func buildVersion() string {
	v := version
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
		return fmt.Sprintf("leadup %s, built with %s", v, info.GoVersion)
	}
	return "leadup " + v
}

var versionCommand = command{
	name:    "version",
	summary: "print leadup's version",
	help:    "Prints the version of leadup and of the Go toolchain that built it.",
	setup: func(*flag.FlagSet) runFunc {
		return func(ctx context.Context, e *env, args []string) int {
			fmt.Fprintln(e.stdout, buildVersion())
			return exitOK
		}
	},
}

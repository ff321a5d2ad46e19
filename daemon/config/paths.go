package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DefaultPath returns where the config file is looked for when no -config
// flag is given: $CONFIGURATION_DIRECTORY/config.toml under systemd
// (ConfigurationDirectory=; the first entry when it lists several), else
// $XDG_CONFIG_HOME/leadup/config.toml, else ~/.config/leadup/config.toml.
func DefaultPath() string {
	if dir := firstEntry(os.Getenv("CONFIGURATION_DIRECTORY")); dir != "" {
		return filepath.Join(dir, "config.toml")
	}
	if dir := os.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "leadup", "config.toml")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".config", "leadup", "config.toml")
	}
	return "config.toml"
}

// defaultStateDir is state_dir when the file does not set it:
// $STATE_DIRECTORY under systemd (StateDirectory=; the first entry when it
// lists several), else $XDG_STATE_HOME/leadup, else ~/.local/state/leadup.
func defaultStateDir() (string, error) {
	if dir := firstEntry(os.Getenv("STATE_DIRECTORY")); dir != "" {
		return filepath.Abs(dir)
	}
	// The XDG base directory spec says relative values are invalid and
	// must be ignored.
	if dir := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "leadup"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find home directory: %w", err)
	}
	return filepath.Join(home, ".local", "state", "leadup"), nil
}

// firstEntry returns the first element of a colon-separated list, as systemd
// sets *_DIRECTORY variables when a unit names several directories.
func firstEntry(list string) string {
	first, _, _ := strings.Cut(list, ":")
	return first
}

// resolvePath makes p absolute: "~/" is the home directory, and a relative
// path is taken relative to base, which is absolute.
func resolvePath(p, base string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(base, p)
}

// CheckPrivate returns a warning for a person when the file at path exists
// and other users may read or change it (any of the mode bits 0o077), and ""
// otherwise. Files holding OAuth client secrets, tokens and passwords should
// be mode 0600.
func CheckPrivate(path string) (warning string) {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return ""
		}
		return fmt.Sprintf("cannot check the permissions of %s: %v", path, err)
	}
	mode := fi.Mode().Perm()
	if !fi.Mode().IsRegular() || mode&0o077 == 0 {
		return ""
	}
	what := "readable"
	if mode&0o044 == 0 {
		what = "writable"
	}
	return fmt.Sprintf("%s is %s by other users (mode %04o): run chmod 600 %s", path, what, mode, shellQuote(path))
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

//go:build race

package reply

// raceSlowdown scales time limits: the race detector slows this package's
// tight loops several times.
const raceSlowdown = 2

//go:build !race

package reply

// raceSlowdown scales time limits; see race_test.go.
const raceSlowdown = 1

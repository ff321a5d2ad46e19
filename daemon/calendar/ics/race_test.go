//go:build race

package ics

// raceEnabled reports a build with the race detector, which multiplies
// memory and time: the hostile-feed budgets are not checked under it.
const raceEnabled = true

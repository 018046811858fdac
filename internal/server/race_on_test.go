//go:build race

package server

// raceEnabled: the race detector makes copying memory several times
// slower; tests that move gigabytes leave themselves out.
const raceEnabled = true

//go:build race

package node_test

// raceEnabled: the race detector makes sync.Pool drop a quarter of what is
// put back, so pooled objects are allocated again; heap bounds on requests
// whose handlers use pools (account checksums) are checked without it.
const raceEnabled = true

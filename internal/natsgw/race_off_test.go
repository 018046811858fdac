//go:build !race

package natsgw_test

// TestCluster's size without the race detector: the 300 WebSocket
// clients and 2,000 blocks (see race_on_test.go).
const clusterClients, clusterBlocks = 300, 2000

//go:build race

package natsgw_test

// TestCluster's size under the race detector, which makes the node, three
// NATS servers, three gateways and the clients in one process some ten
// times slower on the 2-core test machine: 60 clients and 400 blocks keep
// the test under a minute (see race_off_test.go for the full size).
const clusterClients, clusterBlocks = 60, 400

package node

import (
	"fmt"

	"github.com/nipc/nipc/internal/nodeid"
	"github.com/nipc/nipc/internal/rpc"
)

// registerDevNodeActions adds the legacy actions that answer the truth of a
// single dev node (docs/PROTOCOL.md, "A single dev node"): unit
// conversions, the network, the ledger scans, the node ID (its key loaded
// from, or created once in, the data directory), telemetry and stats. The
// stats counters observe every legacy and v2 request, ahead of the metrics.
func (n *Node) registerDevNodeActions(reg *rpc.Registry, info rpc.NodeInfo, backend *rpc.Backend) error {
	key, err := nodeid.Load(n.opts.DataDir)
	if err != nil {
		return fmt.Errorf("node: node ID: %w", err)
	}
	stats := rpc.NewStats(n.ledger.BlockCount, n.legacy.Observer)
	n.legacy.Observer, n.v2.Observer = stats, stats
	rpc.RegisterUnitActions(reg)
	rpc.RegisterNetworkActions(reg, backend.Thresholds)
	rpc.RegisterLedgerScanActions(reg, backend)
	rpc.RegisterNodeInfoActions(reg, &rpc.DevNode{Backend: backend, Info: info, NodeKey: key, Stats: stats})
	return nil
}

package node

import (
	"fmt"

	"github.com/nipc/nipc/internal/nodeid"
	"github.com/nipc/nipc/internal/rpc"
)

// legacyRegistry builds the legacy actions (rpc.RegisterLegacy) on this
// node's state, with the node ID key loaded from, or created once in, the
// data directory, and the stats counters the caller puts in front of the
// request observers.
func (n *Node) legacyRegistry(info rpc.NodeInfo, backend *rpc.Backend) (*rpc.Registry, *rpc.Stats, error) {
	key, err := nodeid.Load(n.opts.DataDir)
	if err != nil {
		return nil, nil, fmt.Errorf("node: node ID: %w", err)
	}
	stats := rpc.NewStats(n.ledger.BlockCount, nil)
	dev := &rpc.DevNode{Backend: backend, Info: info, NodeKey: key, Stats: stats, Recent: n.recent, Reemit: n.reemit}
	if n.opts.Node.Node.NATS.Enable {
		dev.NATS = n.natsStatus
	}
	reg := rpc.NewRegistry()
	rpc.RegisterLegacy(reg, rpc.LegacySet{
		Info: info, Thresholds: n.thresholds(), Work: n.work, Backend: backend, Dev: dev,
	})
	n.setTopicState(dev)
	return reg, stats, nil
}

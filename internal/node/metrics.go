package node

import (
	"errors"
	"net"
	"strconv"

	"github.com/nipc/nipc/internal/metrics"
)

// The node's metrics ([node.metrics], docs/METRICS.md): requests and
// connections are recorded as they happen (rpc.Observer and
// server.ConnObserver); the broker's and the ledger's counts are read at
// each scrape.

// newMetrics returns the node's Metrics with the broker's and ledger's
// series registered. Call it once the ledger and broker exist.
func (n *Node) newMetrics() *metrics.Metrics {
	m := metrics.New()
	m.GaugeFunc("nipc_broker_subscribers", "Connections with a subscription or a service name.",
		func() float64 { return float64(n.broker.Subscribers()) })
	m.CounterFunc("nipc_broker_events_delivered_total", "Events pushed to subscribers.",
		func() float64 { return float64(n.broker.Delivered()) })
	m.CounterFunc("nipc_broker_slow_consumers_dropped_total", "Subscribers dropped because their event queue was full.",
		func() float64 { return float64(n.broker.Dropped()) })
	m.GaugeFunc("nipc_ledger_blocks", "Blocks in the ledger.",
		func() float64 { count, _ := n.ledger.BlockCount(); return float64(count) })
	m.GaugeFunc("nipc_ledger_accounts", "Accounts in the ledger.",
		func() float64 { return float64(n.ledger.AccountCount()) })
	m.CounterFunc("nipc_ledger_write_errors_total", "Ledger commits that could not write the file (e.g. a full disk); their blocks were not stored.",
		func() float64 { return float64(n.ledger.WriteErrors()) })
	m.GaugeFunc("nipc_nats_connected", "1 while the node is connected to a NATS server ([node.nats]), else 0.",
		func() float64 {
			if ob := n.outbox.Load(); ob != nil && ob.Connected() {
				return 1
			}
			return 0
		})
	m.GaugeFunc("nipc_nats_acked_sequence", "The highest confirmation sequence the NATS stream acknowledged, with all below it.",
		func() float64 { return float64(n.NATSAcked()) })
	m.GaugeFunc("nipc_nats_lag", "Confirmations the NATS stream does not have yet: the ledger's confirmation sequence minus the acknowledged one (0 without [node.nats]).",
		func() float64 { return float64(n.NATSLag()) })
	return m
}

// listenMetrics binds [node.metrics]'s address, if metrics are on.
func (n *Node) listenMetrics() error {
	if n.metrics == nil {
		return nil
	}
	mc := n.opts.Node.Node.Metrics
	srv, err := n.metrics.Listen(net.JoinHostPort(mc.Address, strconv.Itoa(mc.Port)), n.healthy, n.log)
	n.metricsSrv = srv
	return err
}

// MetricsAddr is where /metrics is served (after Listen), or "".
func (n *Node) MetricsAddr() string {
	if n.metricsSrv == nil {
		return ""
	}
	return n.metricsSrv.Addr().String()
}

// healthy is /healthz: nil while the node serves, else why not.
func (n *Node) healthy() error {
	if reason := n.down.Load(); reason != nil {
		return errors.New(*reason)
	}
	return nil
}

// setDown records why the node does not serve ("" while it does).
func (n *Node) setDown(reason string) {
	if reason == "" {
		n.down.Store(nil)
		return
	}
	n.down.Store(&reason)
}

// closeMetricsListener undoes listenMetrics when a later listener fails.
func (n *Node) closeMetricsListener() {
	if n.metricsSrv != nil {
		n.metricsSrv.Close()
	}
}

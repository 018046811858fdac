package natsgw

import "github.com/nipc/nipc/internal/metrics"

// RegisterMetrics adds the gateway's NATS series to m (nipc gateway's
// [node.metrics]).
func (s *Service) RegisterMetrics(m *metrics.Metrics) {
	m.GaugeFunc("nipc_nats_connected", "1 while the gateway is connected to a NATS server ([nats]), else 0.",
		func() float64 {
			if s.opts.Conn.IsConnected() {
				return 1
			}
			return 0
		})
	m.GaugeFunc("nipc_gateway_nats_stream_sequence", "The confirmation stream's last confirmation sequence, as the gateway last read it (at most a second ago).",
		func() float64 { return float64(s.StreamSequence()) })
	m.GaugeFunc("nipc_gateway_nats_offered_sequence", "The last confirmation sequence the gateway fanned out to its WebSocket clients.",
		func() float64 { _, offered, _ := s.feed.pos.lag(); return float64(offered) })
	m.GaugeFunc("nipc_gateway_nats_lag", "Confirmations in the stream the gateway has not fanned out yet: the stream's last confirmation sequence minus the last one fanned out.",
		func() float64 { return float64(s.Lag()) })
	m.GaugeFunc("nipc_gateway_nats_subscribers", "WebSocket clients the gateway feeds from the stream.",
		func() float64 { return float64(s.Subscribers()) })
	m.CounterFunc("nipc_gateway_nats_slow_consumers_dropped_total", "WebSocket clients dropped because their event queue was full.",
		func() float64 { return float64(s.Dropped()) })
}

package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/nipc/nipc/internal/observe"
	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/ipc"
)

// Metrics is one process's instrumentation. The zero value is not usable;
// a nil *Metrics records nothing, so callers need not check.
type Metrics struct {
	reg          *prometheus.Registry
	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	accepted     *prometheus.CounterVec
	open         *prometheus.GaugeVec
	accessFailed prometheus.Counter
	reloads      *prometheus.CounterVec
	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	wsSessions   prometheus.Gauge

	// The vectors' children by label values (all bounded, see doc.go).
	requestsBy     *children[requestLabels, prometheus.Counter]
	durationBy     *children[durationLabels, prometheus.Observer]
	acceptedBy     *children[peer.Transport, prometheus.Counter]
	openBy         *children[peer.Transport, prometheus.Gauge]
	httpRequestsBy *children[[2]string, prometheus.Counter] // api, outcome
	httpDurationBy *children[string, prometheus.Observer]   // api
}

type requestLabels struct {
	transport, api, name string
	outcome              observe.Outcome
}

type durationLabels struct{ transport, api string }

// durationBuckets go from 10 µs (an in-process answer) to 1 s.
var durationBuckets = []float64{10e-6, 25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 10e-3, 50e-3, 250e-3, 1}

// New returns a Metrics with a fresh registry.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nipc_requests_total",
			Help: "Requests answered, by transport, API (legacy or v2), action or message name, and outcome (ok, error, denied).",
		}, []string{"transport", "api", "name", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "nipc_request_duration_seconds",
			Help:    "Time from a parsed request to its reply, by transport and API.",
			Buckets: durationBuckets,
		}, []string{"transport", "api"}),
		accepted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nipc_connections_accepted_total",
			Help: "IPC connections accepted, by transport.",
		}, []string{"transport"}),
		open: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "nipc_connections_open",
			Help: "IPC connections open, by transport.",
		}, []string{"transport"}),
		accessFailed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nipc_access_check_failures_total",
			Help: "IPC connections closed because the shared-secret access check failed or was not completed.",
		}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nipc_reloads_total",
			Help: "Configuration reloads (SIGHUP, nipc reload), by outcome (ok, error).",
		}, []string{"outcome"}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nipc_http_requests_total",
			Help: "HTTP gateway requests, by API (legacy, v2, or empty before the body was read) and outcome (ok, refused, node_unreachable, client_gone).",
		}, []string{"api", "outcome"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "nipc_http_request_duration_seconds",
			Help:    "HTTP gateway requests from their headers to the reply, by API.",
			Buckets: durationBuckets,
		}, []string{"api"}),
		wsSessions: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "nipc_websocket_sessions",
			Help: "WebSocket sessions open.",
		}),
	}
	m.requestsBy = newChildren(func(l requestLabels) prometheus.Counter {
		return m.requests.WithLabelValues(l.transport, l.api, l.name, l.outcome.String())
	})
	m.durationBy = newChildren(func(l durationLabels) prometheus.Observer {
		return m.duration.WithLabelValues(l.transport, l.api)
	})
	m.acceptedBy = newChildren(func(t peer.Transport) prometheus.Counter {
		return m.accepted.WithLabelValues(string(t))
	})
	m.openBy = newChildren(func(t peer.Transport) prometheus.Gauge {
		return m.open.WithLabelValues(string(t))
	})
	m.httpRequestsBy = newChildren(func(l [2]string) prometheus.Counter {
		return m.httpRequests.WithLabelValues(l[0], l[1])
	})
	m.httpDurationBy = newChildren(func(api string) prometheus.Observer {
		return m.httpDuration.WithLabelValues(api)
	})
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.duration, m.accepted, m.open, m.accessFailed, m.reloads,
		m.httpRequests, m.httpDuration, m.wsSessions,
	)
	return m
}

var _ observe.Observer = (*Metrics)(nil)

// Observe implements observe.Observer.
func (m *Metrics) Observe(ctx context.Context, api, name string, _ ipc.Encoding, outcome observe.Outcome, took time.Duration) {
	if m == nil {
		return
	}
	t := transportOf(ctx)
	m.requestsBy.get(requestLabels{t, api, name, outcome}).Inc()
	m.durationBy.get(durationLabels{t, api}).Observe(took.Seconds())
}

func transportOf(ctx context.Context) string {
	if p := peer.From(ctx); p != nil {
		return string(p.Transport)
	}
	return "unknown"
}

// ConnOpened counts a connection accepted on transport; ConnClosed its end.
func (m *Metrics) ConnOpened(transport peer.Transport) {
	if m == nil {
		return
	}
	m.acceptedBy.get(transport).Inc()
	m.openBy.get(transport).Inc()
}

// ConnClosed counts the end of a connection ConnOpened counted.
func (m *Metrics) ConnClosed(transport peer.Transport) {
	if m != nil {
		m.openBy.get(transport).Dec()
	}
}

// AccessCheckFailed counts a connection refused by the access check.
func (m *Metrics) AccessCheckFailed() {
	if m != nil {
		m.accessFailed.Inc()
	}
}

// Reloaded counts a reload and its outcome.
func (m *Metrics) Reloaded(err error) {
	if m == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.reloads.WithLabelValues(outcome).Inc()
}

// HTTPRequest counts one HTTP gateway request.
func (m *Metrics) HTTPRequest(api, outcome string, took time.Duration) {
	if m == nil {
		return
	}
	m.httpRequestsBy.get([2]string{api, outcome}).Inc()
	m.httpDurationBy.get(api).Observe(took.Seconds())
}

// WebSocketOpened and WebSocketClosed count WebSocket sessions.
func (m *Metrics) WebSocketOpened() {
	if m != nil {
		m.wsSessions.Inc()
	}
}

// WebSocketClosed counts the end of a session WebSocketOpened counted.
func (m *Metrics) WebSocketClosed() {
	if m != nil {
		m.wsSessions.Dec()
	}
}

// CounterFunc adds a counter read from f at each scrape (f must be
// monotonic, cheap and safe for concurrent use).
func (m *Metrics) CounterFunc(name, help string, f func() float64) {
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, f))
}

// GaugeFunc adds a gauge read from f at each scrape.
func (m *Metrics) GaugeFunc(name, help string, f func() float64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
}

// Handler serves /metrics and /healthz; healthy returns nil while the
// process serves, or why it does not.
func (m *Metrics) Handler(healthy func() error) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorLog: nil}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := healthy(); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(err.Error() + "\n"))
			return
		}
		w.Write([]byte("ok\n"))
	})
	return mux
}

package metrics_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nipc/nipc/internal/metrics"
	"github.com/nipc/nipc/internal/observe"
	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestExposition: what the process records is what a scrape reads, in the
// Prometheus text format, with nipc's names and labels.
func TestExposition(t *testing.T) {
	m := metrics.New()
	unix := peer.With(context.Background(), &peer.Peer{Transport: peer.Unix})
	gw := peer.With(context.Background(), &peer.Peer{Transport: peer.Gateway})
	m.Observe(unix, "legacy", "account_weight", ipc.EncodingJSON, observe.Answered, 30*time.Microsecond)
	m.Observe(unix, "legacy", "account_weight", ipc.EncodingJSON, observe.Answered, 40*time.Microsecond)
	m.Observe(gw, "v2", "ServiceStop", ipc.EncodingFlatbuffersJSON, observe.Denied, time.Millisecond)
	m.Observe(context.Background(), "legacy", observe.Unknown, ipc.EncodingJSON, observe.Failed, time.Millisecond)
	m.ConnOpened(peer.TCP)
	m.ConnOpened(peer.TCP)
	m.ConnClosed(peer.TCP)
	m.AccessCheckFailed()
	m.Reloaded(nil)
	m.Reloaded(errors.New("bad file"))
	m.Reloaded(errors.New("bad file"))
	m.CounterFunc("nipc_test_events_total", "Events.", func() float64 { return 7 })
	m.GaugeFunc("nipc_test_subscribers", "Subscribers.", func() float64 { return 3 })

	srv := httptest.NewServer(m.Handler(func() error { return nil }))
	defer srv.Close()
	status, body := testenv.HTTPGet(t, srv.URL+"/metrics")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{
		`nipc_requests_total{api="legacy",name="account_weight",outcome="ok",transport="unix"} 2`,
		`nipc_requests_total{api="v2",name="ServiceStop",outcome="denied",transport="gateway"} 1`,
		`nipc_requests_total{api="legacy",name="unknown",outcome="error",transport="unknown"} 1`,
		`nipc_request_duration_seconds_bucket{api="legacy",transport="unix",le="5e-05"} 2`,
		`nipc_request_duration_seconds_count{api="v2",transport="gateway"} 1`,
		`nipc_connections_accepted_total{transport="tcp"} 2`,
		`nipc_connections_open{transport="tcp"} 1`,
		`nipc_access_check_failures_total 1`,
		`nipc_reloads_total{outcome="ok"} 1`,
		`nipc_reloads_total{outcome="error"} 2`,
		`nipc_test_events_total 7`,
		`nipc_test_subscribers 3`,
		`go_goroutines `,
		`# TYPE nipc_requests_total counter`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the scrape lacks %s", want)
		}
	}
}

func TestHealth(t *testing.T) {
	var down error
	srv := httptest.NewServer(metrics.New().Handler(func() error { return down }))
	defer srv.Close()
	for _, tt := range []struct {
		down   error
		status int
		body   string
	}{
		{nil, http.StatusOK, "ok\n"},
		{errors.New("shutting down"), http.StatusServiceUnavailable, "shutting down\n"},
	} {
		down = tt.down
		if status, body := testenv.HTTPGet(t, srv.URL+"/healthz"); status != tt.status || body != tt.body {
			t.Errorf("healthz with %v: %d %q, want %d %q", tt.down, status, body, tt.status, tt.body)
		}
	}
	if status, _ := testenv.HTTPGet(t, srv.URL+"/other"); status != http.StatusNotFound {
		t.Errorf("/other: %d", status)
	}
}

// A nil *Metrics records nothing and does not panic, so that callers
// without metrics need no checks.
func TestNilMetrics(t *testing.T) {
	var m *metrics.Metrics
	m.Observe(context.Background(), "legacy", "x", ipc.EncodingJSON, observe.Answered, 0)
	m.ConnOpened(peer.TCP)
	m.ConnClosed(peer.TCP)
	m.AccessCheckFailed()
	m.Reloaded(nil)
}

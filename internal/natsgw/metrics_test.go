package natsgw_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/metrics"
	"github.com/nipc/nipc/internal/testenv"
)

// TestGatewayMetrics: a stateless gateway's /metrics has its connection,
// the stream's last confirmation sequence, the last one fanned out, the
// lag between them, its WebSocket clients and its slow-consumer drops.
func TestGatewayMetrics(t *testing.T) {
	s := testenv.NATS(t, t.TempDir(), 0)
	n := testenv.Start(t, testenv.Options{Access: access,
		Node: func(c *config.Node) { c.Node.NATS = natsConfig(s.ClientURL()) },
		RPC:  func(r *config.RPC) { r.EnableControl = true }})
	g := startGateway(t, s.ClientURL())
	m := metrics.New()
	g.svc.RegisterMetrics(m)
	srv := httptest.NewServer(m.Handler(func() error { return nil }))
	defer srv.Close()

	ws := dial(t, g.wsURL)
	ws.send(t, `{"action": "subscribe", "topic": "confirmation", "ack": true}`)
	ws.expect(t, `"ack": "subscribe"`)
	for i := range 3 {
		g.send(t, n.GenesisWallet.String(), i)
		ws.expect(t, `"topic": "confirmation"`)
	}
	want := []string{
		"nipc_nats_connected 1",
		"nipc_gateway_nats_stream_sequence 4", // the genesis and 3 sends
		"nipc_gateway_nats_offered_sequence 4",
		"nipc_gateway_nats_lag 0",
		"nipc_gateway_nats_subscribers 1",
		"nipc_gateway_nats_slow_consumers_dropped_total 0",
	}
	var body string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		resp, err := http.Get(srv.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body = string(b)
		missing := false
		for _, w := range want {
			missing = missing || !strings.Contains(body, "\n"+w+"\n")
		}
		if !missing {
			return
		}
		if time.Now().After(deadline) {
			break
		}
	}
	for _, w := range want {
		if !strings.Contains(body, "\n"+w+"\n") {
			t.Errorf("/metrics lacks %q", w)
		}
	}
}

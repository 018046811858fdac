package gateway_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nipc/nipc/internal/gateway"
	"github.com/nipc/nipc/internal/metrics"
)

// TestHTTPMetrics: each HTTP request is counted once by API and outcome,
// in process and as a separate gateway; a separate gateway whose node is
// down counts node_unreachable.
func TestHTTPMetrics(t *testing.T) {
	for _, m := range []mode{modes[0], modes[2]} {
		t.Run(m.name, func(t *testing.T) {
			reg := metrics.New()
			e := startEnv(t, m, envOptions{metrics: reg})
			e.post("/", `{"action": "block_count"}`, nil)
			e.post("/", `{"action": "block_count"}`, nil)
			e.post("/api/v2/IsAlive", `{}`, nil)
			e.post("/", strings.Repeat("[", 21), nil)
			e.post("/", `{"action": "stop"}`, nil)
			e.do("GET", "/", "", nil)
			want := []string{
				`nipc_http_requests_total{api="v2",outcome="ok"} 1`,
				`nipc_http_requests_total{api="",outcome="refused"} 2`,
			}
			if m.name == modes[0].name {
				// In process the node itself answers stop with its
				// refusal (and counts it as denied in nipc_requests_total).
				want = append(want, `nipc_http_requests_total{api="legacy",outcome="ok"} 3`,
					`nipc_http_request_duration_seconds_count{api="legacy"} 3`)
			} else {
				want = append(want, `nipc_http_requests_total{api="legacy",outcome="ok"} 2`,
					`nipc_http_requests_total{api="legacy",outcome="refused"} 1`,
					`nipc_http_request_duration_seconds_count{api="legacy"} 4`)
				e.node.RequestStop()
				err := <-e.node.Stopped
				e.node.Stopped <- err
				if r := e.post("/", `{"action": "block_count"}`, nil); !strings.Contains(r, gateway.TextConnectionFailed) && !strings.Contains(r, gateway.TextUnreachable) {
					t.Fatalf("with the node down: %s", r)
				}
				want = append(want, `nipc_http_requests_total{api="legacy",outcome="node_unreachable"} 1`)
			}
			body := scrapeMetrics(t, reg)
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("metrics lack %s", w)
				}
			}
		})
	}
}

func scrapeMetrics(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler(func() error { return nil }))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

package node_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
	"github.com/nipc/nipc/nano"
)

// TestMetrics: with [node.metrics] on, what clients do over each transport
// shows in /metrics, and /healthz says the node serves.
func TestMetrics(t *testing.T) {
	n := testenv.Start(t, testenv.Options{Node: func(c *config.Node) {
		c.Node.Metrics.Enable = true
		c.Node.Metrics.Port = 0 // a free port
	}})
	base := "http://" + n.MetricsAddr()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, tr := range testenv.Transports {
		cl := testenv.Dial(t, n, tr)
		for _, req := range []string{
			`{"action": "account_weight", "account": "` + nano.DevGenesisAccount + `"}`,
			`{"action": "account_weight", "account": "` + nano.DevGenesisAccount + `"}`,
			`{"action": "stop"}`,
			`{"action": "no_such_action"}`,
		} {
			if _, err := cl.Do(ctx, ipc.EncodingJSON, []byte(req)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := cl.Do(ctx, ipc.EncodingFlatbuffersJSON, []byte(`{"message_type": "BlockCount", "message": {}}`)); err != nil {
			t.Fatal(err)
		}
	}
	status, body := testenv.HTTPGet(t, base+"/metrics")
	if status != http.StatusOK {
		t.Fatalf("/metrics: %d", status)
	}
	for _, want := range []string{
		`nipc_requests_total{api="legacy",name="account_weight",outcome="ok",transport="tcp"} 2`,
		`nipc_requests_total{api="legacy",name="account_weight",outcome="ok",transport="unix"} 2`,
		`nipc_requests_total{api="legacy",name="stop",outcome="denied",transport="tcp"} 1`,
		`nipc_requests_total{api="legacy",name="unknown",outcome="error",transport="unix"} 1`,
		`nipc_requests_total{api="v2",name="BlockCount",outcome="denied",transport="unix"} 1`,
		`nipc_request_duration_seconds_count{api="legacy",transport="tcp"} 4`,
		`nipc_connections_accepted_total{transport="tcp"} 1`,
		`nipc_connections_accepted_total{transport="unix"} 1`,
		`nipc_connections_open{transport="unix"} 1`,
		`nipc_ledger_blocks 1`,
		`nipc_ledger_accounts 1`,
		`nipc_ledger_write_errors_total 0`,
		`nipc_broker_subscribers 0`,
		`process_resident_memory_bytes `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if status, body := testenv.HTTPGet(t, base+"/healthz"); status != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz: %d %q", status, body)
	}
	if err := n.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, body := testenv.HTTPGet(t, base+"/metrics"); !strings.Contains(body, `nipc_reloads_total{outcome="ok"} 1`) {
		t.Errorf("no reload counted:\n%s", grepLines(body, "nipc_reloads"))
	}
}

// Without [node.metrics] nothing listens.
func TestMetricsOff(t *testing.T) {
	n := testenv.Start(t, testenv.Options{})
	if a := n.MetricsAddr(); a != "" {
		t.Errorf("metrics listen on %s", a)
	}
}

func grepLines(body, prefix string) string {
	var out []string
	for l := range strings.Lines(body) {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}

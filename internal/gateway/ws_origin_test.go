package gateway_test

import (
	"net/http"
	neturl "net/url"
	"strings"
	"testing"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/gateway"
	"github.com/nipc/nipc/internal/service"
	"github.com/nipc/nipc/internal/testenv"
)

// TestWebSocketOrigins: node.websocket.allowed_origins decides which pages
// may open the WebSocket, on its own port and at /websocket alike; the
// gateway's own host always may.
func TestWebSocketOrigins(t *testing.T) {
	tests := []struct {
		name    string
		allowed []string // nil: the default
		ok, bad []string // origins accepted, refused
	}{
		{
			name: "default: loopback",
			ok:   []string{"http://localhost:3000", "http://127.0.0.1", "http://[::1]:8080", "https://LOCALHOST"},
			bad:  []string{"http://evil.example", "http://localhost.evil.example", "http://1:2", "null"},
		},
		{
			name:    "none",
			allowed: []string{},
			bad:     []string{"http://localhost:3000", "http://[::1]:8080", "http://app.example"},
		},
		{
			name:    "hosts and a wildcard",
			allowed: []string{"app.example", "*.example.org:8443", "https://secure.example"},
			ok:      []string{"http://app.example", "https://app.example", "https://a.b.example.org:8443", "https://secure.example"},
			bad:     []string{"http://app.example:8080", "https://example.org:8443", "https://a.example.org", "http://secure.example", "http://localhost:3000"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newStack(t, false)
			cfg := gateway.Config{RPC: config.DefaultRPC(), Backend: &service.Local{Legacy: s.legacy, V2: s.v2, Broker: s.broker}}
			cfg.WebSocket.AllowedOrigins = tt.allowed
			var base, wsURL string
			startServer(t, cfg, true, &base, &wsURL)
			host := strings.TrimPrefix(base, "http://")
			urls := []string{wsURL, "ws://" + host + "/websocket"}
			testenv.CheckOrigins(t, urls, tt.ok, tt.bad)
			for _, url := range urls {
				// A page of the gateway's own host.
				u, _ := neturl.Parse(url)
				if got := testenv.UpgradeStatus(t, url, "http://"+u.Host); got != http.StatusSwitchingProtocols {
					t.Errorf("%s, its own host: status %d", url, got)
				}
			}
		})
	}
}

// TestNewRefusesBadOrigin: a pattern built in code is checked as the
// config file's would be.
func TestNewRefusesBadOrigin(t *testing.T) {
	s := newStack(t, false)
	cfg := gateway.Config{RPC: config.DefaultRPC(), Backend: &service.Local{Legacy: s.legacy, V2: s.v2}}
	cfg.WebSocket.AllowedOrigins = []string{"localhost", "https://app.example/"}
	_, err := gateway.New(cfg)
	if err == nil || !strings.Contains(err.Error(), `node.websocket.allowed_origins: "https://app.example/" has a path`) {
		t.Errorf("New: %v", err)
	}
}

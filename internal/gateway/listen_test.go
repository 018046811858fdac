package gateway_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/gateway"
	"github.com/nipc/nipc/internal/service"
	"github.com/nipc/nipc/internal/testenv"
)

// uptimeBackend answers every legacy request with one reply.
type uptimeBackend struct{}

func (uptimeBackend) Handle(_ context.Context, req service.Request, dst []byte) ([]byte, error) {
	if !req.Legacy() {
		return dst, errors.ErrUnsupported
	}
	return append(dst, "{\n    \"seconds\": \"1\"\n}\n"...), nil
}

func (uptimeBackend) EnforcesControl() bool { return false }

func (uptimeBackend) Subscribe(context.Context, service.SubscribeRequest, broker.Subscriber) (service.Subscription, error) {
	return nil, service.ErrNoSubscriptions
}

// TestListenGiven: listeners passed to Listen (systemd socket activation)
// are served in place of the configured addresses, even for a role the
// configuration leaves off, and a Unix socket serves HTTP.
func TestListenGiven(t *testing.T) {
	for _, tc := range []struct {
		name      string
		http      string // "unix", "tcp" (passed in) or "" (configured)
		ws        bool   // pass a WebSocket listener in
		config    func(*gateway.Config)
		wantWSOff bool
	}{
		{"http on a Unix socket, configured off", "unix", false, func(c *gateway.Config) { c.DisableHTTP = true }, true},
		{"both passed, both configured off", "tcp", true, func(c *gateway.Config) { c.DisableHTTP = true }, false},
		{"websocket passed, http configured", "", true, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := gateway.Config{RPC: config.DefaultRPC(), Backend: uptimeBackend{}}
			free := mustListen(t, "tcp", "127.0.0.1:0")
			free.Close()
			cfg.RPC.Port = free.Addr().(*net.TCPAddr).Port
			if tc.config != nil {
				tc.config(&cfg)
			}
			var given gateway.Listeners
			dial, host := (&net.Dialer{}).DialContext, ""
			switch tc.http {
			case "unix":
				path := filepath.Join(testenv.TempDir(t), "http.sock")
				given.HTTP = mustListen(t, "unix", path)
				dial = func(ctx context.Context, _, _ string) (net.Conn, error) {
					return (&net.Dialer{}).DialContext(ctx, "unix", path)
				}
				host = "gateway"
			case "tcp":
				given.HTTP = mustListen(t, "tcp", "127.0.0.1:0")
			}
			if tc.ws {
				given.WebSocket = mustListen(t, "tcp", "127.0.0.1:0")
			}
			s, err := gateway.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Listen(given); err != nil {
				t.Fatal(err)
			}
			served := make(chan error, 1)
			go func() { served <- s.ListenAndServe() }()
			if given.HTTP != nil && s.Addr() != given.HTTP.Addr() {
				t.Errorf("Addr %v, want the passed listener's %v", s.Addr(), given.HTTP.Addr())
			}
			if ws := s.WebSocketAddr(); tc.wantWSOff != (ws == nil) || given.WebSocket != nil && ws != given.WebSocket.Addr() {
				t.Errorf("WebSocketAddr %v", ws)
			}
			tr := &http.Transport{DialContext: dial}
			defer tr.CloseIdleConnections()
			if host == "" {
				host = s.Addr().String()
			}
			resp, err := (&http.Client{Transport: tr}).Post("http://"+host+"/", "application/json", strings.NewReader(`{"action": "uptime"}`))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !strings.Contains(string(body), `"seconds": "1"`) {
				t.Errorf("reply %s", body)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := s.Shutdown(ctx); err != nil {
				t.Fatal(err)
			}
			if err := <-served; !errors.Is(err, gateway.ErrServerClosed) {
				t.Fatalf("ListenAndServe: %v", err)
			}
		})
	}
}

// TestListenFailureClosesGiven: when a configured address cannot be bound,
// the listeners passed in are closed, and so is one bound before.
func TestListenFailureClosesGiven(t *testing.T) {
	busy := mustListen(t, "tcp", "127.0.0.1:0")
	for _, tc := range []struct {
		name   string
		config func(*gateway.Config)
		pass   func(l net.Listener) gateway.Listeners
	}{
		{"websocket port in use", func(c *gateway.Config) {
			c.WebSocket.Enable, c.WebSocket.Address, c.WebSocket.Port = true, "127.0.0.1", busy.Addr().(*net.TCPAddr).Port
		}, func(l net.Listener) gateway.Listeners { return gateway.Listeners{HTTP: l} }},
		{"http port in use", func(c *gateway.Config) {
			c.RPC.Port = busy.Addr().(*net.TCPAddr).Port
		}, func(l net.Listener) gateway.Listeners { return gateway.Listeners{WebSocket: l} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := gateway.Config{RPC: config.DefaultRPC(), Backend: uptimeBackend{}}
			tc.config(&cfg)
			s, err := gateway.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			l := mustListen(t, "tcp", "127.0.0.1:0")
			if err := s.Listen(tc.pass(l)); err == nil || !strings.Contains(err.Error(), "address already in use") {
				t.Fatalf("Listen: %v", err)
			}
			if _, err := l.Accept(); !errors.Is(err, net.ErrClosed) {
				t.Errorf("passed-in listener still open: %v", err)
			}
		})
	}
}

func mustListen(t *testing.T, network, addr string) net.Listener {
	t.Helper()
	l, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

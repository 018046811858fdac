package gateway_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/gateway"
	"github.com/nipc/nipc/nano"
)

// TestHostCheck: both ports serve loopback names and addresses and the
// allowed_hosts names; any other Host (a page reaching the port under a
// name of its own: DNS rebinding) gets 421, the WebSocket upgrade too.
func TestHostCheck(t *testing.T) {
	hosts := []struct {
		host string
		ok   bool
	}{
		{"127.0.0.1:7076", true},
		{"localhost:7076", true},
		{"LOCALHOST", true},
		{"[::1]:7076", true},
		{"127.0.0.2", true},
		{"node.lan:7076", true},
		{"NODE.LAN", true},
		{"a.box.example:8080", true},
		{"attacker.example:7076", false},
		{"attacker.example", false},
		{"localhost.attacker.example", false},
		{"node.lan.attacker.example", false},
		{"box.example", false},
		{"10.1.2.3:7076", false},
	}
	for _, m := range []mode{modes[0], modes[1], modes[2]} {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, m, envOptions{rpc: func(r *config.RPC) { r.AllowedHosts = []string{"node.lan", "*.box.example"} }})
			wsBase := "http://" + strings.TrimPrefix(e.wsURL, "ws://")
			for _, h := range hosts {
				for _, port := range []struct {
					name, method, url, body string
					status                  int
				}{
					{"http", "POST", e.base + "/", `{"action": "block_count"}`, http.StatusOK},
					{"ws", "GET", wsBase + "/", "", http.StatusUpgradeRequired},
				} {
					req, _ := http.NewRequest(port.method, port.url, strings.NewReader(port.body))
					req.Host = h.host
					status, reply := do(t, e.http, req)
					want := port.status
					if !h.ok {
						want = http.StatusMisdirectedRequest
					}
					if status != want {
						t.Errorf("%s, Host %s: status %d, want %d (%q)", port.name, h.host, status, want, reply)
					}
					if !h.ok && !strings.Contains(reply, `Host "`+h.host+`" is not served here`) {
						t.Errorf("%s, Host %s: %q", port.name, h.host, reply)
					}
				}
			}
			// A rebound page opening the WebSocket: its Origin is its Host,
			// which the origin check alone would let through.
			for _, url := range []string{e.base + "/websocket", wsBase + "/"} {
				for _, h := range []struct {
					host   string
					status int
				}{
					{"attacker.example:7078", http.StatusMisdirectedRequest},
					{"127.0.0.1:7078", http.StatusSwitchingProtocols},
				} {
					req, _ := http.NewRequest("GET", url, nil)
					req.Host = h.host
					req.Header.Set("Origin", "http://"+h.host)
					req.Header.Set("Connection", "Upgrade")
					req.Header.Set("Upgrade", "websocket")
					req.Header.Set("Sec-WebSocket-Version", "13")
					req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
					if status, _ := do(t, e.http, req); status != h.status {
						t.Errorf("upgrade at %s, Host %s: status %d, want %d", url, h.host, status, h.status)
					}
				}
			}
		})
	}
}

// do sends req and returns the status and body (a 101's body is closed
// unread).
func do(t *testing.T, c *http.Client, req *http.Request) (int, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusSwitchingProtocols {
		return resp.StatusCode, ""
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestForeignOrigin: a page whose Origin allowed_origins does not list
// may read (with Access-Control-Allow-Origin: *) but call no control
// action, and on v2 acts as the default user whatever its credentials;
// programs (no Origin), allowed pages and the gateway's own host are not
// affected. In-process and in a separate gateway, whose node would allow
// control (enable_control on both).
func TestForeignOrigin(t *testing.T) {
	evil := map[string]string{"Origin": "http://evil.example"}
	weigh := `{"account": "` + nano.DevGenesisAccount + `"}`
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, m, envOptions{enableControl: true})
			own := map[string]string{"Origin": strings.Replace(e.base, "https://", "http://", 1)}
			if m.tls {
				own["Origin"] = e.base
			}
			for _, action := range []string{`{"action": "wallet_create"}`, `{"action": "stop"}`, `{"action": "stats", "type": "objects"}`,
				`{"action": "send", "wallet": "` + e.genesis + `", "source": "` + nano.DevGenesisAccount + `", "destination": "` + account(7) + `", "amount": "1"}`} {
				if got := e.post("/", action, evil); got != legacyErr(gateway.TextForeignOrigin) {
					t.Errorf("%s from a foreign page: %q", action, got)
				}
			}
			// By default only the gateway's own pages are not foreign: a
			// page of another local server (a dev server on :3000) is.
			for _, o := range []string{"null", "http://localhost:3000", "http://[::1]"} {
				if got := e.post("/", `{"action": "wallet_create"}`, map[string]string{"Origin": o}); got != legacyErr(gateway.TextForeignOrigin) {
					t.Errorf("wallet_create from Origin %s: %q", o, got)
				}
			}
			for _, h := range []map[string]string{nil, own} {
				if got := e.post("/", `{"action": "wallet_create"}`, h); !strings.Contains(got, `"wallet"`) {
					t.Errorf("wallet_create with %v: %q", h, got)
				}
			}
			// allowed_origins lets a listed page in.
			listed := startEnv(t, m, envOptions{enableControl: true, rpc: func(r *config.RPC) { r.AllowedOrigins = []string{"localhost:3000"} }})
			if got := listed.post("/", `{"action": "wallet_create"}`, map[string]string{"Origin": "http://localhost:3000"}); !strings.Contains(got, `"wallet"`) {
				t.Errorf("wallet_create from a listed page: %q", got)
			}
			if got := listed.post("/", `{"action": "wallet_create"}`, map[string]string{"Origin": "http://localhost:3001"}); got != legacyErr(gateway.TextForeignOrigin) {
				t.Errorf("wallet_create from a page not listed: %q", got)
			}
			status, hdr, got := e.do("POST", "/", `{"action": "block_count"}`, evil)
			if status != http.StatusOK || !strings.Contains(got, `"count"`) || hdr.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("block_count from a foreign page: %d %q, ACAO %q", status, got, hdr.Get("Access-Control-Allow-Origin"))
			}

			counter := map[string]string{"Nano-Api-Key": "counter"}
			evilCounter := map[string]string{"Nano-Api-Key": "counter", "Origin": "http://evil.example"}
			envelope := `{"credentials": "counter", "correlation_id": "c9", "message_type": "BlockCount", "message": {}}`
			// Over 64 KiB: scanned before it is built.
			large := `{"x": "` + strings.Repeat("a", 80<<10) + `", "credentials": "counter", "message_type": "BlockCount", "message": {}}`
			v2 := []struct {
				name, path, body string
				header           map[string]string
				want             string
			}{
				{"counter", "/api/v2/BlockCount", "{}", counter, `"message_type": "BlockCountResponse"`},
				{"counter, foreign page", "/api/v2/BlockCount", "{}", evilCounter, `"message": "Access denied"`},
				{"envelope", "/api/v2", envelope, nil, `"message_type": "BlockCountResponse"`},
				{"envelope, foreign page", "/api/v2", envelope, evil, `"message": "Access denied"`},
				{"envelope, foreign page, correlation kept", "/api/v2", envelope, evil, `"correlation_id": "c9"`},
				{"default user's message, foreign page", "/api/v2/AccountWeight", weigh, evilCounter, `"message_type": "AccountWeightResponse"`},
				{"unparsable envelope, foreign page", "/api/v2", `{"message_type": "BlockCount", "message": {`, evil, `"message_type": "Error"`},
				{"single-quoted credentials, foreign page", "/api/v2", `{'credentials': 'counter', "message_type": "BlockCount", "message": {}}`, evil, `"message": "Access denied"`},
				{"large envelope", "/api/v2", large, nil, `"message_type": "BlockCountResponse"`},
				{"large envelope, foreign page", "/api/v2", large, evil, `"message": "Access denied"`},
			}
			for _, tt := range v2 {
				if got := e.post(tt.path, tt.body, tt.header); !strings.Contains(got, tt.want) {
					t.Errorf("v2 %s: %q, want %s", tt.name, got, tt.want)
				}
			}
			if e.stack != nil {
				select {
				case <-e.stack.stopped:
					t.Error("a foreign page stopped the node")
				default:
				}
			}
		})
	}
}

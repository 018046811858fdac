package gateway_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/gateway"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/internal/service"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
	"github.com/nipc/nipc/nano"
)

const genesisWeight = "340282366920938463463374607431768211455"

// TestHTTP is spec §11.3 tests 36-41 (adapted to nipc's deviations) in
// every mode: in-process and over IPC, HTTP and HTTPS.
// replyHeaders are on every HTTP reply (spec §8.3), with nipc's two
// headers in the CORS list.
var replyHeaders = map[string]string{
	"Allow":                        "POST, OPTIONS",
	"Content-Type":                 "application/json",
	"Access-Control-Allow-Origin":  "*",
	"Access-Control-Allow-Methods": "POST, OPTIONS",
	"Access-Control-Allow-Headers": "Accept, Accept-Language, Content-Language, Content-Type, Nano-Api-Key, Nano-Correlation-Id",
}

// manyAccounts lists 30 accounts: their balances make a reply of over 2 KB.
var manyAccounts = func() string {
	var list []string
	for i := range 30 {
		list = append(list, `"`+nano.PublicKey{byte(i)}.Account()+`"`)
	}
	return strings.Join(list, ", ")
}()

func TestHTTP(t *testing.T) {
	weigh := `{"account": "` + nano.DevGenesisAccount + `"}`
	tests := []struct {
		name   string
		method string
		path   string
		body   string
		header map[string]string
		// want is the exact reply, or (with contains) substrings of it.
		want     string
		contains []string
	}{
		{name: "AccountWeight with headers", method: "POST", path: "/api/v2/AccountWeight", body: weigh,
			header:   map[string]string{"Nano-Correlation-Id": "c1"},
			contains: []string{`"correlation_id": "c1"`, `"message_type": "AccountWeightResponse"`, `"voting_weight": "` + genesisWeight + `"`}},
		{name: "AccountWeight with a known key", method: "POST", path: "/api/v2/AccountWeight", body: weigh,
			header:   map[string]string{"Nano-Api-Key": "weigher"},
			contains: []string{`"message_type": "AccountWeightResponse"`}},
		{name: "unknown key is denied", method: "POST", path: "/api/v2/AccountWeight", body: weigh,
			header:   map[string]string{"Nano-Api-Key": "nobody", "Nano-Correlation-Id": "c2"},
			contains: []string{`"correlation_id": "c2"`, `"message_type": "Error"`, `"code": 3`, `"message": "Access denied"`}},
		{name: "injected key stays data", method: "POST", path: "/api/v2/AccountWeight", body: weigh,
			header:   map[string]string{"Nano-Api-Key": `a", "message_type": "ServiceStop`},
			contains: []string{`"message_type": "Error"`, `"code": 3`, `"message": "Access denied"`}},
		{name: "injected correlation id stays data", method: "POST", path: "/api/v2/IsAlive", body: `{}`,
			header:   map[string]string{"Nano-Correlation-Id": `x", "credentials": "watcher`},
			contains: []string{`"correlation_id": "x\", \"credentials\": \"watcher"`, `"message_type": "IsAlive"`}},
		{name: "full envelope ignores the headers", method: "POST", path: "/api/v2",
			body:     `{"correlation_id": "e1", "message_type": "AccountWeight", "message": ` + weigh + `}`,
			header:   map[string]string{"Nano-Api-Key": "nobody", "Nano-Correlation-Id": "ignored"},
			contains: []string{`"correlation_id": "e1"`, `"message_type": "AccountWeightResponse"`}},
		{name: "full envelope with a trailing slash", method: "POST", path: "/api/v2/",
			body:     `{"message_type": "IsAlive", "message": {}}`,
			contains: []string{`"message_type": "IsAlive"`}},
		{name: "IsAlive with an empty body", method: "POST", path: "/api/v2/IsAlive",
			want: `{"message_type": "Error", "message": {"code": 1, "message": "Invalid message format: 1: 40: error: expecting: { instead got: }"}}`},
		{name: "name with a trailing slash", method: "POST", path: "/api/v2/AccountWeight/", body: weigh,
			contains: []string{`unknown enum value: AccountWeight/`}},
		{name: "GET", method: "GET", path: "/", want: legacyErr("Can only POST requests")},
		{name: "PUT on v2", method: "PUT", path: "/api/v2/IsAlive", body: "{}", want: legacyErr("Can only POST requests")},
		{name: "OPTIONS", method: "OPTIONS", path: "/api/v2/IsAlive", want: ""},
		{name: "21 brackets", method: "POST", path: "/", body: strings.Repeat("[", 21), want: legacyErr("Max JSON depth exceeded")},
		{name: "21 brackets in a string", method: "POST", path: "/api/v2/IsAlive", body: `{"x": "` + strings.Repeat("{", 20) + `"}`, want: legacyErr("Max JSON depth exceeded")},
		{name: "20 brackets pass the budget", method: "POST", path: "/", body: strings.Repeat("[", 20), want: legacyErr("Unable to parse JSON")},
		{name: "body over max_request_size", method: "POST", path: "/", body: `{"action": "version", "pad": "` + strings.Repeat("x", 5000) + `"}`,
			want: legacyErr("Invalid header: body limit exceeded")},
		{name: "legacy block_count", method: "POST", path: "/", body: `{"action": "block_count"}`,
			want: "{\n    \"count\": \"1\",\n    \"unchecked\": \"0\",\n    \"cemented\": \"1\"\n}\n"},
		{name: "legacy reply over net/http's buffer", method: "POST", path: "/", body: `{"action": "accounts_balances", "accounts": [` + manyAccounts + `]}`,
			contains: []string{`"balances": {`, `"` + nano.PublicKey{29}.Account() + `": {`}},
		{name: "legacy not JSON", method: "POST", path: "/", body: `not json`, want: legacyErr("Unable to parse JSON")},
		{name: "legacy without action", method: "POST", path: "/", body: `{}`, want: legacyErr("Unable to parse JSON")},
		{name: "legacy unknown action", method: "POST", path: "/anything", body: `{"action": "bogus"}`, want: legacyErr("Unknown command")},
		{name: "stop without control", method: "POST", path: "/", body: `{"action": "stop"}`, want: legacyErr("RPC control is disabled")},
		{name: "stats objects without control", method: "POST", path: "/", body: `{"action": "stats", "type": "objects"}`, want: legacyErr("RPC control is disabled")},
		{name: "process force without control", method: "POST", path: "/", body: `{"action": "process", "force": "true", "block": "{}"}`, want: legacyErr("RPC control is disabled")},
		{name: "send without control", method: "POST", path: "/", body: `{"action": "send"}`, want: legacyErr("RPC control is disabled")},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, m, envOptions{rpc: func(r *config.RPC) { r.MaxRequestSize = 4096 }})
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					status, h, reply := e.do(tt.method, tt.path, tt.body, tt.header)
					if status != http.StatusOK {
						t.Errorf("status %d", status)
					}
					for k, v := range replyHeaders {
						if got := h.Get(k); got != v {
							t.Errorf("header %s = %q, want %q", k, got, v)
						}
					}
					if got := h.Get("Content-Length"); got != strconv.Itoa(len(reply)) {
						t.Errorf("Content-Length %q for a reply of %d bytes", got, len(reply))
					}
					if tt.contains == nil {
						if reply != tt.want {
							t.Errorf("reply\n%q\nwant\n%q", reply, tt.want)
						}
						return
					}
					for _, c := range tt.contains {
						if !strings.Contains(reply, c) {
							t.Errorf("reply lacks %s:\n%s", c, reply)
						}
					}
				})
			}
		})
	}
}

// TestSameBytesAsEncoding4: a request gives the same bytes through the
// gateway as over the IPC port (encodings 1 and 4), times aside.
func TestSameBytesAsEncoding4(t *testing.T) {
	weigh := `{"account": "` + nano.DevGenesisAccount + `"}`
	v2 := []struct{ path, body, envelope string }{
		{"/api/v2/AccountWeight", weigh, `{"message_type": "AccountWeight", "message": ` + weigh + `}`},
		{"/api/v2/IsAlive", `{}`, `{"message_type": "IsAlive", "message": {}}`},
		{"/api/v2", `{"credentials": "nobody", "correlation_id": "z", "message_type": "AccountWeight", "message": ` + weigh + `}`, ""},
		{"/api/v2", `{"message_type": "Bogus", "message": {}}`, ""},
		{"/api/v2/AccountWeight", `{}`, `{"message_type": "AccountWeight", "message": {}}`},
		{"/api/v2/BlockCount", `{}`, `{"message_type": "BlockCount", "message": {}}`},
	}
	legacy := []string{`{"action": "block_count"}`, `{"action": "account_weight", "account": "` + nano.DevGenesisAccount + `"}`, `{"action": "bogus"}`}
	for _, m := range []mode{modes[0], modes[2]} {
		t.Run(m.name, func(t *testing.T) {
			e := startEnv(t, m, envOptions{})
			for _, c := range v2 {
				env := c.envelope
				if env == "" {
					env = c.body
				}
				got, want := e.post(c.path, c.body, nil), e.direct(ipc.EncodingFlatbuffersJSON, env)
				if normTime(got) != normTime(want) {
					t.Errorf("%s %s:\ngateway %q\nIPC     %q", c.path, c.body, got, want)
				}
			}
			for _, body := range legacy {
				if got, want := e.post("/", body, nil), e.direct(ipc.EncodingJSON, body); got != want {
					t.Errorf("%s:\ngateway %q\nIPC     %q", body, got, want)
				}
			}
		})
	}
}

// TestChunkedBodyLimit: a body without Content-Length is cut at
// max_request_size too.
func TestChunkedBodyLimit(t *testing.T) {
	e := startEnv(t, modes[0], envOptions{rpc: func(r *config.RPC) { r.MaxRequestSize = 1024 }})
	body := io.MultiReader(strings.NewReader(`{"action": "version", "pad": "`), strings.NewReader(strings.Repeat("x", 4096)+`"}`))
	resp, err := e.http.Post(e.base+"/", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if string(b) != legacyErr(gateway.TextBodyLimit) {
		t.Errorf("reply %q", b)
	}
}

// recorder is a service double that remembers what it was asked.
type recorder struct {
	mu     sync.Mutex
	legacy []string
	v2     []string
}

func (r *recorder) Handle(_ context.Context, req service.Request, dst []byte) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if req.Legacy() {
		body := req.Body
		if body == nil {
			body = ptree.AppendCompact(nil, req.Tree)
		}
		r.legacy = append(r.legacy, string(body))
		return append(dst, "{\n    \"ok\": \"\"\n}\n"...), nil
	}
	r.v2 = append(r.v2, string(req.Body))
	return append(dst, "{}\n"...), nil
}

// EnforcesControl: like the IPC service, the recorder leaves enable_control
// to the HTTP layer.
func (r *recorder) EnforcesControl() bool { return false }

func (*recorder) Subscribe(context.Context, service.SubscribeRequest, broker.Subscriber) (service.Subscription, error) {
	return nil, service.ErrNoSubscriptions
}

// TestForwarding checks what the HTTP layer hands to a backend that does not
// enforce enable_control itself (as over IPC): the envelope laid out byte
// for byte, escaped header values, a send given an id, control refused.
func TestForwarding(t *testing.T) {
	for _, control := range []bool{false, true} {
		rec := &recorder{}
		rc := config.DefaultRPC()
		rc.EnableControl = control
		var base, ws string
		startServer(t, gateway.Config{RPC: rc, Backend: rec}, false, &base, &ws)
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		hc := &http.Client{Transport: tr}
		post := func(path, body string, h map[string]string) string {
			req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
			for k, v := range h {
				req.Header.Set(k, v)
			}
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return string(b)
		}
		post("/api/v2/AccountWeight", `{"account": "x"}`, map[string]string{"Nano-Api-Key": "k\"ey\\", "Nano-Correlation-Id": "c\tx"})
		post("/api/v2/IsAlive", `{}`, nil)
		post("/api/v2", `{"message_type": "IsAlive", "message": {}}`, map[string]string{"Nano-Api-Key": "ignored"})
		wantV2 := []string{
			`{"credentials": "k\"ey\\", "correlation_id": "c\u0009x", "message_type": "AccountWeight", "message": {"account": "x"}}`,
			`{"message_type": "IsAlive", "message": {}}`,
			`{"message_type": "IsAlive", "message": {}}`,
		}
		if strings.Join(rec.v2, "\n") != strings.Join(wantV2, "\n") {
			t.Errorf("v2 forwarded:\n%s\nwant:\n%s", strings.Join(rec.v2, "\n"), strings.Join(wantV2, "\n"))
		}

		reply := post("/", `{"action": "send", "wallet": "w", "amount": 5}`, nil)
		post("/", `{"action": "send", "id": "mine"}`, nil)
		post("/", `{"action": "stop"}`, nil)
		if !control {
			if reply != legacyErr("RPC control is disabled") || len(rec.legacy) != 0 {
				t.Errorf("control off: reply %q, forwarded %q", reply, rec.legacy)
			}
			continue
		}
		if len(rec.legacy) != 3 {
			t.Fatalf("forwarded %q", rec.legacy)
		}
		first := rec.legacy[0]
		if !strings.HasPrefix(first, `{"action":"send","wallet":"w","amount":"5","id":"`) || len(first) != len(`{"action":"send","wallet":"w","amount":"5","id":""}`)+32+1 {
			t.Errorf("send forwarded as %q", first)
		}
		if rec.legacy[1] != `{"action": "send", "id": "mine"}` {
			t.Errorf("send with id forwarded as %q", rec.legacy[1])
		}
	}
}

// TestIdempotentSend: the id the gateway adds makes the node treat a
// repeated send as new (different ids), while a client id repeats the
// first block.
func TestIdempotentSend(t *testing.T) {
	for _, m := range []mode{modes[0], modes[2]} {
		t.Run(m.name, func(t *testing.T) {
			e := startEnv(t, m, envOptions{enableControl: true})
			to := account(1)
			a, b := e.sendOne(to), e.sendOne(to)
			if a == b {
				t.Errorf("two sends without id made one block %s", a)
			}
			body := `{"action": "send", "id": "fixed", "wallet": "` + e.genesis + `", "source": "` + nano.DevGenesisAccount + `", "destination": "` + to + `", "amount": "1"}`
			if x, y := e.post("/", body, nil), e.post("/", body, nil); x != y {
				t.Errorf("repeated send with an id: %s then %s", x, y)
			}
		})
	}
}

// TestKeepAlive: many requests share one connection.
func TestKeepAlive(t *testing.T) {
	e := startEnv(t, modes[0], envOptions{})
	conns := map[string]bool{}
	for range 5 {
		req, _ := http.NewRequest("POST", e.base+"/", strings.NewReader(`{"action": "version"}`))
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
			GotConn: func(i httptrace.GotConnInfo) { conns[i.Conn.LocalAddr().String()] = true },
		}))
		resp, err := e.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.Close {
			t.Errorf("server asked to close the connection")
		}
	}
	if len(conns) != 1 {
		t.Errorf("5 requests used %d connections", len(conns))
	}
}

// TestNodeRestart: a gateway in its own process answers with the node's
// error text while the node is down and normally once it is back, and its
// WebSocket subscriber gets events again.
func TestNodeRestart(t *testing.T) {
	e := startEnv(t, modes[2], envOptions{enableControl: true, events: true})
	ws := e.dialWS(t, e.wsURL, nil)
	ws.send(`{"action": "subscribe", "topic": "confirmation", "ack": true}`)
	ws.expect(`"ack": "subscribe"`)
	e.sendOne(account(2))
	ws.expect(`"topic": "confirmation"`)

	weigh := `{"account": "` + nano.DevGenesisAccount + `"}`
	if r := e.post("/api/v2/AccountWeight", weigh, nil); !strings.Contains(r, "AccountWeightResponse") {
		t.Fatalf("before: %s", r)
	}
	e.node.RequestStop()
	err := <-e.node.Stopped
	e.node.Stopped <- err
	for _, c := range []struct{ path, body string }{{"/", `{"action": "block_count"}`}, {"/api/v2/AccountWeight", weigh}} {
		r := e.post(c.path, c.body, nil)
		if !strings.Contains(r, gateway.TextUnreachable) && !strings.Contains(r, gateway.TextConnectionFailed) {
			t.Errorf("%s while the node is down: %s", c.path, r)
		}
	}
	// The same data directory, so the same socket path.
	n2 := testenvRestart(t, e)
	e.node = n2
	e.awaitNode(t)
	if r := e.post("/api/v2/AccountWeight", weigh, nil); !strings.Contains(r, "AccountWeightResponse") {
		t.Errorf("after: %s", r)
	}
	// The relay subscribes again; a block confirmed after that arrives.
	deadline := time.Now().Add(10 * time.Second)
	for {
		e.sendOne(account(3))
		if ws.maybe(`"topic": "confirmation"`, 500*time.Millisecond) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no event after the node restarted")
		}
	}
}

// TestTwoGateways: two gateway processes share one node.
func TestTwoGateways(t *testing.T) {
	e := startEnv(t, modes[2], envOptions{})
	b2 := gateway.NewIPC(gateway.IPCOptions{Client: client.Config{Addr: "127.0.0.1", Port: tcpPort(t, e.node.TCPAddr()), PoolSize: 2}})
	defer b2.Close()
	var base2, ws2 string
	startServer(t, gateway.Config{RPC: config.DefaultRPC(), Backend: b2}, false, &base2, &ws2)
	e2 := *e
	e2.base = base2
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := e
			if i%2 == 1 {
				g = &e2
			}
			status, _, r := g.do("POST", "/", `{"action": "block_count"}`, nil)
			if status != 200 || !strings.Contains(r, `"count": "1"`) {
				t.Errorf("gateway %d: %d %s", i%2+1, status, r)
			}
		}()
	}
	wg.Wait()
}

func tcpPort(t testing.TB, addr string) int {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for _, c := range p {
		n = n*10 + int(c-'0')
	}
	return n
}

// TestSubscriptionOverHTTP: a v2 subscription through the gateway is refused
// in-process and, over IPC, does not leave events on a pooled connection.
func TestSubscriptionOverHTTP(t *testing.T) {
	// Every way of naming a subscription message: by name or by union id
	// (number, quoted number, hex: flatbuffers JSON takes them all), in the
	// path or in a full envelope. None may leave the node pushing events on
	// a pooled connection. (An escaped name is refused, as by flatc.)
	subscriptions := []struct{ path, body string }{
		{"/api/v2/TopicConfirmation", `{}`},
		{"/api/v2/8", `{}`},
		{"/api/v2", `{"message_type": "TopicConfirmation", "message": {}}`},
		{"/api/v2", `{"message_type": 8, "message": {}}`},
		{"/api/v2", `{"message_type": "8", "message": {}}`},
		{"/api/v2", `{"message_type": 0x8, "message": {}}`},
		{"/api/v2", `{"message_type": "TopicConfirmation", "message": {}, "zzz": 1}`},
		{"/api/v2/TopicConfirmation", `{"zzz": 1}`},
	}
	for _, m := range []mode{modes[0], modes[2]} {
		t.Run(m.name, func(t *testing.T) {
			e := startEnv(t, m, envOptions{enableControl: true})
			for i, sub := range subscriptions {
				r := e.post(sub.path, sub.body, nil)
				if m.ipc && !strings.Contains(r, `"EventAck"`) || !m.ipc && !strings.Contains(r, "Subscriptions need a persistent IPC connection") {
					t.Errorf("%s %s: %s", sub.path, sub.body, r)
				}
				e.sendOne(account(byte(4 + i)))
				want := fmt.Sprintf(`"count": "%d"`, 2+i)
				for range 8 {
					if r := e.post("/", `{"action": "block_count"}`, nil); !strings.Contains(r, want) {
						t.Fatalf("after %s %s a later request got %s", sub.path, sub.body, r)
					}
				}
			}
			// An envelope the gateway cannot parse goes alone too: the
			// node answers it, and later requests get their own replies.
			if r := e.post("/api/v2", `{"message_type": "TopicConfirmation", "message": {}`, nil); !strings.Contains(r, "Invalid message format") {
				t.Errorf("a truncated envelope: %s", r)
			}
			if r := e.post("/", `{"action": "block_count"}`, nil); !strings.Contains(r, `"count"`) {
				t.Errorf("after a truncated envelope: %s", r)
			}
		})
	}
}

// TestTLSReload: Reload swaps the certificate for new connections while an
// open keep-alive connection keeps working; a bad file keeps the old one.
func TestTLSReload(t *testing.T) {
	e := startEnv(t, modes[1], envOptions{})
	dir := testenv.TempDir(t)
	b := newTestCert(t, dir, "server-b", 2)
	e.pool.AddCert(b.cert)

	serial := func(hc *http.Client) (string, bool) {
		var reused bool
		req, _ := http.NewRequest("POST", e.base+"/", strings.NewReader(`{"action": "version"}`))
		req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
			GotConn: func(i httptrace.GotConnInfo) { reused = i.Reused },
		}))
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if !strings.Contains(string(b), "rpc_version") {
			t.Fatalf("reply %s", b)
		}
		return resp.TLS.PeerCertificates[0].SerialNumber.String(), reused
	}
	fresh := func() *http.Client {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: e.pool}}
		t.Cleanup(tr.CloseIdleConnections)
		return &http.Client{Transport: tr}
	}
	if s, _ := serial(e.http); s != "1" {
		t.Fatalf("serial %s", s)
	}
	copyFile(t, b.certFile, e.cert.certFile)
	copyFile(t, b.keyFile, e.cert.keyFile)
	if err := e.srv.Reload(); err != nil {
		t.Fatal(err)
	}
	if s, reused := serial(e.http); s != "1" || !reused {
		t.Errorf("open connection after reload: serial %s reused %v", s, reused)
	}
	if s, _ := serial(fresh()); s != "2" {
		t.Errorf("new connection after reload: serial %s", s)
	}
	writeFile(t, e.cert.certFile, "not a certificate")
	if err := e.srv.Reload(); err == nil {
		t.Error("reload of a bad certificate succeeded")
	}
	if s, _ := serial(fresh()); s != "2" {
		t.Errorf("after a failed reload: serial %s", s)
	}
}

// TestClientCertificates: with client_certs_path, a client without a
// certificate signed by those CAs cannot connect.
func TestClientCertificates(t *testing.T) {
	dir := testenv.TempDir(t)
	clientCert := newTestCert(t, dir, "client", 3)
	e := startEnv(t, modes[1], envOptions{rpc: func(r *config.RPC) { r.TLS.ClientCertsPath = clientCert.certFile }})
	if _, err := e.http.Post(e.base+"/", "application/json", strings.NewReader(`{"action": "version"}`)); err == nil {
		t.Error("a client without a certificate was served")
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: e.pool, Certificates: []tls.Certificate{clientCert.tlsCert(t)}}}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Post(e.base+"/", "application/json", strings.NewReader(`{"action": "version"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// TestNewErrors: a bad certificate fails New.
func TestNewErrors(t *testing.T) {
	dir := testenv.TempDir(t)
	writeFile(t, dir+"/bad.crt", "junk")
	rc := config.DefaultRPC()
	rc.TLS = config.TLS{EnableHTTPS: true, ServerCertPath: dir + "/bad.crt", ServerKeyPath: dir + "/bad.key"}
	if _, err := gateway.New(gateway.Config{RPC: rc, Backend: &recorder{}}); err == nil {
		t.Error("New with a bad certificate succeeded")
	}
	if _, err := gateway.New(gateway.Config{RPC: config.DefaultRPC()}); err == nil {
		t.Error("New without a backend succeeded")
	}
}

// TestAccessCheck: a separate gateway passes the node's access check with
// process.access_check_file, on pooled, one-shot and relay connections.
func TestAccessCheck(t *testing.T) {
	secret := filepath.Join(testenv.TempDir(t), "secret")
	writeFile(t, secret, "gateway-test-secret")
	if err := os.Chmod(secret, 0o400); err != nil {
		t.Fatal(err)
	}
	o := nodeOptions("")
	plain := o.Node
	o.Node = func(c *config.Node) {
		plain(c)
		c.Node.IPC.AccessCheck.Enable = true
		c.Node.IPC.AccessCheck.File = secret
	}
	n := testenv.Start(t, o)
	for _, file := range []string{secret, ""} {
		rc := config.DefaultRPC()
		rc.EnableControl = true
		rc.Process.IPCPath = n.UnixPath()
		rc.Process.AccessCheckFile = file
		b := gateway.NewIPC(gateway.IPCOptions{Client: gateway.ClientConfig(rc)})
		e := &env{t: t, mode: modes[2], node: n, ipc: b, genesis: n.GenesisWallet.String()}
		e.srv = startServer(t, gateway.Config{RPC: rc, Backend: b}, true, &e.base, &e.wsURL)
		tr := &http.Transport{}
		t.Cleanup(tr.CloseIdleConnections)
		t.Cleanup(func() { b.Close() })
		e.http = &http.Client{Transport: tr}
		r := e.post("/", `{"action": "block_count"}`, nil)
		if file == "" {
			if r != legacyErr(gateway.TextConnectionFailed) {
				t.Errorf("without the secret: %s", r)
			}
			continue
		}
		if !strings.Contains(r, `"count"`) {
			t.Fatalf("with the secret: %s", r)
		}
		if r := e.post("/api/v2/TopicConfirmation", `{}`, nil); !strings.Contains(r, "EventAck") {
			t.Errorf("one-shot: %s", r)
		}
		ws := e.dialWS(t, e.wsURL, nil)
		ws.send(`{"action": "subscribe", "topic": "confirmation", "ack": true}`)
		ws.expect(`"ack": "subscribe"`)
		// The node may still be starting its confirmation feed: send until
		// an event comes.
		for i := 0; ; i++ {
			e.sendOne(account(20))
			if ws.maybe(`"topic": "confirmation"`, 500*time.Millisecond) {
				break
			}
			if i == 20 {
				t.Fatal("no confirmation through the relay")
			}
		}
	}
}

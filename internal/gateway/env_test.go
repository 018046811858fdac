package gateway_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/authz"
	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/gateway"
	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/membudget"
	"github.com/nipc/nipc/internal/metrics"
	"github.com/nipc/nipc/internal/nodeinfo"
	"github.com/nipc/nipc/internal/rpc"
	"github.com/nipc/nipc/internal/service"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/internal/v2api"
	"github.com/nipc/nipc/internal/wallet"
	"github.com/nipc/nipc/ipc"
	"github.com/nipc/nipc/nano"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testAccess: the default user and "watcher" may weigh accounts and
// subscribe; "weigher" (bare: nothing inherited) may only weigh; "counter"
// may also count blocks, which the default user may not.
const testAccess = `
[[user]]
id = ""
allow = "api_account_weight, api_topic_confirmation"

[[user]]
id = "watcher"
allow = "api_account_weight, api_topic_confirmation"

[[user]]
id = "weigher"
allow = "api_account_weight"
bare = true

[[user]]
id = "counter"
allow = "api_block_count"
`

// stack is the part of a node an in-process gateway needs, assembled as
// internal/node does: ledger, wallets (with the genesis key), the legacy
// and v2 dispatchers, the broker fed by the ledger, the access policy.
type stack struct {
	legacy  *rpc.Legacy
	v2      *v2api.Dispatcher
	broker  *broker.Broker
	access  *authz.Store
	wallets *wallet.Store
	genesis wallet.ID
	stopped chan struct{} // closed by the stop action
}

func newStack(t testing.TB, enableControl bool) *stack {
	t.Helper()
	dir := testenv.TempDir(t)
	if err := os.WriteFile(filepath.Join(dir, config.AccessFile), []byte(testAccess), 0o600); err != nil {
		t.Fatal(err)
	}
	var ws *wallet.Store // opened next, before any block is processed
	b := broker.New(nil, func(a nano.PublicKey) bool { return ws.IsLocal(a) }, 0)
	led, err := ledger.Open(filepath.Join(dir, config.LedgerFile), ledger.Options{NoSync: true, OnConfirm: b.PublishConfirmations})
	if err != nil {
		t.Fatal(err)
	}
	ws, err = wallet.Open(filepath.Join(dir, "wallets.db"))
	if err != nil {
		t.Fatal(err)
	}
	gk := nano.DevGenesisKey()
	id, err := ws.Create(nil, gk.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.AddKey(id, gk); err != nil {
		t.Fatal(err)
	}
	access, err := authz.NewStore(filepath.Join(dir, config.AccessFile))
	if err != nil {
		t.Fatal(err)
	}
	s := &stack{access: access, wallets: ws, genesis: id, stopped: make(chan struct{})}
	var once sync.Once
	info := rpc.NodeInfo{
		Info:    nodeinfo.Info{Version: "test", StoreVendor: "bbolt", StoreVersion: 1, ProtocolVersion: 21, NetworkIdentifier: nano.DevGenesisHashHex},
		Started: time.Now(),
		Stop:    func() { once.Do(func() { close(s.stopped) }) },
	}
	backend := &rpc.Backend{Ledger: led, Wallets: ws, Thresholds: nano.DevThresholds()}
	reg := rpc.NewRegistry()
	rpc.RegisterNodeActions(reg, info)
	rpc.RegisterKeyActions(reg, nano.DevThresholds())
	rpc.RegisterLedgerActions(reg, backend)
	rpc.RegisterWalletActions(reg, backend)
	s.legacy = &rpc.Legacy{Registry: reg, EnableControl: enableControl}
	s.broker = b
	b.SetHistory(led)
	handlers := v2api.Queries(led, info.Info)
	maps.Copy(handlers, v2api.TopicHandlers(s.broker, info.Stop))
	s.v2 = &v2api.Dispatcher{Handlers: handlers, Policy: func() authz.Authorizer { return access.Current() }}

	t.Cleanup(func() {
		led.Close()
		ws.Close()
	})
	return s
}

// testCert is a self-signed certificate for 127.0.0.1, written to dir.
type testCert struct {
	certFile, keyFile string
	cert              *x509.Certificate
	pemCert           []byte
}

func newTestCert(t testing.TB, dir, name string, serial int64) *testCert {
	t.Helper()
	certFile, keyFile, pemCert := testenv.WriteNamedCert(t, dir, name, serial)
	block, _ := pem.Decode(pemCert)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return &testCert{certFile: certFile, keyFile: keyFile, cert: cert, pemCert: pemCert}
}

func (tc *testCert) tlsCert(t testing.TB) tls.Certificate {
	c, err := tls.LoadX509KeyPair(tc.certFile, tc.keyFile)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// nodeOptions: a node with the test access file and control actions on,
// and without a gateway of its own (the test runs one).
func nodeOptions(dir string) testenv.Options {
	return testenv.Options{
		DataDir: dir,
		Access:  testAccess,
		RPC:     func(r *config.RPC) { r.EnableControl = true },
		Node: func(n *config.Node) {
			n.RPC.Enable = false
			n.Node.WebSocket.Enable = false
		},
	}
}

// warmFeed returns once n's broker publishes confirmations. A node starts
// feeding its broker from the ledger on a goroutine of Run, so a block
// committed in its first moments may never be published (see the report);
// tests that wait for events first send blocks until one is seen.
func warmFeed(t testing.TB, n *testenv.Node) {
	t.Helper()
	cl := testenv.Dial(t, n, testenv.Transports[1])
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sub, err := cl.Subscribe(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	for {
		raw, err := cl.Legacy(ctx, "send", map[string]any{"wallet": n.GenesisWallet.String(), "source": nano.DevGenesisAccount, "destination": account(99), "amount": "1"})
		if err != nil {
			t.Fatal(err)
		}
		var sent struct{ Block string }
		json.Unmarshal(raw, &sent)
		for {
			wctx, wcancel := context.WithTimeout(ctx, 300*time.Millisecond)
			ev, err := sub.Next(wctx)
			wcancel()
			if err != nil {
				if ctx.Err() != nil {
					t.Fatal("the node never published a confirmation")
				}
				break // lost: send another
			}
			if ev.Hash == sent.Block {
				return // every earlier block has been published too
			}
		}
	}
}

// mode is one way to run the gateway.
type mode struct {
	name string
	ipc  bool // own process over IPC, else in-process
	tls  bool
}

var modes = []mode{
	{"inproc/http", false, false},
	{"inproc/https", false, true},
	{"ipc/http", true, false},
	{"ipc/https", true, true},
}

// envOptions adjust an env.
type envOptions struct {
	enableControl bool
	rpc           func(*config.RPC)
	noWebSocket   bool
	events        bool // the test waits for confirmations: warm the node's feed (ipc)
	metrics       *metrics.Metrics
	budget        *membudget.Budget // the request budget, if any
}

// env is a running gateway in some mode, with what tests need around it.
type env struct {
	t       testing.TB
	mode    mode
	srv     *gateway.Server
	base    string // http(s)://127.0.0.1:port
	wsURL   string // the dedicated WebSocket port
	http    *http.Client
	cert    *testCert
	pool    *x509.CertPool
	genesis string // the genesis wallet id

	stack *stack        // in-process
	node  *testenv.Node // ipc
	ipc   *gateway.IPC  // ipc
}

func startEnv(t testing.TB, m mode, o envOptions) *env {
	t.Helper()
	e := &env{t: t, mode: m}
	rc := config.DefaultRPC()
	rc.EnableControl = o.enableControl
	rc.Logging.LogRPC = false
	if m.tls {
		dir := testenv.TempDir(t)
		e.cert = newTestCert(t, dir, "server-a", 1)
		e.pool = x509.NewCertPool()
		e.pool.AddCert(e.cert.cert)
		rc.TLS = config.TLS{EnableHTTPS: true, ServerCertPath: e.cert.certFile, ServerKeyPath: e.cert.keyFile}
	}
	if o.rpc != nil {
		o.rpc(&rc)
	}
	cfg := gateway.Config{RPC: rc, Metrics: o.metrics, Budget: o.budget}
	if m.ipc {
		e.node = testenv.Start(t, nodeOptions(""))
		if o.events {
			warmFeed(t, e.node)
		}
		e.ipc = gateway.NewIPC(gateway.IPCOptions{Client: client.Config{Path: e.node.UnixPath(), PoolSize: 4}})
		t.Cleanup(func() { e.ipc.Close() })
		cfg.Backend = e.ipc
		if e.node.GenesisWallet != nil {
			e.genesis = e.node.GenesisWallet.String()
		}
	} else {
		e.stack = newStack(t, o.enableControl)
		cfg.Backend = &service.Local{Legacy: e.stack.legacy, V2: e.stack.v2, Broker: e.stack.broker}
		e.genesis = e.stack.genesis.String()
	}
	e.srv = startServer(t, cfg, !o.noWebSocket, &e.base, &e.wsURL)
	tr := &http.Transport{MaxIdleConnsPerHost: 16}
	if m.tls {
		tr.TLSClientConfig = &tls.Config{RootCAs: e.pool}
	}
	e.http = &http.Client{Transport: tr, Timeout: 30 * time.Second}
	t.Cleanup(tr.CloseIdleConnections)
	return e
}

// startServer serves cfg on fresh 127.0.0.1 ports until the test ends.
func startServer(t testing.TB, cfg gateway.Config, ws bool, base, wsURL *string) *gateway.Server {
	t.Helper()
	srv, err := gateway.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	scheme := "http"
	if cfg.RPC.TLS.EnableHTTPS {
		scheme = "https"
	}
	*base = scheme + "://" + l.Addr().String()
	served := make(chan error, 2)
	n := 1
	go func() { served <- srv.Serve(l) }()
	if ws {
		wl, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		*wsURL = "ws://" + wl.Addr().String()
		n++
		go func() { served <- srv.ServeWebSocket(wl) }()
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		for range n {
			if err := <-served; !errors.Is(err, gateway.ErrServerClosed) {
				t.Errorf("serve: %v", err)
			}
		}
	})
	return srv
}

// post sends a request and returns the reply's status, headers and body.
func (e *env) do(method, path string, body string, header map[string]string) (int, http.Header, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.base+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := e.http.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func (e *env) post(path, body string, header map[string]string) string {
	e.t.Helper()
	status, _, reply := e.do(http.MethodPost, path, body, header)
	if status != http.StatusOK {
		e.t.Fatalf("POST %s: status %d", path, status)
	}
	return reply
}

// direct answers a request without the gateway: over the node's IPC port
// (ipc) or straight from the dispatchers (in-process).
func (e *env) direct(enc ipc.Encoding, payload string) string {
	e.t.Helper()
	if e.mode.ipc {
		cl := testenv.Dial(e.t, e.node, testenv.Transports[1])
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		out, err := cl.Do(ctx, enc, []byte(payload))
		if err != nil {
			e.t.Fatal(err)
		}
		return string(out)
	}
	ctx := context.Background()
	if enc.Legacy() {
		return string(e.stack.legacy.Handle(ctx, enc, []byte(payload), nil))
	}
	return string(e.stack.v2.HandleJSON(ctx, []byte(payload), nil))
}

var timeField = regexp.MustCompile(`"time": "?[0-9]+"?`)

// normTime replaces envelope and message times, which differ between calls.
func normTime(s string) string { return timeField.ReplaceAllString(s, `"time": T`) }

// sendOne sends 1 raw from the genesis account through the gateway's
// legacy API and returns the new block's hash.
func (e *env) sendOne(to string) string {
	e.t.Helper()
	reply := e.post("/", `{"action": "send", "wallet": "`+e.genesis+`", "source": "`+nano.DevGenesisAccount+`", "destination": "`+to+`", "amount": "1"}`, nil)
	m := regexp.MustCompile(`"block": "([0-9A-F]{64})"`).FindStringSubmatch(reply)
	if m == nil {
		e.t.Fatalf("send: %s", reply)
	}
	return m[1]
}

// account is a fresh account for index i.
func account(i byte) string { return nano.DeriveKey(nano.Seed{i, 42}, 0).PublicKey().Account() }

// legacyErr is the node's pretty {"error": text} reply.
func legacyErr(text string) string { return "{\n    \"error\": \"" + text + "\"\n}\n" }

func jsonCompact(s string) string {
	var b bytes.Buffer
	for _, f := range strings.Fields(s) {
		b.WriteString(f)
	}
	return b.String()
}

// dial opens a raw connection to the HTTP port ("http", over TLS in a TLS
// mode) or to the WebSocket port ("ws").
func (e *env) dial(port string) net.Conn {
	e.t.Helper()
	if port == "ws" {
		c, err := net.Dial("tcp", strings.TrimPrefix(e.wsURL, "ws://"))
		if err != nil {
			e.t.Fatal(err)
		}
		return c
	}
	addr := strings.TrimPrefix(strings.TrimPrefix(e.base, "https://"), "http://")
	if e.mode.tls {
		c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: e.pool})
		if err != nil {
			e.t.Fatal(err)
		}
		return c
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// awaitNode waits until the gateway answers a legacy block_count again
// (after the node behind it restarted).
func (e *env) awaitNode(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := e.post("/", `{"action": "block_count"}`, nil)
		if strings.Contains(r, `"count"`) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the restart: %s", r)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

package natsgw_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/goleak"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/gateway"
	"github.com/nipc/nipc/internal/natsbus"
	"github.com/nipc/nipc/internal/natsgw"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m, testenv.NATSLeaks()...) }

const access = `
[[user]]
id = ""
allow = "unrestricted"

[[user]]
id = "nobody"
deny = "api_topic_confirmation"
`

// gw is a stateless gateway: natsgw behind gateway.Server.
type gw struct {
	svc   *natsgw.Service
	base  string
	wsURL string
	stop  func()
}

// natsConfig is the node's [node.nats] for the server at url; a
// gateway's [nats] is its NATS.
func natsConfig(url string) config.NodeNATS {
	c := config.DefaultNodeNATS()
	c.Enable = true
	c.Servers = []string{url}
	return c
}

func startGateway(t testing.TB, urls ...string) *gw {
	t.Helper()
	cfg := natsConfig(urls[0]).NATS
	cfg.Servers = urls
	nc, js, err := natsbus.Connect(context.Background(), cfg, "nipc gateway test", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	svc := natsgw.New(natsgw.Options{Conn: nc, JS: js, NATS: cfg, Timeout: 10 * time.Second})
	rc := config.DefaultRPC()
	rc.EnableControl = true
	rc.Logging.LogRPC = false
	ws := config.DefaultNode().Node.WebSocket
	srv, err := gateway.New(gateway.Config{RPC: rc, WebSocket: ws, Backend: svc, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	hl, _ := net.Listen("tcp", "127.0.0.1:0")
	wl, _ := net.Listen("tcp", "127.0.0.1:0")
	served := make(chan error, 2)
	go func() { served <- srv.Serve(hl) }()
	go func() { served <- srv.ServeWebSocket(wl) }()
	g := &gw{svc: svc, base: "http://" + hl.Addr().String(), wsURL: "ws://" + wl.Addr().String()}
	var once sync.Once
	g.stop = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			srv.Shutdown(ctx)
			for range 2 {
				if err := <-served; !errors.Is(err, gateway.ErrServerClosed) {
					t.Errorf("serve: %v", err)
				}
			}
			svc.Close()
			nc.Close()
		})
	}
	t.Cleanup(g.stop)
	return g
}

func (g *gw) post(t testing.TB, body string) string {
	t.Helper()
	resp, err := http.Post(g.base, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// send sends 1 raw from the genesis wallet to account i through the
// gateway (HTTP → NATS → node) and returns the block hash.
func (g *gw) send(t testing.TB, wallet string, i int) string {
	t.Helper()
	to := nano.DeriveKey(nano.Seed{byte(i), 77}, 0).PublicKey().Account()
	reply := g.post(t, fmt.Sprintf(`{"action": "send", "wallet": %q, "source": %q, "destination": %q, "amount": "1"}`,
		wallet, nano.DevGenesisAccount, to))
	var r struct {
		Block string `json:"block"`
	}
	if json.Unmarshal([]byte(reply), &r); r.Block == "" {
		t.Fatalf("send: %s", reply)
	}
	return r.Block
}

type wsConn struct {
	c    *websocket.Conn
	msgs <-chan string
}

func dial(t testing.TB, url string) *wsConn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &wsConn{c: c, msgs: testenv.WSMessages(t, c, 1024)}
}

func (w *wsConn) send(t testing.TB, msg string) {
	t.Helper()
	if err := w.c.Write(context.Background(), websocket.MessageText, []byte(msg)); err != nil {
		t.Fatal(err)
	}
}

func (w *wsConn) next(t testing.TB) string {
	t.Helper()
	select {
	case m, ok := <-w.msgs:
		if !ok {
			t.Fatal("WebSocket closed")
		}
		return m
	case <-time.After(15 * time.Second):
		t.Fatal("no WebSocket message within 15s")
	}
	return ""
}

func (w *wsConn) expect(t testing.TB, want string) {
	t.Helper()
	if m := w.next(t); !strings.Contains(m, want) {
		t.Fatalf("message lacks %s:\n%s", want, m)
	}
}

// waitPublished waits until the node's outbox has published every
// confirmation it has (nats_status lag 0, asked through g), so that a live
// subscriber made next sees only what comes after: the node's start-up
// confirmations published late would otherwise reach it first.
func waitPublished(t testing.TB, g *gw) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		r := g.post(t, `{"action": "nats_status"}`)
		if strings.Contains(r, `"lag": "0"`) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the node's outbox did not catch up within 15s: %s", r)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// confirmation is a WebSocket confirmation's hash and sequence.
func confirmation(t testing.TB, m string) (string, uint64) {
	t.Helper()
	var v struct {
		Message struct {
			Hash string `json:"hash"`
		} `json:"message"`
		Sequence string `json:"sequence"`
	}
	if err := json.Unmarshal([]byte(m), &v); err != nil {
		t.Fatalf("%v: %s", err, m)
	}
	n, err := strconv.ParseUint(v.Sequence, 10, 64)
	if err != nil {
		t.Fatalf("sequence in %s", m)
	}
	return v.Message.Hash, n
}

// TestStatelessGateway: a gateway with no IPC connection answers RPC
// through NATS and feeds its WebSocket clients from the stream; a client
// resumes from the stream after a sequence, in order, then live; the node
// decides the subscription's permission; a resume point beyond the
// stream, or older than it keeps, is refused with the range.
func TestStatelessGateway(t *testing.T) {
	s := testenv.NATS(t, t.TempDir(), 0)
	n := testenv.Start(t, testenv.Options{Access: access,
		Node: func(c *config.Node) { c.Node.NATS = natsConfig(s.ClientURL()) },
		RPC:  func(r *config.RPC) { r.EnableControl = true }})
	wallet := n.GenesisWallet.String()
	g := startGateway(t, s.ClientURL())

	if r := g.post(t, `{"action": "block_count"}`); !strings.Contains(r, `"count"`) {
		t.Fatalf("block_count over NATS: %s", r)
	}
	waitPublished(t, g)
	live := dial(t, g.wsURL)
	live.send(t, `{"action": "subscribe", "topic": "confirmation", "ack": true}`)
	live.expect(t, `"ack": "subscribe"`)
	var hashes []string
	var seqs []uint64
	for i := range 5 {
		hashes = append(hashes, g.send(t, wallet, i))
	}
	for _, want := range hashes {
		h, seq := confirmation(t, live.next(t))
		if h != want {
			t.Fatalf("live: confirmation of %s, want %s", h, want)
		}
		seqs = append(seqs, seq)
	}

	r := dial(t, g.wsURL)
	r.send(t, fmt.Sprintf(`{"action": "subscribe", "topic": "confirmation", "ack": true, "options": {"resume_after": %d}}`, seqs[1]))
	r.expect(t, `"ack": "subscribe"`)
	more := g.send(t, wallet, 9)
	for _, want := range append(hashes[2:], more) {
		if h, _ := confirmation(t, r.next(t)); h != want {
			t.Fatalf("resumed: confirmation of %s, want %s", h, want)
		}
	}

	top := seqs[4] + 1
	r.send(t, fmt.Sprintf(`{"action": "subscribe", "topic": "confirmation", "ack": true, "options": {"resume_after": %d}}`, top+3))
	r.expect(t, fmt.Sprintf(`resume_after %d is beyond the highest confirmation sequence, %d`, top+3, top))

	denied := dial(t, g.wsURL)
	denied.send(t, `{"action": "subscribe", "topic": "confirmation", "ack": true, "api_key": "nobody"}`)
	denied.expect(t, `"error": "Access denied"`)

	// Keep only the last two: resuming after the first is too old.
	nc, js := natsClientOf(t, s.ClientURL())
	defer nc()
	st, err := js.Stream(context.Background(), natsbus.SubjectsOf(natsConfig("").NATS).Stream)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Purge(context.Background(), jetstream.WithPurgeKeep(2)); err != nil {
		t.Fatal(err)
	}
	r.send(t, `{"action": "subscribe", "topic": "confirmation", "ack": true, "options": {"resume_after": 1}}`)
	r.expect(t, fmt.Sprintf(`resume_after 1 is older than the oldest confirmation the stream keeps, %d`, top-1))
}

func natsClientOf(t testing.TB, url string) (func(), jetstream.JetStream) {
	nc, js, err := natsbus.Connect(context.Background(), natsConfig(url).NATS, "test", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return nc.Close, js
}

// TestStatelessGatewaySideband: include_sideband_info works through a NATS
// gateway, live and resumed from the stream: the sideband the node
// published (the block's height, its local timestamp) reaches the client,
// the height the node's block_info gives.
func TestStatelessGatewaySideband(t *testing.T) {
	s := testenv.NATS(t, t.TempDir(), 0)
	n := testenv.Start(t, testenv.Options{Access: access,
		Node: func(c *config.Node) { c.Node.NATS = natsConfig(s.ClientURL()) },
		RPC:  func(r *config.RPC) { r.EnableControl = true }})
	wallet := n.GenesisWallet.String()
	g := startGateway(t, s.ClientURL())

	waitPublished(t, g)
	live := dial(t, g.wsURL)
	live.send(t, `{"action": "subscribe", "topic": "confirmation", "ack": true, "options": {"include_sideband_info": "true"}}`)
	live.expect(t, `"ack": "subscribe"`)
	hash := g.send(t, wallet, 0)
	var info struct {
		Height string `json:"height"`
	}
	if err := json.Unmarshal([]byte(g.post(t, `{"action": "block_info", "hash": "`+hash+`"}`)), &info); err != nil || info.Height == "" {
		t.Fatalf("block_info %s: %v", hash, err)
	}
	check := func(who, m string) uint64 {
		t.Helper()
		var v struct {
			Message struct {
				Hash     string `json:"hash"`
				Sideband struct {
					Height         string `json:"height"`
					LocalTimestamp string `json:"local_timestamp"`
				} `json:"sideband"`
			} `json:"message"`
			Sequence string `json:"sequence"`
		}
		if err := json.Unmarshal([]byte(m), &v); err != nil {
			t.Fatalf("%s: %v: %s", who, err, m)
		}
		if v.Message.Hash != hash || v.Message.Sideband.Height != info.Height || v.Message.Sideband.LocalTimestamp == "" {
			t.Fatalf("%s: sideband %+v of %s, want height %s of %s:\n%s", who, v.Message.Sideband, v.Message.Hash, info.Height, hash, m)
		}
		seq, _ := strconv.ParseUint(v.Sequence, 10, 64)
		return seq
	}
	seq := check("live", live.next(t))

	resumed := dial(t, g.wsURL)
	resumed.send(t, fmt.Sprintf(`{"action": "subscribe", "topic": "confirmation", "ack": true, "options": {"include_sideband_info": "true", "resume_after": %d}}`, seq-1))
	resumed.expect(t, `"ack": "subscribe"`)
	check("resumed", resumed.next(t))
}

package gateway_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

// wsClient is a test WebSocket client whose messages arrive on a channel.
type wsClient struct {
	t    testing.TB
	c    *websocket.Conn
	msgs <-chan string
}

func (e *env) dialWS(t testing.TB, url string, header http.Header) *wsClient {
	t.Helper()
	c, err := e.tryWS(url, header)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	return startWSClient(t, c)
}

func (e *env) tryWS(url string, header http.Header) (*websocket.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opts := &websocket.DialOptions{HTTPHeader: header}
	if strings.HasPrefix(url, "wss:") {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: e.pool}}
		e.t.Cleanup(tr.CloseIdleConnections)
		opts.HTTPClient = &http.Client{Transport: tr}
	}
	c, resp, err := websocket.Dial(ctx, url, opts)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	return c, err
}

func startWSClient(t testing.TB, c *websocket.Conn) *wsClient {
	return &wsClient{t: t, c: c, msgs: testenv.WSMessages(t, c, 64)}
}

func (w *wsClient) send(msg string) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		w.t.Fatal(err)
	}
}

// next returns the next message, failing after 10 s.
func (w *wsClient) next() string {
	w.t.Helper()
	select {
	case m, ok := <-w.msgs:
		if !ok {
			w.t.Fatal("WebSocket closed")
		}
		return m
	case <-time.After(10 * time.Second):
		w.t.Fatal("no WebSocket message within 10s")
	}
	return ""
}

// expect returns the next message, which must contain every want.
func (w *wsClient) expect(want ...string) string {
	w.t.Helper()
	m := w.next()
	for _, s := range want {
		if !strings.Contains(m, s) {
			w.t.Fatalf("message lacks %s:\n%s", s, m)
		}
	}
	return m
}

// maybe reports whether a message containing want arrives within d.
func (w *wsClient) maybe(want string, d time.Duration) bool {
	timer := time.After(d)
	for {
		select {
		case m, ok := <-w.msgs:
			if !ok {
				return false
			}
			if strings.Contains(m, want) {
				return true
			}
		case <-timer:
			return false
		}
	}
}

// quiet asserts nothing arrives for a moment.
func (w *wsClient) quiet() {
	w.t.Helper()
	select {
	case m := <-w.msgs:
		w.t.Fatalf("unexpected message:\n%s", m)
	case <-time.After(300 * time.Millisecond):
	}
}

// wsMessage is a confirmation as the node's WebSocket writes it.
type wsMessage struct {
	Topic   string `json:"topic"`
	Time    string `json:"time"`
	Message struct {
		Account          string            `json:"account"`
		Amount           string            `json:"amount"`
		Hash             string            `json:"hash"`
		ConfirmationType string            `json:"confirmation_type"`
		ElectionInfo     map[string]string `json:"election_info"`
		Block            map[string]string `json:"block"`
	} `json:"message"`
	Sequence string `json:"sequence"` // nipc's: the confirmation sequence
}

func decodeWS(t testing.TB, m string) wsMessage {
	t.Helper()
	var v wsMessage
	if err := json.Unmarshal([]byte(m), &v); err != nil {
		t.Fatalf("%v:\n%s", err, m)
	}
	return v
}

func testenvRestart(t testing.TB, e *env) *testenv.Node {
	return testenv.Start(t, nodeOptions(e.node.DataDir))
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, string(b))
}

func writeFile(t testing.TB, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestWebSocket: the confirmation topic in every mode, on the dedicated
// port and at /websocket on the HTTP(S) port.
func TestWebSocket(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, m, envOptions{enableControl: true, events: true})
			urls := map[string]string{"port": e.wsURL, "path": strings.Replace(e.base, "http", "ws", 1) + "/websocket"}
			for where, url := range urls {
				t.Run(where, func(t *testing.T) {
					ws := e.dialWS(t, url, nil)

					ws.send(`{"action": "ping", "id": "p1"}`)
					ack := ws.expect(`"ack": "pong"`, `"id": "p1"`)
					var a map[string]string
					if err := json.Unmarshal([]byte(ack), &a); err != nil || len(a["time"]) < 13 {
						t.Errorf("pong %s", ack)
					}

					ws.send(`{"action": "subscribe", "topic": "confirmation", "ack": true, "id": "s1"}`)
					ws.expect(`"ack": "subscribe"`, `"id": "s1"`)
					to := account(10)
					hash := e.sendOne(to)
					ev := decodeWS(t, ws.next())
					if ev.Topic != "confirmation" || len(ev.Time) < 13 || ev.Message.Hash != hash ||
						ev.Message.Account != nano.DevGenesisAccount || ev.Message.Amount != "1" ||
						ev.Message.ConfirmationType != "active_quorum" || ev.Message.ElectionInfo != nil ||
						ev.Message.Block["type"] != "state" || ev.Message.Block["subtype"] != "send" ||
						ev.Message.Block["link_as_account"] != to {
						t.Errorf("event %+v", ev)
					}
					// Past the genesis (1); a separate gateway passes the node's on.
					if n, err := strconv.ParseUint(ev.Sequence, 10, 64); err != nil || n < 2 {
						t.Errorf("event sequence %q", ev.Sequence)
					}

					// Options: only blocks of another account, with election info.
					ws.send(`{"action": "subscribe", "topic": "confirmation", "options": {"include_election_info": "true", "accounts": ["` + account(11) + `"]}}`)
					ws.quiet() // no ack asked for
					e.sendOne(to)
					ws.quiet()
					ws.send(`{"action": "update", "topic": "confirmation", "ack": true, "options": {"accounts_add": ["` + to + `"]}}`)
					ws.expect(`"ack": "update"`)
					e.sendOne(to)
					ev = decodeWS(t, ws.next())
					if ev.Message.ElectionInfo["blocks"] != "1" || ev.Message.ElectionInfo["voters"] != "1" || ev.Message.ElectionInfo["tally"] == "" {
						t.Errorf("election info %v", ev.Message.ElectionInfo)
					}
					ws.send(`{"action": "update", "topic": "confirmation", "options": {"accounts_del": ["` + to + `"]}}`)
					e.sendOne(to)
					ws.quiet()

					ws.send(`{"action": "unsubscribe", "topic": "confirmation", "ack": true}`)
					ws.expect(`"ack": "unsubscribe"`)
					e.sendOne(to)
					ws.quiet()
				})
			}
		})
	}
}

// TestWebSocketAccess: subscribing needs api_topic_confirmation for the
// credentials of the upgrade header or of the message's api_key. A refused
// subscribe that asked for an ack gets the ack with the error; one that did
// not gets no frame (as on the node), and nothing is subscribed either way.
func TestWebSocketAccess(t *testing.T) {
	for _, m := range []mode{modes[0], modes[2]} {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, m, envOptions{enableControl: true, events: true})
			tests := []struct {
				name   string
				header string
				msg    string
				ok     bool
			}{
				{"header without permission, ack", "weigher", `{"action": "subscribe", "topic": "confirmation", "ack": true, "id": "d"}`, false},
				{"header without permission, no ack", "weigher", `{"action": "subscribe", "topic": "confirmation", "id": "d"}`, false},
				{"unknown header", "nobody", `{"action": "subscribe", "topic": "confirmation"}`, false},
				{"unknown header, ack", "nobody", `{"action": "subscribe", "topic": "confirmation", "ack": "1"}`, false},
				{"api_key without permission", "", `{"action": "subscribe", "topic": "confirmation", "api_key": "weigher"}`, false},
				{"api_key without permission, ack", "", `{"action": "subscribe", "topic": "confirmation", "api_key": "weigher", "ack": true}`, false},
				{"api_key beats the header", "watcher", `{"action": "subscribe", "topic": "confirmation", "api_key": "nobody"}`, false},
				{"header with permission", "watcher", `{"action": "subscribe", "topic": "confirmation", "ack": true}`, true},
				{"api_key with permission", "nobody", `{"action": "subscribe", "topic": "confirmation", "ack": true, "api_key": "watcher"}`, true},
				{"default user with permission", "", `{"action": "subscribe", "topic": "confirmation", "ack": true}`, true},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					var h http.Header
					if tt.header != "" {
						h = http.Header{"Nano-Api-Key": {tt.header}}
					}
					ws := e.dialWS(t, e.wsURL, h)
					ws.send(tt.msg)
					if !tt.ok {
						if strings.Contains(tt.msg, `"ack"`) {
							m := ws.expect(`"error": "Access denied"`, `"error_code": "3"`, `"ack": "subscribe"`)
							if strings.Contains(tt.msg, `"id"`) && !strings.Contains(m, `"id": "d"`) {
								t.Errorf("error without the id: %s", m)
							}
						}
						// Without an ack nothing answers the subscribe: the
						// next frame is the pong of a ping sent after it.
						ws.send(`{"action": "ping", "id": "after"}`)
						ws.expect(`"ack": "pong"`, `"id": "after"`)
						e.sendOne(account(12))
						ws.quiet()
						return
					}
					ws.expect(`"ack": "subscribe"`)
					e.sendOne(account(12))
					ws.expect(`"topic": "confirmation"`)
				})
			}
		})
	}
}

// TestWebSocketErrors: what nipc answers where the node stays silent.
func TestWebSocketErrors(t *testing.T) {
	e := startEnv(t, modes[0], envOptions{})
	ws := e.dialWS(t, e.wsURL, nil)
	for _, c := range []struct{ msg, want string }{
		{`not json`, `"error": "Unable to parse JSON"`},
		{`{"action": "dance"}`, `"error": "Unknown action: dance"`},
		{`{"action": "subscribe", "topic": "votes"}`, `"error": "Unsupported topic: votes"`}, // vote is served since issue 14
		{`{"action": "subscribe"}`, `"error": "Missing topic"`},
		{`{"action": "update", "topic": "confirmation", "options": {}}`, `"error": "Not subscribed to confirmation"`},
		{`{"action": "subscribe", "topic": "confirmation", "options": {"include_block": "maybe"}}`, `"error": "Invalid option include_block: expected true or false"`},
	} {
		ws.send(c.msg)
		ws.expect(c.want)
	}
	// Origins: a foreign page may not open the socket; loopback pages may.
	if _, err := e.tryWS(e.wsURL, http.Header{"Origin": {"http://evil.example"}}); err == nil {
		t.Error("a foreign origin was accepted")
	}
	c, err := e.tryWS(e.wsURL, http.Header{"Origin": {"http://localhost:3000"}})
	if err != nil {
		t.Fatalf("a loopback origin was refused: %v", err)
	}
	c.CloseNow()
}

// TestWebSocketSlowConsumer: a session that does not read is dropped as a
// slow consumer while another keeps receiving.
func TestWebSocketSlowConsumer(t *testing.T) {
	e := startEnv(t, modes[0], envOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// A small receive buffer so that the socket fills quickly.
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err == nil {
			c.(*net.TCPConn).SetReadBuffer(4096)
		}
		return c, err
	}}
	defer tr.CloseIdleConnections()
	slow, _, err := websocket.Dial(ctx, e.wsURL, &websocket.DialOptions{HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	defer slow.CloseNow()
	if err := slow.Write(ctx, websocket.MessageText, []byte(`{"action": "subscribe", "topic": "confirmation", "ack": true}`)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := slow.Read(ctx); err != nil { // the ack; then it reads no more
		t.Fatal(err)
	}
	good := e.dialWS(t, e.wsURL, nil)
	good.send(`{"action": "subscribe", "topic": "confirmation", "ack": true}`)
	good.expect(`"ack": "subscribe"`)

	k := nano.DevGenesisKey().PublicKey()
	ev := &ledger.Confirmation{Account: k, Amount: nano.NewAmount(1), ConfirmationType: "active_quorum",
		Block: &nano.Block{Type: nano.BlockTypeState, Account: k, Representative: k}}
	received := 0
	for chunk := 0; e.stack.broker.Dropped() == 0; chunk++ {
		if chunk == 40 {
			t.Fatal("40000 events later the slow consumer is still there")
		}
		for range 1000 {
			e.stack.broker.Publish(ev)
		}
		for ; received < (chunk+1)*1000; received++ {
			good.expect(`"topic": "confirmation"`)
		}
	}
	if d := e.stack.broker.Dropped(); d != 1 {
		t.Errorf("dropped %d subscribers", d)
	}
	good.send(`{"action": "ping"}`)
	good.expect(`"ack": "pong"`)
}

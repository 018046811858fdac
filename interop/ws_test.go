package interop_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/gateway"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

// wsClosed denies confirmations to the default user, which holds them
// without an access file (as on the Nano node); "watcher" may subscribe.
// (A separate gateway's relay subscribes with the WebSocket client's
// credentials.)
const wsClosed = `
[[user]]
id = ""
deny = "api_topic_confirmation"

[[user]]
id = "watcher"
allow = "api_topic_confirmation"
`

// wsSetup is a gateway in front of a node, as the WebSocket tests need it.
type wsSetup struct {
	name  string
	start func(t *testing.T, access string) (n *testenv.Node, httpURL string, wsURLs []string)
}

var wsSetups = []wsSetup{{"separate gateway", startSeparateGateway}, {"in-process gateway", startInProcessGateway}}

// startSeparateGateway runs a node, and a gateway in front of it reaching it
// over the Unix socket, as `nipc gateway` does.
func startSeparateGateway(t *testing.T, access string) (*testenv.Node, string, []string) {
	n := testenv.Start(t, testenv.Options{
		Access: access,
		RPC:    func(r *config.RPC) { r.EnableControl = true },
		// The test runs the gateway; the node must not start its own.
		Node: func(c *config.Node) { c.RPC.Enable = false; c.Node.WebSocket.Enable = false },
	})
	backend := gateway.NewIPC(gateway.IPCOptions{Client: client.Config{Path: n.UnixPath()}})
	t.Cleanup(func() { backend.Close() })
	rc := config.DefaultRPC()
	rc.EnableControl = true
	srv, err := gateway.New(gateway.Config{RPC: rc, Backend: backend})
	if err != nil {
		t.Fatal(err)
	}
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	wl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 2)
	go func() { served <- srv.Serve(hl) }()
	go func() { served <- srv.ServeWebSocket(wl) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		for range 2 {
			if err := <-served; !errors.Is(err, gateway.ErrServerClosed) {
				t.Errorf("serve: %v", err)
			}
		}
	})
	return n, "http://" + hl.Addr().String() + "/", []string{"ws://" + wl.Addr().String(), "ws://" + hl.Addr().String() + "/websocket"}
}

// startInProcessGateway runs a node with its own gateway, as `nipc node`
// does (the WebSocket sessions then take the broker's events directly).
func startInProcessGateway(t *testing.T, access string) (*testenv.Node, string, []string) {
	httpPort, wsPort := testenv.FreePort(t), testenv.FreePort(t)
	n := testenv.Start(t, testenv.Options{
		Access: access,
		RPC:    func(r *config.RPC) { r.EnableControl = true; r.Port = httpPort },
		Node: func(c *config.Node) {
			c.RPC.Enable = true
			c.Node.WebSocket.Enable = true
			c.Node.WebSocket.Port = wsPort
		},
	})
	host := "127.0.0.1:" + strconv.Itoa(httpPort)
	return n, "http://" + host + "/", []string{"ws://127.0.0.1:" + strconv.Itoa(wsPort), "ws://" + host + "/websocket"}
}

// TestWebSocketClient: on a fresh data directory (no access file), the
// npm ws@8 client without credentials pings, subscribes with ack, receives
// the confirmation of a block sent through the gateway, and unsubscribes,
// on the WebSocket port and at /websocket on the HTTP port, of a gateway in
// its own process and of the node's own.
func TestWebSocketClient(t *testing.T) {
	requireNodeModules(t)
	for si, setup := range wsSetups {
		t.Run(setup.name, func(t *testing.T) {
			n, httpURL, wsURLs := setup.start(t, "")
			warmFeed(t, n, "")
			for i, wsURL := range wsURLs {
				to := nano.DeriveKey(nano.Seed{byte(i + 1), byte(7 + si)}, 0).PublicKey().Account()
				checkSubscribeFlow(t, n, wsURL, httpURL, to)
			}
		})
	}
}

// TestWebSocketDenied: once the access file denies api_topic_confirmation
// to the default user, the npm ws client without credentials gets no frame
// for a subscribe without ack, the node's error reply (with its ack and id)
// for one with an ack, and no confirmation of a block a permitted witness
// receives.
func TestWebSocketDenied(t *testing.T) {
	requireNodeModules(t)
	for si, setup := range wsSetups {
		t.Run(setup.name, func(t *testing.T) {
			n, httpURL, wsURLs := setup.start(t, wsClosed)
			warmFeed(t, n, "watcher")
			for i, wsURL := range wsURLs {
				to := nano.DeriveKey(nano.Seed{byte(i + 1), byte(17 + si)}, 0).PublicKey().Account()
				send := `{"action": "send", "wallet": "` + n.GenesisWallet.String() + `", "source": "` + nano.DevGenesisAccount + `", "destination": "` + to + `", "amount": "1000"}`
				raw := runNode(t, "ws_denied.js", wsURL, httpURL, send, "watcher")
				var r struct {
					First, Refused, WitnessAck, Sent, After map[string]string
					WitnessHash                             string
				}
				if err := json.Unmarshal(raw, &r); err != nil {
					t.Fatalf("%s: %v", raw, err)
				}
				if r.First["ack"] != "pong" || r.First["id"] != "p1" {
					t.Errorf("%s: a refused subscribe without ack was answered: %v", wsURL, r.First)
				}
				if r.Refused["ack"] != "subscribe" || r.Refused["id"] != "d1" || r.Refused["error"] != "Access denied" || r.Refused["error_code"] != "3" {
					t.Errorf("%s: refused subscribe with ack: %v", wsURL, r.Refused)
				}
				if r.WitnessAck["ack"] != "subscribe" || r.WitnessAck["error"] != "" || r.WitnessHash == "" || r.WitnessHash != r.Sent["block"] {
					t.Errorf("%s: witness %v, confirmation %q of %v", wsURL, r.WitnessAck, r.WitnessHash, r.Sent)
				}
				if r.After["ack"] != "pong" || r.After["id"] != "p2" {
					t.Errorf("%s: the refused client got %v, want only the pong", wsURL, r.After)
				}
			}
		})
	}
}

func checkSubscribeFlow(t *testing.T, n *testenv.Node, wsURL, httpURL, to string) {
	t.Helper()
	send := `{"action": "send", "wallet": "` + n.GenesisWallet.String() + `", "source": "` + nano.DevGenesisAccount + `", "destination": "` + to + `", "amount": "1000"}`
	raw := runNode(t, "ws_subscribe.js", wsURL, httpURL, send)
	var r struct {
		Pong, Ack, Unsubscribed map[string]string
		Sent                    map[string]string
		Event                   struct {
			Topic, Time string
			Message     struct {
				Account, Amount, Hash string
				ConfirmationType      string            `json:"confirmation_type"`
				ElectionInfo          map[string]string `json:"election_info"`
				Block                 map[string]string
			}
		}
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	if r.Pong["ack"] != "pong" || r.Pong["id"] != "p1" || r.Ack["ack"] != "subscribe" || r.Ack["id"] != "s1" || r.Unsubscribed["ack"] != "unsubscribe" {
		t.Errorf("%s: acks %v %v %v", wsURL, r.Pong, r.Ack, r.Unsubscribed)
	}
	ev := r.Event
	if ev.Topic != "confirmation" || len(ev.Time) < 13 || strings.Trim(ev.Time, "0123456789") != "" ||
		ev.Message.Hash != r.Sent["block"] || ev.Message.Amount != "1000" || ev.Message.Account != nano.DevGenesisAccount ||
		ev.Message.ConfirmationType != "active_quorum" || ev.Message.ElectionInfo["voters"] != "1" ||
		ev.Message.Block["subtype"] != "send" || ev.Message.Block["link_as_account"] != to {
		t.Errorf("%s: event %+v", wsURL, ev)
	}
}

// warmFeed returns once n publishes confirmations: a node feeds its broker
// from a goroutine of Run, so a block committed in its first moments may
// never reach a subscriber. It sends blocks until one's event arrives,
// subscribed over IPC with credentials ("": none, the default user).
func warmFeed(t *testing.T, n *testenv.Node, credentials string) {
	t.Helper()
	cfg := testenv.Transports[1].Config(n)
	cfg.APIKey = credentials
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cl, err := client.Dial(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	sub, err := cl.Subscribe(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	burn := nano.DeriveKey(nano.Seed{99}, 0).PublicKey().Account()
	for {
		raw, err := cl.Legacy(ctx, "send", map[string]any{"wallet": n.GenesisWallet.String(), "source": nano.DevGenesisAccount, "destination": burn, "amount": "1"})
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
				break
			}
			if ev.Hash == sent.Block {
				return
			}
		}
	}
}

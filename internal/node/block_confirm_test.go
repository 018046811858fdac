package node_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
)

// wsConfirmation is what the test reads of a WebSocket confirmation.
type wsConfirmation struct {
	Topic   string
	Message struct {
		Hash             string
		ConfirmationType string `json:"confirmation_type"`
	}
	Sequence string
}

// wsSubscribe opens a WebSocket at url and subscribes to confirmations with
// options, waiting for the ack.
func wsSubscribe(t *testing.T, url string, options map[string]any) *websocket.Conn {
	t.Helper()
	c := wsDial(t, url)
	wsSubscribeTopic(t, c, "confirmation", options)
	return c
}

// wsDial opens a WebSocket at url, closed when the test ends.
func wsDial(t *testing.T, url string) *websocket.Conn {
	t.Helper()
	c, resp, err := websocket.Dial(ctx(t), url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	if resp.Body != nil {
		resp.Body.Close()
	}
	t.Cleanup(func() { c.Close(websocket.StatusNormalClosure, "") })
	return c
}

// wsSubscribeTopic subscribes c to topic with options (nil: none),
// waiting for the ack.
func wsSubscribeTopic(t *testing.T, c *websocket.Conn, topic string, options map[string]any) {
	t.Helper()
	msg, _ := json.Marshal(map[string]any{"action": "subscribe", "topic": topic, "ack": true, "options": options})
	if err := c.Write(ctx(t), websocket.MessageText, msg); err != nil {
		t.Fatal(err)
	}
	var ack struct{ Ack string }
	if _, data, err := c.Read(ctx(t)); err != nil || json.Unmarshal(data, &ack) != nil || ack.Ack != "subscribe" {
		t.Fatalf("subscribe %s ack: %s %v", topic, data, err)
	}
}

func wsNext(t *testing.T, c *websocket.Conn) wsConfirmation {
	t.Helper()
	_, data, err := c.Read(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	var m wsConfirmation
	if err := json.Unmarshal(data, &m); err != nil || m.Topic != "confirmation" {
		t.Fatalf("not a confirmation: %s %v", data, err)
	}
	return m
}

// TestBlockConfirmReemits: block_confirm on a confirmed block emits its
// confirmation again, typed active_confirmation_height and without a
// sequence, to IPC v2 and WebSocket subscribers whose confirmation_type
// filter selects it; a filter of active_quorum leaves it out (its next
// event is the block confirmed after it).
func TestBlockConfirmReemits(t *testing.T) {
	wsPort := testenv.FreePort(t)
	n := testenv.Start(t, testenv.Options{Access: brokerAccess, RPC: func(r *config.RPC) { r.EnableControl = true },
		Node: func(c *config.Node) {
			c.Node.WebSocket.Enable, c.Node.WebSocket.Address, c.Node.WebSocket.Port = true, "127.0.0.1", wsPort
		}})
	wsURL := "ws://127.0.0.1:" + strconv.Itoa(wsPort)

	type v2sub struct {
		name   string
		filter fb.TopicConfirmationTypeFilter
		quorum bool // the confirmations at commit
		sees   bool // the re-emission
	}
	v2subs := []v2sub{
		{"all", fb.TopicConfirmationTypeFilterall, true, true},
		{"active", fb.TopicConfirmationTypeFilteractive, true, true},
		{"active_confirmation_height", fb.TopicConfirmationTypeFilteractive_confirmation_height, false, true},
		{"active_quorum", fb.TopicConfirmationTypeFilteractive_quorum, true, false},
	}
	subs := make([]*client.Subscription, len(v2subs))
	for i, s := range v2subs {
		sub, err := as(t, n, testenv.Transports[i%2], "sub").Subscribe(ctx(t), &fb.TopicConfirmationOptionsT{ConfirmationTypeFilter: s.filter, IncludeBlock: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sub.Close() })
		subs[i] = sub
	}
	wsAll := wsSubscribe(t, wsURL, nil)
	wsQuorum := wsSubscribe(t, wsURL, map[string]any{"confirmation_type": "active_quorum"})

	first := sendFromGenesis(t, n, someAccount, "7")
	cl := testenv.Dial(t, n, testenv.Transports[1])
	if reply, err := cl.Legacy(ctx(t), "block_confirm", map[string]any{"hash": first}); err != nil || !json.Valid(reply) {
		t.Fatalf("block_confirm: %s %v", reply, err)
	}
	second := sendFromGenesis(t, n, someAccount, "8")

	for i, s := range v2subs {
		t.Run("v2/"+s.name, func(t *testing.T) {
			type want struct {
				hash string
				typ  fb.TopicConfirmationType
				seq  bool
			}
			var wants []want
			if s.quorum {
				wants = append(wants, want{first, fb.TopicConfirmationTypeactive_quorum, true})
			}
			if s.sees {
				wants = append(wants, want{first, fb.TopicConfirmationTypeactive_confirmation_height, false})
			}
			if s.quorum {
				wants = append(wants, want{second, fb.TopicConfirmationTypeactive_quorum, true})
			} else {
				// Nothing else comes: a second block_confirm is next.
				if _, err := cl.Legacy(ctx(t), "block_confirm", map[string]any{"hash": second}); err != nil {
					t.Fatal(err)
				}
				wants = append(wants, want{second, fb.TopicConfirmationTypeactive_confirmation_height, false})
			}
			for j, w := range wants {
				ev, err := subs[i].Next(ctx(t))
				if err != nil {
					t.Fatal(err)
				}
				if ev.Hash != w.hash || ev.ConfirmationType != w.typ || (ev.Sequence != 0) != w.seq || ev.Block == nil {
					t.Fatalf("event %d: hash %s type %v sequence %d; want %s %v (sequence: %v)", j, ev.Hash, ev.ConfirmationType, ev.Sequence, w.hash, w.typ, w.seq)
				}
			}
		})
	}
	t.Run("websocket/all", func(t *testing.T) {
		for j, w := range []struct{ hash, typ string }{{first, "active_quorum"}, {first, "active_confirmation_height"}, {second, "active_quorum"}} {
			m := wsNext(t, wsAll)
			if m.Message.Hash != w.hash || m.Message.ConfirmationType != w.typ || (m.Sequence == "") != (w.typ != "active_quorum") {
				t.Fatalf("message %d: %+v, want %s %s", j, m, w.hash, w.typ)
			}
		}
	})
	t.Run("websocket/active_quorum", func(t *testing.T) {
		for j, hash := range []string{first, second} {
			if m := wsNext(t, wsQuorum); m.Message.Hash != hash || m.Message.ConfirmationType != "active_quorum" {
				t.Fatalf("message %d: %+v, want %s active_quorum", j, m, hash)
			}
		}
	})
}

// TestBlockConfirmUnknownBlock: no event for a block the ledger lacks.
func TestBlockConfirmUnknownBlock(t *testing.T) {
	n := startBrokerNode(t)
	sub, err := as(t, n, testenv.Transports[0], "sub").Subscribe(ctx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	cl := testenv.Dial(t, n, testenv.Transports[1])
	if _, err := cl.Legacy(ctx(t), "block_confirm", map[string]any{"hash": "0000000000000000000000000000000000000000000000000000000000000001"}); err == nil {
		t.Fatal("block_confirm of an unknown block succeeded")
	}
	hash := sendFromGenesis(t, n, someAccount, "1")
	wctx, cancel := context.WithTimeout(ctx(t), 5*time.Second)
	defer cancel()
	if ev, err := sub.Next(wctx); err != nil || ev.Hash != hash || ev.ConfirmationType != fb.TopicConfirmationTypeactive_quorum {
		t.Fatalf("first event %+v %v, want the send %s", ev, err, hash)
	}
}

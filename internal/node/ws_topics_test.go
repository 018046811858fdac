package node_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
)

// TestWebSocketTopicHooks: the node's own WebSocket, subscribed to vote,
// started_election, new_unconfirmed_block and work, gets a message of
// each for a send processed through the node and a work_generate call,
// about that block and that root, each in the shape of the Nano
// documentation's sample (testenv.WSShapeDiff).
func TestWebSocketTopicHooks(t *testing.T) {
	wsPort := testenv.FreePort(t)
	n := testenv.Start(t, testenv.Options{RPC: func(r *config.RPC) { r.EnableControl = true },
		Node: func(c *config.Node) {
			c.Node.WebSocket.Enable, c.Node.WebSocket.Address, c.Node.WebSocket.Port = true, "127.0.0.1", wsPort
		}})
	ws := wsDial(t, "ws://127.0.0.1:"+strconv.Itoa(wsPort))
	for _, topic := range []string{"vote", "started_election", "new_unconfirmed_block", "work"} {
		wsSubscribeTopic(t, ws, topic, nil)
	}

	hash := sendFromGenesis(t, n, someAccount, "1")
	const root = "718CC2121C3E641059BC1C2CFC45666C99E8AE922F7A807B7D07B62C995D79E2"
	cl := testenv.Dial(t, n, testenv.Transports[1])
	if _, err := cl.Legacy(ctx(t), "work_generate", map[string]any{"hash": root}); err != nil {
		t.Fatalf("work_generate: %v", err)
	}

	// Where each topic's message names the block or root it is about.
	about := map[string]string{
		"vote":                  "message.blocks.0",
		"started_election":      "message.hash",
		"new_unconfirmed_block": "hash",
		"work":                  "message.request.hash",
	}
	want := map[string]string{"vote": hash, "started_election": hash, "new_unconfirmed_block": hash, "work": root}
	for len(want) > 0 {
		_, data, err := ws.Read(ctx(t))
		if err != nil {
			t.Fatalf("still waiting for %v: %v", want, err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%v: %s", err, data)
		}
		topic, _ := m["topic"].(string)
		if about[topic] == "" {
			t.Fatalf("a message of a topic not subscribed to: %s", data)
		}
		if d := testenv.WSShapeDiff(t, topic, m); len(d) > 0 {
			t.Errorf("%s: %s\n%s", topic, strings.Join(d, "; "), data)
		}
		if memberAt(m, about[topic]) == want[topic] {
			delete(want, topic)
		}
	}
}

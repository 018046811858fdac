package gateway_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

// TestWebSocketTopicsLive subscribes to every topic through a real
// WebSocket, publishes one event of each into the broker (payloads as the
// node builds them; the node's hooks are tested in internal/node) and a
// real send for the confirmation, and compares each message's shape with
// the documentation's sample.
func TestWebSocketTopicsLive(t *testing.T) {
	e := startEnv(t, modes[0], envOptions{enableControl: true, events: true})
	ws := e.dialWS(t, e.wsURL, nil)
	got := map[string]any{}
	for _, topic := range broker.Topics() {
		opts := ""
		if topic == broker.TopicConfirmation {
			opts = `, "options": {"include_election_info": "true", "include_sideband_info": "true"}`
		}
		ws.send(`{"action": "subscribe", "topic": "` + topic.String() + `", "ack": true` + opts + `}`)
		ws.expect(`"ack": "subscribe"`)
	}
	hash := e.sendOne(account(50))
	got["confirmation"] = decodeAny(t, ws.expect(`"topic": "confirmation"`, hash, `"sideband"`))
	h, _ := nano.ParseHash(hash)
	blk := &nano.Block{Type: nano.BlockTypeState, Account: key(1).PublicKey(), Representative: key(1).PublicKey()}
	telemetry := ptree.New().Put("block_count", "1").Put("node_id", "node_1")
	payloads := []struct {
		topic broker.Topic
		p     any
	}{
		{broker.TopicNewUnconfirmedBlock, &broker.NewBlock{Hash: h, Block: blk, Subtype: "send"}},
		{broker.TopicStartedElection, &broker.Election{Hash: h}},
		{broker.TopicStoppedElection, &broker.Election{Hash: h}},
		{broker.TopicVote, &broker.Vote{Account: key(1).PublicKey(), Timestamp: broker.VoteFinal, Duration: 15, Hashes: []nano.Hash{h}, Type: "vote"}},
		{broker.TopicActiveDifficulty, &broker.Difficulty{Minimum: 1, Current: 1, Multiplier: 1}},
		{broker.TopicWork, &broker.Work{Version: "work_1", Root: h, Difficulty: 1, Base: 1, Success: true, Source: "local", Work: 7}},
		{broker.TopicTelemetry, &broker.Telemetry{Data: telemetry, Address: "::1"}},
		{broker.TopicBootstrap, &broker.Bootstrap{Reason: "started", ID: "X", Mode: "legacy"}},
	}
	for _, p := range payloads {
		e.stack.broker.PublishTopic(p.topic, p.p)
		got[p.topic.String()] = decodeAny(t, ws.expect(`"topic": "`+p.topic.String()+`"`))
	}
	if m := got["work"].(map[string]any)["message"].(map[string]any); m["bad_peers"] != "" {
		t.Errorf("bad_peers %v, want \"\" as the node writes it", m["bad_peers"])
	}
	for topic, msg := range got {
		if topic == "telemetry" {
			// only the envelope and address/port: the data is the telemetry action's
			d := testenv.WSDocsSample(t, topic).(map[string]any)
			m := d["message"].(map[string]any)
			d["message"] = map[string]any{"block_count": m["block_count"], "node_id": m["node_id"], "address": m["address"], "port": m["port"]}
			if diff := testenv.ShapeDiff("", d, msg, nil); len(diff) > 0 {
				t.Errorf("%s: %s", topic, strings.Join(diff, "; "))
			}
			continue
		}
		if d := testenv.WSShapeDiff(t, topic, msg); len(d) > 0 {
			t.Errorf("%s: %s", topic, strings.Join(d, "; "))
		}
	}
}

// TestWebSocketTopicFilters: min_amount on confirmations, vote's
// representatives filter, and the separate gateway refusing the topics
// its relay cannot carry.
func TestWebSocketTopicFilters(t *testing.T) {
	e := startEnv(t, modes[0], envOptions{enableControl: true, events: true})
	ws := e.dialWS(t, e.wsURL, nil)
	ws.send(`{"action": "subscribe", "topic": "confirmation", "ack": true, "options": {"min_amount": "2"}}`)
	ws.expect(`"ack": "subscribe"`)
	small := e.sendOne(account(61)) // sendOne sends 1 raw
	ws.quiet()
	_ = small
	ws.send(`{"action": "subscribe", "topic": "confirmation", "ack": true, "options": {"min_amount": "1"}}`)
	ws.expect(`"ack": "subscribe"`)
	ws.expectHash(e.sendOne(account(62)))
	ws.send(`{"action": "subscribe", "topic": "confirmation", "ack": true, "options": {"min_amount": "x"}}`)
	ws.expect(`"error": "Invalid option min_amount: expected an amount in raw"`)

	ipc := startEnv(t, modes[2], envOptions{enableControl: true})
	w2 := ipc.dialWS(t, ipc.wsURL, nil)
	w2.send(`{"action": "subscribe", "topic": "vote", "ack": true}`)
	w2.expect(`"error": "Topic vote is only served by the node's own WebSocket (the node's IPC does not carry it)"`)
}

func decodeAny(t *testing.T, msg string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(msg), &v); err != nil {
		t.Fatalf("%v: %s", err, msg)
	}
	return v
}

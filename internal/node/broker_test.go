package node_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/fbjson"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
	"github.com/nipc/nipc/nano"
)

// brokerAccess lets "sub" subscribe and "admin" do anything.
const brokerAccess = `
[[user]]
id = "sub"
allow = "api_topic_confirmation, api_topic_service_stop, api_service_register"

[[user]]
id = "admin"
allow = "unrestricted"
`

func startBrokerNode(t *testing.T) *testenv.Node {
	return testenv.Start(t, testenv.Options{Access: brokerAccess, RPC: func(r *config.RPC) { r.EnableControl = true }})
}

// sendFromGenesis sends raw from the genesis wallet to dest and returns the
// block hash.
func sendFromGenesis(t *testing.T, n *testenv.Node, dest string, raw string) string {
	t.Helper()
	cl := testenv.Dial(t, n, testenv.Transports[1])
	reply, err := cl.Legacy(ctx(t), "send", map[string]any{"wallet": n.GenesisWallet.String(), "source": nano.DevGenesisAccount, "destination": dest, "amount": raw})
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	var r struct{ Block string }
	json.Unmarshal(reply, &r)
	return r.Block
}

var someAccount = nano.DeriveKey(nano.Seed{9}, 0).PublicKey().Account()

// TestSubscribeBinary: a client subscription receives the confirmation of a
// block processed afterwards, with hash, block and election info.
func TestSubscribeBinary(t *testing.T) {
	n := startBrokerNode(t)
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			sub, err := as(t, n, tr, "sub").Subscribe(ctx(t), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer sub.Close()
			hash := sendFromGenesis(t, n, someAccount, "1000")
			ev, err := sub.Next(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			if ev.Hash != hash || ev.Account != nano.DevGenesisAccount || ev.Amount != "1000" || ev.Block == nil || ev.ElectionInfo == nil {
				t.Fatalf("event %+v", ev)
			}
			st := ev.Block.Value.(*fb.BlockStateT)
			if st.LinkAsAccount != someAccount || st.Subtype != fb.BlockSubTypesend {
				t.Fatalf("block %+v", st)
			}
		})
	}
}

// TestSubscribeAnonymous: as on the Nano node, a fresh data directory (no
// config-access.toml) serves confirmations to a TopicConfirmation
// subscriber without credentials, on every transport; once the access file
// denies api_topic_confirmation to the default user, such a subscriber is
// refused and gets nothing, while a user that holds it still subscribes.
func TestSubscribeAnonymous(t *testing.T) {
	const closed = `
[[user]]
id = ""
deny = "api_topic_confirmation"

[[user]]
id = "sub"
allow = "api_topic_confirmation"
`
	tests := []struct {
		name   string
		access string // "": no access file
		denied bool
	}{
		{"fresh data directory", "", false},
		{"default user denied api_topic_confirmation", closed, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := testenv.Start(t, testenv.Options{Access: tt.access, RPC: func(r *config.RPC) { r.EnableControl = true }})
			for _, tr := range testenv.Transports {
				t.Run(tr.Name, func(t *testing.T) {
					sub, err := as(t, n, tr, "").Subscribe(ctx(t), nil)
					if tt.denied {
						if !errors.Is(err, api.ErrAccessDenied) {
							t.Fatalf("anonymous subscribe: %v, want Access denied", err)
						}
						if _, err := as(t, n, tr, "nobody").Subscribe(ctx(t), nil); !errors.Is(err, api.ErrAccessDenied) {
							t.Fatalf("unknown credentials: %v, want Access denied", err)
						}
						// A user holding the permission still subscribes.
						sub, err = as(t, n, tr, "sub").Subscribe(ctx(t), nil)
					}
					if err != nil {
						t.Fatal(err)
					}
					defer sub.Close()
					hash := sendFromGenesis(t, n, someAccount, "1000")
					ev, err := sub.Next(ctx(t))
					if err != nil {
						t.Fatal(err)
					}
					if ev.Hash != hash || ev.Amount != "1000" {
						t.Fatalf("event %+v, want the send %s", ev, hash)
					}
				})
			}
		})
	}
}

// TestAckBeforeFirstEventUnderLoad subscribes many times while blocks are
// being processed: the EventAck must always be the first thing read.
func TestAckBeforeFirstEventUnderLoad(t *testing.T) {
	n := startBrokerNode(t)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		cl := testenv.Dial(t, n, testenv.Transports[1])
		for {
			select {
			case <-stop:
				return
			default:
			}
			cl.Legacy(context.Background(), "send", map[string]any{"wallet": n.GenesisWallet.String(), "source": nano.DevGenesisAccount, "destination": someAccount, "amount": "1"})
		}
	})
	defer func() { close(stop); wg.Wait() }()
	sub := []byte(`{"credentials": "sub", "message_type": "TopicConfirmation", "message": {}}`)
	for i := range 40 {
		tr := testenv.Transports[i%2]
		c := dialRaw(t, n, tr)
		first := string(c.call(ipc.EncodingFlatbuffersJSON, sub))
		if !strings.Contains(first, `"message_type": "EventAck"`) {
			t.Fatalf("subscription %d: first frame is not the ack:\n%s", i, first)
		}
		c.c.Close()
	}
}

// TestEventsAndRepliesInterleave: on one JSON connection, requests keep
// getting their replies while events arrive, and every frame is whole.
func TestEventsAndRepliesInterleave(t *testing.T) {
	n := startBrokerNode(t)
	c := dialRaw(t, n, testenv.Transports[1])
	if ack := string(c.call(ipc.EncodingFlatbuffersJSON, []byte(`{"credentials": "sub", "message_type": "TopicConfirmation", "message": {}}`))); !strings.Contains(ack, "EventAck") {
		t.Fatal(ack)
	}
	const sends = 10
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range sends {
			sendFromGenesis(t, n, someAccount, "1")
		}
	}()
	// Ask IsAlive repeatedly; count events and replies until all are seen.
	events, replies := 0, 0
	c.c.SetDeadline(time.Now().Add(20 * time.Second))
	for events < sends || replies < 20 {
		if replies < 20 {
			c.c.Write(ipc.AppendRequest(nil, ipc.EncodingFlatbuffersJSON, []byte(`{"message_type": "IsAlive", "message": {}}`)))
		}
		frame, err := ipc.ReadFrame(c.c, 1<<20, nil)
		if err != nil {
			t.Fatalf("after %d events and %d replies: %v", events, replies, err)
		}
		env, err := fbjson.ParseEnvelope(frame, fbjson.Options{})
		if err != nil {
			t.Fatalf("torn or bad frame: %v\n%s", err, frame)
		}
		switch env.Message.Type {
		case fb.MessageEventConfirmation:
			events++
		case fb.MessageIsAlive:
			replies++
		default:
			t.Fatalf("unexpected %s", frame)
		}
	}
	<-done
}

// TestServicesEndToEnd: A registers a service and subscribes to its stop;
// B (with the permission) stops it; A receives EventServiceStop.
func TestServicesEndToEnd(t *testing.T) {
	n := startBrokerNode(t)
	a := dialRaw(t, n, testenv.Transports[1])
	for _, req := range []string{
		`{"credentials": "sub", "message_type": "ServiceRegister", "message": {"service_name": "svc"}}`,
		`{"credentials": "sub", "message_type": "TopicServiceStop", "message": {}}`,
	} {
		if r := string(a.call(ipc.EncodingFlatbuffersJSON, []byte(req))); strings.Contains(r, "Error") {
			t.Fatal(r)
		}
	}
	b := as(t, n, testenv.Transports[0], "sub")
	if _, err := b.Call(ctx(t), &fb.ServiceStopT{ServiceName: "svc"}); !errors.Is(err, api.ErrAccessDenied) {
		t.Fatalf("ServiceStop without api_service_stop: %v", err)
	}
	admin := as(t, n, testenv.Transports[0], "admin")
	if _, err := admin.Call(ctx(t), &fb.ServiceStopT{ServiceName: "svc"}); err != nil {
		t.Fatal(err)
	}
	a.c.SetDeadline(time.Now().Add(5 * time.Second))
	frame, err := ipc.ReadFrame(a.c, 1<<20, nil)
	if err != nil || !strings.Contains(string(frame), `"message_type": "EventServiceStop"`) {
		t.Fatalf("A got %q, %v; want a JSON EventServiceStop", frame, err)
	}
}

// TestServiceStopNode: ServiceStop{"node"} stops the node, given the permission.
func TestServiceStopNode(t *testing.T) {
	n := startBrokerNode(t)
	if _, err := as(t, n, testenv.Transports[0], "sub").Call(ctx(t), &fb.ServiceStopT{ServiceName: "node"}); !errors.Is(err, api.ErrAccessDenied) {
		t.Fatalf("without permission: %v", err)
	}
	select {
	case <-n.Stopped:
		t.Fatal("node stopped without permission")
	case <-time.After(200 * time.Millisecond):
	}
	if _, err := as(t, n, testenv.Transports[0], "admin").Call(ctx(t), &fb.ServiceStopT{ServiceName: "node"}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-n.Stopped:
		n.Stopped <- err
	case <-time.After(10 * time.Second):
		t.Fatal("node still running after ServiceStop{node}")
	}
}

// TestFiltersOverSockets: an account filter with include_block false still
// filters, and unsubscribe stops events.
func TestFiltersOverSockets(t *testing.T) {
	n := startBrokerNode(t)
	other := nano.DeriveKey(nano.Seed{10}, 0).PublicKey().Account()
	sub, err := as(t, n, testenv.Transports[0], "sub").Subscribe(ctx(t), &fb.TopicConfirmationOptionsT{Accounts: []string{other}, IncludeBlock: false, IncludeElectionInfo: false})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	sendFromGenesis(t, n, someAccount, "5") // filtered out
	hash := sendFromGenesis(t, n, other, "6")
	ev, err := sub.Next(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Hash != hash || ev.Block != nil || ev.ElectionInfo != nil {
		t.Fatalf("event %+v", ev)
	}
}

// TestSlowSubscriberDoesNotDelayOthers: a subscriber that never reads is
// dropped; another keeps receiving and processing is not held up.
func TestSlowSubscriberDoesNotDelayOthers(t *testing.T) {
	n := startBrokerNode(t)
	slow := dialRaw(t, n, testenv.Transports[1])
	if ack := string(slow.call(ipc.EncodingFlatbuffersJSON, []byte(`{"credentials": "sub", "message_type": "TopicConfirmation", "message": {}}`))); !strings.Contains(ack, "EventAck") {
		t.Fatal(ack)
	}
	// slow never reads again.
	fast, err := as(t, n, testenv.Transports[0], "sub").Subscribe(ctx(t), &fb.TopicConfirmationOptionsT{IncludeBlock: false, IncludeElectionInfo: false})
	if err != nil {
		t.Fatal(err)
	}
	defer fast.Close()
	start := time.Now()
	const blocks = 30
	for range blocks {
		sendFromGenesis(t, n, someAccount, "1")
		if _, err := fast.Next(ctx(t)); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d blocks processed and delivered in %v with a stalled subscriber", blocks, time.Since(start))
}

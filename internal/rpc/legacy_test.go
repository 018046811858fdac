package rpc

import (
	"context"
	"errors"
	"testing"

	"go.uber.org/goleak"

	"github.com/nipc/nipc/internal/observe"
	"github.com/nipc/nipc/internal/observe/observetest"
	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/ipc"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func testLegacy(enableControl bool) (*Legacy, *int) {
	reg := NewRegistry()
	afterCalls := new(int)
	reg.Register(Action{Name: "echo", Func: func(ctx context.Context, r *Request) (*ptree.Tree, error) {
		v, err := r.Require("value")
		if err != nil {
			return nil, err
		}
		return ptree.New().Put("value", v), nil
	}})
	reg.Register(Action{Name: "wallet_seed", Unsafe: true, Func: func(ctx context.Context, r *Request) (*ptree.Tree, error) {
		return ptree.New().Put("seed", "secret"), nil
	}})
	reg.Register(Action{Name: "fail", Func: func(ctx context.Context, r *Request) (*ptree.Tree, error) {
		return nil, Errorf("Bad account number")
	}})
	reg.Register(Action{Name: "boom", Func: func(ctx context.Context, r *Request) (*ptree.Tree, error) {
		panic("boom")
	}})
	reg.Register(Action{Name: "empty", Func: func(ctx context.Context, r *Request) (*ptree.Tree, error) { return nil, nil }})
	reg.Register(Action{Name: "oops", Func: func(ctx context.Context, r *Request) (*ptree.Tree, error) {
		return nil, errors.New("disk on fire")
	}})
	reg.Register(Action{Name: "stop", Func: func(ctx context.Context, r *Request) (*ptree.Tree, error) {
		return ptree.New().Put("success", ""), nil
	}, After: func() { *afterCalls++ }})
	return &Legacy{Registry: reg, EnableControl: enableControl}, afterCalls
}

func TestLegacyDispatch(t *testing.T) {
	unsafePeer := &peer.Peer{Transport: peer.Unix, AllowUnsafe: true}
	safePeer := &peer.Peer{Transport: peer.TCP}
	tests := []struct {
		name    string
		control bool
		peer    *peer.Peer
		enc     ipc.Encoding
		body    string
		want    string
	}{
		{"parses", false, safePeer, 1, `{"action":"echo","value":"x"}`, "{\n    \"value\": \"x\"\n}\n"},
		{"number read as string", false, safePeer, 1, `{"action":"echo","value":10}`, "{\n    \"value\": \"10\"\n}\n"},
		{"bool read as string", false, safePeer, 1, `{"action":"echo","value":true}`, "{\n    \"value\": \"true\"\n}\n"},
		{"not json", false, safePeer, 1, `nope`, "{\n    \"error\": \"Unable to parse JSON\"\n}\n"},
		{"no action", false, safePeer, 1, `{"value":"x"}`, "{\n    \"error\": \"Unable to parse JSON\"\n}\n"},
		{"action is an object", false, safePeer, 1, `{"action":{"a":"b"}}`, "{\n    \"error\": \"Unable to parse JSON\"\n}\n"},
		{"missing parameter", false, safePeer, 1, `{"action":"echo"}`, "{\n    \"error\": \"Unable to parse JSON\"\n}\n"},
		{"unknown", false, safePeer, 1, `{"action":"nope"}`, "{\n    \"error\": \"Unknown command\"\n}\n"},
		{"action error", false, safePeer, 1, `{"action":"fail"}`, "{\n    \"error\": \"Bad account number\"\n}\n"},
		{"panic", false, safePeer, 1, `{"action":"boom"}`, "{\n    \"error\": \"Internal server error in RPC\"\n}\n"},
		{"other error", false, safePeer, 1, `{"action":"oops"}`, "{\n    \"error\": \"Internal server error in RPC\"\n}\n"},
		{"empty", false, safePeer, 1, `{"action":"empty"}`, "{\n    \"error\": \"Empty response\"\n}\n"},
		{"control off", false, safePeer, 1, `{"action":"stop"}`, "{\n    \"error\": \"RPC control is disabled\"\n}\n"},
		{"control on", true, safePeer, 1, `{"action":"stop"}`, "{\n    \"success\": \"\"\n}\n"},
		{"unsafe: encoding 1", true, unsafePeer, 1, `{"action":"wallet_seed"}`, "{\n    \"error\": \"Unsafe RPC not allowed\"\n}\n"},
		{"unsafe: transport forbids", true, safePeer, 2, `{"action":"wallet_seed"}`, "{\n    \"error\": \"Unsafe RPC not allowed\"\n}\n"},
		{"unsafe: no peer", true, nil, 2, `{"action":"wallet_seed"}`, "{\n    \"error\": \"Unsafe RPC not allowed\"\n}\n"},
		{"unsafe: allowed", true, unsafePeer, 2, `{"action":"wallet_seed"}`, "{\n    \"seed\": \"secret\"\n}\n"},
		{"unsafe but control off", false, unsafePeer, 2, `{"action":"wallet_seed"}`, "{\n    \"error\": \"RPC control is disabled\"\n}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, _ := testLegacy(tt.control)
			ctx := context.Background()
			if tt.peer != nil {
				ctx = peer.With(ctx, tt.peer)
			}
			got := l.Handle(ctx, tt.enc, []byte(tt.body), []byte("prefix"))
			if string(got) != "prefix"+tt.want {
				t.Errorf("got %q, want %q", got, "prefix"+tt.want)
			}
		})
	}
}

func TestAfterRunsOnlyOnSuccess(t *testing.T) {
	l, calls := testLegacy(true)
	l.Handle(context.Background(), 1, []byte(`{"action":"stop"}`), nil)
	if *calls != 1 {
		t.Fatalf("After ran %d times, want 1", *calls)
	}
	l.EnableControl = false
	l.Handle(context.Background(), 1, []byte(`{"action":"stop"}`), nil)
	if *calls != 1 {
		t.Fatalf("After ran on a refused request")
	}
}

func TestIsControl(t *testing.T) {
	tests := []struct {
		body string
		want bool
	}{
		{`{"action":"stop"}`, true},
		{`{"action":"wallet_seed"}`, true},
		{`{"action":"backoff_info"}`, true},
		{`{"action":"version"}`, false},
		{`{"action":"stats","type":"objects"}`, true},
		{`{"action":"stats","type":"counters"}`, false},
		{`{"action":"process","force":true}`, true},
		{`{"action":"process","force":"1"}`, true},
		{`{"action":"process","force":false}`, false},
		{`{"action":"process"}`, false},
	}
	for _, tt := range tests {
		p, err := ptree.Parse([]byte(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		a, _ := p.Get("action")
		if got := IsControl(a, p); got != tt.want {
			t.Errorf("IsControl(%s) = %v, want %v", tt.body, got, tt.want)
		}
	}
	if n := len(ControlActions()); n != 43 {
		t.Errorf("control set has %d actions, want the node's 43", n)
	}
}

func TestRegisterTwicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	r := NewRegistry()
	f := func(context.Context, *Request) (*ptree.Tree, error) { return nil, nil }
	r.Register(Action{Name: "a", Func: f})
	r.Register(Action{Name: "a", Func: f})
}

// FuzzLegacy: any body gives a reply that is a JSON object the node's way,
// and never a panic.
func FuzzLegacy(f *testing.F) {
	for _, s := range []string{`{"action":"echo","value":"x"}`, `{"action":"stop"}`, `{"action":"wallet_seed"}`, `{}`, `[`, `{"action":"echo","value":{"a":[1,2]}}`} {
		f.Add([]byte(s), byte(1))
	}
	l, _ := testLegacy(true)
	ctx := peer.With(context.Background(), &peer.Peer{AllowUnsafe: true})
	f.Fuzz(func(t *testing.T, body []byte, enc byte) {
		out := l.Handle(ctx, ipc.Encoding(enc), body, nil)
		tree, err := ptree.Parse(out)
		if err != nil || tree.Len() == 0 {
			t.Fatalf("reply %q is not a non-empty object: %v", out, err)
		}
		for _, b := range out {
			if b >= 0x80 {
				t.Fatalf("reply %q is not ASCII", out)
			}
		}
	})
}

type (
	observed          = observetest.Seen
	recordingObserver = observetest.Recorder
)

// TestLegacyObserver: every request is observed once, with its action's
// name (or "unknown") and how it ended.
func TestLegacyObserver(t *testing.T) {
	ctx := peer.With(context.Background(), &peer.Peer{Transport: peer.TCP})
	tests := []struct {
		body string
		want observed
	}{
		{`{"action":"echo","value":"x"}`, observed{Name: "legacy echo", Outcome: observe.Answered}},
		{`{"action":"echo"}`, observed{Name: "legacy echo", Outcome: observe.Failed}},
		{`{"action":"fail"}`, observed{Name: "legacy fail", Outcome: observe.Failed}},
		{`{"action":"boom"}`, observed{Name: "legacy boom", Outcome: observe.Failed}},
		{`{"action":"empty"}`, observed{Name: "legacy empty", Outcome: observe.Failed}},
		{`{"action":"wallet_seed"}`, observed{Name: "legacy wallet_seed", Outcome: observe.Denied}},
		{`{"action":"stop"}`, observed{Name: "legacy stop", Outcome: observe.Denied}},
		{`{"action":"no_such_action"}`, observed{Name: "legacy unknown", Outcome: observe.Failed}},
		{`{"value":"x"}`, observed{Name: "legacy unknown", Outcome: observe.Failed}},
		{`not json`, observed{Name: "legacy unknown", Outcome: observe.Failed}},
	}
	for _, tt := range tests {
		l, _ := testLegacy(false)
		rec := &recordingObserver{}
		l.Observer = rec
		l.Handle(ctx, ipc.EncodingJSON, []byte(tt.body), nil)
		if len(rec.Seen) != 1 || rec.Seen[0] != tt.want {
			t.Errorf("%s: observed %v, want [%v]", tt.body, rec.Seen, tt.want)
		}
	}
}

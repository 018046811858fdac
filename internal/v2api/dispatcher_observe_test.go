package v2api

import (
	"context"
	"testing"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/observe"
	"github.com/nipc/nipc/internal/observe/observetest"
	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/ipc"
)

// TestV2Observer: every v2 request is observed once, in both encodings,
// with its message's name (or "unknown") and how it ended.
func TestV2Observer(t *testing.T) {
	v := &Dispatcher{Handlers: map[fb.Message]Handler{
		fb.MessageIsAlive: func(context.Context, any) (any, error) { return &fb.IsAliveT{}, nil },
		fb.MessageVersion: func(context.Context, any) (any, error) { return &fb.VersionT{}, nil },
		fb.MessageAccountWeight: func(context.Context, any) (any, error) {
			return nil, api.ErrBadAccountNumber
		},
	}}
	ctx := peer.With(context.Background(), &peer.Peer{Transport: peer.TCP})
	binary := func(m any) []byte {
		b, err := api.Encode(api.NewEnvelope(m, "", v.now()))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name    string
		enc     ipc.Encoding
		payload []byte
		want    observetest.Seen
	}{
		{"answered", ipc.EncodingFlatbuffersJSON, []byte(`{"message_type": "IsAlive", "message": {}}`), observetest.Seen{Name: "v2 IsAlive", Outcome: observe.Answered}},
		{"answered, binary", ipc.EncodingFlatbuffers, binary(&fb.IsAliveT{}), observetest.Seen{Name: "v2 IsAlive", Outcome: observe.Answered}},
		{"denied", ipc.EncodingFlatbuffersJSON, []byte(`{"message_type": "Version", "message": {}}`), observetest.Seen{Name: "v2 Version", Outcome: observe.Denied}},
		{"handler error", ipc.EncodingFlatbuffersJSON, []byte(`{"message_type": "AccountWeight", "message": {"account": "x"}}`), observetest.Seen{Name: "v2 AccountWeight", Outcome: observe.Failed}},
		{"no handler", ipc.EncodingFlatbuffersJSON, []byte(`{"message_type": "BlockCount", "message": {}}`), observetest.Seen{Name: "v2 unknown", Outcome: observe.Failed}},
		{"not JSON", ipc.EncodingFlatbuffersJSON, []byte(`nope`), observetest.Seen{Name: "v2 unknown", Outcome: observe.Failed}},
		{"not a flatbuffer", ipc.EncodingFlatbuffers, []byte{1, 2, 3}, observetest.Seen{Name: "v2 unknown", Outcome: observe.Failed}},
	}
	for _, tt := range tests {
		rec := &observetest.Recorder{}
		v.Observer = rec
		v.Handle(ctx, tt.enc, tt.payload, nil)
		if len(rec.Seen) != 1 || rec.Seen[0] != tt.want {
			t.Errorf("%s: observed %v, want [%v]", tt.name, rec.Seen, tt.want)
		}
	}
}

package rpc

import (
	"context"
	"testing"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/ipc"
)

// TestV2Observer: every v2 request is observed once, in both encodings,
// with its message's name (or "unknown") and how it ended.
func TestV2Observer(t *testing.T) {
	v := &V2{Handlers: map[fb.Message]V2Func{
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
		want    observed
	}{
		{"answered", ipc.EncodingFlatbuffersJSON, []byte(`{"message_type": "IsAlive", "message": {}}`), observed{"v2 IsAlive", Answered}},
		{"answered, binary", ipc.EncodingFlatbuffers, binary(&fb.IsAliveT{}), observed{"v2 IsAlive", Answered}},
		{"denied", ipc.EncodingFlatbuffersJSON, []byte(`{"message_type": "Version", "message": {}}`), observed{"v2 Version", Denied}},
		{"handler error", ipc.EncodingFlatbuffersJSON, []byte(`{"message_type": "AccountWeight", "message": {"account": "x"}}`), observed{"v2 AccountWeight", Failed}},
		{"no handler", ipc.EncodingFlatbuffersJSON, []byte(`{"message_type": "BlockCount", "message": {}}`), observed{"v2 unknown", Failed}},
		{"not JSON", ipc.EncodingFlatbuffersJSON, []byte(`nope`), observed{"v2 unknown", Failed}},
		{"not a flatbuffer", ipc.EncodingFlatbuffers, []byte{1, 2, 3}, observed{"v2 unknown", Failed}},
	}
	for _, tt := range tests {
		rec := &recordingObserver{}
		v.Observer = rec
		v.Handle(ctx, tt.enc, tt.payload, nil)
		if len(rec.seen) != 1 || rec.seen[0] != tt.want {
			t.Errorf("%s: observed %v, want [%v]", tt.name, rec.seen, tt.want)
		}
	}
}

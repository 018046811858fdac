package fbjson

import (
	"bytes"
	"testing"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
)

// sameText checks that AppendEnvelopeText renders env exactly as
// RenderEnvelope does, or fails where it fails.
func sameText(t *testing.T, env *fb.EnvelopeT) {
	t.Helper()
	want, wantErr := RenderEnvelope(env)
	prefix := []byte("prefix")
	got, err := AppendEnvelopeText(prefix, env)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("%+v: error %v, RenderEnvelope's %v", env, err, wantErr)
	}
	if err == nil && (!bytes.HasPrefix(got, prefix) || !bytes.Equal(got[len(prefix):], want)) {
		t.Fatalf("%+v:\n got %q\nwant %q", env, got[len(prefix):], want)
	}
}

// TestAppendEnvelopeText: objects the parser never makes (nil and empty
// vectors, unions without values or with values of another type, nil
// tables in vectors, strings that are not UTF-8, defaults) render as
// RenderEnvelope renders them, or fail where it fails.
func TestAppendEnvelopeText(t *testing.T) {
	tests := []struct {
		name string
		env  *fb.EnvelopeT
	}{
		{"nil envelope", nil},
		{"empty envelope", &fb.EnvelopeT{}},
		{"reply", api.NewEnvelope(&fb.AccountWeightResponseT{VotingWeight: "1000"}, "c1", time.UnixMilli(1700000000123))},
		{"error", api.ErrorEnvelope(api.ErrAccessDenied, "x\"\\/\u00e9\U0001F600\n", time.UnixMilli(1))},
		{"empty message", api.NewEnvelope(&fb.IsAliveT{}, "", time.UnixMilli(0))},
		{"nil vector", api.NewEnvelope(&fb.AccountHistoryResponseT{Account: "a"}, "", time.UnixMilli(5))},
		{"empty vector", api.NewEnvelope(&fb.ReceivableResponseT{Blocks: []*fb.ReceivableBlockT{}}, "", time.UnixMilli(5))},
		{"vector of tables", api.NewEnvelope(&fb.RepresentativesResponseT{Representatives: []*fb.RepresentativeT{{Account: "a", Weight: "1"}, {}}}, "", time.UnixMilli(5))},
		{"nil table in a vector", api.NewEnvelope(&fb.RepresentativesResponseT{Representatives: []*fb.RepresentativeT{nil}}, "", time.UnixMilli(5))},
		{"scalars and bools", api.NewEnvelope(&fb.AccountInfoT{Account: "a", IncludeWeight: true}, "", time.UnixMilli(5))},
		{"not UTF-8", api.NewEnvelope(&fb.AccountWeightResponseT{VotingWeight: "\xff"}, "", time.UnixMilli(5))},
		{"credentials not UTF-8", &fb.EnvelopeT{Credentials: "\xc3"}},
		{"union type without value", &fb.EnvelopeT{Message: &fb.MessageT{Type: fb.MessageIsAlive}}},
		{"union type unknown", &fb.EnvelopeT{Message: &fb.MessageT{Type: 250}}},
		{"union value of another type", &fb.EnvelopeT{Message: &fb.MessageT{Type: fb.MessageIsAlive, Value: &fb.SuccessT{}}}},
		{"union value without a type", &fb.EnvelopeT{Message: &fb.MessageT{Value: &fb.SuccessT{}}}},
		{"union value a typed nil", &fb.EnvelopeT{Message: &fb.MessageT{Type: fb.MessageSuccess, Value: (*fb.SuccessT)(nil)}}},
		{"union value not a pointer", &fb.EnvelopeT{Message: &fb.MessageT{Type: fb.MessageSuccess, Value: 3}}},
		{"block union", api.NewEnvelope(&fb.BlockInfoT{Block: &fb.BlockT{Type: fb.BlockBlockState, Value: &fb.BlockStateT{Account: "a"}}}, "", time.UnixMilli(5))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { sameText(t, tt.env) })
	}
}

// FuzzAppendEnvelopeText: the fast path renders every envelope the parser
// accepts (any message type, requests and replies) exactly as the
// FlatBuffer round trip (RenderEnvelope) does.
func FuzzAppendEnvelopeText(f *testing.F) {
	for _, in := range accepted {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		env, err := ParseEnvelope(in, Options{})
		if err != nil {
			return
		}
		sameText(t, env)
	})
}

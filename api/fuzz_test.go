package api

import (
	"math"
	"testing"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/nipc/nipc/api/fb"
)

// seedEnvelopes are encoded into the fuzz seeds next to the spec's vectors.
func seedEnvelopes() []*fb.EnvelopeT {
	return []*fb.EnvelopeT{
		NewEnvelope(&fb.TopicConfirmationT{Options: &fb.TopicConfirmationOptionsT{
			Accounts: []string{burnAccount, "xrb_x"}, IncludeBlock: true}}, "corr", zeroTime),
		NewEnvelope(&fb.EventConfirmationT{Account: burnAccount, Amount: "1000",
			Block:        &fb.BlockT{Type: fb.BlockBlockState, Value: &fb.BlockStateT{Hash: "AB", Subtype: fb.BlockSubTypesend}},
			ElectionInfo: &fb.ElectionInfoT{Duration: 100, Tally: "9"}}, "", zeroTime),
		NewEnvelope(&fb.AccountHistoryResponseT{Account: burnAccount, History: []*fb.HistoryEntryT{
			{Type: "send", Amount: "1", Height: 2, Confirmed: true}, {Type: "receive"}}}, "", zeroTime),
		NewEnvelope(&fb.ServiceStopT{ServiceName: "node", Restart: true}, "", zeroTime),
		ErrorEnvelope(ErrAccessDenied, "c1", zeroTime),
	}
}

// FuzzVerifyDecode: Verify and Decode never panic; Decode fails only with
// ErrVerify, on what Verify refuses or on a buffer past DecodeLimit, which
// then decodes without the limit; whatever decodes also unpacks without
// recover, re-encodes to a verified buffer and decodes to the same envelope.
func FuzzVerifyDecode(f *testing.F) {
	for _, v := range vectors() {
		f.Add(v)
	}
	for _, env := range seedEnvelopes() {
		b, err := Encode(env)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(aliasedAccounts(64, 4096))
	f.Fuzz(func(t *testing.T, b []byte) {
		env, err := Decode(b)
		if err != nil {
			if err != ErrVerify || env != nil {
				t.Fatalf("Decode = %v, %v", env, err)
			}
			if Verify(b) == nil { // past the limit
				if _, err := DecodeWithin(b, math.MaxUint64); err != nil {
					t.Fatalf("verified, past DecodeLimit, then %v without it", err)
				}
			}
			return
		}
		checkInvariant(t, b)
	})
}

// aliasedAccounts is a TopicConfirmation whose n accounts all point at one
// string of size bytes: it verifies, but its Go objects take n*size bytes.
func aliasedAccounts(n, size int) []byte {
	b := flatbuffers.NewBuilder(0)
	s := b.CreateByteString(make([]byte, size))
	b.StartVector(4, n, 4)
	for range n {
		b.PrependUOffsetT(s)
	}
	vec := b.EndVector(n)
	fb.TopicConfirmationOptionsStart(b)
	fb.TopicConfirmationOptionsAddAccounts(b, vec)
	opts := fb.TopicConfirmationOptionsEnd(b)
	fb.TopicConfirmationStart(b)
	fb.TopicConfirmationAddOptions(b, opts)
	msg := fb.TopicConfirmationEnd(b)
	fb.EnvelopeStart(b)
	fb.EnvelopeAddMessageType(b, fb.MessageTopicConfirmation)
	fb.EnvelopeAddMessage(b, msg)
	b.Finish(fb.EnvelopeEnd(b))
	return b.FinishedBytes()
}

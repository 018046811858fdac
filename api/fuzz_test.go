package api

import (
	"testing"

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

// FuzzVerifyDecode: Verify and Decode never panic; whatever verifies also
// unpacks without recover, re-encodes to a verified buffer and decodes to
// the same envelope.
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
	f.Fuzz(func(t *testing.T, b []byte) {
		env, err := Decode(b)
		if err != nil {
			if err != ErrVerify || env != nil || Verify(b) == nil {
				t.Fatalf("Decode = %v, %v", env, err)
			}
			return
		}
		checkInvariant(t, b)
	})
}

package natsbus_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/apiconv"
	"github.com/nipc/nipc/internal/gateway"
	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/natsbus"
	"github.com/nipc/nipc/nano"
)

// payloadOf renders a confirmation the way the node publishes it.
func payloadOf(c *ledger.Confirmation) []byte {
	return gateway.RenderConfirmation(apiconv.ConfirmationEvent(c, true, true), c.Election.Time, c.Sequence,
		gateway.Sideband{Height: c.Height, LocalTimestamp: uint64(c.Election.Time.Unix())})
}

func sampleConfirmations() []*ledger.Confirmation {
	gk := nano.DevGenesisKey()
	to := nano.DeriveKey(nano.Seed{9}, 0).PublicKey()
	send := &nano.Block{Type: nano.BlockTypeState, Account: gk.PublicKey(), Previous: nano.Hash{1},
		Representative: gk.PublicKey(), Balance: nano.NewAmount(1000), Link: nano.Hash(to), Work: 7}
	send.Sign(gk)
	legacy := &nano.Block{Type: nano.BlockTypeSend, Previous: nano.Hash{2}, Destination: to, Balance: nano.NewAmount(5), Work: 9}
	legacy.Sign(gk)
	at := time.UnixMilli(1_700_000_000_000)
	return []*ledger.Confirmation{
		{Sequence: 7, Account: gk.PublicKey(), Amount: nano.NewAmount(3), Hash: send.Hash(), Block: send,
			Subtype: ledger.SubtypeSend, Height: 4, ConfirmationType: "active_quorum",
			Election: ledger.ElectionInfo{Time: at, Tally: nano.NewAmount(99), RequestCount: 1, BlockCount: 1, VoterCount: 1}},
		{Sequence: 8, Account: gk.PublicKey(), Amount: nano.NewAmount(5), Hash: legacy.Hash(), Block: legacy,
			Height: 5, ConfirmationType: "inactive", Election: ledger.ElectionInfo{Time: at}},
	}
}

// TestParseConfirmationRoundTrip: what the node publishes reads back as
// the event it rendered (block, election info, sequence, time, sideband).
func TestParseConfirmationRoundTrip(t *testing.T) {
	for _, c := range sampleConfirmations() {
		want := apiconv.ConfirmationEvent(c, true, true)
		parsed, err := natsbus.ParseConfirmation(payloadOf(c))
		if err != nil {
			t.Fatal(err)
		}
		got, at := parsed.Event, parsed.Time
		if !at.Equal(c.Election.Time) {
			t.Errorf("time %v, want %v", at, c.Election.Time)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("sequence %d:\n got %+v\nwant %+v", c.Sequence, got, want)
		}
		if parsed.Height != c.Height || parsed.LocalTimestamp != uint64(c.Election.Time.Unix()) {
			t.Errorf("sideband %d, %d; want %d, %d", parsed.Height, parsed.LocalTimestamp, c.Height, c.Election.Time.Unix())
		}
		h, ts, ok := parsed.BrokerEvent().Sideband()
		if !ok || h != c.Height || ts != parsed.LocalTimestamp {
			t.Errorf("broker event's sideband %d, %d, %v; want %d, %d, true", h, ts, ok, c.Height, parsed.LocalTimestamp)
		}
	}
}

func TestParseConfirmationErrors(t *testing.T) {
	good := string(payloadOf(sampleConfirmations()[0]))
	tests := []struct{ name, payload string }{
		{"not JSON", "{"},
		{"no sequence", `{"time": "1", "message": {}}`},
		{"bad time", `{"time": "x", "sequence": "1", "message": {}}`},
		{"bad account", `{"time": "1", "sequence": "1", "message": {"account": "x"}}`},
		{"bad block", replaceOnce(good, `"type": "state"`, `"type": "nope"`)},
		{"bad type", replaceOnce(good, `"active_quorum"`, `"what"`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := natsbus.ParseConfirmation([]byte(tt.payload)); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

func replaceOnce(s, old, new string) string {
	for i := 0; i+len(old) <= len(s); i++ {
		if s[i:i+len(old)] == old {
			return s[:i] + new + s[i+len(old):]
		}
	}
	return s
}

// FuzzParseConfirmation: any payload gives an event or an error, never a
// panic; an event renders and reads back as itself.
func FuzzParseConfirmation(f *testing.F) {
	for _, c := range sampleConfirmations() {
		f.Add(payloadOf(c))
	}
	f.Add([]byte(`{"time": "1", "sequence": "1", "message": {"account": "nano_1111111111111111111111111111111111111111111111111111hifc8npp", "hash": "0", "confirmation_type": "inactive"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		parsed, err := natsbus.ParseConfirmation(data)
		if err != nil {
			return
		}
		ev := parsed.Event
		reparsed, err := natsbus.ParseConfirmation(gateway.RenderConfirmation(ev, parsed.Time, ev.Sequence, gateway.Sideband{}))
		again := reparsed.Event
		if err != nil {
			t.Fatalf("re-rendered event does not parse: %v", err)
		}
		if again.Hash != ev.Hash || again.Sequence != ev.Sequence || (again.Block == nil) != (ev.Block == nil) {
			t.Fatalf("round trip changed the event")
		}
	})
}

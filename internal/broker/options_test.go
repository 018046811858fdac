package broker

import (
	"testing"
	"time"

	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/apiconv"
	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/nano"
)

// TestOptionsMatch: the IPC's rules and the node's WebSocket rules, on
// the broker's events (ledger confirmations) and on events made by
// NewEvent of the v2 confirmation (a relay's), which must agree.
func TestOptionsMatch(t *testing.T) {
	typed := func(c *ledger.Confirmation, typ string) *ledger.Confirmation {
		d := *c
		d.ConfirmationType = typ
		return &d
	}
	legacySend := func() *ledger.Confirmation {
		b := &nano.Block{Type: nano.BlockTypeSend, Previous: nano.Hash{1}, Destination: bob, Balance: nano.NewAmount(5)}
		return &ledger.Confirmation{Account: alice, Amount: nano.NewAmount(1), Hash: b.Hash(), Block: b, Subtype: ledger.SubtypeSend, ConfirmationType: "active_quorum"}
	}
	confs := []*ledger.Confirmation{
		confirmation(alice, bob, 1), // state, active_quorum
		typed(confirmation(alice, bob, 2), "active_confirmation_height"),
		typed(confirmation(alice, bob, 3), "inactive"),
		legacySend(), // active_quorum
	}
	bobOnly := map[nano.PublicKey]bool{bob: true}
	tests := []struct {
		name string
		opts Options
		want []bool // for confs
	}{
		{"IPC: everything", Options{}, []bool{true, true, true, true}},
		{"IPC: active_quorum is only its own, as on the WebSocket", Options{TypeFilter: fb.TopicConfirmationTypeFilteractive_quorum}, []bool{true, false, false, true}},
		{"IPC: active is both active ones", Options{TypeFilter: fb.TopicConfirmationTypeFilteractive}, []bool{true, true, false, true}},
		{"IPC: inactive", Options{TypeFilter: fb.TopicConfirmationTypeFilterinactive}, []bool{false, false, true, false}},
		{"IPC: counterpart, legacy send too, without the block", Options{Accounts: bobOnly}, []bool{true, true, true, true}},
		{"IPC: empty accounts filter nothing", Options{Accounts: map[nano.PublicKey]bool{}}, []bool{true, true, true, true}},
		{"IPC: local accounts", Options{AllLocalAccounts: true}, []bool{true, true, true, true}},
		{"node: everything", Options{NodeWebSocket: true, IncludeBlock: true}, []bool{true, true, true, true}},
		{"node: active_quorum only", Options{NodeWebSocket: true, TypeFilter: fb.TopicConfirmationTypeFilteractive_quorum}, []bool{true, false, false, true}},
		{"node: active_confirmation_height only", Options{NodeWebSocket: true, TypeFilter: fb.TopicConfirmationTypeFilteractive_confirmation_height}, []bool{false, true, false, false}},
		{"node: active", Options{NodeWebSocket: true, TypeFilter: fb.TopicConfirmationTypeFilteractive}, []bool{true, true, false, true}},
		{"node: link as account, state blocks only", Options{NodeWebSocket: true, AccountFilter: true, IncludeBlock: true, Accounts: bobOnly}, []bool{true, true, true, false}},
		{"node: account filter without the block", Options{NodeWebSocket: true, AccountFilter: true, Accounts: bobOnly}, []bool{false, false, false, false}},
		{"node: an empty account filter", Options{NodeWebSocket: true, AccountFilter: true, IncludeBlock: true}, []bool{false, false, false, false}},
		{"node: local accounts", Options{NodeWebSocket: true, AccountFilter: true, IncludeBlock: true, AllLocalAccounts: true}, []bool{true, true, true, false}},
		{"node: accounts given but not filtered", Options{NodeWebSocket: true, IncludeBlock: true, Accounts: map[nano.PublicKey]bool{carol: true}}, []bool{true, true, true, true}},
	}
	isLocal := func(p nano.PublicKey) bool { return p == bob }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, c := range confs {
				relayed := NewEvent(apiconv.ConfirmationEvent(c, true, true), time.Now())
				for form, ev := range map[string]*Event{"ledger": {conf: c}, "relayed": relayed} {
					if got := tt.opts.Matches(ev, isLocal); got != tt.want[i] {
						t.Errorf("confirmation %d (%s): Matches = %v, want %v", i, form, got, tt.want[i])
					}
				}
			}
		})
	}
}

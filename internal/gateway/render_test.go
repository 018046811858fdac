package gateway

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nipc/nipc/internal/apiconv"
	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/nano"
)

// TestRenderBlocks: the WebSocket's blocks match the node's JSON encoding
// (nano.Block.MarshalJSON) for every block type.
func TestRenderBlocks(t *testing.T) {
	k := nano.DevGenesisKey().PublicKey()
	h := nano.Hash{1, 2, 3}
	blocks := []*nano.Block{
		{Type: nano.BlockTypeState, Account: k, Previous: h, Representative: k, Balance: nano.NewAmount(7), Link: nano.Hash{9}, Work: 0xabc},
		{Type: nano.BlockTypeSend, Previous: h, Destination: k, Balance: nano.NewAmount(1 << 40), Work: 1},
		{Type: nano.BlockTypeReceive, Previous: h, Source: nano.Hash{5}, Work: 2},
		{Type: nano.BlockTypeOpen, Source: h, Representative: k, Account: k, Work: 3},
		{Type: nano.BlockTypeChange, Previous: h, Representative: k, Work: 4},
	}
	for _, b := range blocks {
		c := &ledger.Confirmation{Account: k, Hash: b.Hash(), Block: b, Subtype: ledger.SubtypeSend}
		tree := blockTree(apiconv.ConfirmationEvent(c, true, true).Block)
		got := map[string]string{}
		var keys []string
		for key, v := range tree.All() {
			got[key] = v.Value
			keys = append(keys, key)
		}
		want, _ := b.MarshalJSON()
		var wm map[string]string
		json.Unmarshal(want, &wm)
		if b.Type == nano.BlockTypeState {
			if got["subtype"] != "send" {
				t.Errorf("state subtype %q", got["subtype"])
			}
			delete(got, "subtype")
			keys = keys[:len(keys)-1]
		}
		if len(got) != len(wm) {
			t.Errorf("%s: %v want %v", b.Type, got, wm)
		}
		for key, v := range wm {
			if got[key] != v {
				t.Errorf("%s.%s = %q, want %q", b.Type, key, got[key], v)
			}
		}
		// Same key order as the node.
		var order []string
		dec := json.NewDecoder(strings.NewReader(string(want)))
		dec.Token()
		for dec.More() {
			tok, _ := dec.Token()
			order = append(order, tok.(string))
			dec.Token()
		}
		if strings.Join(order, ",") != strings.Join(keys, ",") {
			t.Errorf("%s order %v, want %v", b.Type, keys, order)
		}
	}
}

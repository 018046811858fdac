package apiconv

import (
	"strings"
	"testing"

	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/nano"
)

func testBlocks() []*nano.Block {
	gen := nano.DevGenesisBlock()
	k, sig := gen.Account, gen.Signature
	return []*nano.Block{
		gen,
		{Type: nano.BlockTypeState, Account: k, Previous: gen.Hash(), Representative: nano.PublicKey{1}, Balance: nano.MaxAmount, Link: epochV2, Signature: sig, Work: 0x1f},
		{Type: nano.BlockTypeSend, Previous: gen.Hash(), Destination: nano.PublicKey{3}, Balance: nano.NewAmount(1 << 40), Signature: sig, Work: 0xfedcba9876543210},
		{Type: nano.BlockTypeReceive, Previous: nano.Hash{4}, Source: gen.Hash(), Signature: sig, Work: 2},
		{Type: nano.BlockTypeChange, Previous: nano.Hash{5}, Representative: k, Signature: sig, Work: 3},
	}
}

// TestBlockFromTable: every block type comes back from its schema table
// unchanged.
func TestBlockFromTable(t *testing.T) {
	for _, b := range testBlocks() {
		got, err := BlockFromTable(BlockTable(b, b.Hash(), ledger.SubtypeSend))
		if err != nil {
			t.Fatalf("%s: %v", b.Type, err)
		}
		if *got != *b {
			t.Errorf("%s: got %+v, want %+v", b.Type, got, b)
		}
	}
}

// TestBlockFromTableErrors: a missing or unknown block, or a field that does
// not parse, is an error naming the field.
func TestBlockFromTableErrors(t *testing.T) {
	state := func(edit func(*fb.BlockStateT)) *fb.BlockT {
		b := testBlocks()[1]
		bt := BlockTable(b, b.Hash(), ledger.SubtypeSend)
		edit(bt.Value.(*fb.BlockStateT))
		return bt
	}
	tests := []struct {
		name  string
		block *fb.BlockT
		want  string
	}{
		{"nil", nil, "no block"},
		{"empty union", &fb.BlockT{}, "union type 0"},
		{"account", state(func(v *fb.BlockStateT) { v.Account = "nano_1" }), `account "nano_1"`},
		{"balance", state(func(v *fb.BlockStateT) { v.Balance = "-1" }), `balance "-1"`},
		{"link", state(func(v *fb.BlockStateT) { v.Link = "xyz" }), `link "xyz"`},
		{"signature", state(func(v *fb.BlockStateT) { v.Signature = "no" }), `signature "no"`},
		{"work", state(func(v *fb.BlockStateT) { v.Work = "" }), `work ""`},
		{"first failure wins", state(func(v *fb.BlockStateT) { v.Previous, v.Work = "q", "q" }), `previous "q"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := BlockFromTable(tt.block)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, %v; want an error with %q", b, err, tt.want)
			}
		})
	}
}

// FuzzBlockFromTable: whatever state block text parses, its schema table
// reads back to the same block.
func FuzzBlockFromTable(f *testing.F) {
	b := testBlocks()[1]
	v := BlockTable(b, b.Hash(), ledger.SubtypeSend).Value.(*fb.BlockStateT)
	f.Add(v.Account, v.Previous, v.Representative, v.Balance, v.Link, v.Signature, v.Work)
	f.Add("xrb_1111111111111111111111111111111111111111111111111111hifc8npp", "1", "nano_1", "0", "0", "0", "0")
	f.Fuzz(func(t *testing.T, account, previous, rep, balance, link, sig, work string) {
		bt := &fb.BlockT{Type: fb.BlockBlockState, Value: &fb.BlockStateT{Account: account, Previous: previous,
			Representative: rep, Balance: balance, Link: link, Signature: sig, Work: work}}
		got, err := BlockFromTable(bt)
		if err != nil {
			return
		}
		back, err := BlockFromTable(BlockTable(got, got.Hash(), ledger.SubtypeSend))
		if err != nil || *back != *got {
			t.Fatalf("round trip of %+v: %+v, %v", got, back, err)
		}
	})
}

var epochV2, _ = nano.EpochLink(nano.Epoch2)

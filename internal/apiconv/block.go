// Package apiconv converts ledger values into the v2 schema's tables, the
// one way every v2 handler and the broker render blocks and events, and a
// schema block back into a nano.Block (BlockFromTable) for a front end that
// receives blocks in the schema's form and renders them as legacy JSON.
package apiconv

import (
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/nano"
)

// BlockTable is a block as the schema's Block union, with the fields the
// node fills in (uppercase hex, decimal balance, 16-digit work, nano_
// accounts, the state subtype).
func BlockTable(b *nano.Block, h nano.Hash, subtype ledger.Subtype) *fb.BlockT {
	hash := h.String()
	sig := b.Signature.String()
	work := nano.FormatWork(b.Work)
	switch b.Type {
	case nano.BlockTypeState:
		return &fb.BlockT{Type: fb.BlockBlockState, Value: &fb.BlockStateT{
			Hash: hash, Account: b.Account.Account(), Previous: b.Previous.String(),
			Representative: b.Representative.Account(), Balance: b.Balance.String(),
			Link: b.Link.String(), LinkAsAccount: b.LinkAsAccount(), Signature: sig, Work: work,
			Subtype: blockSubType(subtype),
		}}
	case nano.BlockTypeSend:
		return &fb.BlockT{Type: fb.BlockBlockSend, Value: &fb.BlockSendT{
			Hash: hash, Previous: b.Previous.String(), Destination: b.Destination.Account(),
			Balance: b.Balance.String(), Signature: sig, Work: work,
		}}
	case nano.BlockTypeReceive:
		return &fb.BlockT{Type: fb.BlockBlockReceive, Value: &fb.BlockReceiveT{
			Hash: hash, Previous: b.Previous.String(), Source: b.Source.String(), Signature: sig, Work: work,
		}}
	case nano.BlockTypeOpen:
		return &fb.BlockT{Type: fb.BlockBlockOpen, Value: &fb.BlockOpenT{
			Hash: hash, Account: b.Account.Account(), Source: b.Source.String(),
			Representative: b.Representative.Account(), Signature: sig, Work: work,
		}}
	case nano.BlockTypeChange:
		return &fb.BlockT{Type: fb.BlockBlockChange, Value: &fb.BlockChangeT{
			Hash: hash, Previous: b.Previous.String(), Representative: b.Representative.Account(), Signature: sig, Work: work,
		}}
	}
	return nil
}

func blockSubType(s ledger.Subtype) fb.BlockSubType {
	switch s.String() {
	case "send":
		return fb.BlockSubTypesend
	case "receive":
		return fb.BlockSubTypereceive
	case "change":
		return fb.BlockSubTypechange
	case "epoch":
		return fb.BlockSubTypeepoch
	}
	return fb.BlockSubTypeinvalid
}

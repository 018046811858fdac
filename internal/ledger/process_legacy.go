package ledger

import (
	"fmt"

	"github.com/nipc/nipc/nano"
)

// The legacy blocks, validated as the node's ledger_processor send_block,
// receive_block, open_block and change_block do.

// legacyChain finds the account of a legacy send, receive or change block
// from its previous block, with the node's checks in order: old, gap
// previous, block position, fork, signature.
func (p *proc) legacyChain() (AccountInfo, Result, error) {
	if p.exists(p.hash) {
		return AccountInfo{}, Old, nil
	}
	prev, ok, err := getBlock(p.w.tx, p.b.Previous)
	if err != nil {
		return AccountInfo{}, 0, err
	}
	if !ok {
		return AccountInfo{}, GapPrevious, nil
	}
	if prev.Block.Type == nano.BlockTypeState {
		return AccountInfo{}, BlockPosition, nil
	}
	info, ok, err := getAccount(p.w.tx, prev.Account)
	if err != nil {
		return AccountInfo{}, 0, err
	}
	if !ok {
		return AccountInfo{}, 0, fmt.Errorf("%w: block %s has no account", ErrCorrupt, p.b.Previous)
	}
	if info.Frontier != p.b.Previous {
		return AccountInfo{}, Fork, nil
	}
	if !p.b.VerifySignature(info.Account) {
		return AccountInfo{}, BadSignature, nil
	}
	return info, Progress, nil
}

func (p *proc) legacySend() (Result, error) {
	b := p.b
	info, r, err := p.legacyChain()
	if err != nil || r != Progress {
		return r, err
	}
	if !p.workOK(nano.Epoch0, false) {
		return InsufficientWork, nil
	}
	amount, ok := info.Balance.Sub(b.Balance)
	if !ok {
		return NegativeSpend, nil
	}
	sb := p.newStored(info.Account, info.BlockCount+1, b.Balance, amount)
	sb.Subtype, sb.Counterpart = SubtypeSend, b.Destination
	next := p.advance(info, true, b.Balance)
	if err := p.w.subWeight(info.Representative, amount); err != nil {
		return 0, err
	}
	if err := p.w.putReceivable(b.Destination, p.hash, info.Account, amount, nano.Epoch0); err != nil {
		return 0, err
	}
	return p.commit(sb, next, true, info)
}

func (p *proc) legacyReceive() (Result, error) {
	b := p.b
	info, r, err := p.legacyChain()
	if err != nil || r != Progress {
		return r, err
	}
	if !p.exists(b.Source) {
		return GapSource, nil
	}
	source, ok, err := p.w.getReceivable(info.Account, b.Source)
	if err != nil {
		return 0, err
	}
	if !ok || source.Epoch != nano.Epoch0 { // a legacy block cannot receive a state-only send
		return Unreceivable, nil
	}
	if !p.workOK(nano.Epoch0, true) {
		return InsufficientWork, nil
	}
	balance, ok := info.Balance.Add(source.Amount)
	if !ok {
		return 0, fmt.Errorf("%w: balance of %s overflows", ErrCorrupt, info.Account.Account())
	}
	sb := p.newStored(info.Account, info.BlockCount+1, balance, source.Amount)
	sb.Subtype, sb.Counterpart = SubtypeReceive, source.Source
	next := p.advance(info, true, balance)
	if err := p.w.addWeight(info.Representative, source.Amount); err != nil {
		return 0, err
	}
	if err := p.w.deleteReceivable(info.Account, b.Source); err != nil {
		return 0, err
	}
	return p.commit(sb, next, true, info)
}

// legacyOpen follows the node's order: old, signature, gap source, fork,
// unreceivable, burn account, work.
func (p *proc) legacyOpen() (Result, error) {
	b := p.b
	if p.exists(p.hash) {
		return Old, nil
	}
	if !p.signedByAccount {
		return BadSignature, nil
	}
	if !p.exists(b.Source) {
		return GapSource, nil
	}
	if p.w.accounts.Get(b.Account[:]) != nil {
		return Fork, nil
	}
	source, ok, err := p.w.getReceivable(b.Account, b.Source)
	if err != nil {
		return 0, err
	}
	if !ok {
		return Unreceivable, nil
	}
	if b.Account.IsZero() {
		return OpenedBurnAccount, nil
	}
	if source.Epoch != nano.Epoch0 { // a state-only send
		return Unreceivable, nil
	}
	if !p.workOK(nano.Epoch0, true) {
		return InsufficientWork, nil
	}
	sb := p.newStored(b.Account, 1, source.Amount, source.Amount)
	sb.Subtype, sb.Counterpart = SubtypeReceive, source.Source
	next := p.advance(AccountInfo{Account: b.Account}, false, source.Amount)
	next.Representative, next.RepresentativeBlock = b.Representative, p.hash
	if err := p.w.addWeight(b.Representative, source.Amount); err != nil {
		return 0, err
	}
	if err := p.w.deleteReceivable(b.Account, b.Source); err != nil {
		return 0, err
	}
	return p.commit(sb, next, false, AccountInfo{})
}

func (p *proc) legacyChange() (Result, error) {
	b := p.b
	info, r, err := p.legacyChain()
	if err != nil || r != Progress {
		return r, err
	}
	if !p.workOK(nano.Epoch0, false) {
		return InsufficientWork, nil
	}
	sb := p.newStored(info.Account, info.BlockCount+1, info.Balance, nano.Amount{})
	sb.Subtype = SubtypeChange
	next := p.advance(info, true, info.Balance)
	next.Representative, next.RepresentativeBlock = b.Representative, p.hash
	if err := p.w.moveWeight(info.Representative, info.Balance, b.Representative, info.Balance); err != nil {
		return 0, err
	}
	return p.commit(sb, next, true, info)
}

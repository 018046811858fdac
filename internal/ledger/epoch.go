package ledger

import (
	"github.com/nipc/nipc/nano"
)

// Epoch blocks, validated as the node's ledger_processor does
// (validate_epoch_block, then epoch_block_impl).

// epochShape is the node's validate_epoch_block for a state block with an
// epoch link: it is an epoch block when its balance equals its previous
// block's (zero for a first block). An unknown previous is GapPrevious,
// unless the block is signed neither by its account nor by the epoch
// signer (BadSignature).
func (p *proc) epochShape() (isEpoch bool, r Result, err error) {
	b := p.b
	var prevBalance nano.Amount
	if !b.Previous.IsZero() {
		prev, ok, err := getBlock(p.w.tx, b.Previous)
		if err != nil {
			return false, 0, err
		}
		if !ok {
			if !p.signedByAccount && !p.signedByEpochSigner {
				return false, BadSignature, nil
			}
			return false, GapPrevious, nil
		}
		prevBalance = prev.Balance
	}
	return b.Balance == prevBalance, Progress, nil
}

// epochBlock is the node's epoch_block_impl, in its order: old, the epoch
// signer's signature, burn account; for an opened account fork (zero or
// stale previous) and an unchanged representative; for an unopened one a
// zero representative and a receivable entry (else GapEpochOpenPending);
// then the epoch must follow the account's (epoch 0 to 1, 1 to 2; an
// unopened account may open at either), the balance must not move, and
// the work must reach the epoch's threshold for epoch blocks. The block
// moves no weight; it sets the account's epoch.
//
// One difference from the node: an epoch open of an unopened account must
// have a zero previous (GapPrevious otherwise), as every other first block
// must; the node does not look at that previous.
func (p *proc) epochBlock() (Result, error) {
	b := p.b
	info, known, r, err := p.stateAccount(p.signedByEpochSigner)
	if err != nil || r != Progress {
		return r, err
	}
	epoch, _ := nano.EpochOfLink(b.Link)
	if known {
		if b.Previous.IsZero() || b.Previous != info.Frontier {
			return Fork, nil
		}
		if b.Representative != info.Representative {
			return RepresentativeMismatch, nil
		}
		if epoch != info.Epoch+1 {
			return BlockPosition, nil
		}
	} else {
		if !b.Representative.IsZero() {
			return RepresentativeMismatch, nil
		}
		if !b.Previous.IsZero() {
			return GapPrevious, nil
		}
		if !p.w.hasReceivable(b.Account) {
			return GapEpochOpenPending, nil
		}
	}
	if b.Balance != info.Balance {
		return BalanceMismatch, nil
	}
	if !p.workOK(epoch, true) {
		return InsufficientWork, nil
	}
	sb := p.newStored(b.Account, info.BlockCount+1, info.Balance, nano.Amount{})
	sb.Subtype = SubtypeEpoch
	next := p.advance(info, known, info.Balance)
	next.Epoch = epoch
	if !known {
		next.RepresentativeBlock = p.hash
	}
	return p.commit(sb, next, known, info)
}

package ledger

import (
	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// WorkThreshold is the least difficulty the ledger asks of b's work as the
// ledger stands now: the threshold Process would check b against (the
// node's work_thresholds::threshold over b's block details). It is what
// block_create, the wallets and work_generate with a block generate at.
//
//   - a legacy block: Thresholds.Epoch1 (epoch 0);
//   - an epoch block (an epoch link and the account's balance unchanged):
//     the threshold of epoch blocks of that epoch;
//   - a send or change: the account's epoch's; a receive or open: that of
//     the later of the account's epoch and the send's.
//
// When the ledger cannot tell what b is — its previous block is not the
// account's frontier, or it opens an account from nothing waiting for it —
// the answer is the base threshold (nano.Thresholds.Base), as the node's
// work_generate does when it finds no details.
func (l *Ledger) WorkThreshold(b *nano.Block) (uint64, error) {
	t := l.opts.Thresholds
	if b.Type != nano.BlockTypeState {
		return t.Threshold(nano.Epoch0, false), nil
	}
	threshold := t.Base()
	err := l.view(func(tx *bolt.Tx) error {
		info, known, err := getAccount(tx, b.Account)
		if err != nil {
			return err
		}
		if known != !b.Previous.IsZero() || (known && info.Frontier != b.Previous) {
			return nil // not built on the account's frontier: details unknown
		}
		if e, ok := nano.EpochOfLink(b.Link); ok && b.Balance == info.Balance {
			threshold = t.Threshold(e, true)
			return nil
		}
		switch cmp := b.Balance.Cmp(info.Balance); {
		case cmp < 0 || (cmp == 0 && known): // a send, or a change
			threshold = t.Threshold(info.Epoch, false)
		default: // a receive or an open: of a send waiting for this account
			v := tx.Bucket(bucketReceivable).Get(pairKey(b.Account, b.Link))
			if v == nil {
				return nil
			}
			e, err := decodeReceivable(v)
			if err != nil {
				return err
			}
			threshold = t.Threshold(max(info.Epoch, e.Epoch), true)
		}
		return nil
	})
	return threshold, err
}

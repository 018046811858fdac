package ledger

import (
	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// WorkThreshold is the least difficulty the ledger asks of b's work as the
// ledger stands now (the node's difficulty_ledger, for work_generate with
// a block): the details the ledger can tell before b is processed — a send
// when b's balance is below its previous block's, a receive when b's link
// is a send still waiting for b's account — at the epoch of its previous
// block. Without a known previous block the details are unknown and the
// answer is the base threshold (nano.Thresholds.Base), as on the node.
func (l *Ledger) WorkThreshold(b *nano.Block) (uint64, error) {
	t := l.opts.Thresholds
	if b.Previous.IsZero() && (b.Type != nano.BlockTypeState || b.Link.IsZero()) {
		return t.Base(), nil
	}
	found := false
	send, receive := false, false
	err := l.view(func(tx *bolt.Tx) error {
		if !b.Previous.IsZero() {
			prev, ok, err := getBlock(tx, b.Previous)
			if err != nil || !ok {
				return err
			}
			found = true
			send = b.Type == nano.BlockTypeSend || (b.Type == nano.BlockTypeState && b.Balance.Cmp(prev.Balance) < 0)
		}
		if send || b.Type != nano.BlockTypeState || b.Link.IsZero() {
			return nil
		}
		src, ok, err := getBlock(tx, b.Link)
		if err != nil || !ok {
			return err
		}
		if src.Subtype == SubtypeSend && src.Counterpart == b.Account {
			waiting := tx.Bucket(bucketReceivable).Get(pairKey(b.Account, b.Link)) != nil
			receive = waiting
			found = found || waiting
		}
		return nil
	})
	if err != nil || !found {
		return t.Base(), err
	}
	return t.Threshold(nano.Epoch0, receive), nil
}

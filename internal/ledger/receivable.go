package ledger

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// ReceivableEntry is a send not yet received: the node's pending entry.
type ReceivableEntry struct {
	Hash   nano.Hash      // the send block
	Source nano.PublicKey // the sending account
	Amount nano.Amount
}

// Receivable returns the entries waiting for account, in send-hash order
// (the key order, as the node's unsorted receivable action), skipping
// amounts below threshold, at most count of them (count <= 0: all).
func (l *Ledger) Receivable(account nano.PublicKey, threshold nano.Amount, count int) ([]ReceivableEntry, error) {
	var out []ReceivableEntry
	err := l.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketReceivable).Cursor()
		for k, v := c.Seek(account[:]); k != nil && bytes.HasPrefix(k, account[:]); k, v = c.Next() {
			if count > 0 && len(out) >= count {
				break
			}
			if len(k) != 64 {
				return fmt.Errorf("%w: receivable key of %d bytes", ErrCorrupt, len(k))
			}
			source, amount, err := decodeReceivable(v)
			if err != nil {
				return err
			}
			if amount.Cmp(threshold) >= 0 {
				out = append(out, ReceivableEntry{Hash: nano.Hash(k[32:]), Source: source, Amount: amount})
			}
		}
		return nil
	})
	return out, err
}

// ReceivableExists reports whether the send block hash is still waiting to
// be received. It returns ErrBlockNotFound for an unknown block and false
// for a block that is not a send.
func (l *Ledger) ReceivableExists(hash nano.Hash) (bool, error) {
	var exists bool
	err := l.view(func(tx *bolt.Tx) error {
		sb, ok, err := getBlock(tx, hash)
		if err != nil {
			return err
		}
		if !ok {
			return ErrBlockNotFound
		}
		if sb.Subtype != SubtypeSend {
			return nil
		}
		exists = tx.Bucket(bucketReceivable).Get(pairKey(sb.Counterpart, hash)) != nil
		return nil
	})
	return exists, err
}

// putReceivable records a send waiting for destination.
func (w *writeTx) putReceivable(destination nano.PublicKey, send nano.Hash, source nano.PublicKey, amount nano.Amount) error {
	return w.put(w.receivable, pairKey(destination, send), encodeReceivable(source, amount))
}

// getReceivable reads the entry for (destination, send), or returns ok false.
func (w *writeTx) getReceivable(destination nano.PublicKey, send nano.Hash) (ReceivableEntry, bool, error) {
	v := w.receivable.Get(pairKey(destination, send))
	if v == nil {
		return ReceivableEntry{}, false, nil
	}
	source, amount, err := decodeReceivable(v)
	return ReceivableEntry{Hash: send, Source: source, Amount: amount}, err == nil, err
}

func (w *writeTx) deleteReceivable(destination nano.PublicKey, send nano.Hash) error {
	return w.del(w.receivable, pairKey(destination, send))
}

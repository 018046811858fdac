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
	Epoch  nano.Epoch // the send's epoch: a receive of it is at least of this epoch
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
			e, err := decodeReceivable(v)
			if err != nil {
				return err
			}
			if e.Amount.Cmp(threshold) >= 0 {
				e.Hash = nano.Hash(k[32:])
				out = append(out, e)
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
func (w *writeTx) putReceivable(destination nano.PublicKey, send nano.Hash, source nano.PublicKey, amount nano.Amount, epoch nano.Epoch) error {
	return w.put(w.receivable, pairKey(destination, send), encodeReceivable(source, amount, epoch))
}

// getReceivable reads the entry for (destination, send), or returns ok false.
func (w *writeTx) getReceivable(destination nano.PublicKey, send nano.Hash) (ReceivableEntry, bool, error) {
	v := w.receivable.Get(pairKey(destination, send))
	if v == nil {
		return ReceivableEntry{}, false, nil
	}
	e, err := decodeReceivable(v)
	e.Hash = send
	return e, err == nil, err
}

func (w *writeTx) deleteReceivable(destination nano.PublicKey, send nano.Hash) error {
	return w.del(w.receivable, pairKey(destination, send))
}

// hasReceivable reports whether any send waits for destination.
func (w *writeTx) hasReceivable(destination nano.PublicKey) bool {
	k, _ := w.receivable.Cursor().Seek(destination[:])
	return k != nil && bytes.HasPrefix(k, destination[:])
}

// ReceivableTotal is the sum waiting to be received by account.
func (l *Ledger) ReceivableTotal(account nano.PublicKey) (nano.Amount, error) {
	entries, err := l.Receivable(account, nano.Amount{}, 0)
	if err != nil {
		return nano.Amount{}, err
	}
	var sum nano.Amount
	for _, e := range entries {
		sum, _ = sum.Add(e.Amount) // cannot overflow: the supply is 2^128-1
	}
	return sum, nil
}

package ledger

import (
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// UnopenedAccount is an account with receivable sends and no block: what the
// node's unopened action lists.
type UnopenedAccount struct {
	Account    nano.PublicKey
	Receivable nano.Amount // the sum of its receivable entries
}

// Unopened returns the accounts from start (inclusive) that have receivable
// entries and no block, in account order, with the sum waiting for each;
// sums below threshold are left out, and at most count accounts are returned
// (count <= 0: all).
func (l *Ledger) Unopened(start nano.PublicKey, threshold nano.Amount, count int) ([]UnopenedAccount, error) {
	var out []UnopenedAccount
	err := l.view(func(tx *bolt.Tx) error {
		accounts := tx.Bucket(bucketAccounts)
		c := tx.Bucket(bucketReceivable).Cursor()
		var cur *UnopenedAccount
		var opened *nano.PublicKey // the last account seen that has a block
		flush := func() {
			if cur != nil && cur.Receivable.Cmp(threshold) >= 0 {
				out = append(out, *cur)
			}
			cur = nil
		}
		for k, v := c.Seek(start[:]); k != nil; k, v = c.Next() {
			if len(k) != 64 {
				return fmt.Errorf("%w: receivable key of %d bytes", ErrCorrupt, len(k))
			}
			account := nano.PublicKey(k[:32])
			if opened != nil && *opened == account {
				continue
			}
			if cur == nil || cur.Account != account {
				flush()
				if count > 0 && len(out) >= count {
					return nil
				}
				if accounts.Get(account[:]) != nil {
					opened = &account
					continue
				}
				cur = &UnopenedAccount{Account: account}
			}
			e, err := decodeReceivable(v)
			if err != nil {
				return err
			}
			cur.Receivable, _ = cur.Receivable.Add(e.Amount) // at most the supply
		}
		flush()
		return nil
	})
	return out, err
}

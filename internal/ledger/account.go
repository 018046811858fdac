package ledger

import (
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// AccountInfo is an account's record: what the node's account_info and
// ledger actions report. Every block is cemented when stored, so the
// confirmation height and frontier always equal the block count and the
// frontier.
type AccountInfo struct {
	Account              nano.PublicKey
	Frontier             nano.Hash      // the head block
	OpenBlock            nano.Hash      // the first block
	RepresentativeBlock  nano.Hash      // the latest block that named the representative
	Representative       nano.PublicKey // receives this account's balance as weight
	Balance              nano.Amount
	Modified             time.Time // local time of the head block, whole seconds, UTC
	BlockCount           uint64
	ConfirmationHeight   uint64
	ConfirmationFrontier nano.Hash
	Epoch                nano.Epoch // raised by epoch blocks and by receiving later-epoch sends
}

// AccountInfo returns an account's record, or ErrAccountNotFound if it has
// no block.
func (l *Ledger) AccountInfo(account nano.PublicKey) (AccountInfo, error) {
	var ai AccountInfo
	err := l.view(func(tx *bolt.Tx) error {
		var ok bool
		var err error
		ai, ok, err = getAccount(tx, account)
		if err == nil && !ok {
			err = ErrAccountNotFound
		}
		return err
	})
	return ai, err
}

// Account returns an account's record and whether it is opened: an account
// with no block is a zero record and false, not an error.
func (l *Ledger) Account(account nano.PublicKey) (AccountInfo, bool, error) {
	ai, err := l.AccountInfo(account)
	if errors.Is(err, ErrAccountNotFound) {
		return ai, false, nil
	}
	return ai, err == nil, err
}

// Balance is an account's balance, zero for an account with no block.
func (l *Ledger) Balance(account nano.PublicKey) (nano.Amount, error) {
	ai, _, err := l.Account(account)
	return ai.Balance, err
}

// Accounts returns account records in account order, from start
// (inclusive), at most count of them (count <= 0: all).
func (l *Ledger) Accounts(start nano.PublicKey, count int) ([]AccountInfo, error) {
	var out []AccountInfo
	err := l.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAccounts).Cursor()
		for k, v := c.Seek(start[:]); k != nil; k, v = c.Next() {
			if count > 0 && len(out) >= count {
				break
			}
			if len(k) != 32 {
				return fmt.Errorf("%w: account key of %d bytes", ErrCorrupt, len(k))
			}
			ai, err := decodeAccount(nano.PublicKey(k), v)
			if err != nil {
				return err
			}
			out = append(out, ai)
		}
		return nil
	})
	return out, err
}

// Frontier is an account and its head block.
type Frontier struct {
	Account nano.PublicKey
	Hash    nano.Hash
}

// Frontiers returns accounts and their frontiers in account order, from
// start (inclusive, as the node's frontiers action), at most count of them
// (count <= 0: all).
func (l *Ledger) Frontiers(start nano.PublicKey, count int) ([]Frontier, error) {
	infos, err := l.Accounts(start, count)
	if err != nil {
		return nil, err
	}
	out := make([]Frontier, len(infos))
	for i, ai := range infos {
		out[i] = Frontier{Account: ai.Account, Hash: ai.Frontier}
	}
	return out, nil
}

// AccountCount returns the number of opened accounts. It reads a counter
// and cannot fail.
func (l *Ledger) AccountCount() uint64 { return l.accounts.Load() }

// BlockCount returns the number of blocks and of cemented blocks, which are
// equal on this single-node ledger. It reads counters and cannot fail.
func (l *Ledger) BlockCount() (count, cemented uint64) {
	n := l.blocks.Load()
	return n, n
}

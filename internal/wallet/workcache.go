package wallet

import (
	"encoding/json"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// Work is the work cached for an account's next block (work_get): 0 when
// none is cached or the account is watch-only, as in the node.
func (s *Store) Work(id ID, pub nano.PublicKey) (uint64, error) {
	a, err := s.account(id, pub)
	if err != nil || a.Watch {
		return 0, err
	}
	return a.Work, nil
}

// SetWork caches work for an account's next block (work_set). A Builder
// uses it for the account's next block when it is valid for the
// account's root then, and drops it once used.
func (s *Store) SetWork(id ID, pub nano.PublicKey, work uint64) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		accts, err := accountsBucket(tx, id)
		if err != nil {
			return err
		}
		v := accts.Get(pub[:])
		if v == nil {
			return ErrAccountNotFound
		}
		var a account
		if err := json.Unmarshal(v, &a); err != nil {
			return err
		}
		a.Work = work
		nv, err := json.Marshal(a)
		if err != nil {
			return err
		}
		return accts.Put(pub[:], nv)
	})
}

// cachedWork is the work some wallet holding pub has cached for it, 0 if
// none.
func (s *Store) cachedWork(pub nano.PublicKey) uint64 {
	for _, id := range s.Wallets() {
		if w, err := s.Work(id, pub); err == nil && w != 0 {
			return w
		}
	}
	return 0
}

// clearWork drops the cached work of pub in every wallet holding it.
func (s *Store) clearWork(pub nano.PublicKey) {
	for _, id := range s.Wallets() {
		if w, err := s.Work(id, pub); err == nil && w != 0 {
			s.SetWork(id, pub, 0)
		}
	}
}

// keyReceiveMinimum, in the meta bucket, is receive_minimum_set's amount.
var keyReceiveMinimum = []byte("receive_minimum")

// DefaultReceiveMinimum is the node's receive_minimum: 0.000001 nano
// (10^24 raw).
var DefaultReceiveMinimum, _ = nano.ParseAmount("1000000000000000000000000")

// ReceiveMinimum is the least amount auto-receive receives: the one
// SetReceiveMinimum stored, else DefaultReceiveMinimum.
func (s *Store) ReceiveMinimum() nano.Amount {
	min := DefaultReceiveMinimum
	s.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keyReceiveMinimum); v != nil {
			if a, err := nano.ParseAmount(string(v)); err == nil {
				min = a
			}
		}
		return nil
	})
	return min
}

// SetReceiveMinimum stores the least amount auto-receive receives; it
// survives a restart (the node keeps it until restart only).
func (s *Store) SetReceiveMinimum(a nano.Amount) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keyReceiveMinimum, []byte(a.String()))
	})
}

package wallet

import (
	"encoding/json"
	"errors"

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
		a, err := getAccount(accts, pub)
		if err != nil {
			return err
		}
		return putWork(accts, pub, a, work)
	})
}

// putWork stores a, pub's entry in accts, with work as its cached work.
func putWork(accts *bolt.Bucket, pub nano.PublicKey, a account, work uint64) error {
	a.Work = work
	v, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return accts.Put(pub[:], v)
}

// cachedWork is the work some wallet holding pub has cached for it, 0 if
// none: the first in wallet order, read in one transaction.
func (s *Store) cachedWork(pub nano.PublicKey) uint64 {
	var work uint64
	s.db.View(func(tx *bolt.Tx) error {
		return eachCachedWork(tx, pub, func(_ *bolt.Bucket, a account) error {
			work = a.Work
			return errStop
		})
	})
	return work
}

// clearWork drops the cached work of pub in every wallet holding it: one
// read transaction, and a write one only when some wallet caches work
// for pub.
func (s *Store) clearWork(pub nano.PublicKey) {
	if s.cachedWork(pub) == 0 {
		return
	}
	s.db.Update(func(tx *bolt.Tx) error {
		type entry struct {
			accts *bolt.Bucket
			a     account
		}
		var cached []entry // written after the walk, which must not change the buckets it reads
		eachCachedWork(tx, pub, func(accts *bolt.Bucket, a account) error {
			cached = append(cached, entry{accts, a})
			return nil
		})
		for _, e := range cached {
			if err := putWork(e.accts, pub, e.a, 0); err != nil {
				return err
			}
		}
		return nil
	})
}

// errStop ends eachCachedWork's walk early; it is not an error.
var errStop = errors.New("stop")

// eachCachedWork calls fn, in wallet order, with the accounts bucket and
// entry of pub in each wallet that caches work for it (not watch-only,
// work non-zero), until fn returns an error; errStop ends the walk
// without one. Unreadable entries are skipped, as Work's errors are.
func eachCachedWork(tx *bolt.Tx, pub nano.PublicKey, fn func(accts *bolt.Bucket, a account) error) error {
	wallets := tx.Bucket(bucketWallets)
	err := wallets.ForEachBucket(func(k []byte) error {
		accts := wallets.Bucket(k).Bucket(bucketAccts)
		if accts == nil {
			return nil
		}
		v := accts.Get(pub[:])
		if v == nil {
			return nil
		}
		var a account
		if json.Unmarshal(v, &a) != nil || a.Watch || a.Work == 0 {
			return nil
		}
		return fn(accts, a)
	})
	if errors.Is(err, errStop) {
		return nil
	}
	return err
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

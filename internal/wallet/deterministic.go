package wallet

import (
	"encoding/json"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// InsertDeterministic adds the deterministic account at index, as the
// node's wallet_store::deterministic_insert(index) does for account_create
// with an index: the key is derived from the wallet's seed, stored as a
// deterministic key (replacing an ad-hoc entry for the same account), and
// the wallet's next deterministic index does not move.
func (s *Store) InsertDeterministic(id ID, index uint32) (nano.PublicKey, error) {
	seed, err := s.Seed(id)
	if err != nil {
		return nano.PublicKey{}, err
	}
	pub := nano.DeriveKey(seed, index).PublicKey()
	err = s.db.Update(func(tx *bolt.Tx) error {
		w := tx.Bucket(bucketWallets).Bucket(id[:])
		if w == nil {
			return ErrWalletNotFound
		}
		v, err := json.Marshal(account{Index: int64(index)})
		if err != nil {
			return err
		}
		return w.Bucket(bucketAccts).Put(pub[:], v)
	})
	return pub, err
}

// Summary counts a wallet's keys, for wallet_info.
type Summary struct {
	Deterministic      int    // accounts derived from the seed
	Adhoc              int    // keys added with wallet_add
	DeterministicIndex uint32 // the index the next derived account takes
}

// Summarize counts a wallet's deterministic and ad-hoc keys and reads its
// next deterministic index.
func (s *Store) Summarize(id ID) (Summary, error) {
	var sum Summary
	err := s.db.View(func(tx *bolt.Tx) error {
		in, err := readInfo(tx, id)
		if err != nil {
			return err
		}
		sum.DeterministicIndex = in.NextIndex
		return eachAccount(tx.Bucket(bucketWallets).Bucket(id[:]).Bucket(bucketAccts), id, func(_ []byte, a account) error {
			if a.Index >= 0 {
				sum.Deterministic++
			} else {
				sum.Adhoc++
			}
			return nil
		})
	})
	return sum, err
}

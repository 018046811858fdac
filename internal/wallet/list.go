package wallet

import (
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// ErrInUse reports that another process (a running node) holds the wallet
// file: bbolt locks it exclusively while it is open for writing, so it
// cannot be read from outside until that process closes it.
var ErrInUse = errors.New("wallet: the file is in use by another process")

// Listing is one wallet and its accounts, as nipc wallet list shows them.
type Listing struct {
	ID       ID
	Accounts []nano.PublicKey
}

// List returns every wallet and its accounts (sorted by id, accounts in key
// order), and the genesis wallet the node recorded (SetGenesis), if any.
func (s *Store) List() ([]Listing, *ID, error) {
	var out []Listing
	for _, id := range s.Wallets() {
		accts, err := s.Accounts(id)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, Listing{ID: id, Accounts: accts})
	}
	g, ok := s.RecordedGenesis()
	if !ok {
		return out, nil, nil
	}
	return out, &g, nil
}

// ReadList is List on the wallet file at path, opened read-only: it never
// creates, changes or unlocks anything. A file a running node holds is
// ErrInUse after timeout; a missing file is an error wrapping
// os.ErrNotExist.
func ReadList(path string, timeout time.Duration) ([]Listing, *ID, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, nil, fmt.Errorf("wallet: %w", err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: timeout})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, nil, fmt.Errorf("%w: %s", ErrInUse, path)
		}
		return nil, nil, fmt.Errorf("wallet: open %s: %w", path, err)
	}
	defer db.Close()
	s := &Store{db: db}
	var missing bool
	db.View(func(tx *bolt.Tx) error {
		missing = tx.Bucket(bucketWallets) == nil
		return nil
	})
	if missing {
		return nil, nil, nil // created but never opened by a node: no wallets
	}
	return s.List()
}

// keyGenesis, in the meta bucket, is the id of the wallet the node created
// for the dev genesis key.
var keyGenesis = []byte("genesis_wallet")

// SetGenesis records id as the genesis wallet, so that a later start can
// tell a destroyed genesis wallet from one never created.
func (s *Store) SetGenesis(id ID) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keyGenesis, id[:])
	})
}

// RecordedGenesis is the id SetGenesis recorded, which may since have been
// destroyed (Exists says).
func (s *Store) RecordedGenesis() (ID, bool) {
	var id ID
	ok := false
	s.db.View(func(tx *bolt.Tx) error {
		if m := tx.Bucket(bucketMeta); m != nil {
			if v := m.Get(keyGenesis); len(v) == len(id) {
				copy(id[:], v)
				ok = true
			}
		}
		return nil
	})
	return id, ok
}

package wallet

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// Errors with the node's texts.
var (
	ErrBadWalletNumber = errors.New("Bad wallet number")
	ErrWalletNotFound  = errors.New("Wallet not found")
	ErrAccountNotFound = errors.New("Account not found in wallet")
	ErrWalletLocked    = errors.New("Wallet is locked")
	// ErrWatchOnly: the account is watch-only (wallet_add_watch), the
	// wallet has no key to sign for it.
	ErrWatchOnly = errors.New("wallet: watch-only account")
)

// schemaVersion is the layout of wallets.db.
const schemaVersion = 1

var (
	bucketMeta    = []byte("meta")
	bucketWallets = []byte("wallets")
	keyVersion    = []byte("version")
	keyInfo       = []byte("info")
	bucketAccts   = []byte("accounts")
	bucketSends   = []byte("sends")
)

// ID identifies a wallet.
type ID [32]byte

// String is the id as 64 uppercase hex digits.
func (id ID) String() string { return strings.ToUpper(hex.EncodeToString(id[:])) }

// ParseID reads a wallet id; anything else is ErrBadWalletNumber.
func ParseID(s string) (ID, error) {
	var id ID
	if len(s) != 64 {
		return id, ErrBadWalletNumber
	}
	if _, err := hex.Decode(id[:], []byte(s)); err != nil {
		return id, ErrBadWalletNumber
	}
	return id, nil
}

// info is a wallet's record.
type info struct {
	Salt           []byte    `json:"salt"`
	KDF            kdfParams `json:"kdf"`
	SealedKey      []byte    `json:"sealed_key"`  // wallet key, sealed with the password key
	SealedSeed     []byte    `json:"sealed_seed"` // seed, sealed with the wallet key
	NextIndex      uint32    `json:"next_index"`  // next deterministic index
	Representative [32]byte  `json:"representative"`
	Created        int64     `json:"created"`
}

// account is one key of a wallet.
type account struct {
	Index      int64  `json:"index"` // deterministic index, or -1 for an ad-hoc or watch-only key
	SealedPriv []byte `json:"sealed_priv,omitempty"`
	Watch      bool   `json:"watch,omitempty"` // watch-only: no private key
	Work       uint64 `json:"work,omitempty"`  // cached work for the account's next block (work_set)
}

// Store is the wallet file.
type Store struct {
	db  *bolt.DB
	mu  sync.Mutex
	key map[ID][]byte // unlocked wallet keys
	kdf kdfParams
}

// Open opens (creating if needed) the wallet file at path and unlocks every
// wallet whose password is empty.
func Open(path string) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("wallet: %s is in use by another process", path)
		}
		return nil, fmt.Errorf("wallet: open %s: %w", path, err)
	}
	s := &Store{db: db, key: make(map[ID][]byte), kdf: defaultKDF}
	err = db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		if v := meta.Get(keyVersion); v != nil {
			if got := binary.BigEndian.Uint32(v); got != schemaVersion {
				return fmt.Errorf("wallet: %s has schema version %d; this nipc reads version %d", path, got, schemaVersion)
			}
		} else if err := meta.Put(keyVersion, binary.BigEndian.AppendUint32(nil, schemaVersion)); err != nil {
			return err
		}
		_, err = tx.CreateBucketIfNotExists(bucketWallets)
		return err
	})
	if err == nil {
		err = s.unlockAll("")
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) unlockAll(password string) error {
	return s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketWallets).ForEachBucket(func(k []byte) error {
			var id ID
			copy(id[:], k)
			in, err := readInfo(tx, id)
			if err != nil {
				return err
			}
			if wk, err := open(in.KDF.derive(password, in.Salt), in.SealedKey); err == nil {
				s.mu.Lock()
				s.key[id] = wk
				s.mu.Unlock()
			}
			return nil
		})
	})
}

func readInfo(tx *bolt.Tx, id ID) (info, error) {
	var in info
	b := tx.Bucket(bucketWallets).Bucket(id[:])
	if b == nil {
		return in, ErrWalletNotFound
	}
	if err := json.Unmarshal(b.Get(keyInfo), &in); err != nil {
		return in, fmt.Errorf("wallet %s: damaged record: %w", id, err)
	}
	return in, nil
}

func writeInfo(tx *bolt.Tx, id ID, in info) error {
	v, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketWallets).Bucket(id[:]).Put(keyInfo, v)
}

func (s *Store) walletKey(id ID) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.key[id]
	if !ok {
		return nil, ErrWalletLocked
	}
	return k, nil
}

// Create makes a wallet with the given seed (a new random one if nil) and
// the given representative.
func (s *Store) Create(seed *nano.Seed, representative nano.PublicKey) (ID, error) {
	var id ID
	raw, err := randomBytes(32)
	if err != nil {
		return id, err
	}
	copy(id[:], raw)
	if seed == nil {
		sd, err := nano.GenerateSeed()
		if err != nil {
			return id, err
		}
		seed = &sd
	}
	salt, err := randomBytes(32)
	if err != nil {
		return id, err
	}
	wk, err := randomBytes(32)
	if err != nil {
		return id, err
	}
	sealedKey, err := seal(s.kdf.derive("", salt), wk)
	if err != nil {
		return id, err
	}
	sealedSeed, err := seal(wk, seed[:])
	if err != nil {
		return id, err
	}
	in := info{Salt: salt, KDF: s.kdf, SealedKey: sealedKey, SealedSeed: sealedSeed, Representative: representative, Created: time.Now().Unix()}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.Bucket(bucketWallets).CreateBucket(id[:])
		if err != nil {
			return err
		}
		if _, err := b.CreateBucket(bucketAccts); err != nil {
			return err
		}
		if _, err := b.CreateBucket(bucketSends); err != nil {
			return err
		}
		return writeInfo(tx, id, in)
	})
	if err != nil {
		return id, fmt.Errorf("wallet: create: %w", err)
	}
	s.mu.Lock()
	s.key[id] = wk
	s.mu.Unlock()
	return id, nil
}

// Destroy removes a wallet and its keys.
func (s *Store) Destroy(id ID) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketWallets).Bucket(id[:]) == nil {
			return ErrWalletNotFound
		}
		return tx.Bucket(bucketWallets).DeleteBucket(id[:])
	})
	if err == nil {
		s.mu.Lock()
		delete(s.key, id)
		s.mu.Unlock()
	}
	return err
}

// Exists reports whether a wallet exists.
func (s *Store) Exists(id ID) bool {
	found := false
	s.db.View(func(tx *bolt.Tx) error {
		found = tx.Bucket(bucketWallets).Bucket(id[:]) != nil
		return nil
	})
	return found
}

// Wallets lists every wallet id, sorted.
func (s *Store) Wallets() []ID {
	var ids []ID
	s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketWallets).ForEachBucket(func(k []byte) error {
			var id ID
			copy(id[:], k)
			ids = append(ids, id)
			return nil
		})
	})
	return ids
}

// Seed returns a wallet's seed.
func (s *Store) Seed(id ID) (nano.Seed, error) {
	var seed nano.Seed
	wk, err := s.walletKey(id)
	if err != nil {
		if !s.Exists(id) {
			return seed, ErrWalletNotFound
		}
		return seed, err
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		in, err := readInfo(tx, id)
		if err != nil {
			return err
		}
		pt, err := open(wk, in.SealedSeed)
		if err != nil {
			return err
		}
		copy(seed[:], pt)
		return nil
	})
	return seed, err
}

// Representative returns the representative a wallet opens accounts with.
func (s *Store) Representative(id ID) (nano.PublicKey, error) {
	var rep nano.PublicKey
	err := s.db.View(func(tx *bolt.Tx) error {
		in, err := readInfo(tx, id)
		rep = in.Representative
		return err
	})
	return rep, err
}

// SetRepresentative changes it.
func (s *Store) SetRepresentative(id ID, rep nano.PublicKey) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		in, err := readInfo(tx, id)
		if err != nil {
			return err
		}
		in.Representative = rep
		return writeInfo(tx, id, in)
	})
}

// CreateAccounts derives the next count deterministic accounts.
func (s *Store) CreateAccounts(id ID, count int) ([]nano.PublicKey, error) {
	seed, err := s.Seed(id)
	if err != nil {
		return nil, err
	}
	var out []nano.PublicKey
	err = s.db.Update(func(tx *bolt.Tx) error {
		out = out[:0]
		in, err := readInfo(tx, id)
		if err != nil {
			return err
		}
		accts := tx.Bucket(bucketWallets).Bucket(id[:]).Bucket(bucketAccts)
		for range count {
			for {
				pub := nano.DeriveKey(seed, in.NextIndex).PublicKey()
				idx := in.NextIndex
				in.NextIndex++
				if accts.Get(pub[:]) != nil {
					continue // already there as an ad-hoc key
				}
				v, _ := json.Marshal(account{Index: int64(idx)})
				if err := accts.Put(pub[:], v); err != nil {
					return err
				}
				out = append(out, pub)
				break
			}
		}
		return writeInfo(tx, id, in)
	})
	return out, err
}

// AddKey adds an ad-hoc private key and returns its account.
func (s *Store) AddKey(id ID, priv nano.PrivateKey) (nano.PublicKey, error) {
	pub := priv.PublicKey()
	wk, err := s.walletKey(id)
	if err != nil {
		if !s.Exists(id) {
			return pub, ErrWalletNotFound
		}
		return pub, err
	}
	sealed, err := seal(wk, priv[:])
	if err != nil {
		return pub, err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		w := tx.Bucket(bucketWallets).Bucket(id[:])
		if w == nil {
			return ErrWalletNotFound
		}
		v, _ := json.Marshal(account{Index: -1, SealedPriv: sealed})
		return w.Bucket(bucketAccts).Put(pub[:], v)
	})
	return pub, err
}

// Accounts lists a wallet's accounts in key order.
func (s *Store) Accounts(id ID) ([]nano.PublicKey, error) {
	var out []nano.PublicKey
	err := s.db.View(func(tx *bolt.Tx) error {
		w := tx.Bucket(bucketWallets).Bucket(id[:])
		if w == nil {
			return ErrWalletNotFound
		}
		return w.Bucket(bucketAccts).ForEach(func(k, _ []byte) error {
			var pub nano.PublicKey
			copy(pub[:], k)
			out = append(out, pub)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i][:], out[j][:]) < 0 })
	return out, err
}

// Contains reports whether the wallet holds the account.
func (s *Store) Contains(id ID, pub nano.PublicKey) (bool, error) {
	found := false
	err := s.db.View(func(tx *bolt.Tx) error {
		w := tx.Bucket(bucketWallets).Bucket(id[:])
		if w == nil {
			return ErrWalletNotFound
		}
		found = w.Bucket(bucketAccts).Get(pub[:]) != nil
		return nil
	})
	return found, err
}

// IsLocal reports whether any wallet holds the account.
func (s *Store) IsLocal(pub nano.PublicKey) bool {
	found := false
	s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketWallets).ForEachBucket(func(k []byte) error {
			if tx.Bucket(bucketWallets).Bucket(k).Bucket(bucketAccts).Get(pub[:]) != nil {
				found = true
			}
			return nil
		})
	})
	return found
}

// PrivateKey returns the key of one of the wallet's accounts.
func (s *Store) PrivateKey(id ID, pub nano.PublicKey) (nano.PrivateKey, error) {
	var priv nano.PrivateKey
	a, err := s.account(id, pub)
	if err != nil {
		return priv, err
	}
	if a.Watch {
		if _, err := s.walletKey(id); err != nil {
			return priv, err
		}
		return priv, ErrWatchOnly
	}
	if a.Index >= 0 {
		seed, err := s.Seed(id)
		if err != nil {
			return priv, err
		}
		return nano.DeriveKey(seed, uint32(a.Index)), nil
	}
	wk, err := s.walletKey(id)
	if err != nil {
		return priv, err
	}
	pt, err := open(wk, a.SealedPriv)
	if err != nil {
		return priv, err
	}
	copy(priv[:], pt)
	return priv, nil
}

// SentBlock returns the block a send with this caller-chosen id produced,
// so that a repeated send is not executed twice.
func (s *Store) SentBlock(id ID, sendID string) (nano.Hash, bool) {
	var h nano.Hash
	found := false
	s.db.View(func(tx *bolt.Tx) error {
		if w := tx.Bucket(bucketWallets).Bucket(id[:]); w != nil {
			if v := w.Bucket(bucketSends).Get([]byte(sendID)); len(v) == len(h) {
				copy(h[:], v)
				found = true
			}
		}
		return nil
	})
	return h, found
}

// RecordSend remembers the block of a send id.
func (s *Store) RecordSend(id ID, sendID string, h nano.Hash) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		w := tx.Bucket(bucketWallets).Bucket(id[:])
		if w == nil {
			return ErrWalletNotFound
		}
		return w.Bucket(bucketSends).Put([]byte(sendID), h[:])
	})
}

package wallet

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// accountsBucket is a wallet's accounts bucket, or ErrWalletNotFound.
func accountsBucket(tx *bolt.Tx, id ID) (*bolt.Bucket, error) {
	w := tx.Bucket(bucketWallets).Bucket(id[:])
	if w == nil {
		return nil, ErrWalletNotFound
	}
	return w.Bucket(bucketAccts), nil
}

// eachAccount calls fn with the key and record of each account in accts,
// wallet id's accounts bucket, in key order, until fn returns an error; a
// record that does not decode is an error naming the wallet.
func eachAccount(accts *bolt.Bucket, id ID, fn func(k []byte, a account) error) error {
	return accts.ForEach(func(k, v []byte) error {
		var a account
		if err := json.Unmarshal(v, &a); err != nil {
			return fmt.Errorf("wallet %s: damaged account record: %w", id, err)
		}
		return fn(k, a)
	})
}

// unlockedKey is the wallet key of an existing, unlocked wallet.
func (s *Store) unlockedKey(id ID) ([]byte, error) {
	if !s.Exists(id) {
		return nil, ErrWalletNotFound
	}
	return s.walletKey(id)
}

// ChangeSeed replaces an unlocked wallet's seed, as the node's seed_set:
// every deterministic account is removed (ad-hoc and watch-only ones
// stay) and the next deterministic index is 0 again. The caller then
// derives the accounts to restore (CreateAccounts).
func (s *Store) ChangeSeed(id ID, seed nano.Seed) error {
	wk, err := s.unlockedKey(id)
	if err != nil {
		return err
	}
	sealed, err := seal(wk, seed[:])
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		in, err := readInfo(tx, id)
		if err != nil {
			return err
		}
		accts, err := accountsBucket(tx, id)
		if err != nil {
			return err
		}
		var drop [][]byte
		err = eachAccount(accts, id, func(k []byte, a account) error {
			if a.Index >= 0 {
				drop = append(drop, k)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range drop {
			if err := accts.Delete(k); err != nil {
				return err
			}
		}
		in.SealedSeed, in.NextIndex = sealed, 0
		return writeInfo(tx, id, in)
	})
}

// AddWatch adds watch-only accounts to an unlocked wallet, as the node's
// wallet_add_watch: they are listed with the wallet's accounts, their
// receivables and balances are reported, and nothing is ever signed for
// them (PrivateKey is ErrWatchOnly). An account the wallet already holds
// with a key keeps it.
func (s *Store) AddWatch(id ID, pubs []nano.PublicKey) error {
	if _, err := s.unlockedKey(id); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		accts, err := accountsBucket(tx, id)
		if err != nil {
			return err
		}
		v, _ := json.Marshal(account{Index: -1, Watch: true})
		for _, pub := range pubs {
			if accts.Get(pub[:]) != nil {
				continue
			}
			if err := accts.Put(pub[:], v); err != nil {
				return err
			}
		}
		return nil
	})
}

// Move moves accounts from wallet src into wallet dst as ad-hoc keys, as
// the node's wallet_store::move: both must be unlocked; an account src
// does not hold or holds watch-only is not moved, and moved is false (the
// accounts before it are moved all the same, as in the node).
func (s *Store) Move(dst, src ID, pubs []nano.PublicKey) (moved bool, err error) {
	if _, err := s.unlockedKey(dst); err != nil {
		return false, err
	}
	if _, err := s.unlockedKey(src); err != nil {
		return false, err
	}
	moved = true
	for _, pub := range pubs {
		priv, err := s.PrivateKey(src, pub)
		if err != nil {
			moved = false
			break
		}
		if _, err := s.AddKey(dst, priv); err != nil {
			return false, err
		}
		if err := s.Remove(src, pub); err != nil {
			return false, err
		}
	}
	return moved, nil
}

// Remove removes an account from an unlocked wallet, as the node's
// account_remove: ErrWalletLocked, then ErrAccountNotFound.
func (s *Store) Remove(id ID, pub nano.PublicKey) error {
	if _, err := s.unlockedKey(id); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		accts, err := accountsBucket(tx, id)
		if err != nil {
			return err
		}
		if accts.Get(pub[:]) == nil {
			return ErrAccountNotFound
		}
		return accts.Delete(pub[:])
	})
}

// Export is the wallet as wallet_export shows it: a JSON object of 64-hex
// keys to hex values, as the node's serialize_json writes its wallet
// table. The entries are nipc's, all still encrypted (nothing is
// decrypted, a locked wallet exports the same): each account's public key
// to its sealed private key ("00" for a deterministic or watch-only
// account), and the records "seed" (sealed), "salt", "wallet_key"
// (sealed with the password key), "deterministic_index" and
// "representative".
func (s *Store) Export(id ID) (string, error) {
	out := map[string]string{}
	err := s.db.View(func(tx *bolt.Tx) error {
		in, err := readInfo(tx, id)
		if err != nil {
			return err
		}
		out["seed"] = strings.ToUpper(hex.EncodeToString(in.SealedSeed))
		out["salt"] = strings.ToUpper(hex.EncodeToString(in.Salt))
		out["wallet_key"] = strings.ToUpper(hex.EncodeToString(in.SealedKey))
		out["deterministic_index"] = fmt.Sprintf("%08X", in.NextIndex)
		out["representative"] = nano.Hash(in.Representative).String()
		accts, err := accountsBucket(tx, id)
		if err != nil {
			return err
		}
		return eachAccount(accts, id, func(k []byte, a account) error {
			val := "00"
			if len(a.SealedPriv) > 0 {
				val = strings.ToUpper(hex.EncodeToString(a.SealedPriv))
			}
			out[strings.ToUpper(hex.EncodeToString(k))] = val
			return nil
		})
	})
	if err != nil {
		return "", err
	}
	keys := make([]string, 0, len(out))
	for k := range out {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("{\n")
	for i, k := range keys {
		kj, _ := json.Marshal(k)
		vj, _ := json.Marshal(out[k])
		fmt.Fprintf(&b, "    %s: %s", kj, vj)
		if i < len(keys)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("}\n")
	return b.String(), nil
}

// signingAccounts lists a wallet's accounts in key order, less the
// watch-only ones, in one read transaction.
func (s *Store) signingAccounts(id ID) ([]nano.PublicKey, error) {
	var out []nano.PublicKey
	err := s.db.View(func(tx *bolt.Tx) error {
		accts, err := accountsBucket(tx, id)
		if err != nil {
			return err
		}
		return accts.ForEach(func(k, v []byte) error {
			var a account
			if json.Unmarshal(v, &a) == nil && a.Watch {
				return nil
			}
			var pub nano.PublicKey
			copy(pub[:], k)
			out = append(out, pub)
			return nil
		})
	})
	return out, err
}

// account reads one account record.
func (s *Store) account(id ID, pub nano.PublicKey) (account, error) {
	var a account
	err := s.db.View(func(tx *bolt.Tx) error {
		accts, err := accountsBucket(tx, id)
		if err != nil {
			return err
		}
		a, err = getAccount(accts, pub)
		return err
	})
	return a, err
}

// getAccount reads pub's record in a wallet's accounts bucket, or
// ErrAccountNotFound.
func getAccount(accts *bolt.Bucket, pub nano.PublicKey) (account, error) {
	var a account
	v := accts.Get(pub[:])
	if v == nil {
		return a, ErrAccountNotFound
	}
	err := json.Unmarshal(v, &a)
	return a, err
}

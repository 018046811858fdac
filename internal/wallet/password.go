package wallet

import (
	"errors"

	bolt "go.etcd.io/bbolt"
)

// Locked reports whether a wallet is locked: its wallet key is not in
// memory, so nothing of it can be decrypted or signed. A wallet whose
// password is empty is unlocked when the store opens; any other stays
// locked until Enter.
func (s *Store) Locked(id ID) (bool, error) {
	if !s.Exists(id) {
		return false, ErrWalletNotFound
	}
	_, err := s.walletKey(id)
	return err != nil, nil
}

// Lock forgets a wallet's key, as the node's wallet_lock: the wallet stays
// locked until Enter with its password.
func (s *Store) Lock(id ID) error {
	if !s.Exists(id) {
		return ErrWalletNotFound
	}
	s.mu.Lock()
	delete(s.key, id)
	s.mu.Unlock()
	return nil
}

// Enter unlocks a wallet with its password, as the node's password_enter:
// ok is false for a wrong password, and the wallet is then locked (the
// node's enter_password leaves a wrong password in place, so the wallet no
// longer signs).
func (s *Store) Enter(id ID, password string) (ok bool, err error) {
	var in info
	err = s.db.View(func(tx *bolt.Tx) error {
		in, err = readInfo(tx, id)
		return err
	})
	if err != nil {
		return false, err
	}
	wk, err := open(in.KDF.derive(password, in.Salt), in.SealedKey)
	s.mu.Lock()
	defer s.mu.Unlock()
	if errors.Is(err, errWrongKey) {
		delete(s.key, id)
		return false, nil
	} else if err != nil {
		return false, err
	}
	s.key[id] = wk
	return true, nil
}

// ChangePassword seals an unlocked wallet's key under a new password (a
// new salt too); the wallet stays unlocked. A locked wallet is
// ErrWalletLocked. The seed and keys are not re-encrypted: they are sealed
// with the wallet key, which does not change.
func (s *Store) ChangePassword(id ID, password string) error {
	wk, err := s.unlockedKey(id)
	if err != nil {
		return err
	}
	salt, err := randomBytes(32)
	if err != nil {
		return err
	}
	sealed, err := seal(s.kdf.derive(password, salt), wk)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		in, err := readInfo(tx, id)
		if err != nil {
			return err
		}
		in.Salt, in.KDF, in.SealedKey = salt, s.kdf, sealed
		return writeInfo(tx, id, in)
	})
}

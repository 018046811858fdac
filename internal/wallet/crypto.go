package wallet

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"
)

// kdfParams are the Argon2id parameters a wallet was sealed with.
type kdfParams struct {
	Time      uint32 `json:"time"`
	MemoryKiB uint32 `json:"memory_kib"`
	Threads   uint8  `json:"threads"`
}

// defaultKDF: 16 MiB, one pass. A wallet is unlocked once per process start
// (about 20 ms here), not per operation.
var defaultKDF = kdfParams{Time: 1, MemoryKiB: 16 * 1024, Threads: 1}

func (p kdfParams) derive(password string, salt []byte) []byte {
	return argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, 32)
}

// errWrongKey means authentication failed: a wrong password, or a damaged file.
var errWrongKey = errors.New("wallet: wrong password or damaged wallet")

// seal encrypts plaintext with key (AES-256-GCM), prefixing a random nonce.
func seal(key, plaintext []byte) ([]byte, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("wallet: random nonce: %w", err)
	}
	return aead.Seal(nonce, nonce, plaintext, nil), nil
}

// open reverses seal.
func open(key, sealed []byte) ([]byte, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < aead.NonceSize()+aead.Overhead() {
		return nil, errWrongKey
	}
	pt, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], nil)
	if err != nil {
		return nil, errWrongKey
	}
	return pt, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	return cipher.NewGCM(block)
}

func randomBytes(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("wallet: random bytes: %w", err)
	}
	return b, nil
}

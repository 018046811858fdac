package nano

import (
	"crypto/rand"
	"encoding/binary"

	"filippo.io/edwards25519"
	"golang.org/x/crypto/blake2b"
)

// Seed is a 32-byte wallet seed from which DeriveKey derives any number of
// private keys.
type Seed [32]byte

// PrivateKey is a 32-byte ed25519-blake2b private key (the ed25519 "seed";
// the signing scalar is derived from it as in RFC 8032 but with blake2b-512).
type PrivateKey [32]byte

// GenerateSeed returns a random seed from crypto/rand.
func GenerateSeed() (Seed, error) {
	var s Seed
	_, err := rand.Read(s[:])
	return s, err
}

// ParseSeed parses a seed in hex as the node's decode_hex does (1 to 64 hex
// digits, right-aligned). It returns ErrBadSeed otherwise.
func ParseSeed(s string) (Seed, error) {
	var v Seed
	if !decodeHexNumber(v[:], s) {
		return Seed{}, ErrBadSeed
	}
	return v, nil
}

// Hex returns the seed as 64 uppercase hex digits. Seed has no String method
// so that it is not printed by accident.
func (s Seed) Hex() string { return encodeHexUpper(s[:]) }

// DeriveKey returns the private key at index in the seed's deterministic
// wallet: blake2b-256(seed || index as 4 big-endian bytes), as the node's
// nano::deterministic_key.
func DeriveKey(seed Seed, index uint32) PrivateKey {
	var be [4]byte
	binary.BigEndian.PutUint32(be[:], index)
	return PrivateKey(blake2b256(seed[:], be[:]))
}

// ParsePrivateKey parses a private key in hex as the node's decode_hex does
// (1 to 64 hex digits, right-aligned). It returns ErrBadPrivateKey otherwise.
func ParsePrivateKey(s string) (PrivateKey, error) {
	var k PrivateKey
	if !decodeHexNumber(k[:], s) {
		return PrivateKey{}, ErrBadPrivateKey
	}
	return k, nil
}

// Hex returns the key as 64 uppercase hex digits. PrivateKey has no String
// method so that it is not printed by accident.
func (k PrivateKey) Hex() string { return encodeHexUpper(k[:]) }

// expand hashes the private key with blake2b-512 and returns the clamped
// signing scalar (from the first half) and the nonce prefix (the second).
func (k *PrivateKey) expand() (*edwards25519.Scalar, [32]byte) {
	h := blake2b.Sum512(k[:])
	s, err := edwards25519.NewScalar().SetBytesWithClamping(h[:32])
	if err != nil {
		panic("nano: clamping a 32-byte scalar failed: " + err.Error())
	}
	return s, [32]byte(h[32:])
}

// PublicKey returns the public key of k: the encoding of [s]B where s is the
// clamped first half of blake2b-512(k).
func (k PrivateKey) PublicKey() PublicKey {
	s, _ := k.expand()
	return PublicKey(new(edwards25519.Point).ScalarBaseMult(s).Bytes())
}

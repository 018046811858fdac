package nano

import (
	"crypto/subtle"

	"filippo.io/edwards25519"
	"golang.org/x/crypto/blake2b"
)

// Signature is a 64-byte ed25519-blake2b signature, R || S.
type Signature [64]byte

// ParseSignature parses a signature in hex as the node's
// uint512_union::decode_hex does: 1 to 128 hex digits of either case,
// right-aligned (so "0" is the zero signature). It returns ErrBadSignature
// otherwise.
func ParseSignature(s string) (Signature, error) {
	var v Signature
	if !decodeHexNumber(v[:], s) {
		return Signature{}, ErrBadSignature
	}
	return v, nil
}

// String returns the signature as 128 uppercase hex digits.
func (s Signature) String() string { return encodeHexUpper(s[:]) }

// MarshalText encodes s as 128 uppercase hex digits.
func (s Signature) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes hex as ParseSignature does.
func (s *Signature) UnmarshalText(text []byte) error {
	v, err := ParseSignature(string(text))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// challenge returns blake2b-512(R || A || msg) reduced modulo the group order.
func challenge(r []byte, a *PublicKey, msg []byte) *edwards25519.Scalar {
	d, _ := blake2b.New512(nil) // cannot fail without a key
	d.Write(r)
	d.Write(a[:])
	d.Write(msg)
	var wide [64]byte
	k, err := edwards25519.NewScalar().SetUniformBytes(d.Sum(wide[:0]))
	if err != nil {
		panic("nano: reducing a 64-byte digest failed: " + err.Error())
	}
	return k
}

// Sign signs msg with priv using Nano's ed25519 variant, which is RFC 8032
// ed25519 with blake2b-512 in place of SHA-512 (ed25519-donna built with
// ED25519_CUSTOMHASH in the node). Signatures are deterministic: the node
// produces the same bytes for the same key and message.
func Sign(priv PrivateKey, msg []byte) Signature {
	s, prefix := priv.expand()
	pub := PublicKey(new(edwards25519.Point).ScalarBaseMult(s).Bytes())

	d, _ := blake2b.New512(nil)
	d.Write(prefix[:])
	d.Write(msg)
	var wide [64]byte
	r, err := edwards25519.NewScalar().SetUniformBytes(d.Sum(wide[:0]))
	if err != nil {
		panic("nano: reducing a 64-byte digest failed: " + err.Error())
	}
	R := new(edwards25519.Point).ScalarBaseMult(r).Bytes()

	k := challenge(R, &pub, msg)
	S := edwards25519.NewScalar().MultiplyAdd(k, s, r) // k*s + r

	var sig Signature
	copy(sig[:32], R)
	copy(sig[32:], S.Bytes())
	return sig
}

// Verify reports whether sig is a valid signature of msg by pub. It accepts
// exactly what the node's ed25519_sign_open accepts: S must have its top
// three bits clear (S is then reduced modulo the group order rather than
// required to be canonical), pub must decode to a curve point, and
// [S]B - [k]A must encode to the bytes of R.
func Verify(pub PublicKey, msg []byte, sig Signature) bool {
	if sig[63]&0xe0 != 0 {
		return false
	}
	A, err := new(edwards25519.Point).SetBytes(pub[:])
	if err != nil {
		return false
	}
	var wide [64]byte
	copy(wide[:32], sig[32:])
	S, err := edwards25519.NewScalar().SetUniformBytes(wide[:])
	if err != nil {
		return false
	}
	k := challenge(sig[:32], &pub, msg)
	minusA := new(edwards25519.Point).Negate(A)
	R := new(edwards25519.Point).VarTimeDoubleScalarBaseMult(k, minusA, S)
	return subtle.ConstantTimeCompare(R.Bytes(), sig[:32]) == 1
}

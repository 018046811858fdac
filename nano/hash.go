package nano

import "golang.org/x/crypto/blake2b"

// Hash is a 32-byte value the node prints as 64 uppercase hex digits: a block
// hash, a work root, or a state block's link (which may also be read as an
// account, see PublicKey(h)).
type Hash [32]byte

// ParseHash parses hex the way the node's uint256_union::decode_hex does:
// 1 to 64 hex digits of either case, right-aligned (so "0" is the zero hash).
// It returns ErrBadHash otherwise.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if !decodeHexNumber(h[:], s) {
		return Hash{}, ErrBadHash
	}
	return h, nil
}

// String returns the hash as 64 uppercase hex digits.
func (h Hash) String() string { return encodeHexUpper(h[:]) }

// IsZero reports whether every byte of h is zero.
func (h Hash) IsZero() bool { return h == Hash{} }

// MarshalText encodes h as 64 uppercase hex digits.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText decodes hex as ParseHash does.
func (h *Hash) UnmarshalText(text []byte) error {
	v, err := ParseHash(string(text))
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// blake2b256 hashes the concatenation of parts with 32-byte blake2b. Up to
// a state block's 176 bytes are gathered on the stack.
func blake2b256(parts ...[]byte) Hash {
	var buf [32*5 + 16]byte
	data := buf[:0]
	for _, p := range parts {
		data = append(data, p...)
	}
	return blake2b.Sum256(data)
}

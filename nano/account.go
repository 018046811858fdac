package nano

import (
	"hash"
	"strings"
	"sync"

	"golang.org/x/crypto/blake2b"
)

// PublicKey is an ed25519-blake2b public key. In Nano it is also the account:
// Account gives its nano_ address, String its 64-digit hex form.
type PublicKey [32]byte

// accountAlphabet is Nano's base32 alphabet: digits and lowercase letters
// without 0, 2, l and v.
const accountAlphabet = "13456789abcdefghijkmnopqrstuwxyz"

// accountValue maps an ASCII byte to its base32 digit value, or 0xff.
var accountValue = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := 0; i < len(accountAlphabet); i++ {
		t[accountAlphabet[i]] = byte(i)
	}
	return t
}()

const (
	accountPrefix  = "nano_"
	accountChars   = 60 // 4 zero bits + 256 key bits + 40 checksum bits, 5 bits a char
	checksumLength = 5
)

// checksumDigests saves accountChecksum a 384-byte allocation per call.
var checksumDigests = sync.Pool{New: func() any {
	d, _ := blake2b.New(checksumLength, nil) // cannot fail: size in range, no key
	return &checksumDigest{h: d}
}}

type checksumDigest struct {
	h   hash.Hash
	in  PublicKey // the key and digest live here: through h they would escape
	out [checksumLength]byte
}

// accountChecksum is the 5-byte blake2b digest of the key, byte-reversed: the
// node reads the digest as a little-endian number and prints it big-endian.
func accountChecksum(key *PublicKey) [checksumLength]byte {
	d := checksumDigests.Get().(*checksumDigest)
	d.h.Reset()
	d.in = *key
	d.h.Write(d.in[:])
	d.h.Sum(d.out[:0])
	sum := d.out
	checksumDigests.Put(d)
	for i, j := 0, checksumLength-1; i < j; i, j = i+1, j-1 {
		sum[i], sum[j] = sum[j], sum[i]
	}
	return sum
}

// encodeAccount writes prefix and the 60 base32 characters of k.
func encodeAccount(prefix string, k PublicKey) string {
	var data [32 + checksumLength]byte
	copy(data[:32], k[:])
	sum := accountChecksum(&k)
	copy(data[32:], sum[:])

	var buf [8 + accountChars]byte // the prefixes used are 4 or 5 bytes
	out := append(buf[:0], prefix...)
	var acc uint32
	bits := uint(4) // the four zero pad bits in front of the key
	for _, b := range data {
		acc = acc<<8 | uint32(b)
		bits += 8
		for bits >= 5 {
			bits -= 5
			out = append(out, accountAlphabet[(acc>>bits)&0x1f])
		}
	}
	return string(out)
}

// Account returns k as a nano_ address (65 characters), as the node prints
// accounts.
func (k PublicKey) Account() string { return encodeAccount(accountPrefix, k) }

// NodeID returns k in the node_ form the node uses for node IDs.
func (k PublicKey) NodeID() string { return encodeAccount("node_", k) }

// String returns k as 64 uppercase hex digits (the node's "key" form).
func (k PublicKey) String() string { return encodeHexUpper(k[:]) }

// IsZero reports whether k is the zero key: the burn account.
func (k PublicKey) IsZero() bool { return k == PublicKey{} }

// ParsePublicKey parses a public key in hex the way the node's decode_hex
// does (1 to 64 hex digits, right-aligned). It returns ErrBadPublicKey
// otherwise.
func ParsePublicKey(s string) (PublicKey, error) {
	var k PublicKey
	if !decodeHexNumber(k[:], s) {
		return PublicKey{}, ErrBadPublicKey
	}
	return k, nil
}

// ParseAccount decodes an address the way the node's
// public_key::decode_account does. It accepts the prefixes nano_ and xrb_,
// their deprecated dash forms nano- and xrb- (see IsDeprecatedFormat), and
// node_ (node IDs), each followed by exactly 60 lowercase base32 characters
// whose first is '1' or '3' and whose last 8 are the checksum. Anything else
// yields ErrBadAccount.
func ParseAccount(s string) (PublicKey, error) {
	var body string
	switch {
	case len(s) == 64 && strings.HasPrefix(s, "xrb") && (s[3] == '_' || s[3] == '-'):
		body = s[4:]
	case len(s) == 65 && strings.HasPrefix(s, "nano") && (s[4] == '_' || s[4] == '-'):
		body = s[5:]
	case len(s) == 65 && strings.HasPrefix(s, "node_"):
		body = s[5:]
	default:
		return PublicKey{}, ErrBadAccount
	}

	// The first character holds the four zero pad bits and the key's top
	// bit, so only '1' (0) and '3' (1) are possible.
	first := accountValue[body[0]]
	if first > 1 {
		return PublicKey{}, ErrBadAccount
	}
	var data [32 + checksumLength]byte
	acc := uint32(first)
	bits := uint(1)
	n := 0
	for i := 1; i < accountChars; i++ {
		v := accountValue[body[i]]
		if v == 0xff {
			return PublicKey{}, ErrBadAccount
		}
		acc = acc<<5 | uint32(v)
		bits += 5
		if bits >= 8 {
			bits -= 8
			data[n] = byte(acc >> bits)
			n++
		}
	}
	var k PublicKey
	copy(k[:], data[:32])
	if accountChecksum(&k) != [checksumLength]byte(data[32:]) {
		return PublicKey{}, ErrBadAccount
	}
	return k, nil
}

// IsDeprecatedFormat reports whether the address s uses the deprecated dash
// form (nano- or xrb-), for which the node adds "deprecated_account_format":
// "1" to its answer. It tests the same characters the node does and does not
// validate s; call ParseAccount for that.
func IsDeprecatedFormat(s string) bool {
	return len(s) > 4 && (s[3] == '-' || s[4] == '-')
}

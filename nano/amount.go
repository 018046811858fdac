package nano

import (
	"encoding/binary"
	"math/bits"
)

// Amount is an unsigned 128-bit number of raw, the node's nano::amount. The
// zero value is zero raw. Arithmetic reports overflow instead of wrapping.
type Amount struct {
	hi, lo uint64
}

// MaxAmount is 2^128-1 raw, the node's genesis amount (the whole supply).
var MaxAmount = Amount{hi: ^uint64(0), lo: ^uint64(0)}

// NewAmount returns v raw.
func NewAmount(v uint64) Amount { return Amount{lo: v} }

// AmountFromBytes decodes a 16-byte big-endian amount, the wire and hashing
// form of a balance.
func AmountFromBytes(b [16]byte) Amount {
	return Amount{hi: binary.BigEndian.Uint64(b[:8]), lo: binary.BigEndian.Uint64(b[8:])}
}

// Bytes returns a as 16 big-endian bytes.
func (a Amount) Bytes() [16]byte {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], a.hi)
	binary.BigEndian.PutUint64(b[8:], a.lo)
	return b
}

// IsZero reports whether a is zero.
func (a Amount) IsZero() bool { return a.hi|a.lo == 0 }

// Uint64 returns a and whether it fits in a uint64.
func (a Amount) Uint64() (uint64, bool) { return a.lo, a.hi == 0 }

// Cmp returns -1, 0 or +1 as a is less than, equal to or greater than b.
func (a Amount) Cmp(b Amount) int {
	switch {
	case a.hi < b.hi, a.hi == b.hi && a.lo < b.lo:
		return -1
	case a == b:
		return 0
	}
	return 1
}

// Add returns a+b and true, or false when the sum exceeds MaxAmount.
func (a Amount) Add(b Amount) (Amount, bool) {
	lo, carry := bits.Add64(a.lo, b.lo, 0)
	hi, carry := bits.Add64(a.hi, b.hi, carry)
	return Amount{hi, lo}, carry == 0
}

// Sub returns a-b and true, or false when b is greater than a.
func (a Amount) Sub(b Amount) (Amount, bool) {
	lo, borrow := bits.Sub64(a.lo, b.lo, 0)
	hi, borrow := bits.Sub64(a.hi, b.hi, borrow)
	return Amount{hi, lo}, borrow == 0
}

// Mul returns a*b and true, or false when the product exceeds MaxAmount.
func (a Amount) Mul(b Amount) (Amount, bool) {
	p, overflow := a.mulWrapping(b)
	return p, !overflow
}

// mulWrapping returns a*b modulo 2^128 and whether the true product is larger.
func (a Amount) mulWrapping(b Amount) (Amount, bool) {
	hi, lo := bits.Mul64(a.lo, b.lo)
	c1h, c1 := bits.Mul64(a.hi, b.lo)
	c2h, c2 := bits.Mul64(a.lo, b.hi)
	hi, k1 := bits.Add64(hi, c1, 0)
	hi, k2 := bits.Add64(hi, c2, 0)
	overflow := a.hi != 0 && b.hi != 0 || c1h != 0 || c2h != 0 || k1 != 0 || k2 != 0
	return Amount{hi, lo}, overflow
}

// mulSmall returns a*m+add and whether the result overflowed 128 bits.
func (a Amount) mulSmall(m, add uint64) (Amount, bool) {
	h1, lo := bits.Mul64(a.lo, m)
	h2, hiPart := bits.Mul64(a.hi, m)
	hi, c := bits.Add64(hiPart, h1, 0)
	lo, c2 := bits.Add64(lo, add, 0)
	hi, c3 := bits.Add64(hi, 0, c2)
	return Amount{hi, lo}, h2 != 0 || c != 0 || c3 != 0
}

// divSmall returns a/d and a%d for a non-zero d.
func (a Amount) divSmall(d uint64) (Amount, uint64) {
	qhi, r := bits.Div64(0, a.hi, d)
	qlo, r := bits.Div64(r, a.lo, d)
	return Amount{qhi, qlo}, r
}

// Div returns a/b rounded down, and false when b is zero.
func (a Amount) Div(b Amount) (Amount, bool) {
	switch {
	case b.IsZero():
		return Amount{}, false
	case b.hi == 0:
		q, _ := a.divSmall(b.lo)
		return q, true
	case a.Cmp(b) < 0:
		return Amount{}, true
	}
	// b >= 2^64, so the quotient fits in 64 bits: shift-subtract over the
	// bits where b<<i can still fit under a.
	var q uint64
	rem := a
	shift := uint(bits.LeadingZeros64(b.hi))
	for i := int(shift); i >= 0; i-- {
		d := b.lsh(uint(i))
		if rem.Cmp(d) >= 0 {
			rem, _ = rem.Sub(d)
			q |= 1 << uint(i)
		}
	}
	return Amount{lo: q}, true
}

// lsh returns a<<n for n < 64.
func (a Amount) lsh(n uint) Amount {
	if n == 0 {
		return a
	}
	return Amount{hi: a.hi<<n | a.lo>>(64-n), lo: a.lo << n}
}

const (
	pow10to19   = 10_000_000_000_000_000_000 // the largest power of ten in a uint64
	maxDecimals = 39                         // len("340282366920938463463374607431768211455")
)

// String returns a in decimal, as the node prints balances.
func (a Amount) String() string {
	if a.hi == 0 {
		return uitoa(a.lo)
	}
	// Split into base-10^19 limbs, most significant first.
	q, low := a.divSmall(pow10to19)
	top, mid := q.divSmall(pow10to19)
	var buf [maxDecimals]byte
	n := putDigits(buf[:], low, 19)
	if top.lo == 0 {
		n = putUint(buf[:n], mid)
	} else {
		n = putDigits(buf[:n], mid, 19)
		n = putUint(buf[:n], top.lo)
	}
	return string(buf[n:])
}

// putDigits writes v as exactly width decimal digits at the end of buf and
// returns the index of the first one.
func putDigits(buf []byte, v uint64, width int) int {
	n := len(buf)
	for range width {
		n--
		buf[n] = byte('0' + v%10)
		v /= 10
	}
	return n
}

func uitoa(v uint64) string {
	var buf [20]byte
	return string(buf[putUint(buf[:], v):])
}

// putUint writes v in decimal at the end of buf and returns the index of
// its first digit.
func putUint(buf []byte, v uint64) int {
	n := len(buf)
	for {
		n--
		buf[n] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return n
		}
	}
}

// ParseAmount parses a decimal number of raw the way the node's
// uint128_union::decode_dec does: 1 to 39 ASCII digits, no leading zero
// unless the number is "0", no sign, at most MaxAmount. It returns
// ErrInvalidAmount otherwise (callers parsing a block's balance report
// ErrBadBalance instead, as the node does).
func ParseAmount(s string) (Amount, error) {
	if len(s) == 0 || len(s) > maxDecimals || len(s) > 1 && s[0] == '0' {
		return Amount{}, ErrInvalidAmount
	}
	var a Amount
	for i := 0; i < len(s); {
		// Take up to 19 digits at a time: they fit a uint64.
		end := min(i+19, len(s))
		var chunk, scale uint64 = 0, 1
		for ; i < end; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return Amount{}, ErrInvalidAmount
			}
			chunk = chunk*10 + uint64(c-'0')
			scale *= 10
		}
		var overflow bool
		if a, overflow = a.mulSmall(scale, chunk); overflow {
			return Amount{}, ErrInvalidAmount
		}
	}
	return a, nil
}

// ParseAmountHex parses an amount in hex as the node's
// uint128_union::decode_hex does (1 to 32 hex digits, right-aligned): the
// form of a legacy send block's balance. It returns ErrBadBalance otherwise.
func ParseAmountHex(s string) (Amount, error) {
	var b [16]byte
	if !decodeHexNumber(b[:], s) {
		return Amount{}, ErrBadBalance
	}
	return AmountFromBytes(b), nil
}

// Hex returns a as 32 uppercase hex digits, the legacy send block's form.
func (a Amount) Hex() string {
	b := a.Bytes()
	return encodeHexUpper(b[:])
}

// MarshalText encodes a in decimal.
func (a Amount) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText decodes decimal as ParseAmount does.
func (a *Amount) UnmarshalText(text []byte) error {
	v, err := ParseAmount(string(text))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

package fbjson

import (
	"math"

	"github.com/nipc/nipc/api/internal/schema"
)

// Scalar conversion as flatbuffers' atot<T> / StringToNumber<T> do it on top
// of the C library's strtoll / strtoull (C locale).

func isCSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }

// cStrto emulates strtoll (signed) or strtoull on s in base 10 or 16. ok is
// false when no digit was read or bytes follow the number; erange reports
// overflow. v is what the C function returns, as bits.
func cStrto(s []byte, base uint64, signed bool) (v uint64, ok, erange bool) {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if base == 16 && i+2 < len(s) && s[i] == '0' && s[i+1]|0x20 == 'x' && isXDigit(s[i+2]) {
		i += 2
	}
	start := i
	var acc uint64
	over := false
	for ; i < len(s); i++ {
		var d uint64
		switch c := s[i]; {
		case isDigit(c):
			d = uint64(c - '0')
		case base == 16 && isXDigit(c):
			d = uint64(c|0x20-'a') + 10
		default:
			d = base
		}
		if d >= base {
			break
		}
		if !over {
			if acc > (math.MaxUint64-d)/base {
				over = true
			} else {
				acc = acc*base + d
			}
		}
	}
	if i == start {
		return 0, false, false
	}
	ok = i == len(s)
	if signed {
		limit := uint64(math.MaxInt64)
		if neg {
			limit++
		}
		if over || acc > limit {
			if neg {
				return 1 << 63, ok, true
			}
			return math.MaxInt64, ok, true
		}
	} else if over {
		return math.MaxUint64, ok, true
	}
	if neg {
		acc = -acc
	}
	return acc, ok, false
}

var intervals = map[schema.Kind]string{
	schema.Bool:      "[0; 255]", // flatbuffers stores bools as uint8_t
	schema.Int8:      "[-128; 127]",
	schema.Uint8:     "[0; 255]",
	schema.UnionType: "[0; 255]",
	schema.Int32:     "[-2147483648; 2147483647]",
	schema.Uint64:    "[0; 18446744073709551615]",
}

func bounds(k schema.Kind) (lo, hi int64) {
	switch k {
	case schema.Int8:
		return math.MinInt8, math.MaxInt8
	case schema.Int32:
		return math.MinInt32, math.MaxInt32
	}
	return 0, math.MaxUint8 // Bool, Uint8, UnionType
}

// atot converts a scalar constant to kind k, returning its bits or the
// parser's error text.
func atot(k schema.Kind, s []byte) (uint64, string) {
	invalid := func(fits bool) string {
		msg := "invalid number: \"" + string(s) + "\""
		if !fits {
			msg += ", constant does not fit " + intervals[k]
		}
		return msg
	}
	j := 0
	for j < len(s) && !isDigit(s[j]) {
		j++
	}
	base := uint64(10)
	if j+1 < len(s) && s[j] == '0' && alphaChar(s[j+1], 'X') {
		base = 16
	}
	if k == schema.Uint64 {
		v, ok, erange := cStrto(s, base, false)
		switch {
		case !ok:
			return 0, invalid(true)
		case erange:
			return 0, invalid(false)
		}
		if v != 0 {
			if b := max(j-1, 0); b < len(s) && s[b] == '-' {
				return 0, invalid(false)
			}
		}
		return v, ""
	}
	v, ok, _ := cStrto(s, base, true) // errno is not checked for narrow types
	if !ok {
		return 0, invalid(true)
	}
	lo, hi := bounds(k)
	if i := int64(v); i < lo || i > hi {
		return 0, invalid(false)
	}
	return v, ""
}

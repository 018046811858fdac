package nano

import "strconv"

const hexUpper = "0123456789ABCDEF"

// hexValue maps an ASCII byte to its hex digit value, or 0xff.
var hexValue = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i := byte(0); i < 10; i++ {
		t['0'+i] = i
	}
	for i := byte(0); i < 6; i++ {
		t['a'+i] = 10 + i
		t['A'+i] = 10 + i
	}
	return t
}()

// decodeHexNumber decodes s as a big-endian hex number into dst, the way the
// node's uintN_union::decode_hex does: 1 to 2*len(dst) digits of either case,
// right-aligned, so "1" is the number one. Nothing else (no sign, no "0x",
// no spaces) is accepted. dst is only written on success.
func decodeHexNumber(dst []byte, s string) bool {
	if len(s) == 0 || len(s) > 2*len(dst) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if hexValue[s[i]] == 0xff {
			return false
		}
	}
	clear(dst)
	j := len(dst) - 1
	for i := len(s) - 1; i >= 0; i -= 2 {
		b := hexValue[s[i]]
		if i > 0 {
			b |= hexValue[s[i-1]] << 4
		}
		dst[j] = b
		j--
	}
	return true
}

// encodeHexUpper returns b as uppercase hex, two digits a byte: the node's
// output form for hashes, keys and signatures.
func encodeHexUpper(b []byte) string {
	out := make([]byte, 2*len(b))
	for i, v := range b {
		out[2*i] = hexUpper[v>>4]
		out[2*i+1] = hexUpper[v&0x0f]
	}
	return string(out)
}

// FormatWork returns a work value (or a difficulty) as the node prints it:
// 16 lowercase hex digits (nano::to_string_hex).
func FormatWork(work uint64) string {
	const digits = "0123456789abcdef"
	var out [16]byte
	for i := 15; i >= 0; i-- {
		out[i] = digits[work&0xf]
		work >>= 4
	}
	return string(out[:])
}

// ParseWork parses a work value (or a difficulty) the way the node's
// nano::from_string_hex does: 1 to 16 hex digits of either case. It returns
// ErrBadWork otherwise.
func ParseWork(s string) (uint64, error) {
	if len(s) == 0 || len(s) > 16 {
		return 0, ErrBadWork
	}
	v, err := strconv.ParseUint(s, 16, 64) // base 16: no sign, prefix or '_'
	if err != nil {
		return 0, ErrBadWork
	}
	return v, nil
}

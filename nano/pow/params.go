package pow

import (
	"encoding/binary"
	"math/bits"
)

// params is what a kernel needs for one root and threshold: blake2b's state
// after the part of round 0 that does not read the nonce, the root's
// message words, and the threshold. The kernels read it at fixed offsets
// (internal/asm/main.go): keep the two in step.
type params struct {
	v    [16]uint64   // the state; v[0] is v0+v4, waiting for the nonce
	m    [5][4]uint64 // message words 0..4 in four lanes (word 0, the nonce, unused)
	h0   [4]uint64    // the chaining value's first word
	thr  [4]uint64    // the threshold
	h0s  [4]uint64    // h0 with the sign bit flipped (AVX2's signed compare)
	thrs [4]uint64    // thr-1 with the sign bit flipped
	out  [8]uint64    // v0^v8 of the last batch's lanes (the digest is h0 ^ out)
}

// iv is blake2b's initialisation vector.
var iv = [8]uint64{
	0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
	0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
}

// inputLen is the length of nonce || root, blake2b's byte counter t0.
const inputLen = 8 + 32

// prepare computes params for root and threshold. Threshold 0 is not
// handled here: every nonce reaches it (Search answers at once).
func prepare(root *[32]byte, threshold uint64) *params {
	var m [16]uint64
	for i := range 4 {
		m[1+i] = binary.LittleEndian.Uint64(root[8*i:])
	}
	p := new(params)
	// Parameter block: digest length 8, no key, fanout 1, depth 1.
	h0 := iv[0] ^ 0x01010008
	v := [16]uint64{h0, iv[1], iv[2], iv[3], iv[4], iv[5], iv[6], iv[7],
		iv[0], iv[1], iv[2], iv[3], iv[4] ^ inputLen, iv[5], ^iv[6], iv[7]}
	// Round 0's columns 1..3 read message words 2..7: the root's and zeros.
	g(&v, 1, 5, 9, 13, m[2], m[3])
	g(&v, 2, 6, 10, 14, m[4], m[5])
	g(&v, 3, 7, 11, 15, m[6], m[7])
	v[0] += v[4] // column 0 adds the nonce next
	p.v = v
	for w := 1; w < len(p.m); w++ {
		p.m[w] = [4]uint64{m[w], m[w], m[w], m[w]}
	}
	const sign = 1 << 63
	for i := range 4 {
		p.h0[i], p.thr[i] = h0, threshold
		p.h0s[i], p.thrs[i] = h0^sign, (threshold-1)^sign
	}
	return p
}

// g is blake2b's mixing function.
func g(v *[16]uint64, a, b, c, d int, x, y uint64) {
	v[a] += v[b] + x
	v[d] = bits.RotateLeft64(v[d]^v[a], -32)
	v[c] += v[d]
	v[b] = bits.RotateLeft64(v[b]^v[c], -24)
	v[a] += v[b] + y
	v[d] = bits.RotateLeft64(v[d]^v[a], -16)
	v[c] += v[d]
	v[b] = bits.RotateLeft64(v[b]^v[c], -63)
}

package main

// The work function's compression as a list of operations on the sixteen
// state words, after what the pow package computes once per root
// (prepare in params.go): round 0's columns 1 to 3, which read only root
// and zero words, and v0+v4. The list starts with v0 = p.v[0] + nonce and
// ends when v0 and v8 (the digest's first word is h0 ^ v0 ^ v8) are final;
// additions of the zero message words m5..m15 are left out, and so is every
// operation of the last round that v0 and v8 do not depend on.

type opKind uint8

const (
	opAdd  opKind = iota // v[dst] += v[src]
	opAddM               // v[dst] += m[word] (word 0 is the nonce, 1..4 the root)
	opXor                // v[dst] ^= v[src]
	opRor                // v[dst] = v[dst] >>> n
)

type op struct {
	kind     opKind
	dst, src int
	word     int
	n        int
}

// sigma is blake2b's message schedule; rounds 10 and 11 reuse rows 0 and 1.
var sigma = [12][16]int{
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
	{14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
	{11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
	{7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
	{9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
	{2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
	{12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
	{13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
	{6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
	{10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
	{14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
}

// liveWords are the message words that are not zero: the nonce and the root.
const liveWords = 5

// gOps is blake2b's G on (a, b, c, d) with message words x and y, as the
// fourteen operations it is, less the additions of zero words. skipFirst
// leaves out a += b + x (round 0's column 0, which prepare and the kernel's
// first load do).
func gOps(a, b, c, d, x, y int, skipFirst bool) []op {
	var ops []op
	addm := func(dst, w int) {
		if w < liveWords {
			ops = append(ops, op{kind: opAddM, dst: dst, word: w})
		}
	}
	if !skipFirst {
		ops = append(ops, op{kind: opAdd, dst: a, src: b})
		addm(a, x)
	}
	ops = append(ops,
		op{kind: opXor, dst: d, src: a}, op{kind: opRor, dst: d, n: 32},
		op{kind: opAdd, dst: c, src: d},
		op{kind: opXor, dst: b, src: c}, op{kind: opRor, dst: b, n: 24},
		op{kind: opAdd, dst: a, src: b})
	addm(a, y)
	ops = append(ops,
		op{kind: opXor, dst: d, src: a}, op{kind: opRor, dst: d, n: 16},
		op{kind: opAdd, dst: c, src: d},
		op{kind: opXor, dst: b, src: c}, op{kind: opRor, dst: b, n: 63})
	return ops
}

// interleave merges the four G's of a step operation by operation, so
// that neighbouring instructions are independent.
func interleave(gs [][]op) []op {
	var out []op
	for i := 0; ; i++ {
		more := false
		for _, g := range gs {
			if i < len(g) {
				out = append(out, g[i])
				more = true
			}
		}
		if !more {
			return out
		}
	}
}

// schedule returns the kernel's operations, dead ones removed.
func schedule() []op {
	var ops []op
	for r := range 12 {
		s := sigma[r]
		if r == 0 {
			ops = append(ops, gOps(0, 4, 8, 12, s[0], s[1], true)...)
		} else {
			ops = append(ops, interleave([][]op{
				gOps(0, 4, 8, 12, s[0], s[1], false),
				gOps(1, 5, 9, 13, s[2], s[3], false),
				gOps(2, 6, 10, 14, s[4], s[5], false),
				gOps(3, 7, 11, 15, s[6], s[7], false),
			})...)
		}
		ops = append(ops, interleave([][]op{
			gOps(0, 5, 10, 15, s[8], s[9], false),
			gOps(1, 6, 11, 12, s[10], s[11], false),
			gOps(2, 7, 8, 13, s[12], s[13], false),
			gOps(3, 4, 9, 14, s[14], s[15], false),
		})...)
	}
	return removeDead(ops)
}

// removeDead drops the operations whose result neither v0 nor v8 reads.
func removeDead(ops []op) []op {
	var live [16]bool
	live[0], live[8] = true, true
	keep := make([]bool, len(ops))
	for i := len(ops) - 1; i >= 0; i-- {
		o := ops[i]
		if !live[o.dst] {
			continue
		}
		keep[i] = true
		if o.kind == opAdd || o.kind == opXor {
			live[o.src] = true
		}
	}
	var out []op
	for i, o := range ops {
		if keep[i] {
			out = append(out, o)
		}
	}
	return out
}

// uses returns the state words op reads (and writes).
func (o op) uses() []int {
	if o.kind == opAdd || o.kind == opXor {
		return []int{o.dst, o.src}
	}
	return []int{o.dst}
}

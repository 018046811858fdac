package main

import (
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// avx2 writes searchAVX2: four nonces per batch. Sixteen state words and a
// scratch register do not fit the sixteen Y registers, so a small
// allocator keeps the words in registers and spills the one used farthest
// ahead (Belady's rule) to the stack, storing it only if it changed since
// it was last loaded; a word still as prepare left it is reloaded with a
// broadcast from p instead.
func avx2(ops []op) {
	TEXT("searchAVX2", NOSPLIT, "func(p *uint64, start, batches uint64) (nonce uint64, ok bool)")
	Doc("searchAVX2 tries batches*4 nonces from start and returns the first whose difficulty reaches p's threshold.")
	frame := AllocLocal(32 * 17)
	slot := func(v int) Mem { return frame.Offset(32 * v) }
	nonces := frame.Offset(32 * 16)

	Load(Param("p"), RAX)
	Load(Param("start"), RCX)
	Load(Param("batches"), RBX)
	MOVQ(RCX, X0)
	VPBROADCASTQ(X0, Y0)
	VPADDQ(lanes, Y0, Y0)
	VMOVDQU(Y0, nonces)
	TESTQ(RBX, RBX)
	JZ(LabelRef("none"))

	Label("loop")
	a := newAllocator(ops, slot, nonces)
	for i, o := range ops {
		a.op(i, o)
	}
	v0 := a.ensure(len(ops), 0, nil)
	v8 := a.ensure(len(ops), 8, []int{0})
	VPXOR(v8, v0, v0)
	VMOVDQU(v0, Mem{Base: RAX, Disp: offOut})
	VPXOR(Mem{Base: RAX, Disp: offH0S}, v0, v0)
	VPCMPGTQ(Mem{Base: RAX, Disp: offThrS}, v0, v0) // signed compare of sign-flipped words: unsigned digest > thr-1
	VMOVMSKPD(v0, EDX)
	TESTL(EDX, EDX)
	JNZ(LabelRef("found"))
	VMOVDQU(nonces, Y0)
	VPADDQ(four, Y0, Y0)
	VMOVDQU(Y0, nonces)
	ADDQ(U8(4), RCX)
	DECQ(RBX)
	JNZ(LabelRef("loop"))

	Label("none")
	VZEROUPPER()
	XORL(EDX, EDX)
	Store(RDX, ReturnIndex(0))
	Store(DL, ReturnIndex(1))
	RET()

	Label("found")
	VZEROUPPER()
	BSFL(EDX, EDX)
	ADDQ(RDX, RCX)
	Store(RCX, ReturnIndex(0))
	MOVB(U8(1), DL)
	Store(DL, ReturnIndex(1))
	RET()
}

// Where a state word's current value is, besides a register.
const (
	backInitial = iota // p.v (broadcast it again)
	backSlot           // its stack slot
	backNone           // only in its register
)

type allocator struct {
	ops     []op
	slot    func(int) Mem
	nonces  Mem
	regs    [16]VecPhysical
	holder  [16]int // the word a register holds, or -1
	regOf   [16]int // the register a word is in, or -1
	backing [16]int
	usesAt  [16][]int // the op indexes that use each word, ascending
}

func newAllocator(ops []op, slot func(int) Mem, nonces Mem) *allocator {
	a := &allocator{ops: ops, slot: slot, nonces: nonces,
		regs: [16]VecPhysical{Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15}}
	for i := range 16 {
		a.holder[i], a.regOf[i], a.backing[i] = -1, -1, backInitial
	}
	for i, o := range ops {
		for _, u := range o.uses() {
			a.usesAt[u] = append(a.usesAt[u], i)
		}
	}
	a.usesAt[0] = append(a.usesAt[0], len(ops)) // the digest reads v0 and v8
	a.usesAt[8] = append(a.usesAt[8], len(ops))
	return a
}

// nextUse returns the index of the first op at or after i that uses v.
func (a *allocator) nextUse(v, i int) int {
	for _, j := range a.usesAt[v] {
		if j >= i {
			return j
		}
	}
	return math.MaxInt
}

// alloc frees a register for op i, evicting a word not in keep.
func (a *allocator) alloc(i int, keep []int) int {
	for r, h := range a.holder {
		if h < 0 {
			return r
		}
	}
	victim, far := -1, -1
	for r, h := range a.holder {
		if contains(keep, h) {
			continue
		}
		if n := a.nextUse(h, i); n > far {
			victim, far = r, n
		}
	}
	v := a.holder[victim]
	if far != math.MaxInt && a.backing[v] == backNone {
		VMOVDQU(a.regs[victim], a.slot(v))
		a.backing[v] = backSlot
	}
	a.holder[victim], a.regOf[v] = -1, -1
	return victim
}

// ensure puts word v in a register for op i and returns the register.
func (a *allocator) ensure(i, v int, keep []int) VecPhysical {
	if r := a.regOf[v]; r >= 0 {
		return a.regs[r]
	}
	r := a.alloc(i, append(keep, v))
	y := a.regs[r]
	switch a.backing[v] {
	case backInitial:
		VPBROADCASTQ(Mem{Base: RAX, Disp: offV + 8*v}, y)
		if v == 0 {
			VPADDQ(a.nonces, y, y)
			a.backing[v] = backNone
		}
	case backSlot:
		VMOVDQU(a.slot(v), y)
	}
	a.holder[r], a.regOf[v] = v, r
	return y
}

func (a *allocator) op(i int, o op) {
	keep := o.uses()
	d := a.ensure(i, o.dst, keep)
	switch o.kind {
	case opAdd:
		VPADDQ(a.ensure(i, o.src, keep), d, d)
	case opAddM:
		if o.word == 0 {
			VPADDQ(a.nonces, d, d)
		} else {
			VPADDQ(Mem{Base: RAX, Disp: offM + 32*o.word}, d, d)
		}
	case opXor:
		VPXOR(a.ensure(i, o.src, keep), d, d)
	case opRor:
		switch o.n {
		case 32:
			VPSHUFD(U8(0xb1), d, d)
		case 24:
			VPSHUFB(rot24, d, d)
		case 16:
			VPSHUFB(rot16, d, d)
		case 63:
			r := a.alloc(i, keep)
			t := a.regs[r]
			VPSRLQ(U8(63), d, t)
			VPADDQ(d, d, d)
			VPOR(t, d, d)
		}
	}
	a.backing[o.dst] = backNone
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

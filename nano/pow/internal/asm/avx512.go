package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// avx512 writes searchAVX512: eight nonces per batch, the state in Z0..Z15,
// the root's message words in Z16..Z19 and the nonces in Z20.
func avx512(ops []op) {
	TEXT("searchAVX512", NOSPLIT, "func(p *uint64, start, batches uint64) (nonce uint64, ok bool)")
	Doc("searchAVX512 tries batches*8 nonces from start and returns the first whose difficulty reaches p's threshold.")
	st := []VecPhysical{Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15}
	m := []VecPhysical{Z20, Z16, Z17, Z18, Z19} // m[0] is the nonces
	nonces, inc, h0, thr := Z20, Z21, Z22, Z23

	Load(Param("p"), RAX)
	Load(Param("start"), RCX)
	Load(Param("batches"), RBX)
	for w := 1; w < liveWords; w++ {
		VPBROADCASTQ(Mem{Base: RAX, Disp: offM + 32*w}, m[w])
	}
	VPBROADCASTQ(Mem{Base: RAX, Disp: offH0}, h0)
	VPBROADCASTQ(Mem{Base: RAX, Disp: offThr}, thr)
	VPBROADCASTQ(RCX, nonces)
	VPADDQ(lanes, nonces, nonces)
	VPBROADCASTQ(eight, inc)
	TESTQ(RBX, RBX)
	JZ(LabelRef("none"))

	Label("loop")
	for i := range st {
		VPBROADCASTQ(Mem{Base: RAX, Disp: offV + 8*i}, st[i])
	}
	VPADDQ(nonces, st[0], st[0])
	for _, o := range ops {
		d := st[o.dst]
		switch o.kind {
		case opAdd:
			VPADDQ(st[o.src], d, d)
		case opAddM:
			VPADDQ(m[o.word], d, d)
		case opXor:
			VPXORQ(st[o.src], d, d)
		case opRor:
			VPRORQ(U8(o.n), d, d)
		}
	}
	VPXORQ(st[8], st[0], st[0])
	VMOVDQU64(st[0], Mem{Base: RAX, Disp: offOut})
	VPXORQ(h0, st[0], st[0])
	VPCMPUQ(U8(5), thr, st[0], K1) // not less than: digest >= threshold
	KMOVW(K1, EDX)
	TESTL(EDX, EDX)
	JNZ(LabelRef("found"))
	VPADDQ(inc, nonces, nonces)
	ADDQ(U8(8), RCX)
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

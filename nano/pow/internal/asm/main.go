// Command asm generates the pow package's kernels from one schedule
// (schedule.go): kernel_amd64.s, the AVX2 and AVX-512 kernels, with avo,
// and generic.go, the portable kernel. Run it with go generate in nano/pow.
package main

import (
	"flag"
	"log"

	. "github.com/mmcloughlin/avo/build"
)

// The layout of the pow package's params (params.go), in bytes.
const (
	offV    = 0            // v [16]uint64: the state after the root's share of round 0
	offM    = 128          // m [5][4]uint64: message words 0..4, each in four lanes
	offH0   = 128 + 160    // h0 [4]uint64
	offThr  = offH0 + 32   // thr [4]uint64
	offH0S  = offThr + 32  // h0s [4]uint64: h0 with the sign bit flipped
	offThrS = offH0S + 32  // thrs [4]uint64: thr-1 with the sign bit flipped
	offOut  = offThrS + 32 // out [8]uint64: v0^v8 of the last batch's lanes, for tests
)

var generic = flag.String("generic", "", "write the portable kernel to this file")

func main() {
	ops := schedule()
	ConstraintExpr("!purego")
	consts()
	avx2(ops)
	avx512(ops)
	Generate()
	if *generic != "" {
		if err := writeGeneric(*generic, ops); err != nil {
			log.Fatal(err)
		}
	}
}

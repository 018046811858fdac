//go:build !purego

package pow

import "golang.org/x/sys/cpu"

// The assembly kernels (kernel_amd64.s): p is &params.v[0].

//go:noescape
func searchAVX2(p *uint64, start, batches uint64) (nonce uint64, ok bool)

//go:noescape
func searchAVX512(p *uint64, start, batches uint64) (nonce uint64, ok bool)

// simdKernels are the assembly kernels the CPU and OS support, best first.
var simdKernels = func() []Kernel {
	var ks []Kernel
	if cpu.X86.HasAVX512F { // VPRORQ, VPCMPUQ, KMOVW; x/sys/cpu checks the OS saves ZMM state
		ks = append(ks, Kernel{Name: "avx512", Lanes: 8, search: func(p *params, start, n uint64) (uint64, bool) {
			return searchAVX512(&p.v[0], start, n/8)
		}})
	}
	if cpu.X86.HasAVX2 {
		ks = append(ks, Kernel{Name: "avx2", Lanes: 4, search: func(p *params, start, n uint64) (uint64, bool) {
			return searchAVX2(&p.v[0], start, n/4)
		}})
	}
	return ks
}()

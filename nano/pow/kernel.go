package pow

// A Kernel is one implementation of the search: it tries n nonces from
// start (n a multiple of Lanes) and returns the first whose difficulty
// reaches the threshold.
type Kernel struct {
	Name   string // "avx512", "avx2" or "generic"
	Lanes  int    // nonces per step
	search func(p *params, start, n uint64) (uint64, bool)
}

// genericKernel is the portable kernel (generic.go), one nonce at a time.
var genericKernel = Kernel{Name: "generic", Lanes: 1, search: searchGeneric}

// Kernels returns the kernels this CPU runs, best first; the last is
// always the portable one. Built with the purego tag, it is the only one.
func Kernels() []Kernel { return append(append([]Kernel(nil), simdKernels...), genericKernel) }

// Best returns the kernel Search uses: the first of Kernels.
func Best() Kernel { return Kernels()[0] }

//go:build !amd64 || purego

package pow

// simdKernels is empty: no assembly for this architecture, or the purego
// build tag forces the portable kernel.
var simdKernels []Kernel

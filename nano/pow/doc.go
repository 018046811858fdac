// Package pow searches for Nano proof of work: a nonce whose difficulty on
// a root reaches a threshold, where the difficulty is the 8-byte unkeyed
// blake2b digest of the nonce (8 bytes little-endian) followed by the
// 32-byte root, read little-endian (the node's work_thresholds::value).
//
// The input is one 40-byte block, so a difficulty is one blake2b
// compression, and most of it does not depend on the nonce. prepare
// computes once per root the chaining value, the counter and final-block
// words, round 0's columns 1..3 (they read only root and zero words) and
// v0+v4. A kernel then runs the rest for several nonces per call: only the
// five non-zero message words are added, and the last round stops once v0
// and v8 (the digest is h0 ^ v0 ^ v8) are final.
//
// Kernels. One schedule (internal/asm/schedule.go) generates all of them
// (go generate; internal/asm is a module of its own that needs
// github.com/mmcloughlin/avo): on amd64, kernel_amd64.s holds an AVX-512
// kernel, eight nonces per step in ZMM registers with VPRORQ rotates, and
// an AVX2 kernel, four per step, which keeps the state in the sixteen YMM
// registers and spills the word used farthest ahead to the stack; generic.go
// is the portable kernel, one nonce at a time on sixteen locals. Kernels
// lists what this CPU runs (golang.org/x/sys/cpu: AVX512F, AVX2, with OS
// support), best first; building with the purego tag leaves only the
// portable kernel.
//
// Search runs the best kernel on a number of goroutines, each on its own
// slice of the 64-bit space from a random start, looks at a stop flag every
// 8192 nonces, and returns context.Cause(ctx) when ctx ends first. Bench
// measures each kernel's rate per core.
package pow

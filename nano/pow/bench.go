package pow

import (
	"context"
	"time"
)

// KernelRate is one kernel's measured rate on one core.
type KernelRate struct {
	Kernel string  // Kernel.Name
	Lanes  int     // nonces per step
	Rate   float64 // hashes per second on one goroutine
}

// ExpectedTime returns the mean time to find work at threshold on
// threads cores at this rate: 2^64 / (2^64 - threshold) hashes.
func (r KernelRate) ExpectedTime(threshold uint64, threads int) time.Duration {
	if r.Rate <= 0 || threads <= 0 {
		return 0
	}
	hashes := 18446744073709551616.0 / float64(-threshold)
	if threshold == 0 {
		hashes = 1
	}
	return time.Duration(hashes / (r.Rate * float64(threads)) * float64(time.Second))
}

// Bench measures each kernel of Kernels for about d on the calling
// goroutine (one core), best first. It stops early, with what it has
// measured, when ctx ends.
func Bench(ctx context.Context, d time.Duration) []KernelRate {
	var rates []KernelRate
	p := prepare(&[32]byte{0x5a}, ^uint64(0)) // practically unreachable
	for _, k := range Kernels() {
		var (
			nonce uint64
			start = time.Now()
		)
		for time.Since(start) < d && ctx.Err() == nil {
			k.search(p, nonce, chunk)
			nonce += chunk
		}
		if el := time.Since(start); nonce > 0 {
			rates = append(rates, KernelRate{Kernel: k.Name, Lanes: k.Lanes, Rate: float64(nonce) / el.Seconds()})
		}
	}
	return rates
}

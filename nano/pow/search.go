package pow

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// chunk is how many nonces a worker tries between looks at the stop flag:
// well under a millisecond with any kernel.
const chunk = 1 << 13

// Search finds a nonce whose difficulty on root reaches threshold with the
// best kernel (Best) on threads goroutines (0 or less: runtime.GOMAXPROCS),
// each walking its own slice of the 64-bit space from a random start. It
// returns ctx's error, context.Cause(ctx), if ctx ends first; every
// goroutine it started has exited when it returns.
func Search(ctx context.Context, root [32]byte, threshold uint64, threads int) (uint64, error) {
	return SearchWith(ctx, Best(), root, threshold, threads)
}

// SearchWith is Search with the given kernel.
func SearchWith(ctx context.Context, k Kernel, root [32]byte, threshold uint64, threads int) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, context.Cause(ctx)
	}
	var seed [8]byte
	if _, err := rand.Read(seed[:]); err != nil {
		return 0, err
	}
	start := binary.LittleEndian.Uint64(seed[:])
	if threshold == 0 {
		return start, nil // every nonce reaches it
	}
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	stride := math.MaxUint64/uint64(threads) + 1

	found := make(chan uint64, threads) // never blocks a worker
	var stop atomic.Bool
	var wg sync.WaitGroup
	for i := range threads {
		first := start + uint64(i)*stride
		wg.Go(func() {
			p := prepare(&root, threshold)
			for nonce := first; !stop.Load(); nonce += chunk {
				if n, ok := k.search(p, nonce, chunk); ok {
					found <- n
					stop.Store(true)
					return
				}
			}
		})
	}

	var (
		nonce uint64
		err   error
	)
	select {
	case nonce = <-found:
	case <-ctx.Done():
		select {
		case nonce = <-found: // a result that raced the cancellation still counts
		default:
			err = context.Cause(ctx)
		}
	}
	stop.Store(true)
	wg.Wait()
	return nonce, err
}

// Difficulty returns the difficulty of nonce on root with kernel k: the
// 8-byte blake2b digest of nonce (little-endian) || root, read
// little-endian. It runs one step of k with nonce in its first lane.
func Difficulty(k Kernel, root [32]byte, nonce uint64) uint64 {
	return Difficulties(k, root, nonce)[0]
}

// Difficulties returns the difficulties of the k.Lanes nonces from start,
// as one step of k computes them.
func Difficulties(k Kernel, root [32]byte, start uint64) []uint64 {
	p := prepare(&root, math.MaxUint64)
	k.search(p, start, uint64(k.Lanes))
	d := make([]uint64, k.Lanes)
	for i := range d {
		d[i] = p.out[i] ^ p.h0[0]
	}
	return d
}

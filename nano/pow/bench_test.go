package pow

import (
	"context"
	"slices"
	"testing"
	"time"

	"golang.org/x/crypto/blake2b"
)

// BenchmarkKernel reports each kernel's nonces per second on one core.
func BenchmarkKernel(b *testing.B) {
	for _, k := range Kernels() {
		b.Run(k.Name, func(b *testing.B) {
			p := prepare(&[32]byte{1}, ^uint64(0))
			n := uint64(chunk)
			var nonce uint64
			for b.Loop() {
				k.search(p, nonce, n)
				nonce += n
			}
			b.ReportMetric(float64(b.N)*float64(n)/b.Elapsed().Seconds(), "hashes/s")
			b.ReportMetric(b.Elapsed().Seconds()*1e9/(float64(b.N)*float64(n)), "ns/hash")
		})
	}
}

// BenchmarkBlake2b is the reference: x/crypto's blake2b on the same 40 bytes,
// through Sum512 (one compression, 64-byte digest) and New(8, nil).
func BenchmarkBlake2b(b *testing.B) {
	var in [40]byte
	b.Run("Sum512", func(b *testing.B) {
		for b.Loop() {
			in[0]++
			blake2b.Sum512(in[:])
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
	})
	b.Run("New8", func(b *testing.B) {
		h, _ := blake2b.New(8, nil)
		var out [8]byte
		for b.Loop() {
			in[0]++
			h.Reset()
			h.Write(in[:])
			h.Sum(out[:0])
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
	})
}

// BenchmarkLiveSend reports the median and mean wall time of 20 searches at
// the live send threshold (fffffff800000000, 2^29 hashes on average) on
// every core, with the best kernel. Run it with -benchtime 1x: one
// iteration is 20 searches, minutes on two cores.
func BenchmarkLiveSend(b *testing.B) {
	const n = 20
	for b.Loop() {
		ds := make([]time.Duration, n)
		var sum time.Duration
		for i := range ds {
			start := time.Now()
			if _, err := Search(context.Background(), [32]byte{byte(i), 0x11}, 0xfffffff800000000, 0); err != nil {
				b.Fatal(err)
			}
			ds[i] = time.Since(start)
			sum += ds[i]
		}
		slices.Sort(ds)
		b.ReportMetric((ds[n/2-1]+ds[n/2]).Seconds()/2, "median-s")
		b.ReportMetric(sum.Seconds()/n, "mean-s")
		b.ReportMetric(ds[n-1].Seconds(), "max-s")
	}
}

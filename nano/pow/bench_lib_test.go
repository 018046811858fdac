package pow

import (
	"context"
	"testing"
	"time"
)

func TestBench(t *testing.T) {
	rates := Bench(context.Background(), 20*time.Millisecond)
	if len(rates) != len(Kernels()) {
		t.Fatalf("rates %v", rates)
	}
	for i, r := range rates {
		if r.Kernel != Kernels()[i].Name || r.Rate <= 0 {
			t.Errorf("rate %+v", r)
		}
	}
	r := KernelRate{Rate: 1 << 20}
	// Live send: 2^64/(2^64-fffffff800000000) = 2^35/... = 2^29 hashes.
	if got := r.ExpectedTime(0xfffffff800000000, 2); got != 256*time.Second {
		t.Errorf("expected time %v, want 4m16s", got)
	}
	if got := r.ExpectedTime(0xfffffe0000000000, 1); got != 8*time.Second {
		t.Errorf("expected time %v, want 8s (2^23 hashes)", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if start := time.Now(); len(Bench(ctx, time.Hour)) != 0 || time.Since(start) > time.Second {
		t.Error("Bench ran on a cancelled context")
	}
}

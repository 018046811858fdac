package pow

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestSearch(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, k := range Kernels() {
		for _, threads := range []int{0, 1, 3} {
			for i := range 5 {
				root := [32]byte{byte(i), 0xaa}
				const thr = 0xffc0000000000000 // the dev epoch-2 threshold: 1 in 1024
				n, err := SearchWith(ctx, k, root, thr, threads)
				if err != nil {
					t.Fatal(err)
				}
				if d := reference(root, n); d < thr {
					t.Fatalf("%s: %x has difficulty %x < %x", k.Name, n, d, uint64(thr))
				}
			}
		}
	}
	if _, err := Search(ctx, [32]byte{}, 0, 0); err != nil {
		t.Fatal(err)
	}
}

func TestSearchStops(t *testing.T) {
	cause := errors.New("work_cancel")
	for _, c := range []struct {
		name string
		ctx  func() (context.Context, func())
		want error
	}{
		{"deadline", func() (context.Context, func()) {
			return context.WithTimeout(context.Background(), 50*time.Millisecond)
		}, context.DeadlineExceeded},
		{"cause", func() (context.Context, func()) {
			ctx, cancel := context.WithCancelCause(context.Background())
			time.AfterFunc(50*time.Millisecond, func() { cancel(cause) })
			return ctx, func() { cancel(nil) }
		}, cause},
		{"already done", func() (context.Context, func()) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, context.Canceled},
	} {
		for _, k := range Kernels() {
			ctx, cancel := c.ctx()
			start := time.Now()
			_, err := SearchWith(ctx, k, [32]byte{1}, ^uint64(0), 0) // practically unreachable
			cancel()
			if !errors.Is(err, c.want) {
				t.Errorf("%s %s: err = %v, want %v", c.name, k.Name, err, c.want)
			}
			// Generous: a loaded 2-core machine under -race delays timers
			// by seconds; the point is that the search stops, not how fast.
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("%s %s: stopped after %v", c.name, k.Name, d)
			}
		}
	}
}

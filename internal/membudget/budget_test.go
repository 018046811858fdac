package membudget

import (
	"errors"
	"sync"
	"testing"
	"time"
)

func TestBudgetTryTake(t *testing.T) {
	tests := []struct {
		name  string
		limit int64
		takes []int64
		want  []bool
	}{
		{"fits", 100, []int64{40, 60}, []bool{true, true}},
		{"one over", 100, []int64{40, 61}, []bool{true, false}},
		{"exactly the limit", 100, []int64{100, 1}, []bool{true, false}},
		{"a refusal takes nothing", 100, []int64{90, 20, 10}, []bool{true, false, true}},
		{"no limit", 0, []int64{1 << 40, 1 << 40}, []bool{true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(tt.limit)
			var sum int64
			for i, n := range tt.takes {
				if got := b.TryTake(n); got != tt.want[i] {
					t.Fatalf("take %d of %d: %v, want %v", i, n, got, tt.want[i])
				}
				if tt.want[i] {
					sum += n
				}
			}
			if b.used.Load() != sum || b.peak.Load() != sum {
				t.Fatalf("used %d, peak %d; want %d", b.used.Load(), b.peak.Load(), sum)
			}
			b.Give(sum)
			if b.used.Load() != 0 {
				t.Fatalf("used %d after giving everything back", b.used.Load())
			}
		})
	}
}

func TestBudgetTakeWaits(t *testing.T) {
	tests := []struct {
		name    string
		giveAt  time.Duration // when the 80 held bytes are given back; 0: never
		stopAt  time.Duration // when stop is closed; 0: never
		timeout time.Duration
		want    error
	}{
		{"room comes back", 20 * time.Millisecond, 0, 5 * time.Second, nil},
		{"deadline passes", 0, 0, 50 * time.Millisecond, ErrTimeout},
		{"server stops", 0, 20 * time.Millisecond, 5 * time.Second, ErrStopped},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(100)
			if !b.TryTake(80) {
				t.Fatal("first take failed")
			}
			stop := make(chan struct{})
			if tt.giveAt > 0 {
				time.AfterFunc(tt.giveAt, func() { b.Give(80) })
			}
			if tt.stopAt > 0 {
				time.AfterFunc(tt.stopAt, func() { close(stop) })
			}
			start := time.Now()
			err := b.Take(50, start.Add(tt.timeout), stop)
			if !errors.Is(err, tt.want) {
				t.Fatalf("take = %v, want %v", err, tt.want)
			}
			if err == nil && time.Since(start) < tt.giveAt {
				t.Fatal("take returned before room came back")
			}
			if err != nil && b.used.Load() != 80 {
				t.Fatalf("a failed take left used at %d", b.used.Load())
			}
			if b.peak.Load() > 100 {
				t.Fatalf("peak %d above the limit", b.peak.Load())
			}
			time.Sleep(tt.giveAt) // let the AfterFunc finish before the leak check
		})
	}
}

// TestBudgetConcurrent: many takers never hold more than the limit
// together, and every one gets through once the others give back.
func TestBudgetConcurrent(t *testing.T) {
	const limit, takers = 1000, 64
	b := New(limit)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var held, maxHeld int64
	for i := range takers {
		wg.Go(func() {
			n := int64(100 + 37*i%400)
			for range 20 {
				if err := b.Take(n, time.Now().Add(10*time.Second), nil); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				held += n
				maxHeld = max(maxHeld, held)
				mu.Unlock()
				time.Sleep(50 * time.Microsecond)
				mu.Lock()
				held -= n
				mu.Unlock()
				b.Give(n)
			}
		})
	}
	wg.Wait()
	if maxHeld > limit || b.peak.Load() > limit || b.used.Load() != 0 {
		t.Fatalf("held at most %d, peak %d, used after %d; limit %d", maxHeld, b.peak.Load(), b.used.Load(), limit)
	}
}

package membudget

import (
	"errors"
	"testing"
	"time"
)

// TestChargeGrow: a charge holds what its steps took, fails at once for a
// request beyond the whole budget, waits (and says so) for room that comes
// back while it holds nothing, never waits once it holds a part, and
// Release gives everything back.
func TestChargeGrow(t *testing.T) {
	tests := []struct {
		name     string
		limit    int64
		before   int64 // held by someone else, given back after 20 ms when giveBack
		giveBack bool
		steps    []int
		want     error // of the last step
		waited   bool
	}{
		{"fits", 100, 0, false, []int{10, 20, 30}, nil, false},
		{"the whole budget", 100, 0, false, []int{64, 36}, nil, false},
		{"beyond the whole budget: at once", 100, 0, false, []int{64, 37}, ErrTooLarge, false},
		{"first step: room comes back", 100, 95, true, []int{10}, nil, true},
		{"first step: room does not come back", 100, 95, false, []int{10}, ErrTimeout, false},
		{"holding a part: no waiting", 100, 90, true, []int{10, 20}, ErrBusy, false},
		{"no budget", 0, 0, false, []int{1 << 40}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(tt.limit)
			if tt.limit == 0 {
				b = nil
			}
			b.TryTake(tt.before)
			if tt.giveBack {
				done := make(chan struct{})
				defer func() { <-done }()
				time.AfterFunc(20*time.Millisecond, func() { b.Give(tt.before); close(done) })
			}
			waited := false
			c := Charge{Budget: b, Wait: 100 * time.Millisecond, Waited: func() { waited = true }}
			var err error
			var sum int64
			for i, n := range tt.steps {
				if err = c.Grow(n); err != nil {
					if i != len(tt.steps)-1 {
						t.Fatalf("step %d: %v", i, err)
					}
					break
				}
				sum += int64(n)
			}
			if !errors.Is(err, tt.want) || waited != tt.waited {
				t.Fatalf("last step: %v (waited %v), want %v (waited %v)", err, waited, tt.want, tt.waited)
			}
			if c.Held() != sum {
				t.Fatalf("held %d, want %d", c.Held(), sum)
			}
			used := b.Used()
			c.Release()
			if got := b.Used(); tt.limit > 0 && got != used-sum {
				t.Fatalf("used %d after Release, want %d", got, used-sum)
			}
			if c.Held() != 0 {
				t.Fatalf("held %d after Release", c.Held())
			}
		})
	}
}

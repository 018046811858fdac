package logthrottle

import (
	"testing"
	"time"
)

func TestLogThrottle(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	type want struct {
		ok         bool
		suppressed int
		since      time.Duration // after t0, when suppressed > 0
	}
	tests := []struct {
		name string
		at   []time.Duration // when each warning comes, after t0
		want []want
	}{
		{"first goes out", []time.Duration{0}, []want{{true, 0, 0}}},
		{"burst: one out, the rest counted", []time.Duration{0, 1, 2, 3, time.Second + 3},
			[]want{{true, 0, 0}, {false, 0, 0}, {false, 0, 0}, {false, 0, 0}, {true, 3, 1}}},
		{"spaced a second apart: all out", []time.Duration{0, time.Second, 2 * time.Second},
			[]want{{true, 0, 0}, {true, 0, 0}, {true, 0, 0}}},
		{"the count starts over", []time.Duration{0, 10, time.Second + 10, time.Second + 20, 2*time.Second + 20},
			[]want{{true, 0, 0}, {false, 0, 0}, {true, 1, 10}, {false, 0, 0}, {true, 1, time.Second + 20}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var now time.Time
			th := New(time.Second)
			th.Now = func() time.Time { return now }
			for i, at := range tt.at {
				now = t0.Add(at)
				ok, n, since := th.Allow()
				w := tt.want[i]
				if ok != w.ok || n != w.suppressed || (n > 0 && !since.Equal(t0.Add(w.since))) {
					t.Fatalf("warning %d at %v: allow() = %v, %d, %v; want %v, %d, %v", i, at, ok, n, since, w.ok, w.suppressed, t0.Add(w.since))
				}
			}
		})
	}
}

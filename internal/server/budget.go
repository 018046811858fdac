package server

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// errBudgetTimeout: the bytes did not become free in time.
var errBudgetTimeout = errors.New("server: request bytes in flight stayed at the limit")

// budget is the node-wide limit on request bytes in flight
// (Config.MaxRequestBytesInFlight): a session takes a frame's declared
// length before reading its payload and gives it back once the reply is
// written. Taking is one atomic operation while there is room; a taker that
// finds none waits until bytes are given back, its deadline passes or stop
// is closed. Waiters are not queued: whoever fits when bytes come back goes
// first, so a small request is not held up behind a large one (a large one
// may time out instead; it is refused, not starved forever).
type budget struct {
	limit int64 // 0: no limit
	used  atomic.Int64
	peak  atomic.Int64 // the most ever held at once, for tests and metrics

	waiting atomic.Int32  // takers waiting for room
	mu      sync.Mutex    // guards wake
	wake    chan struct{} // closed (and replaced) when bytes are given back while someone waits
}

func newBudget(limit int64) *budget {
	return &budget{limit: limit, wake: make(chan struct{})}
}

// tryTake takes n bytes if they fit.
func (b *budget) tryTake(n int64) bool {
	for {
		u := b.used.Load()
		if b.limit > 0 && u+n > b.limit {
			return false
		}
		if b.used.CompareAndSwap(u, u+n) {
			b.notePeak(u + n)
			return true
		}
	}
}

// notePeak raises peak to u if it is below.
func (b *budget) notePeak(u int64) {
	for p := b.peak.Load(); u > p; p = b.peak.Load() {
		if b.peak.CompareAndSwap(p, u) {
			return
		}
	}
}

// take takes n bytes, waiting until deadline for room. It returns
// errBudgetTimeout when the deadline passes and ErrServerClosed when stop
// is closed first. n must not exceed the limit (Config.Validate sees to
// it: MaxFrameSize <= MaxRequestBytesInFlight).
func (b *budget) take(n int64, deadline time.Time, stop <-chan struct{}) error {
	if b.tryTake(n) {
		return nil
	}
	b.waiting.Add(1)
	defer b.waiting.Add(-1)
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		// Read wake before trying: bytes given back after the try close
		// this channel, so the wait below cannot miss them.
		b.mu.Lock()
		wake := b.wake
		b.mu.Unlock()
		if b.tryTake(n) {
			return nil
		}
		select {
		case <-wake:
		case <-timer.C:
			return errBudgetTimeout
		case <-stop:
			return ErrServerClosed
		}
	}
}

// give gives back n bytes taken with take or tryTake.
func (b *budget) give(n int64) {
	if n == 0 {
		return
	}
	b.used.Add(-n)
	if b.waiting.Load() > 0 {
		b.mu.Lock()
		close(b.wake)
		b.wake = make(chan struct{})
		b.mu.Unlock()
	}
}

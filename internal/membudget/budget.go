package membudget

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Why a take failed.
// TextBusy is what a request the budget refused is told, by the IPC port
// and the HTTP gateway alike.
const TextBusy = "Server busy: too many request bytes in flight (node.ipc.max_request_bytes_in_flight); try again"

var (
	ErrTimeout  = errors.New("membudget: request bytes in flight stayed at the limit")
	ErrStopped  = errors.New("membudget: stopped while waiting for room")
	ErrTooLarge = errors.New("membudget: one request would need more than the whole budget")
	ErrBusy     = errors.New("membudget: no room for a request that already holds part of the budget")
)

// Budget is a limit on request bytes in flight. Its methods are safe for
// concurrent use.
type Budget struct {
	limit int64 // 0: no limit
	used  atomic.Int64
	peak  atomic.Int64 // the most ever held at once, for tests and metrics

	waiting atomic.Int32  // takers waiting for room
	mu      sync.Mutex    // guards wake
	wake    chan struct{} // closed (and replaced) when bytes are given back while someone waits
}

// New returns a budget of limit bytes; 0 means no limit (bytes are still
// counted).
func New(limit int64) *Budget {
	return &Budget{limit: limit, wake: make(chan struct{})}
}

// Limit is the budget's size in bytes (0: no limit).
func (b *Budget) Limit() int64 {
	if b == nil {
		return 0
	}
	return b.limit
}

// Used is the bytes held now.
func (b *Budget) Used() int64 {
	if b == nil {
		return 0
	}
	return b.used.Load()
}

// Peak is the most bytes ever held at once.
func (b *Budget) Peak() int64 {
	if b == nil {
		return 0
	}
	return b.peak.Load()
}

// Waiting is the number of takers waiting for room now.
func (b *Budget) Waiting() int {
	if b == nil {
		return 0
	}
	return int(b.waiting.Load())
}

// TryTake takes n bytes if they fit now.
func (b *Budget) TryTake(n int64) bool {
	if b == nil {
		return true
	}
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
func (b *Budget) notePeak(u int64) {
	for p := b.peak.Load(); u > p; p = b.peak.Load() {
		if b.peak.CompareAndSwap(p, u) {
			return
		}
	}
}

// Take takes n bytes, waiting until deadline for room. It returns
// ErrTooLarge at once when n exceeds the limit, ErrTimeout when the
// deadline passes and ErrStopped when stop is closed first.
func (b *Budget) Take(n int64, deadline time.Time, stop <-chan struct{}) error {
	if b.TryTake(n) {
		return nil
	}
	if n > b.limit {
		return ErrTooLarge
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
		if b.TryTake(n) {
			return nil
		}
		select {
		case <-wake:
		case <-timer.C:
			return ErrTimeout
		case <-stop:
			return ErrStopped
		}
	}
}

// Give gives back n bytes taken with Take or TryTake.
func (b *Budget) Give(n int64) {
	if b == nil || n == 0 {
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

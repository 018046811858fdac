package server

import (
	"sync"
	"time"
)

// warnEvery is how often a throttled warning may be logged.
const warnEvery = time.Second

// logThrottle lets one warning through per interval and counts the ones it
// holds back, so that a peer that fails on purpose (a wrong access-check
// secret, requests beyond the budget) cannot flood the log. The next
// warning that goes through carries the count; the metrics count every one.
type logThrottle struct {
	every time.Duration
	now   func() time.Time // time.Now; tests replace it before serving

	mu         sync.Mutex
	next       time.Time // when the next warning may go out
	suppressed int       // held back since the last one that went out
	since      time.Time // when the first of those was held back
}

func newLogThrottle(every time.Duration) *logThrottle {
	return &logThrottle{every: every, now: time.Now}
}

// allow reports whether a warning may be logged now. When it may, it also
// returns how many were held back since the last one and when the first of
// them was; it then starts a new interval.
func (t *logThrottle) allow() (ok bool, suppressed int, since time.Time) {
	now := t.now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if now.Before(t.next) {
		if t.suppressed == 0 {
			t.since = now
		}
		t.suppressed++
		return false, 0, time.Time{}
	}
	suppressed, since = t.suppressed, t.since
	t.next, t.suppressed, t.since = now.Add(t.every), 0, time.Time{}
	return true, suppressed, since
}

// warn logs msg at WARN through t: dropped inside an interval, and with
// "suppressed" and "suppressed_since" attributes when earlier ones were.
func (t *logThrottle) warn(log sessionLog, msg string, args ...any) {
	ok, n, since := t.allow()
	if !ok {
		return
	}
	if n > 0 {
		args = append(args, "suppressed", n, "suppressed_since", since)
	}
	log.Warn(msg, args...)
}

// Package logthrottle keeps a peer that fails on purpose from flooding the
// log: the IPC server's and the gateway's warnings that a peer can cause at
// will (a wrong access-check secret, a request beyond the memory budget, a
// connection over the cap, a refused web page's Origin) go through a
// Throttle, which lets one through per interval (Every, a second, for all
// of them) and counts the ones it holds back. The next line that goes
// through carries the count ("suppressed") and when the first of them was
// held back ("suppressed_since"); metrics, where there are any, count
// every one.
package logthrottle

import (
	"sync"
	"time"
)

// Every is the interval every throttled line of the node uses.
const Every = time.Second

// Throttle lets one line through per interval. Its methods are safe for
// concurrent use.
type Throttle struct {
	every time.Duration
	// Now is time.Now; tests replace it before the throttle is used.
	Now func() time.Time

	mu         sync.Mutex
	next       time.Time // when the next line may go out
	suppressed int       // held back since the last one that went out
	since      time.Time // when the first of those was held back
}

// New returns a throttle that lets one line through per every.
func New(every time.Duration) *Throttle {
	return &Throttle{every: every, Now: time.Now}
}

// Allow reports whether a line may be logged now. When it may, it also
// returns how many were held back since the last one and when the first of
// them was; it then starts a new interval.
func (t *Throttle) Allow() (ok bool, suppressed int, since time.Time) {
	now := t.Now()
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

// Warner and Infoer are the parts of *slog.Logger the throttle logs with.
type (
	Warner interface{ Warn(string, ...any) }
	Infoer interface{ Info(string, ...any) }
)

// Warn logs msg at WARN through t: dropped inside an interval, and with
// "suppressed" and "suppressed_since" attributes when earlier ones were.
func (t *Throttle) Warn(log Warner, msg string, args ...any) {
	if args, ok := t.args(args); ok {
		log.Warn(msg, args...)
	}
}

// Info is Warn at INFO.
func (t *Throttle) Info(log Infoer, msg string, args ...any) {
	if args, ok := t.args(args); ok {
		log.Info(msg, args...)
	}
}

// args is args with the count of lines held back added, and whether the
// line goes out at all.
func (t *Throttle) args(args []any) ([]any, bool) {
	ok, n, since := t.Allow()
	if ok && n > 0 {
		args = append(args, "suppressed", n, "suppressed_since", since)
	}
	return args, ok
}

package broker

import (
	"context"
	"sync"
	"sync/atomic"
)

// Subscription is one Subscriber's confirmation subscription: its options,
// a bounded queue, and the goroutine that delivers what is queued. Its
// methods are safe for concurrent use.
type Subscription struct {
	s         Subscriber
	opts      atomic.Pointer[Options]
	queue     chan *Event
	delivered *atomic.Uint64 // nil: not counted
	onEnd     func()

	// A resumed subscription's catching up (resume.go): replay and pos
	// belong to the delivering goroutine.
	replay    Resume
	replayCtx context.Context
	pos       uint64 // the highest sequence replayed

	mu       sync.Mutex
	gate     chan struct{} // non-nil: held until Start
	resuming bool          // catching up: a full queue loses, never drops
	lost     bool          // a live event was lost while catching up
	quit     chan struct{}
	once     sync.Once
}

func newSubscription(opts Options, s Subscriber, queueSize int, delivered *atomic.Uint64, onEnd func()) *Subscription {
	if queueSize <= 0 {
		queueSize = DefaultQueueSize
	}
	sub := &Subscription{s: s, queue: make(chan *Event, queueSize), delivered: delivered, onEnd: onEnd,
		gate: make(chan struct{}), quit: make(chan struct{})}
	sub.opts.Store(&opts)
	return sub
}

// NewSubscription is a subscription fed by something other than a Broker
// (the separate gateway's relay of the node's events): held until Start,
// it delivers what Offer queues until Close, Drop or the end of ctx; then
// onEnd (if set) runs once, for the feeder's bookkeeping. queueSize 0
// means DefaultQueueSize. The feeder matches events with Options itself.
func NewSubscription(ctx context.Context, opts Options, s Subscriber, queueSize int, onEnd func()) *Subscription {
	sub := newSubscription(opts, s, queueSize, nil, onEnd)
	go sub.run(ctx.Done())
	return sub
}

// Options are the subscription's options, read-only.
func (sub *Subscription) Options() *Options { return sub.opts.Load() }

// Update replaces the options; events already queued are delivered with
// the new ones.
func (sub *Subscription) Update(opts Options) { sub.opts.Store(&opts) }

// Hold holds the events until the next Start (a subscribing again whose
// reply is not written yet).
func (sub *Subscription) Hold() {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	if sub.gate == nil {
		sub.gate = make(chan struct{})
	}
}

// Start lets the events flow: call it once the subscribing reply is
// written, so that it comes before the first event.
func (sub *Subscription) Start() {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	if sub.gate != nil {
		close(sub.gate)
		sub.gate = nil
	}
}

// Close ends the subscription (an unsubscribe); nothing more is delivered.
func (sub *Subscription) Close() { sub.end(nil) }

// Drop ends the subscription and tells the subscriber why.
func (sub *Subscription) Drop(err error) { sub.end(err) }

// Offer queues ev without waiting; false means the queue is full (the
// feeder then drops the subscription with ErrSlowConsumer, once it holds
// no lock that onEnd takes). While a resumed subscription catches up, a
// full queue is not fatal: the event is noted lost and replayed.
func (sub *Subscription) Offer(ev *Event) bool {
	select {
	case sub.queue <- ev:
		return true
	default:
	}
	sub.mu.Lock()
	defer sub.mu.Unlock()
	if sub.resuming {
		sub.lost = true
		return true
	}
	return false
}

func (sub *Subscription) end(err error) {
	sub.once.Do(func() {
		close(sub.quit)
		if sub.onEnd != nil {
			sub.onEnd()
		}
		if err != nil {
			sub.s.Dropped(err)
		}
	})
}

func (sub *Subscription) ended() bool {
	select {
	case <-sub.quit:
		return true
	default:
		return false
	}
}

// waitGate waits while the subscription is held; false if it ended.
func (sub *Subscription) waitGate(done <-chan struct{}) bool {
	sub.mu.Lock()
	g := sub.gate
	sub.mu.Unlock()
	if g == nil {
		return true
	}
	select {
	case <-g:
		return true
	case <-sub.quit:
		return false
	case <-done:
		sub.end(nil)
		return false
	}
}

// run delivers queued events, once started, until the subscription ends;
// a resumed one catches up first and skips the queued events it replayed.
func (sub *Subscription) run(done <-chan struct{}) {
	if sub.replay.Replay != nil {
		if !sub.waitGate(done) || !sub.catchUp(sub.replayCtx) {
			return
		}
	}
	for {
		select {
		case <-sub.quit:
			return
		case <-done:
			sub.end(nil)
			return
		case ev := <-sub.queue:
			if !sub.waitGate(done) || sub.ended() {
				return
			}
			if sub.pos > 0 && ev.Sequence() <= sub.pos {
				continue // replayed already
			}
			if err := sub.s.Deliver(ev, sub.Options()); err != nil {
				sub.end(err)
				return
			}
			if sub.delivered != nil {
				sub.delivered.Add(1)
			}
		}
	}
}

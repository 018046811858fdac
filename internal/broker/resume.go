package broker

import (
	"context"
	"fmt"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/internal/ledger"
)

// ReplayPage is how many confirmations a resuming subscription reads from
// its history at a time.
const ReplayPage = 256

// Replay reads a resuming subscription's history: up to limit events with
// a sequence above after, in sequence order, without a gap (every
// confirmation, matching or not: the subscription filters); fewer than
// limit means that it has no more for now.
type Replay func(ctx context.Context, after uint64, limit int) ([]*Event, error)

// Resume is how a subscription (NewResumedSubscription) catches up before
// its live events: every confirmation after sequence After, read from
// Replay, that Matches its options.
type Resume struct {
	After   uint64
	Replay  Replay
	Matches func(*Options, *Event) bool
}

// History is where the broker's resumed subscriptions replay from: the
// ledger.
type History interface {
	ConfirmationSequence() uint64
	ConfirmationsFrom(seq uint64, limit int) ([]ledger.Confirmation, error)
}

// SetHistory sets where Resume replays from; call it before any Resume.
func (b *Broker) SetHistory(h History) { b.history = h }

// ErrResumeAhead is a resume point beyond the highest sequence there is.
func ErrResumeAhead(after, highest uint64) *api.Error {
	return &api.Error{Code: api.CodeGeneric, Message: fmt.Sprintf(
		"resume_after %d is beyond the highest confirmation sequence, %d: resume from 0..%d", after, highest, highest)}
}

// ErrNoHistory refuses a resume where there is nothing to replay from.
var ErrNoHistory = &api.Error{Code: api.CodeGeneric, Message: "resume_after is not available here: no confirmation history"}

// Resume subscribes s as Subscribe does, but first delivers, once Start is
// called, every confirmation after sequence after that passes opts, read
// from the history (the ledger), and then the live ones, in order, without
// a gap and without a duplicate (see the package doc). A subscription s
// already had ends (without Dropped) and is replaced.
func (b *Broker) Resume(ctx context.Context, opts Options, s Subscriber, after uint64) (*Subscription, error) {
	h := b.history
	if h == nil {
		return nil, ErrNoHistory
	}
	if top := h.ConfirmationSequence(); after > top {
		return nil, ErrResumeAhead(after, top)
	}
	b.Unsubscribe(s)
	replay := func(_ context.Context, after uint64, limit int) ([]*Event, error) {
		cs, err := h.ConfirmationsFrom(after+1, limit)
		if err != nil {
			return nil, err
		}
		now := b.now()
		evs := make([]*Event, len(cs))
		for i := range cs {
			evs[i] = &Event{conf: &cs[i], time: now}
		}
		return evs, nil
	}
	matches := func(o *Options, ev *Event) bool { return o.Matches(ev, b.isLocal) }
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.addLocked(ctx, opts, s, &Resume{After: after, Replay: replay, Matches: matches}), nil
}

// NewResumedSubscription is NewSubscription that first catches up from
// r.Replay (a separate gateway's stream): what Offer queues meanwhile is
// delivered after, skipping what the replay delivered.
func NewResumedSubscription(ctx context.Context, opts Options, s Subscriber, queueSize int, onEnd func(), r Resume) *Subscription {
	sub := newSubscription(opts, s, queueSize, nil, onEnd)
	sub.resume(ctx, r)
	go sub.run(ctx.Done())
	return sub
}

func (sub *Subscription) resume(ctx context.Context, r Resume) {
	sub.replay, sub.replayCtx = r, ctx
	sub.pos = r.After
	sub.resuming = true
}

// catchUp replays until the history has nothing more and no live event
// was lost meanwhile; false if the subscription ended.
func (sub *Subscription) catchUp(ctx context.Context) bool {
	for {
		for {
			evs, err := sub.replay.Replay(ctx, sub.pos, ReplayPage)
			if err != nil {
				if ctx.Err() != nil {
					sub.end(nil)
				} else {
					sub.end(err)
				}
				return false
			}
			for _, ev := range evs {
				if !sub.deliverReplayed(ev) {
					return false
				}
			}
			if len(evs) < ReplayPage {
				break
			}
		}
		sub.mu.Lock()
		if !sub.lost {
			sub.resuming = false
			sub.mu.Unlock()
			return true
		}
		sub.lost = false
		sub.mu.Unlock()
		// The queue overflowed: what it holds and what it lost are in the
		// history (they were published after their commit), so empty it
		// and replay again from here.
		for len(sub.queue) > 0 {
			<-sub.queue
		}
	}
}

func (sub *Subscription) deliverReplayed(ev *Event) bool {
	seq := ev.Sequence()
	if seq <= sub.pos {
		return true
	}
	sub.pos = seq
	if sub.ended() {
		return false
	}
	if sub.replayCtx.Err() != nil {
		sub.end(nil)
		return false
	}
	o := sub.Options()
	if !sub.replay.Matches(o, ev) {
		return true
	}
	if err := sub.s.Deliver(ev, o); err != nil {
		sub.end(err)
		return false
	}
	if sub.delivered != nil {
		sub.delivered.Add(1)
	}
	return true
}

// Sequence is the event's confirmation sequence (0: none).
func (ev *Event) Sequence() uint64 {
	if ev.conf != nil {
		return ev.conf.Sequence
	}
	return ev.Confirmation().Sequence
}

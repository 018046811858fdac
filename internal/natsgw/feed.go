package natsgw

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/natsbus"
	"github.com/nipc/nipc/internal/service"
)

// feed is the gateway's one consumer of the stream and its fan-out.
type feed struct {
	s     *Service
	ready chan struct{} // closed once the consumer runs
	last  atomic.Uint64 // the highest confirmation sequence offered

	pos position // for Lag

	mu   sync.Mutex
	subs map[broker.Subscriber]*broker.Subscription

	dropped atomic.Uint64
}

func newFeed(s *Service) *feed {
	return &feed{s: s, ready: make(chan struct{}), subs: make(map[broker.Subscriber]*broker.Subscription)}
}

// retryEvery is how often the feed tries again to open the stream.
const retryEvery = time.Second

// run consumes the stream from its end until ctx ends, waiting for the
// stream to exist.
func (f *feed) run(ctx context.Context) {
	log := f.s.opts.Log
	for {
		cc, st, err := f.consume(ctx)
		if err == nil {
			close(f.ready)
			f.pollStream(ctx, st)
			cc.Stop()
			return
		}
		log.Warn("cannot read the confirmation stream yet; retrying", "stream", f.s.subj.Stream, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(retryEvery):
		}
	}
}

func (f *feed) consume(ctx context.Context) (jetstream.ConsumeContext, jetstream.Stream, error) {
	js := f.s.opts.JS
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	st, err := js.Stream(rctx, f.s.subj.Stream)
	if err != nil {
		return nil, nil, err
	}
	info, err := st.Info(rctx)
	if err != nil {
		return nil, nil, err
	}
	if err := f.pos.start(rctx, st, info); err != nil {
		return nil, nil, err
	}
	// From the message after the stream's last: if the client recreates
	// the consumer before it delivered anything, it starts there again.
	cons, err := st.OrderedConsumer(rctx, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:   info.State.LastSeq + 1,
	})
	if err != nil {
		return nil, nil, err
	}
	cc, err := cons.Consume(func(m jetstream.Msg) { f.offer(m) })
	return cc, st, err
}

// offer fans one stream message out to the subscriptions it matches.
func (f *feed) offer(m jetstream.Msg) {
	c, err := natsbus.ParseConfirmation(m.Data())
	if err != nil {
		f.s.opts.Log.Warn("skipping a stream message that is not a confirmation", "err", err)
		return
	}
	seq := c.Event.Sequence
	if md, err := m.Metadata(); err == nil {
		f.pos.offered(seq, md.Sequence.Stream, md.NumPending)
	}
	ev := c.BrokerEvent()
	var slow []*broker.Subscription
	f.mu.Lock()
	f.last.Store(seq)
	for _, sub := range f.subs {
		if sub.Options().Matches(ev, nil) && !sub.Offer(ev) {
			slow = append(slow, sub)
		}
	}
	f.mu.Unlock()
	for _, sub := range slow {
		f.dropped.Add(1)
		f.s.opts.Log.Warn("dropping a slow WebSocket client: its event queue is full")
		sub.Drop(broker.ErrSlowConsumer)
	}
}

// subscribe attaches s (replacing its subscription, if any), after a
// replay from the stream if req asks to resume.
func (f *feed) subscribe(ctx context.Context, req service.SubscribeRequest, s broker.Subscriber) (service.Subscription, error) {
	select {
	case <-f.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(f.s.opts.Timeout):
		return nil, errNoStream(f.s.subj.Stream)
	}
	var r *replayer
	if req.ResumeAfter > 0 {
		var err error
		if r, err = f.replayer(ctx, req.ResumeAfter); err != nil {
			return nil, err
		}
	}
	f.mu.Lock()
	if old, ok := f.subs[s]; ok {
		if r == nil {
			old.Hold()
			old.Update(req.Options)
			f.mu.Unlock()
			return old, nil
		}
		delete(f.subs, s)
		f.mu.Unlock()
		old.Close() // outside the lock its onEnd takes
		f.mu.Lock()
	}
	defer f.mu.Unlock()
	var sub *broker.Subscription
	onEnd := func() {
		f.mu.Lock()
		if f.subs[s] == sub {
			delete(f.subs, s)
		}
		f.mu.Unlock()
		if r != nil {
			r.close()
		}
	}
	if r == nil {
		sub = broker.NewSubscription(ctx, req.Options, s, f.s.opts.QueueSize, onEnd)
	} else {
		sub = broker.NewResumedSubscription(ctx, req.Options, s, f.s.opts.QueueSize, onEnd, broker.Resume{
			After: req.ResumeAfter, Replay: r.replay, Matches: func(o *broker.Options, ev *broker.Event) bool { return o.Matches(ev, nil) },
		})
	}
	f.subs[s] = sub
	return sub, nil
}

func (f *feed) closeAll() {
	f.mu.Lock()
	subs := make([]*broker.Subscription, 0, len(f.subs))
	for _, sub := range f.subs {
		subs = append(subs, sub)
	}
	f.mu.Unlock()
	for _, sub := range subs {
		sub.Close()
	}
}

// Subscribers is the number of WebSocket clients the feed serves.
func (s *Service) Subscribers() int {
	s.feed.mu.Lock()
	defer s.feed.mu.Unlock()
	return len(s.feed.subs)
}

// Dropped counts clients dropped as slow consumers.
func (s *Service) Dropped() uint64 { return s.feed.dropped.Load() }

// Last is the highest confirmation sequence the feed has delivered.
func (s *Service) Last() uint64 { return s.feed.last.Load() }

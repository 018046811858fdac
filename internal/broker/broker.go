package broker

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/fbjson"
	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/ipc"
	"github.com/nipc/nipc/nano"
)

// DefaultQueueSize is how many events a subscriber may have waiting before
// it is dropped as a slow consumer.
const DefaultQueueSize = 4096

// ErrNoConnection is returned for a service request that did not come on
// a persistent connection (the HTTP gateway).
var ErrNoConnection = errors.New("broker: subscriptions need a persistent IPC connection")

// ErrSlowConsumer is why a subscriber whose queue was full was dropped.
var ErrSlowConsumer = errors.New("broker: slow consumer: its event queue is full")

// Subscriber receives the events of a confirmation subscription: an IPC
// connection (through the v2 handlers' adapter), a WebSocket session.
type Subscriber interface {
	// Deliver writes ev, which passed opts (the subscription's options
	// when it was matched; they say what to include). It is called on the
	// subscription's goroutine, one event at a time, in order, and only
	// once the subscription has started. It may block (bounded by the
	// subscriber's write timeout): meanwhile later events wait in the
	// queue, and if that fills up the subscriber is dropped as a slow
	// consumer. An error ends the subscription.
	Deliver(ev *Event, opts *Options) error
	// Dropped tells the subscriber that its subscription ended without
	// its asking, and why: ErrSlowConsumer, the error Deliver returned,
	// or the feed's (a relay whose node now refuses the credentials: an
	// *api.Error). It is called at most once, and never after Close or
	// the end of the subscription's context.
	Dropped(err error)
}

// Broker holds the subscribers.
type Broker struct {
	log       *slog.Logger
	isLocal   func(nano.PublicKey) bool
	queueSize int
	now       func() time.Time

	mu       sync.RWMutex
	subs     map[Subscriber]*Subscription
	services map[peer.Conn]*serviceConn
	current  map[Topic]func() any // SetCurrent

	history History // resumed subscriptions replay from it

	dropped   atomic.Uint64
	delivered atomic.Uint64
}

// New returns a broker. isLocal tells whether a wallet of this node holds an
// account (for all_local_accounts; nil: the broker does not know the
// wallets); queueSize 0 means DefaultQueueSize.
func New(log *slog.Logger, isLocal func(nano.PublicKey) bool, queueSize int) *Broker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if queueSize <= 0 {
		queueSize = DefaultQueueSize
	}
	return &Broker{log: log, isLocal: isLocal, queueSize: queueSize, now: time.Now,
		subs: make(map[Subscriber]*Subscription), services: make(map[peer.Conn]*serviceConn)}
}

// LocalAccounts reports whether the broker knows the wallets, so that
// all_local_accounts means something.
func (b *Broker) LocalAccounts() bool { return b.isLocal != nil }

// Dropped counts subscribers dropped as slow consumers.
func (b *Broker) Dropped() uint64 { return b.dropped.Load() }

// Delivered counts events delivered to subscribers (confirmations and
// EventServiceStop).
func (b *Broker) Delivered() uint64 { return b.delivered.Load() }

// Subscribers is the number of confirmation subscriptions plus that of
// connections with a service name or a TopicServiceStop subscription.
func (b *Broker) Subscribers() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.subs) + len(b.services)
}

// Subscribe subscribes s to the confirmations that pass opts, until ctx
// ends, Close, or s is dropped. The subscription is held: nothing is
// delivered until Start (call it once the subscribing reply is written);
// what is confirmed meanwhile waits in its queue. Subscribing s again
// replaces the options of its subscription, holds it again and returns it
// (the node would add a duplicate); its context stays the first one's.
func (b *Broker) Subscribe(ctx context.Context, opts Options, s Subscriber) *Subscription {
	b.mu.Lock()
	defer b.mu.Unlock()
	if sub, ok := b.subs[s]; ok {
		sub.Hold()
		sub.Update(opts)
		b.offerCurrent(sub)
		return sub
	}
	return b.addLocked(ctx, opts, s, nil)
}

// addLocked makes s's subscription (resumed with r if set), registers it
// and starts its goroutine. The caller holds b.mu.
func (b *Broker) addLocked(ctx context.Context, opts Options, s Subscriber, r *Resume) *Subscription {
	var sub *Subscription
	sub = newSubscription(opts, s, b.queueSize, &b.delivered, func() {
		b.mu.Lock()
		if b.subs[s] == sub {
			delete(b.subs, s)
		}
		b.mu.Unlock()
	})
	if r != nil {
		sub.resume(ctx, *r)
	}
	b.subs[s] = sub
	b.offerCurrent(sub)
	go sub.run(ctx.Done())
	return sub
}

// Unsubscribe ends s's subscription, if any.
func (b *Broker) Unsubscribe(s Subscriber) {
	b.mu.RLock()
	sub := b.subs[s]
	b.mu.RUnlock()
	if sub != nil {
		sub.Close()
	}
}

// Publish offers a confirmation to every subscriber whose filters it passes.
// It never waits.
func (b *Broker) Publish(c *ledger.Confirmation) {
	ev := &Event{conf: c, time: b.now()}
	var slow []*Subscription
	b.mu.RLock()
	for _, sub := range b.subs {
		// The subject is read only if a confirmation subscription looks
		// at it; the v2 confirmation is built only for a receiver.
		if o := sub.Options(); o.Topic == TopicConfirmation && o.match(ev.subject(), b.isLocal) && !sub.Offer(ev) {
			slow = append(slow, sub)
		}
	}
	b.mu.RUnlock()
	b.dropSlow(slow)
}

func (b *Broker) dropSlow(slow []*Subscription) {
	for _, sub := range slow {
		b.dropped.Add(1)
		b.log.Warn("dropping a slow consumer: its event queue is full", "queue", b.queueSize)
		sub.Drop(ErrSlowConsumer)
	}
}

// Envelope is the event as a v2 envelope in enc (3 binary, 4 JSON), with
// the block and the election info if asked for: rendered once per
// variant, the bytes shared by every receiver of the event (they must not
// be modified). nil if it cannot be rendered.
func (ev *Event) Envelope(enc ipc.Encoding, block, election bool) []byte {
	v := variantOf(enc == ipc.EncodingFlatbuffersJSON, block, election)
	return ev.Rendered(v, func() []byte { return renderEnvelope(ev.trimmed(block, election), ev.time, v) })
}

// variant is the key of one of an event's envelopes in the Event's cache:
// JSON or binary, with or without the block and election info. (A uint8
// goes into an interface without allocating.)
type variant uint8

const (
	variantJSON variant = 1 << iota
	variantBlock
	variantElection
)

func variantOf(json, block, election bool) variant {
	var v variant
	if json {
		v |= variantJSON
	}
	if block {
		v |= variantBlock
	}
	if election {
		v |= variantElection
	}
	return v
}

func renderEnvelope(msg any, t time.Time, v variant) []byte {
	env := api.NewEnvelope(msg, "", t)
	var out []byte
	var err error
	if v&variantJSON != 0 {
		out, err = fbjson.AppendEnvelopeText(nil, env) // from the objects, no FlatBuffer in between
	} else {
		out, err = api.Encode(env)
	}
	if err != nil {
		return nil
	}
	return out
}

// serviceStopEnvelope is EventServiceStop in enc, rendered once per
// encoding.
func serviceStopEnvelope(ev *Event, enc ipc.Encoding) []byte {
	v := variantOf(enc == ipc.EncodingFlatbuffersJSON, false, false)
	return ev.Rendered(v, func() []byte { return renderEnvelope(&fb.EventServiceStopT{}, ev.time, v) })
}

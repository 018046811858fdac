package broker

import (
	"sync"
	"time"

	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/apiconv"
	"github.com/nipc/nipc/internal/ledger"
)

// PublishConfirmations publishes cs in order, each as Publish does, never
// waiting: it is the ledger's OnConfirm hook (the node sets
// ledger.Options.OnConfirm to it), so every subscriber that keeps up gets
// every confirmation, in sequence order, without a gap.
func (b *Broker) PublishConfirmations(cs []ledger.Confirmation) {
	for i := range cs {
		b.Publish(&cs[i])
	}
}

// Event is one confirmation on its way to its subscribers. It is shared by
// all of them and read-only for them; its methods are safe for concurrent
// use.
type Event struct {
	time time.Time
	conf *ledger.Confirmation // nil when built by NewEvent

	// A NewEvent's sideband (NewEvent's options; 0: it has none).
	height, localTimestamp uint64

	topic   Topic // TopicConfirmation, or (NewTopicEvent) another
	payload any   // a topic event's (topics.go)

	built        sync.Once
	confirmation *fb.EventConfirmationT

	subjOnce sync.Once
	subj     subject // what the filters look at (subject)

	mu      sync.Mutex
	renders map[any]*rendering
}

type rendering struct {
	once sync.Once
	buf  []byte
}

// NewEvent makes an Event of a confirmation that did not come from a
// Broker (a separate gateway relays the node's), so that its receivers can
// share renderings too. c should carry the block and election info; it
// belongs to the Event from now on and must not be modified.
func NewEvent(c *fb.EventConfirmationT, t time.Time) *Event {
	return &Event{time: t, confirmation: c}
}

// NewEventWithSideband is NewEvent for a confirmation whose sideband is
// known (a NATS stream message carries it; a node's v2 event does not):
// the block's height in its account and its local timestamp in seconds.
func NewEventWithSideband(c *fb.EventConfirmationT, t time.Time, height, localTimestamp uint64) *Event {
	return &Event{time: t, confirmation: c, height: height, localTimestamp: localTimestamp}
}

// Time is when the broker published the event (the envelope's time).
func (ev *Event) Time() time.Time { return ev.time }

// Confirmation is the event as the v2 API has it, with the block and the
// election info whatever the subscription's Options say (the receiver
// leaves out what it was not asked for). It is built once, on first use,
// and shared by every receiver: it must not be modified.
func (ev *Event) Confirmation() *fb.EventConfirmationT {
	ev.built.Do(func() {
		if ev.confirmation == nil {
			ev.confirmation = apiconv.ConfirmationEvent(ev.conf, true, true)
		}
	})
	return ev.confirmation
}

// subject is what the filters look at, read once per event however many
// subscriptions match it.
func (ev *Event) subject() *subject {
	ev.subjOnce.Do(func() { ev.subj = subjectOf(ev) })
	return &ev.subj
}

// Rendered returns what render returns for this event and key, calling
// render only the first time the key is asked for: receivers that want the
// same bytes share one rendering. Concurrent calls with one key wait for
// the first; calls with other keys do not. The bytes are shared and must
// not be modified. key must be comparable; as with context.WithValue, use
// a type of the caller's own package so that keys of different packages
// never collide.
func (ev *Event) Rendered(key any, render func() []byte) []byte {
	ev.mu.Lock()
	r, ok := ev.renders[key]
	if !ok {
		if ev.renders == nil {
			ev.renders = make(map[any]*rendering, 2)
		}
		r = &rendering{}
		ev.renders[key] = r
	}
	ev.mu.Unlock()
	r.once.Do(func() { r.buf = render() })
	return r.buf
}

// trimmed is the confirmation without what a subscription did not ask
// for: a shallow copy sharing the rest.
func (ev *Event) trimmed(block, election bool) *fb.EventConfirmationT {
	c := ev.Confirmation()
	if block && election {
		return c
	}
	t := *c
	if !block {
		t.Block = nil
	}
	if !election {
		t.ElectionInfo = nil
	}
	return &t
}

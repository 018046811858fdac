package broker

import (
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

// ErrNoConnection is returned for a subscription request that did not come
// on a persistent connection (the HTTP gateway).
var ErrNoConnection = errors.New("broker: subscriptions need a persistent IPC connection")

// Broker holds the subscribers.
type Broker struct {
	log       *slog.Logger
	isLocal   func(nano.PublicKey) bool
	queueSize int
	now       func() time.Time

	mu   sync.RWMutex
	subs map[peer.Conn]*subscriber

	dropped   atomic.Uint64
	delivered atomic.Uint64
}

// New returns a broker. isLocal tells whether a wallet of this node holds an
// account (for all_local_accounts); queueSize 0 means DefaultQueueSize.
func New(log *slog.Logger, isLocal func(nano.PublicKey) bool, queueSize int) *Broker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if queueSize <= 0 {
		queueSize = DefaultQueueSize
	}
	return &Broker{log: log, isLocal: isLocal, queueSize: queueSize, now: time.Now, subs: make(map[peer.Conn]*subscriber)}
}

// Dropped counts subscribers dropped as slow consumers.
func (b *Broker) Dropped() uint64 { return b.dropped.Load() }

// Delivered counts events pushed to connections (or written to
// EventWriters).
func (b *Broker) Delivered() uint64 { return b.delivered.Load() }

// Subscribers is the number of connections with a subscription or a
// service name.
func (b *Broker) Subscribers() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.subs)
}

// subscriber is one connection's subscriptions and its writer.
type subscriber struct {
	b      *Broker
	conn   peer.Conn
	writer EventWriter // conn, if it takes confirmations as values
	queue  chan *event
	quit   chan struct{}
	once   sync.Once

	// Guarded by b.mu.
	confirm     *Options // nil: not subscribed to confirmations
	serviceStop bool     // subscribed to TopicServiceStop
	service     string   // name given by ServiceRegister
}

// get returns conn's subscriber, creating it (its writer starts after the
// current reply) if needed. Called with b.mu held for writing.
func (b *Broker) get(conn peer.Conn) *subscriber {
	if s, ok := b.subs[conn]; ok {
		return s
	}
	s := &subscriber{b: b, conn: conn, queue: make(chan *event, b.queueSize), quit: make(chan struct{})}
	s.writer, _ = conn.(EventWriter)
	b.subs[conn] = s
	ready := make(chan struct{})
	conn.AfterReply(func() { close(ready) })
	go s.run(ready)
	return s
}

// SubscribeConfirmation subscribes conn to confirmations with opts,
// replacing the options of an earlier subscription on conn.
func (b *Broker) SubscribeConfirmation(conn peer.Conn, opts Options) error {
	if conn == nil {
		return ErrNoConnection
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.get(conn).confirm = &opts
	return nil
}

// UnsubscribeConfirmation ends conn's confirmation subscription.
func (b *Broker) UnsubscribeConfirmation(conn peer.Conn) error {
	if conn == nil {
		return ErrNoConnection
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if s, ok := b.subs[conn]; ok {
		s.confirm = nil
		b.releaseIfIdle(s)
	}
	return nil
}

// SubscribeServiceStop subscribes conn to EventServiceStop for its service.
func (b *Broker) SubscribeServiceStop(conn peer.Conn, unsubscribe bool) error {
	if conn == nil {
		return ErrNoConnection
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if unsubscribe {
		if s, ok := b.subs[conn]; ok {
			s.serviceStop = false
			b.releaseIfIdle(s)
		}
		return nil
	}
	b.get(conn).serviceStop = true
	return nil
}

// RegisterService names the service on conn (the last name wins).
func (b *Broker) RegisterService(conn peer.Conn, name string) error {
	if conn == nil {
		return ErrNoConnection
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.get(conn).service = name
	return nil
}

// StopService sends EventServiceStop to every connection registered as the
// named service that subscribed to TopicServiceStop. It reports how many.
func (b *Broker) StopService(name string) int {
	b.mu.RLock()
	var slow []*subscriber
	n := 0
	ev := &event{stop: true}
	for _, s := range b.subs {
		if s.serviceStop && s.service == name {
			n++
			if !s.offer(ev) {
				slow = append(slow, s)
			}
		}
	}
	b.mu.RUnlock()
	b.dropSlow(slow)
	return n
}

// Publish offers a confirmation to every subscriber whose filters it passes.
// It never waits.
func (b *Broker) Publish(c *ledger.Confirmation) {
	ev := &event{Event: Event{conf: c, time: b.now()}}
	var slow []*subscriber
	b.mu.RLock()
	for _, s := range b.subs {
		if s.confirm != nil && s.confirm.matches(c, b.isLocal) && !s.offer(ev) {
			slow = append(slow, s)
		}
	}
	b.mu.RUnlock()
	b.dropSlow(slow)
}

func (b *Broker) dropSlow(slow []*subscriber) {
	for _, s := range slow {
		b.dropped.Add(1)
		b.log.Warn("dropping a slow consumer: its event queue is full", "queue", b.queueSize)
		b.remove(s)
		s.conn.Close()
	}
}

// releaseIfIdle removes a subscriber that no longer has anything to do.
// Called with b.mu held for writing.
func (b *Broker) releaseIfIdle(s *subscriber) {
	if s.confirm == nil && !s.serviceStop && s.service == "" {
		delete(b.subs, s.conn)
		s.stop()
	}
}

func (b *Broker) remove(s *subscriber) {
	b.mu.Lock()
	if b.subs[s.conn] == s {
		delete(b.subs, s.conn)
	}
	b.mu.Unlock()
	s.stop()
}

func (s *subscriber) stop() { s.once.Do(func() { close(s.quit) }) }

// offer queues ev without waiting; false means the queue is full.
func (s *subscriber) offer(ev *event) bool {
	select {
	case s.queue <- ev:
		return true
	default:
		return false
	}
}

// run writes queued events once the subscribing reply is out, until the
// subscriber is removed or the connection ends.
func (s *subscriber) run(ready <-chan struct{}) {
	select {
	case <-ready:
	case <-s.quit:
		return
	case <-s.conn.Done():
		s.b.remove(s)
		return
	}
	for {
		select {
		case <-s.quit:
			return
		case <-s.conn.Done():
			s.b.remove(s)
			return
		case ev := <-s.queue:
			sent, err := s.write(ev)
			if err != nil {
				s.b.remove(s)
				s.conn.Close()
				return
			}
			if sent {
				s.b.delivered.Add(1)
			}
		}
	}
}

// write hands ev to the connection: the variant of its envelope that the
// subscriber wants, or the Event itself to an EventWriter. false means
// there was nothing to write.
func (s *subscriber) write(ev *event) (bool, error) {
	json := s.conn.EventEncoding() == ipc.EncodingFlatbuffersJSON
	if ev.stop {
		return s.push(ev.variant(variantOf(json, false, false), s.b))
	}
	s.b.mu.RLock()
	o := s.confirm
	s.b.mu.RUnlock()
	if o == nil {
		return false, nil // unsubscribed since it was queued
	}
	if s.writer != nil {
		return true, s.writer.WriteEvent(&ev.Event)
	}
	return s.push(ev.variant(variantOf(json, o.IncludeBlock, o.IncludeElectionInfo), s.b))
}

func (s *subscriber) push(payload []byte) (bool, error) {
	if payload == nil {
		return false, nil
	}
	return true, s.conn.Push(payload)
}

// event is one thing to write: a confirmation, or EventServiceStop (stop;
// its Event is empty). Each variant of its envelope is rendered at most
// once, in the Event's cache.
type event struct {
	Event
	stop bool
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

func (ev *event) variant(v variant, b *Broker) []byte {
	return ev.Rendered(v, func() []byte { return ev.render(v, b) })
}

func (ev *event) render(v variant, b *Broker) []byte {
	t := ev.time
	if t.IsZero() {
		t = b.now()
	}
	var msg any = &fb.EventServiceStopT{}
	if !ev.stop {
		msg = ev.trimmed(v&variantBlock != 0, v&variantElection != 0)
	}
	env := api.NewEnvelope(msg, "", t)
	var out []byte
	var err error
	if v&variantJSON != 0 {
		out, err = fbjson.RenderEnvelope(env)
	} else {
		out, err = api.Encode(env)
	}
	if err != nil {
		b.log.Error("rendering an event", "err", err)
		return nil
	}
	return out
}

package gateway

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/service"
	"github.com/nipc/nipc/nano"
)

// relay is the IPC service's Subscribe (the WebSocket of a gateway in its
// own process): it keeps subscriptions to the node (each on a connection
// of its own) and offers their events to the subscriptions
// (broker.NewSubscription) attached to them, matched by their
// broker.Options. The node checks
// the credentials when a subscription is made, so a session is authorized
// exactly as an IPC subscriber with those credentials would be.
//
// For each distinct credentials in use there is one subscription to every
// confirmation. While at least one session with those credentials asks for
// all_local_accounts there is a second one, with all_local_accounts set:
// the node's broker knows its wallets, the gateway does not, so the node
// picks the local accounts' confirmations. Such a session is attached to
// both (see relayPasses for how an event reaches it only once); an
// upstream that no session uses any more is closed.
//
// When the node goes away each upstream subscribes again (with backoff)
// while sessions remain; they keep their WebSocket and miss what happened
// meanwhile. Offering an event never waits: a session whose queue is full
// is closed as a slow consumer.
type relay struct {
	cfg client.Config
	log *slog.Logger

	mu     sync.Mutex
	ups    map[upKey]*upstream
	subs   map[broker.Subscriber]*broker.Subscription
	closed bool
	wg     sync.WaitGroup
}

// upKey names an upstream: its credentials, and whether it is the node's
// all_local_accounts stream.
type upKey struct {
	creds string
	local bool
}

// upstream is one subscription to the node.
type upstream struct {
	r      *relay
	key    upKey
	ctx    context.Context
	cancel context.CancelFunc
	ready  chan struct{} // closed when the first attempt has ended
	err    error         // the first attempt's error; read after ready

	// Guarded by r.mu.
	sessions map[broker.Subscriber]struct{} // attached subscribers
	pending  int                            // subscribe calls waiting on ready
}

// handshakeTimeout bounds dialling and subscribing to the node.
const handshakeTimeout = 10 * time.Second

func newRelay(cfg client.Config, log *slog.Logger) *relay {
	return &relay{cfg: cfg, log: log, ups: make(map[upKey]*upstream), subs: make(map[broker.Subscriber]*broker.Subscription)}
}

// subscribe is the IPC service's Subscribe: it waits until the node has
// accepted the subscriptions s needs with req's credentials (or refused
// one: the node decides), then attaches s's subscription to them, held
// until Start. ctx is the subscription's lifetime.
func (r *relay) subscribe(ctx context.Context, req service.SubscribeRequest, s broker.Subscriber) (service.Subscription, error) {
	if req.ResumeAfter > 0 {
		return nil, ErrResumeNeedsNATS
	}
	keys := []upKey{{creds: req.Credentials}}
	if req.Options.AllLocalAccounts {
		keys = append(keys, upKey{creds: req.Credentials, local: true})
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, errShuttingDown
	}
	ups := make([]*upstream, len(keys))
	for i, k := range keys {
		up, ok := r.ups[k]
		if !ok {
			up = r.start(k)
		}
		up.pending++
		ups[i] = up
	}
	r.mu.Unlock()

	var err error
	for _, up := range ups {
		select {
		case <-up.ready:
			err = up.err
		case <-ctx.Done():
			err = ctx.Err()
		}
		if err != nil {
			break
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, up := range ups {
		if err == nil && r.ups[up.key] != up {
			err = errShuttingDown // the relay closed meanwhile
		}
	}
	if err != nil {
		for _, up := range ups {
			up.pending--
			r.releaseIfIdle(up)
		}
		return nil, err
	}
	// Attach now, so that nothing confirmed once the client has the ack is
	// missed; the subscription holds the events until Start.
	sub, ok := r.subs[s]
	if ok {
		sub.Hold()
		sub.Update(req.Options)
	} else {
		sub = broker.NewSubscription(ctx, req.Options, s, wsQueueSize, func() { r.ended(s, sub) })
		r.subs[s] = sub
	}
	r.detachLocked(s, ups...)
	for _, up := range ups {
		up.pending--
		up.sessions[s] = struct{}{}
	}
	return sub, nil
}

// ended forgets s's subscription, which ended.
func (r *relay) ended(s broker.Subscriber, sub *broker.Subscription) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.subs[s] == sub {
		delete(r.subs, s)
		r.detachLocked(s)
	}
}

// relayPasses decides whether an event of one of the node's streams
// reaches a subscription with options o. The relay attaches a subscription
// with all_local_accounts to two streams: every confirmation, and the
// local accounts' (local). An event of the first passes as usual, its
// account filter seeing only "accounts" (the gateway knows no wallets);
// one of the second, which the node found local, passes if
// all_local_accounts would let it through and "accounts" would not: what
// both filters pass comes from the first, so nothing arrives twice.
func relayPasses(o *broker.Options, ev *broker.Event, local bool) bool {
	if local {
		return o.AllLocalAccounts && o.Matches(ev, anyAccount) && !o.Matches(ev, nil)
	}
	return o.Matches(ev, nil)
}

// anyAccount is isLocal for an event the node found local.
func anyAccount(nano.PublicKey) bool { return true }

// detachLocked removes s from every upstream but those in keep.
func (r *relay) detachLocked(s broker.Subscriber, keep ...*upstream) {
	for _, up := range r.ups {
		if slices.Contains(keep, up) {
			continue
		}
		if _, ok := up.sessions[s]; ok {
			delete(up.sessions, s)
			r.releaseIfIdle(up)
		}
	}
}

// releaseIfIdle ends an upstream nobody uses or waits for. r.mu is held.
func (r *relay) releaseIfIdle(up *upstream) {
	if len(up.sessions) == 0 && up.pending == 0 {
		if r.ups[up.key] == up {
			delete(r.ups, up.key)
		}
		up.cancel()
	}
}

// start creates and runs an upstream. r.mu is held.
func (r *relay) start(key upKey) *upstream {
	ctx, cancel := context.WithCancel(context.Background())
	up := &upstream{r: r, key: key, ctx: ctx, cancel: cancel, ready: make(chan struct{}), sessions: make(map[broker.Subscriber]struct{})}
	r.ups[key] = up
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		up.run()
	}()
	return up
}

// close ends every upstream and waits for them.
func (r *relay) close() {
	r.mu.Lock()
	r.closed = true
	for _, up := range r.ups {
		up.cancel()
	}
	r.ups = make(map[upKey]*upstream)
	r.mu.Unlock()
	r.wg.Wait()
}

func (up *upstream) run() {
	sub, end, err := up.connect()
	if err != nil {
		up.r.mu.Lock()
		if up.r.ups[up.key] == up {
			delete(up.r.ups, up.key)
		}
		up.r.mu.Unlock()
		up.err = err
		close(up.ready)
		return
	}
	close(up.ready)
	backoff := 100 * time.Millisecond
	for {
		up.pump(sub)
		sub.Close()
		end()
		if up.ctx.Err() != nil {
			return
		}
		up.r.log.Warn("the node's confirmation feed ended; subscribing again")
		for {
			select {
			case <-up.ctx.Done():
				return
			case <-time.After(backoff):
			}
			sub, end, err = up.connect()
			if err == nil {
				backoff = 100 * time.Millisecond
				break
			}
			if e, ok := errors.AsType[*api.Error](err); ok {
				// The node now refuses these credentials.
				up.refused(e)
				return
			}
			backoff = min(2*backoff, 2*time.Second)
		}
	}
}

// connect subscribes, on a connection of its own, to every confirmation
// or (local) to those of the node's wallet accounts, with block and
// election info.
func (up *upstream) connect() (*client.Subscription, context.CancelFunc, error) {
	hctx, cancel := context.WithTimeout(up.ctx, handshakeTimeout)
	defer cancel()
	cfg := up.r.cfg
	cfg.APIKey = up.key.creds
	cfg.PoolSize = 1
	cl, err := client.Dial(hctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	defer cl.Close()
	// The subscription lives as long as up.ctx; the timer bounds only the
	// handshake.
	sctx, scancel := context.WithCancel(up.ctx)
	timer := time.AfterFunc(handshakeTimeout, scancel)
	var opts *fb.TopicConfirmationOptionsT // nil: everything
	if up.key.local {
		opts = &fb.TopicConfirmationOptionsT{AllLocalAccounts: true, IncludeBlock: true, IncludeElectionInfo: true}
	}
	sub, err := cl.Subscribe(sctx, opts)
	if !timer.Stop() && err == nil {
		sub.Close()
		err = context.DeadlineExceeded
	}
	if err != nil {
		scancel()
		return nil, nil, err
	}
	return sub, scancel, nil
}

// pump delivers events until the subscription fails.
func (up *upstream) pump(sub *client.Subscription) {
	for {
		env, err := sub.NextEnvelope(up.ctx)
		if err != nil {
			return
		}
		ev, ok := confirmationOf(env)
		if !ok {
			continue
		}
		// One Event per envelope: the sessions share its renderings.
		e := broker.NewEvent(ev, time.UnixMilli(int64(env.Time)))
		var slow []*broker.Subscription
		up.r.mu.Lock()
		for s := range up.sessions {
			if sub := up.r.subs[s]; sub != nil && relayPasses(sub.Options(), e, up.key.local) && !sub.Offer(e) {
				slow = append(slow, sub)
			}
		}
		up.r.mu.Unlock()
		for _, sub := range slow {
			sub.Drop(broker.ErrSlowConsumer)
		}
	}
}

// refused ends the attached subscriptions, telling their subscribers why;
// they leave every upstream.
func (up *upstream) refused(e *api.Error) {
	r := up.r
	r.mu.Lock()
	subs := make([]*broker.Subscription, 0, len(up.sessions))
	for s := range up.sessions {
		if sub := r.subs[s]; sub != nil {
			subs = append(subs, sub)
		}
	}
	up.sessions = map[broker.Subscriber]struct{}{}
	if r.ups[up.key] == up {
		delete(r.ups, up.key)
	}
	r.mu.Unlock()
	for _, sub := range subs {
		sub.Drop(e)
	}
}

func confirmationOf(env *fb.EnvelopeT) (*fb.EventConfirmationT, bool) {
	if env == nil || env.Message == nil {
		return nil, false
	}
	ev, ok := env.Message.Value.(*fb.EventConfirmationT)
	return ev, ok
}

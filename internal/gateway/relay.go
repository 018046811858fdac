package gateway

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/client"
)

// relay feeds the WebSocket of a gateway in its own process: for each
// distinct credentials in use it keeps one confirmation subscription to the
// node (on a connection of its own) and offers every event to the WebSocket
// sessions attached to it. The node checks the credentials when the
// subscription is made, so a session is authorized exactly as an IPC
// subscriber with those credentials would be. When the node goes away the
// relay subscribes again (with backoff) while sessions remain; they keep
// their WebSocket and miss what happened meanwhile.
type relay struct {
	cfg client.Config
	log *slog.Logger

	mu     sync.Mutex
	ups    map[string]*upstream
	closed bool
	wg     sync.WaitGroup
}

// upstream is one subscription to the node.
type upstream struct {
	r      *relay
	creds  string
	ctx    context.Context
	cancel context.CancelFunc
	ready  chan struct{} // closed when the first attempt has ended
	err    error         // the first attempt's error; read after ready

	// Guarded by r.mu.
	sessions map[*wsSession]struct{}
	pending  int // subscribe calls waiting on ready
}

// handshakeTimeout bounds dialling and subscribing to the node.
const handshakeTimeout = 10 * time.Second

func newRelay(cfg client.Config, log *slog.Logger) *relay {
	return &relay{cfg: cfg, log: log, ups: make(map[string]*upstream)}
}

var _ confirmationSource = (*relay)(nil)

// subscribe implements confirmationSource: it waits until the node has
// accepted a subscription with creds (or refused it), then attaches s once
// s's ack is written.
func (r *relay) subscribe(ctx context.Context, s *wsSession, creds string) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return errShuttingDown
	}
	up, ok := r.ups[creds]
	if !ok {
		up = r.start(creds)
	}
	up.pending++
	r.mu.Unlock()

	var err error
	select {
	case <-up.ready:
		err = up.err
	case <-ctx.Done():
		err = ctx.Err()
	}
	r.mu.Lock()
	if err == nil && r.ups[up.creds] != up {
		err = errShuttingDown // the relay closed meanwhile
	}
	if err != nil {
		up.pending--
		r.releaseIfIdle(up)
		r.mu.Unlock()
		return err
	}
	// Attach now, so that nothing confirmed once the client has the ack is
	// missed, but hold the session's events until the ack is written.
	s.holdEvents()
	s.afterReply(s.releaseEvents)
	up.pending--
	r.detachLocked(s, up)
	up.sessions[s] = struct{}{}
	r.mu.Unlock()
	return nil
}

// unsubscribe implements confirmationSource.
func (r *relay) unsubscribe(s *wsSession) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.detachLocked(s, nil)
}

// detachLocked removes s from every upstream but keep.
func (r *relay) detachLocked(s *wsSession, keep *upstream) {
	for _, up := range r.ups {
		if up == keep {
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
		if r.ups[up.creds] == up {
			delete(r.ups, up.creds)
		}
		up.cancel()
	}
}

// start creates and runs an upstream. r.mu is held.
func (r *relay) start(creds string) *upstream {
	ctx, cancel := context.WithCancel(context.Background())
	up := &upstream{r: r, creds: creds, ctx: ctx, cancel: cancel, ready: make(chan struct{}), sessions: make(map[*wsSession]struct{})}
	r.ups[creds] = up
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
	r.ups = make(map[string]*upstream)
	r.mu.Unlock()
	r.wg.Wait()
}

func (up *upstream) run() {
	sub, end, err := up.connect()
	if err != nil {
		up.r.mu.Lock()
		if up.r.ups[up.creds] == up {
			delete(up.r.ups, up.creds)
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

// connect subscribes to every confirmation, with block and election info,
// on a connection of its own.
func (up *upstream) connect() (*client.Subscription, context.CancelFunc, error) {
	hctx, cancel := context.WithTimeout(up.ctx, handshakeTimeout)
	defer cancel()
	cfg := up.r.cfg
	cfg.APIKey = up.creds
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
	sub, err := cl.Subscribe(sctx, nil)
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
		e := wsEvent{ev: ev, time: time.UnixMilli(int64(env.Time))}
		up.r.mu.Lock()
		for s := range up.sessions {
			s.offer(e)
		}
		up.r.mu.Unlock()
	}
}

// refused tells the attached sessions that their subscription ended.
func (up *upstream) refused(e *api.Error) {
	r := up.r
	r.mu.Lock()
	sessions := make([]*wsSession, 0, len(up.sessions))
	for s := range up.sessions {
		sessions = append(sessions, s)
	}
	up.sessions = map[*wsSession]struct{}{}
	if r.ups[up.creds] == up {
		delete(r.ups, up.creds)
	}
	r.mu.Unlock()
	for _, s := range sessions {
		s.ended(e)
	}
}

func confirmationOf(env *fb.EnvelopeT) (*fb.EventConfirmationT, bool) {
	if env == nil || env.Message == nil {
		return nil, false
	}
	ev, ok := env.Message.Value.(*fb.EventConfirmationT)
	return ev, ok
}

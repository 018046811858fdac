package gateway

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/authz"
	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/ipc"
	"github.com/nipc/nipc/nano"
)

// WebSocket limits.
const (
	wsReadLimit    = 64 << 10 // largest client message
	wsQueueSize    = 1024     // relayed events waiting for a slow session
	wsPath         = "/websocket"
	topicConfirm   = "confirmation"
	closeSlow      = "slow consumer"
	closeShutdown  = "Shutting down"
	headerAPIKey   = "Nano-Api-Key"
	headerCorrelID = "Nano-Correlation-Id"
)

var errShuttingDown = errors.New("gateway: shutting down")

// confirmationSource is where a WebSocket's confirmations come from: the
// node's broker (in-process) or the relay (IPC).
type confirmationSource interface {
	// subscribe checks that creds may subscribe to confirmations and
	// arranges for every confirmation to reach s, from the moment the reply
	// to the message being handled is written; local asks for what
	// all_local_accounts needs too. Calling it again replaces the earlier
	// subscription.
	subscribe(ctx context.Context, s *wsSession, creds string, local bool) error
	// unsubscribe stops the flow to s.
	unsubscribe(s *wsSession)
}

// brokerSource subscribes a session to the node's broker, which hands it
// each confirmation as a shared *broker.Event (wsSession is a
// broker.EventWriter). The session filters, asking isLocal
// (Config.IsLocal) about all_local_accounts.
type brokerSource struct {
	b       *broker.Broker
	policy  func() authz.Authorizer
	isLocal func(nano.PublicKey) bool
}

var topicConfirmationInfo, _ = api.LookupMessage(fb.MessageTopicConfirmation)

func (bs brokerSource) subscribe(_ context.Context, s *wsSession, creds string, local bool) error {
	var pol authz.Authorizer
	if bs.policy != nil {
		pol = bs.policy()
	}
	if !authz.Permitted(pol, nil, creds, topicConfirmationInfo) {
		return api.ErrAccessDenied
	}
	if local && bs.isLocal == nil {
		return wsErrorf("all_local_accounts is not available: this gateway does not know the wallets")
	}
	// Everything: the session filters, and renders its message in the
	// event's cache, shared by every session with the same include_block
	// and include_election_info.
	return bs.b.SubscribeConfirmation(s, broker.Options{IncludeBlock: true, IncludeElectionInfo: true})
}

func (bs brokerSource) unsubscribe(s *wsSession) { bs.b.UnsubscribeConfirmation(s) }

// wsOptions are a session's confirmation subscription (the node's
// confirmation_options). Immutable once built: an update makes a new one.
type wsOptions struct {
	types           uint8 // typeQuorum | typeHeight | typeInactive
	includeBlock    bool
	includeElection bool
	filter          bool // account filtering requested ("accounts" or "all_local_accounts" given)
	allLocal        bool
	accounts        map[nano.PublicKey]bool
}

// wsRender is the key of a confirmation message in a broker.Event's cache:
// what of the event the message includes. (A uint8 goes into an interface
// without allocating.)
type wsRender uint8

const (
	renderBlock wsRender = 1 << iota
	renderElection
)

func (o *wsOptions) render() wsRender {
	var r wsRender
	if o.includeBlock {
		r |= renderBlock
	}
	if o.includeElection {
		r |= renderElection
	}
	return r
}

const (
	typeQuorum   uint8 = 1
	typeHeight   uint8 = 2
	typeInactive uint8 = 4
	typeAll            = typeQuorum | typeHeight | typeInactive
)

// wsEvent is one confirmation on its way to a session: the broker's
// event, or one the relay made of the node's, shared by every session it
// reaches.
type wsEvent struct {
	ev *broker.Event
	// local: relayed from the node's all_local_accounts subscription, so
	// the block's account or counterpart is in one of the node's wallets.
	local bool
}

// wsSession is one WebSocket connection. Its read loop handles client
// messages one at a time; events arrive from the broker's subscriber
// goroutine (WriteEvent) or from the relay (offer, drained by
// startWriter's goroutine).
type wsSession struct {
	srv    *Server
	c      *websocket.Conn
	ctx    context.Context // ends with the session
	cancel context.CancelFunc
	header string // credentials from the upgrade's Nano-Api-Key

	mu    sync.Mutex
	opts  *wsOptions // nil: not subscribed
	after []func()   // run once the current reply is written (read loop only)

	gate     chan struct{}  // non-nil: relayed events wait until it is closed (guarded by mu)
	finished bool           // the read loop has ended (guarded by mu)
	closers  sync.WaitGroup // goClose goroutines

	queue     chan wsEvent
	startOnce sync.Once
	slowOnce  sync.Once
}

// A peer.Conn that takes the broker's confirmations as values.
var _ broker.EventWriter = (*wsSession)(nil)

// WriteEvent implements broker.EventWriter: it writes a confirmation that
// the session's options pass.
func (s *wsSession) WriteEvent(ev *broker.Event) error { return s.deliver(wsEvent{ev: ev}) }

// Push implements peer.Conn. The broker pushes an EventWriter only
// EventServiceStop, which a session never subscribes to; nothing pushed is
// written.
func (s *wsSession) Push([]byte) error { return nil }

// EventEncoding implements peer.Conn; nothing is pushed (see Push).
func (s *wsSession) EventEncoding() ipc.Encoding { return ipc.EncodingFlatbuffers }

// AfterReply implements peer.Conn; the broker calls it from subscribe.
func (s *wsSession) AfterReply(f func()) { s.afterReply(f) }

func (s *wsSession) afterReply(f func()) { s.after = append(s.after, f) }

// Done implements peer.Conn.
func (s *wsSession) Done() <-chan struct{} { return s.ctx.Done() }

// Close implements peer.Conn: the broker drops a slow consumer.
func (s *wsSession) Close() { s.slow() }

func (s *wsSession) slow() {
	if s.ctx.Err() != nil {
		return // ending anyway (a write failed, or shutdown)
	}
	s.slowOnce.Do(func() {
		s.srv.log.Warn("closing a slow WebSocket consumer")
		s.goClose(websocket.StatusPolicyViolation, closeSlow)
	})
}

// goClose closes the connection with a status, from a goroutine that the
// session's read loop waits for; nothing once the loop has ended.
func (s *wsSession) goClose(code websocket.StatusCode, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.finished {
		return
	}
	s.closers.Add(1)
	go func() {
		defer s.closers.Done()
		s.c.Close(code, reason)
		s.cancel()
	}()
}

// offer queues a relayed event without waiting; a full queue closes the
// session as a slow consumer.
func (s *wsSession) offer(e wsEvent) {
	select {
	case s.queue <- e:
	default:
		s.slow()
	}
}

// startWriter starts draining the relay queue (once).
func (s *wsSession) startWriter() {
	s.startOnce.Do(func() {
		s.srv.wsWG.Add(1)
		go func() {
			defer s.srv.wsWG.Done()
			for {
				select {
				case <-s.ctx.Done():
					return
				case e := <-s.queue:
					if !s.waitGate() {
						return
					}
					if err := s.deliver(e); err != nil {
						s.cancel()
						return
					}
				}
			}
		}()
	})
}

func (s *wsSession) current() *wsOptions {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts
}

// holdEvents makes the relay writer wait (until releaseEvents) before it
// writes the next event: a subscription's ack goes first.
func (s *wsSession) holdEvents() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gate == nil {
		s.gate = make(chan struct{})
	}
}

func (s *wsSession) releaseEvents() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gate != nil {
		close(s.gate)
		s.gate = nil
	}
}

// waitGate waits while events are held; false if the session ended.
func (s *wsSession) waitGate() bool {
	s.mu.Lock()
	g := s.gate
	s.mu.Unlock()
	if g == nil {
		return true
	}
	select {
	case <-g:
		return true
	case <-s.ctx.Done():
		return false
	}
}

// deliver writes an event if the subscription's filters pass it. The
// message is rendered once per event and wsRender, however many sessions
// write it.
func (s *wsSession) deliver(e wsEvent) error {
	o := s.current()
	if o == nil || !o.accepts(e, s.srv.cfg.IsLocal) {
		return nil
	}
	msg := e.ev.Rendered(o.render(), func() []byte {
		return renderConfirmation(e.ev.Confirmation(), e.ev.Time(), o.includeBlock, o.includeElection)
	})
	if err := s.write(msg); err != nil {
		s.cancel() // the session is over; a later Close is no slow consumer
		return err
	}
	return nil
}

func (s *wsSession) write(msg []byte) error {
	ctx, cancel := context.WithTimeout(s.ctx, s.srv.cfg.WriteTimeout)
	defer cancel()
	return s.c.Write(ctx, websocket.MessageText, msg)
}

// ended is the relay telling the session its subscription was refused by
// the node after a reconnect.
func (s *wsSession) ended(e *api.Error) {
	s.mu.Lock()
	s.opts = nil
	s.mu.Unlock()
	s.write(renderError("subscribe", "", e.Code, e.Message, time.Now()))
}

// accepts decides whether a session with these options gets e. isLocal
// answers all_local_accounts for events of the node's broker (in-process)
// and is nil in a separate gateway, whose relay attaches a session with
// all_local_accounts to two of the node's streams: every confirmation, and
// the local accounts' (e.local). An event of the first passes as usual,
// its account filter seeing only "accounts"; one of the second, which the
// node found local, passes if all_local_accounts would let it through and
// "accounts" would not: what both filters pass comes from the first, so
// nothing arrives twice.
func (o *wsOptions) accepts(e wsEvent, isLocal func(nano.PublicKey) bool) bool {
	ev := e.ev.Confirmation()
	if e.local {
		return o.allLocal && o.passes(ev, anyAccount) && !o.passes(ev, nil)
	}
	return o.passes(ev, isLocal)
}

// anyAccount is isLocal for an event the node found local.
func anyAccount(nano.PublicKey) bool { return true }

// passes is the node's confirmation_options::should_filter, negated: the
// type must be selected, and with account filtering the event must carry a
// state block whose account or link_as_account is a filtered account (or
// a local one with all_local_accounts). Without the block (include_block
// false) or for a legacy block, an account filter lets nothing through.
func (o *wsOptions) passes(ev *fb.EventConfirmationT, isLocal func(nano.PublicKey) bool) bool {
	var bit uint8
	switch ev.ConfirmationType {
	case fb.TopicConfirmationTypeactive_quorum:
		bit = typeQuorum
	case fb.TopicConfirmationTypeactive_confirmation_height:
		bit = typeHeight
	case fb.TopicConfirmationTypeinactive:
		bit = typeInactive
	}
	if o.types&bit == 0 {
		return false
	}
	if !o.filter {
		return true
	}
	if !o.includeBlock || ev.Block == nil {
		return false
	}
	st, ok := ev.Block.Value.(*fb.BlockStateT)
	if !ok {
		return false
	}
	for _, a := range [2]string{ev.Account, st.LinkAsAccount} {
		pub, err := nano.ParseAccount(a)
		if err != nil {
			continue
		}
		if o.accounts[pub] || o.allLocal && isLocal != nil && isLocal(pub) {
			return true
		}
	}
	return false
}

// denied reports whether err refuses the credentials (Access denied).
func denied(err error) bool {
	e, ok := errors.AsType[*api.Error](err)
	return ok && e.Code == api.CodeAccessDenied
}

// wsError is a failed action: the message sent back and its code.
type wsError struct {
	code int32
	text string
}

func (e *wsError) Error() string { return e.text }

func wsErrorf(text string) *wsError { return &wsError{code: api.CodeGeneric, text: text} }

// parseBool reads a boolean the way boost's get<bool> does ("true",
// "false", "1", "0").
func parseBool(t *ptree.Tree, key string, def bool) (bool, error) {
	v, ok := t.Get(key)
	if !ok {
		if t.Has(key) {
			return false, wsErrorf("Invalid option " + key + ": expected true or false")
		}
		return def, nil
	}
	switch v {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, wsErrorf("Invalid option " + key + ": expected true or false")
}

// parseOptions builds a subscription from the subscribe message's options
// (nil: none given: every confirmation, with the block).
func parseOptions(opts *ptree.Tree) (*wsOptions, error) {
	o := &wsOptions{types: typeAll, includeBlock: true}
	if opts == nil {
		return o, nil
	}
	var err error
	if o.includeBlock, err = parseBool(opts, "include_block", true); err != nil {
		return nil, err
	}
	if o.includeElection, err = parseBool(opts, "include_election_info", false); err != nil {
		return nil, err
	}
	if v, ok := opts.Get("confirmation_type"); ok {
		switch strings.ToLower(v) {
		case "active":
			o.types = typeQuorum | typeHeight
		case "active_quorum":
			o.types = typeQuorum
		case "active_confirmation_height":
			o.types = typeHeight
		case "inactive":
			o.types = typeInactive
		}
	}
	if opts.Has("all_local_accounts") {
		if o.allLocal, err = parseBool(opts, "all_local_accounts", false); err != nil {
			return nil, err
		}
		o.filter = true
	}
	if list, ok := opts.Child("accounts"); ok {
		o.filter = true
		o.accounts = addAccounts(nil, list, true)
	}
	return o, nil
}

// addAccounts adds (or removes) the valid accounts of a list to a copy of
// set; invalid ones are ignored, as by the node.
func addAccounts(set map[nano.PublicKey]bool, list *ptree.Tree, add bool) map[nano.PublicKey]bool {
	out := make(map[nano.PublicKey]bool, len(set)+list.Len())
	for k := range set {
		out[k] = true
	}
	for _, item := range list.All() {
		pub, err := nano.ParseAccount(item.Value)
		if err != nil {
			continue
		}
		if add {
			out[pub] = true
		} else {
			delete(out, pub)
		}
	}
	return out
}

// serveWebSocket upgrades r and runs the session until it ends.
func (s *Server) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	if !originAllowed(r, s.origins) {
		s.wsLog.Info(s.log, "WebSocket upgrade refused", "remote", r.RemoteAddr, "origin", r.Header.Get("Origin"))
		http.Error(w, "request Origin "+quoteHeader(r.Header.Get("Origin"))+" is not authorized (node.websocket.allowed_origins)", http.StatusForbidden)
		return
	}
	// The Origin is checked above, by the gateway's one matcher.
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		s.wsLog.Info(s.log, "WebSocket upgrade refused", "remote", r.RemoteAddr, "err", err)
		return // Accept has answered
	}
	c.SetReadLimit(wsReadLimit)
	ctx, cancel := context.WithCancel(context.Background())
	sess := &wsSession{srv: s, c: c, ctx: ctx, cancel: cancel, header: r.Header.Get(headerAPIKey), queue: make(chan wsEvent, wsQueueSize)}
	if !s.track(sess) {
		cancel()
		c.Close(websocket.StatusGoingAway, closeShutdown)
		return
	}
	defer s.untrack(sess)
	sess.run()
}

// serveWebSocketPort is the WebSocket port's handler: the Host check,
// then the WebSocket. Anything but an upgrade gets 426 from Accept, its
// body (never read) bounded by the body deadline as net/http discards it.
func (s *Server) serveWebSocketPort(w http.ResponseWriter, r *http.Request) {
	if !s.hosts.allows(r) {
		refuseHost(w, r)
		return
	}
	if !headerHasToken(r.Header, "Upgrade", "websocket") {
		s.body.set(http.NewResponseController(w), r)
	}
	s.serveWebSocket(w, r)
}

// run is the read loop.
func (s *wsSession) run() {
	defer func() {
		if src := s.srv.source; src != nil {
			src.unsubscribe(s)
		}
		s.mu.Lock()
		s.finished = true
		s.mu.Unlock()
		s.closers.Wait()
		s.cancel()
		s.c.CloseNow()
	}()
	for {
		typ, data, err := s.c.Read(s.ctx)
		if err != nil {
			return
		}
		if typ != websocket.MessageText {
			continue
		}
		reply := s.handle(data)
		var werr error
		if reply != nil {
			werr = s.write(reply)
		}
		after := s.after
		s.after = nil
		for _, f := range after {
			f()
		}
		if werr != nil {
			return
		}
	}
}

// handle answers one client message; nil means no reply. Like the node it
// acks only on request (ping always), but unlike the node it answers every
// failure with an error message, except a subscribe refused for its
// credentials without an ack asked for: that one gets no frame.
func (s *wsSession) handle(data []byte) []byte {
	now := time.Now
	msg, err := ptree.Parse(data)
	if err != nil {
		return renderError("", "", api.CodeGeneric, "Unable to parse JSON", now())
	}
	action, _ := msg.Get("action")
	topic, _ := msg.Get("topic")
	id, _ := msg.Get("id")
	ack, _ := parseBool(msg, "ack", false)
	fail := func(err error) []byte {
		if e, ok := errors.AsType[*wsError](err); ok {
			return renderError(action, id, e.code, e.text, now())
		}
		if e, ok := errors.AsType[*api.Error](err); ok {
			return renderError(action, id, e.Code, e.Message, now())
		}
		s.srv.log.Warn("WebSocket subscription failed", "err", err)
		return renderError(action, id, api.CodeGeneric, TextConnectionFailed, now())
	}
	switch action {
	case "ping":
		return renderAck("pong", id, now())
	case "subscribe", "unsubscribe", "update":
		if topic != topicConfirm {
			if topic == "" {
				return fail(wsErrorf("Missing topic"))
			}
			return fail(wsErrorf("Unsupported topic: " + topic))
		}
	default:
		if action == "" {
			return fail(wsErrorf("Missing action"))
		}
		return fail(wsErrorf("Unknown action: " + action))
	}
	var opts *ptree.Tree
	if t, ok := msg.Child("options"); ok {
		opts = t
	}
	switch action {
	case "subscribe":
		creds := s.header
		if k, ok := msg.Get("api_key"); ok {
			creds = k
		}
		o, err := parseOptions(opts)
		if err != nil {
			return fail(err)
		}
		if s.srv.source == nil {
			return fail(wsErrorf("Subscriptions are not available on this gateway"))
		}
		if err := s.srv.source.subscribe(s.ctx, s, creds, o.allLocal); err != nil {
			if !ack && denied(err) {
				// As on the node, a refused subscribe that asked for no
				// ack gets no frame; one that asked gets the ack with
				// the error.
				return nil
			}
			return fail(err)
		}
		s.mu.Lock()
		s.opts = o
		s.mu.Unlock()
		if _, relayed := s.srv.source.(*relay); relayed {
			s.afterReply(s.startWriter)
		}
	case "update":
		s.mu.Lock()
		cur := s.opts
		if cur == nil {
			s.mu.Unlock()
			return fail(wsErrorf("Not subscribed to " + topic))
		}
		if opts == nil {
			s.mu.Unlock()
			return fail(wsErrorf("Missing options"))
		}
		n := *cur
		if l, ok := opts.Child("accounts_add"); ok {
			n.filter, n.accounts = true, addAccounts(n.accounts, l, true)
		}
		if l, ok := opts.Child("accounts_del"); ok {
			n.filter, n.accounts = true, addAccounts(n.accounts, l, false)
		}
		s.opts = &n
		s.mu.Unlock()
	case "unsubscribe":
		s.mu.Lock()
		s.opts = nil
		s.mu.Unlock()
		if s.srv.source != nil {
			s.srv.source.unsubscribe(s)
		}
	}
	if ack {
		return renderAck(action, id, now())
	}
	return nil
}

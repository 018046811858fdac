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
	"github.com/nipc/nipc/api/fbjson"
	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/internal/service"
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
	headerAPIKey   = fbjson.HeaderAPIKey
	headerCorrelID = fbjson.HeaderCorrelationID
)

var errShuttingDown = errors.New("gateway: shutting down")

// wsRender is the key of a confirmation message in a broker.Event's cache:
// what of the event the message includes. (A uint8 goes into an interface
// without allocating.)
type wsRender uint8

const (
	renderBlock wsRender = 1 << iota
	renderElection
	renderSideband
)

func renderOf(o *broker.Options) wsRender {
	var r wsRender
	if o.IncludeBlock {
		r |= renderBlock
	}
	if o.IncludeElectionInfo {
		r |= renderElection
	}
	if o.IncludeSideband {
		r |= renderSideband
	}
	return r
}

// wsSession is one WebSocket connection. Its read loop handles client
// messages one at a time; the events of its subscription arrive through
// Deliver, on the subscription's goroutine (the broker's or the relay's).
type wsSession struct {
	srv    *Server
	c      *websocket.Conn
	ctx    context.Context // ends with the session
	cancel context.CancelFunc
	header string // credentials from the upgrade's Nano-Api-Key

	mu       sync.Mutex
	sub      service.Subscription       // nil: not subscribed
	topics   map[broker.Topic]*topicSub // the other topics' (ws_topics.go)
	after    []func()                   // run once the current reply is written (read loop only)
	finished bool                       // the read loop has ended (guarded by mu)
	closers  sync.WaitGroup             // goClose goroutines

	slowOnce sync.Once

	// One write at a time (the read loop's replies, the subscriptions'
	// events), so that one timer bounds them all: wtimer closes the
	// connection when a write runs past the write timeout, and is stopped
	// between writes. No context or timer is made per message.
	wmu    sync.Mutex
	wtimer *time.Timer
}

var _ broker.Subscriber = (*wsSession)(nil)

// Deliver implements broker.Subscriber: it writes a confirmation that the
// subscription's options passed. The message is rendered once per event
// and wsRender, however many sessions write it.
func (s *wsSession) Deliver(ev *broker.Event, o *broker.Options) error {
	msg := ev.Rendered(renderOf(o), func() []byte {
		return renderConfirmation(ev.Confirmation(), ev.Time(), o.IncludeBlock, o.IncludeElectionInfo, sidebandOf(ev, o), ev.Confirmation().Sequence)
	})
	if err := s.write(msg); err != nil {
		s.cancel() // the session is over; a later drop is no slow consumer
		return err
	}
	return nil
}

// Dropped implements broker.Subscriber: a slow consumer is closed; a
// subscription the node refused after a reconnect (relay) is reported to
// the client as an error message.
func (s *wsSession) Dropped(err error) {
	if e, ok := errors.AsType[*api.Error](err); ok {
		s.ended(e)
		return
	}
	s.slow()
}

func (s *wsSession) afterReply(f func()) { s.after = append(s.after, f) }

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

func (s *wsSession) current() service.Subscription {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sub
}

// write writes one text message, bounded by the write timeout: a write
// still blocked then (the client reads too slowly) closes the connection,
// which ends the session. Its context has no Done channel, so that
// coder/websocket arms no timer of its own per message.
func (s *wsSession) write(msg []byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.wtimer == nil {
		s.wtimer = time.AfterFunc(s.srv.cfg.WriteTimeout, s.overrun)
	} else {
		s.wtimer.Reset(s.srv.cfg.WriteTimeout)
	}
	err := s.c.Write(context.Background(), websocket.MessageText, msg)
	if !s.wtimer.Stop() && err == nil {
		err = errWriteTimeout // written, but the timer has closed the connection
	}
	return err
}

// errWriteTimeout: a message could not be written within the write
// timeout.
var errWriteTimeout = errors.New("gateway: WebSocket write timed out")

// overrun ends a session whose write ran past the write timeout.
func (s *wsSession) overrun() {
	s.srv.log.Warn("closing a WebSocket whose client did not read a message within the write timeout")
	s.c.CloseNow()
}

// ended is the relay telling the session its subscription was refused by
// the node after a reconnect.
func (s *wsSession) ended(e *api.Error) {
	s.mu.Lock()
	s.sub = nil
	s.mu.Unlock()
	s.write(renderError("subscribe", "", e.Code, e.Message, time.Now()))
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

// parseOptions builds a subscription's options from the subscribe
// message's (nil: none given: every confirmation, with the block), with
// the node's WebSocket rules.
func parseOptions(opts *ptree.Tree) (broker.Options, error) {
	o := broker.Options{NodeWebSocket: true, IncludeBlock: true}
	if opts == nil {
		return o, nil
	}
	var err error
	if o.IncludeBlock, err = parseBool(opts, "include_block", true); err != nil {
		return o, err
	}
	if o.IncludeElectionInfo, err = parseBool(opts, "include_election_info", false); err != nil {
		return o, err
	}
	if err := parseConfirmationExtras(opts, &o); err != nil {
		return o, err
	}
	if v, ok := opts.Get("confirmation_type"); ok {
		switch strings.ToLower(v) {
		case "active":
			o.TypeFilter = fb.TopicConfirmationTypeFilteractive
		case "active_quorum":
			o.TypeFilter = fb.TopicConfirmationTypeFilteractive_quorum
		case "active_confirmation_height":
			o.TypeFilter = fb.TopicConfirmationTypeFilteractive_confirmation_height
		case "inactive":
			o.TypeFilter = fb.TopicConfirmationTypeFilterinactive
		}
	}
	if opts.Has("all_local_accounts") {
		if o.AllLocalAccounts, err = parseBool(opts, "all_local_accounts", false); err != nil {
			return o, err
		}
		o.AccountFilter = true
	}
	if list, ok := opts.Child("accounts"); ok {
		o.AccountFilter = true
		o.Accounts = addAccounts(nil, list, true)
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
	sess := &wsSession{srv: s, c: c, ctx: ctx, cancel: cancel, header: r.Header.Get(headerAPIKey)}
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
		s.body.set(deadliner(w), r)
	}
	s.serveWebSocket(w, r)
}

// run is the read loop.
func (s *wsSession) run() {
	defer func() {
		if sub := s.current(); sub != nil {
			sub.Close()
		}
		s.closeTopics()
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
		_, known := errors.AsType[*wsError](err)
		if _, ok := errors.AsType[*api.Error](err); !known && !ok {
			s.srv.log.Warn("WebSocket subscription failed", "err", err)
		}
		return actionError(action, id, err, now())
	}
	switch action {
	case "ping":
		return renderAck("pong", id, now())
	case "subscribe", "unsubscribe", "update":
		if t, ok := broker.ParseTopic(topic); ok && t != broker.TopicConfirmation {
			return s.topicReply(action, t, msg, id, ack)
		} else if topic != topicConfirm {
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
	opts := optionsOf(msg)
	switch action {
	case "subscribe":
		o, err := parseOptions(opts)
		if err != nil {
			return fail(err)
		}
		after, err := parseResumeAfter(opts)
		if err != nil {
			return fail(err)
		}
		// The service decides (permission, all_local_accounts); subscribing
		// again replaces the session's subscription.
		sub, err := s.srv.backend.Subscribe(s.ctx, service.SubscribeRequest{Credentials: s.credentials(msg), Options: o, ResumeAfter: after}, s)
		if err != nil {
			if !ack && denied(err) {
				// As on the node, a refused subscribe that asked for no
				// ack gets no frame; one that asked gets the ack with
				// the error.
				return nil
			}
			return fail(err)
		}
		s.mu.Lock()
		s.sub = sub
		s.mu.Unlock()
		s.afterReply(sub.Start)
	case "update":
		sub := s.current()
		if sub == nil {
			return fail(wsErrorf("Not subscribed to " + topic))
		}
		if opts == nil {
			return fail(wsErrorf("Missing options"))
		}
		n := *sub.Options()
		if l, ok := opts.Child("accounts_add"); ok {
			n.AccountFilter, n.Accounts = true, addAccounts(n.Accounts, l, true)
		}
		if l, ok := opts.Child("accounts_del"); ok {
			n.AccountFilter, n.Accounts = true, addAccounts(n.Accounts, l, false)
		}
		sub.Update(n)
	case "unsubscribe":
		s.mu.Lock()
		sub := s.sub
		s.sub = nil
		s.mu.Unlock()
		if sub != nil {
			sub.Close()
		}
	}
	if ack {
		return renderAck(action, id, now())
	}
	return nil
}

// optionsOf is a message's "options" (nil: none).
func optionsOf(msg *ptree.Tree) *ptree.Tree {
	if t, ok := msg.Child("options"); ok {
		return t
	}
	return nil
}

// credentials are a subscribe message's: its "api_key", else the
// upgrade's Nano-Api-Key header.
func (s *wsSession) credentials(msg *ptree.Tree) string {
	if k, ok := msg.Get("api_key"); ok {
		return k
	}
	return s.header
}

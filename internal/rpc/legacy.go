package rpc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"time"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/observe"
	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/ipc"
)

// The dispatch layer's error texts, exactly as the node writes them.
const (
	TextUnableToParse   = "Unable to parse JSON"
	TextUnknownCommand  = "Unknown command"
	TextControlDisabled = "RPC control is disabled"
	TextUnsafeNotAllow  = "Unsafe RPC not allowed"
	TextInternal        = "Internal server error in RPC"
	TextEmptyResponse   = "Empty response"
)

// Error is an action's error: the reply is {"error": Text}.
type Error struct{ Text string }

func (e *Error) Error() string { return e.Text }

// Errorf returns an *Error with a formatted text.
func Errorf(format string, a ...any) error { return &Error{Text: fmt.Sprintf(format, a...)} }

// ErrMissingParam is returned (wrapped) by Request accessors for a required
// parameter that is absent; like a ptree "bad path" in the node, it answers
// "Unable to parse JSON".
var ErrMissingParam = errors.New("rpc: missing parameter")

// Request is one legacy call.
type Request struct {
	Action   string
	Params   *ptree.Tree // the whole request object, "action" included
	Encoding ipc.Encoding
}

// Get returns a parameter as a string (numbers and booleans arrive as their
// text), or ok=false if it is absent or not a scalar.
func (r *Request) Get(key string) (string, bool) { return r.Params.Get(key) }

// Require returns a parameter that must be present.
func (r *Request) Require(key string) (string, error) {
	v, ok := r.Params.Get(key)
	if !ok {
		return "", fmt.Errorf("%w: %s", ErrMissingParam, key)
	}
	return v, nil
}

// Bool returns a boolean parameter the way the node reads one: "true" and
// "1" are true, anything else present is false; absent gives def.
func (r *Request) Bool(key string, def bool) bool {
	v, ok := r.Params.Get(key)
	if !ok {
		return def
	}
	return v == "true" || v == "1"
}

// ActionFunc answers a legacy action with the members of its reply.
type ActionFunc func(ctx context.Context, req *Request) (*ptree.Tree, error)

// Action is one registered legacy action.
type Action struct {
	Name   string
	Unsafe bool // needs encoding 2 on a transport with allow_unsafe
	Func   ActionFunc
	// After, if set, runs once the reply has been rendered (e.g. stop
	// initiates shutdown only after its reply is ready to be written).
	After func()
}

// Registry holds the legacy actions. Register everything before serving;
// afterwards it is read-only and safe for concurrent use.
type Registry struct {
	actions map[string]*Action
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{actions: make(map[string]*Action)} }

// Register adds an action; registering a name twice panics (a programming
// error found at start-up).
func (r *Registry) Register(a Action) {
	if _, dup := r.actions[a.Name]; dup {
		panic("rpc: action registered twice: " + a.Name)
	}
	if a.Func == nil {
		panic("rpc: action without a function: " + a.Name)
	}
	r.actions[a.Name] = &a
}

// Names lists the registered actions, sorted.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.actions))
	for n := range r.actions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Lookup returns the action with that name.
func (r *Registry) Lookup(name string) (*Action, bool) {
	a, ok := r.actions[name]
	return a, ok
}

// Legacy dispatches legacy JSON requests to a registry.
type Legacy struct {
	Registry      *Registry
	EnableControl bool // config-rpc.toml enable_control
	Log           *slog.Logger
	// Observer, if set, is told of every request (metrics).
	Observer observe.Observer
}

// Handle answers one legacy request body, appending the rendered reply to dst.
func (l *Legacy) Handle(ctx context.Context, enc ipc.Encoding, body []byte, dst []byte) []byte {
	reply, after := l.Call(ctx, enc, body)
	return render(dst, reply, after)
}

// HandleParsed is Handle for a request already parsed (the in-process
// gateway parses it to apply its own rules first).
func (l *Legacy) HandleParsed(ctx context.Context, enc ipc.Encoding, params *ptree.Tree, dst []byte) []byte {
	reply, after := l.CallParsed(ctx, enc, params)
	return render(dst, reply, after)
}

func render(dst []byte, reply *ptree.Tree, after func()) []byte {
	dst = ptree.AppendPretty(dst, reply)
	if after != nil {
		after()
	}
	return dst
}

// Call runs one legacy request and returns the reply tree, plus the action's
// After hook (to run once the reply is on its way), if any.
func (l *Legacy) Call(ctx context.Context, enc ipc.Encoding, body []byte) (reply *ptree.Tree, after func()) {
	params, err := ptree.Parse(body)
	if err != nil {
		if l.Observer != nil {
			l.Observer.Observe(ctx, "legacy", observe.Unknown, enc, observe.Failed, 0)
		}
		return errorTree(TextUnableToParse), nil
	}
	return l.CallParsed(ctx, enc, params)
}

// CallParsed is Call for a request already parsed.
func (l *Legacy) CallParsed(ctx context.Context, enc ipc.Encoding, params *ptree.Tree) (reply *ptree.Tree, after func()) {
	if l.Observer == nil {
		reply, after, _, _ = l.dispatch(ctx, enc, params)
		return reply, after
	}
	start := time.Now()
	reply, after, name, outcome := l.dispatch(ctx, enc, params)
	l.Observer.Observe(ctx, "legacy", name, enc, outcome, time.Since(start))
	return reply, after
}

// dispatch runs one parsed request; name is the action's, or Unknown.
func (l *Legacy) dispatch(ctx context.Context, enc ipc.Encoding, params *ptree.Tree) (reply *ptree.Tree, after func(), name string, outcome observe.Outcome) {
	action, ok := params.Get("action")
	if !ok {
		return errorTree(TextUnableToParse), nil, observe.Unknown, observe.Failed
	}
	a, ok := l.Registry.Lookup(action)
	name = observe.Unknown
	if ok {
		name = a.Name
	}
	if IsControl(action, params) && !l.EnableControl {
		return errorTree(TextControlDisabled), nil, name, observe.Denied
	}
	if !ok {
		return errorTree(TextUnknownCommand), nil, name, observe.Failed
	}
	if a.Unsafe && !unsafeAllowed(ctx, enc) {
		return errorTree(TextUnsafeNotAllow), nil, name, observe.Denied
	}
	reply, err := l.run(ctx, a, &Request{Action: action, Params: params, Encoding: enc})
	switch {
	case err == nil && reply.Len() == 0:
		return errorTree(TextEmptyResponse), nil, name, observe.Failed
	case err == nil:
		return reply, a.After, name, outcomeOf(reply)
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return errorTree(e.Text), nil, name, observe.Failed
	}
	if errors.Is(err, ErrMissingParam) {
		return errorTree(TextUnableToParse), nil, name, observe.Failed
	}
	l.log().Error("legacy action failed", "action", action, "err", err)
	if we, ok := errors.AsType[*ledger.WriteError](err); ok {
		// Say what failed ("ledger write failed: no space left on
		// device"); the text holds no path.
		return errorTree(we.Error()), nil, name, observe.Failed
	}
	return errorTree(TextInternal), nil, name, observe.Failed
}

// outcomeOf tells an answered reply that carries an "error" member (some
// actions answer errors that way) from a plain one.
func outcomeOf(reply *ptree.Tree) observe.Outcome {
	if reply.Has("error") {
		return observe.Failed
	}
	return observe.Answered
}

func (l *Legacy) run(ctx context.Context, a *Action, req *Request) (reply *ptree.Tree, err error) {
	defer func() {
		if r := recover(); r != nil {
			l.log().Error("panic in legacy action", "action", a.Name, "panic", r, "stack", string(debug.Stack()))
			reply, err = nil, &Error{Text: TextInternal}
		}
	}()
	reply, err = a.Func(ctx, req)
	if err == nil && reply == nil {
		reply = ptree.New()
	}
	return reply, err
}

func (l *Legacy) log() *slog.Logger {
	if l.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l.Log
}

// unsafeAllowed: encoding 2 over a transport that allows unsafe actions.
func unsafeAllowed(ctx context.Context, enc ipc.Encoding) bool {
	p := peer.From(ctx)
	return enc == ipc.EncodingJSONUnsafe && p != nil && p.AllowUnsafe
}

func errorTree(text string) *ptree.Tree {
	t := ptree.New()
	t.Put("error", text)
	return t
}

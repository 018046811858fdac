package v2api

import (
	"context"
	"errors"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/fbjson"
	"github.com/nipc/nipc/internal/authz"
	"github.com/nipc/nipc/internal/observe"
	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/ipc"
)

// Handler answers one v2 request message (a *fb.XxxT value, never nil) with
// a reply message value, or an error (an *api.Error reaches the client with
// its code and text; anything else becomes "Unknown exception").
type Handler func(ctx context.Context, msg any) (any, error)

// Dispatcher answers IPC v2 requests: encoding 3 (binary Envelope), encoding 4 (the
// Envelope as JSON) and, through the gateway, /api/v2.
//
// Envelope rules (spec §3.4, §5.1): the reply always carries time (ms); it
// echoes correlation_id only when the message type has a handler (so also on
// Access denied and handler errors, never on parse, verify or unknown type
// errors); credentials are never echoed. A handled type without a message
// body is Error 1 "Invalid message" (the node crashes there).
type Dispatcher struct {
	Handlers map[fb.Message]Handler
	// Policy returns the authorizer in force; a request uses the one it got
	// at its start until it ends. Nil means the built-in default,
	// authz.Default() (what a node without an access file runs with).
	// authz.Permitted decides.
	Policy func() authz.Authorizer
	// RejectUnknownFields is !skip_unexpected_fields_in_json.
	RejectUnknownFields bool
	Log                 *slog.Logger
	Now                 func() time.Time
	// Observer, if set, is told of every request handled through Handle,
	// HandleBinary or HandleJSON (metrics).
	Observer observe.Observer
}

func (v *Dispatcher) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *Dispatcher) policy() authz.Authorizer {
	if v.Policy == nil {
		return nil // authz.Permitted's built-in default
	}
	return v.Policy()
}

// Permitted reports whether creds may send a message of type t, decided
// as for a request of that type: authz.Permitted, with the policy in
// force and the peer in ctx (none: no Unix credentials). A subscription
// made without a v2 request (the WebSocket's) is authorized here.
func (v *Dispatcher) Permitted(ctx context.Context, creds string, t fb.Message) bool {
	info, ok := api.LookupMessage(t)
	return ok && v.PermittedInfo(ctx, creds, info)
}

// PermittedInfo is Permitted for a request described by info, which need
// not be a message of the schema (a topic the WebSocket serves).
func (v *Dispatcher) PermittedInfo(ctx context.Context, creds string, info api.MessageInfo) bool {
	return authz.Permitted(v.policy(), peer.From(ctx), creds, info)
}

// Handle answers one request in encoding 3 or 4, appending the reply to dst.
func (v *Dispatcher) Handle(ctx context.Context, enc ipc.Encoding, payload, dst []byte) []byte {
	if enc == ipc.EncodingFlatbuffers {
		return v.HandleBinary(ctx, payload, dst)
	}
	return v.HandleJSON(ctx, payload, dst)
}

// HandleBinary answers a binary Envelope.
func (v *Dispatcher) HandleBinary(ctx context.Context, payload, dst []byte) []byte {
	req, err := api.OpenWithin(payload, api.DecodeLimit(len(payload)))
	var reply *fb.EnvelopeT
	if err != nil {
		v.observeUnparsed(ctx, ipc.EncodingFlatbuffers)
		reply = api.ErrorEnvelope(api.ErrVerify, "", v.now())
	} else {
		reply = v.observedDispatch(ctx, ipc.EncodingFlatbuffers, req)
	}
	out, err := api.AppendEncode(dst, reply)
	if err != nil {
		v.log().Error("encoding a v2 reply", "err", err)
		out, _ = api.AppendEncode(dst, api.ErrorEnvelope(api.ErrUnknownException, "", v.now()))
	}
	return out
}

// HandleJSON answers an Envelope as JSON text. A body that does not parse
// gets the node's one-line error; everything else is rendered the
// flatbuffers way (pretty, 2-space, schema order, ASCII only), straight
// from the reply's Go objects into dst (fbjson.AppendEnvelopeText: no
// FlatBuffer is built for a JSON reply).
func (v *Dispatcher) HandleJSON(ctx context.Context, payload, dst []byte) []byte {
	req, err := fbjson.Scan(payload, fbjson.Options{RejectUnknownFields: v.RejectUnknownFields})
	if err != nil {
		v.observeUnparsed(ctx, ipc.EncodingFlatbuffersJSON)
		return append(dst, fbjson.ErrorReply(err)...)
	}
	out, err := fbjson.AppendEnvelopeText(dst, v.observedDispatch(ctx, ipc.EncodingFlatbuffersJSON, req))
	if err != nil {
		v.log().Error("rendering a v2 reply", "err", err)
		return append(dst, fbjson.ErrorLine("Couldn't serialize response to JSON")...)
	}
	return out
}

// request is a parsed request whose header is read first and whose
// message is built only once the request is admitted (*api.Opened,
// *fbjson.Request, decoded).
type request interface {
	Header() api.Header
	Envelope() (*fb.EnvelopeT, error)
}

// decoded is an envelope already built.
type decoded struct{ env *fb.EnvelopeT }

func (d decoded) Header() api.Header { return api.HeaderOf(d.env) }

func (d decoded) Envelope() (*fb.EnvelopeT, error) { return d.env, nil }

// Dispatch answers a decoded request envelope.
func (v *Dispatcher) Dispatch(ctx context.Context, env *fb.EnvelopeT) *fb.EnvelopeT {
	reply, _, _ := v.dispatch(ctx, decoded{env})
	return reply
}

// observedDispatch is Dispatch, told to the Observer.
func (v *Dispatcher) observedDispatch(ctx context.Context, enc ipc.Encoding, req request) *fb.EnvelopeT {
	if v.Observer == nil {
		reply, _, _ := v.dispatch(ctx, req)
		return reply
	}
	start := time.Now()
	reply, name, outcome := v.dispatch(ctx, req)
	v.Observer.Observe(ctx, "v2", name, enc, outcome, time.Since(start))
	return reply
}

func (v *Dispatcher) observeUnparsed(ctx context.Context, enc ipc.Encoding) {
	if v.Observer != nil {
		v.Observer.Observe(ctx, "v2", observe.Unknown, enc, observe.Failed, 0)
	}
}

// dispatch is Dispatch, also saying which message it was (Unknown for a
// type without a handler) and how it ended. The type and the permission
// are checked on the header; the message is built only after (issue 11: a
// request the caller may not make costs no more than its scan).
func (v *Dispatcher) dispatch(ctx context.Context, req request) (reply *fb.EnvelopeT, name string, outcome observe.Outcome) {
	now := v.now()
	hdr := req.Header()
	info, known := api.LookupMessage(hdr.Type)
	h, handled := v.Handlers[hdr.Type]
	if !known || !handled || info.Kind != api.KindRequest {
		return api.ErrorEnvelope(api.ErrUnknownMessageType, "", now), observe.Unknown, observe.Failed
	}
	corr := hdr.CorrelationID
	if !v.PermittedInfo(ctx, hdr.Credentials, info) {
		return api.ErrorEnvelope(api.ErrAccessDenied, corr, now), info.Name, observe.Denied
	}
	if !hdr.HasMessage {
		return api.ErrorEnvelope(api.ErrInvalidMessage, corr, now), info.Name, observe.Failed
	}
	env, err := req.Envelope()
	if err != nil || env.Message == nil || env.Message.Value == nil {
		// Scan and OpenWithin checked everything a build can fail on.
		v.log().Error("building an admitted v2 request", "message", info.Name, "err", err)
		return api.ErrorEnvelope(api.ErrUnknownException, corr, v.now()), info.Name, observe.Failed
	}
	msg, err := v.call(ctx, info, h, env.Message.Value)
	if err != nil {
		return api.ErrorEnvelope(err, corr, v.now()), info.Name, observe.Failed
	}
	return api.NewEnvelope(msg, corr, v.now()), info.Name, observe.Answered
}

func (v *Dispatcher) call(ctx context.Context, info api.MessageInfo, h Handler, body any) (reply any, err error) {
	defer func() {
		if r := recover(); r != nil {
			v.log().Error("panic in v2 handler", "message", info.Name, "panic", r, "stack", string(debug.Stack()))
			reply, err = nil, api.ErrUnknownException
		}
	}()
	reply, err = h(ctx, body)
	if err != nil {
		if _, ok := errors.AsType[*api.Error](err); !ok {
			v.log().Error("v2 handler failed", "message", info.Name, "err", err)
		}
	}
	return reply, err
}

func (v *Dispatcher) log() *slog.Logger {
	if v.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return v.Log
}

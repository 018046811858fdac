package natsbus

import (
	"context"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/micro"

	"github.com/nipc/nipc/api/fbjson"
	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/internal/rpc"
	"github.com/nipc/nipc/internal/service"
	"github.com/nipc/nipc/ipc"
)

// ServiceName is the micro service's name ("nats micro stats nipc").
const ServiceName = "nipc"

// APIConfig configures the API over NATS.
type APIConfig struct {
	Conn     *nats.Conn
	Subjects Subjects
	Service  service.Service
	// EnableControl is config-rpc.toml's enable_control, applied here when
	// the service does not enforce it itself (as the HTTP gateway does).
	EnableControl bool
	Version       string // the micro service's version (semver)
	Log           *slog.Logger
}

// API is the API served over NATS request/reply.
type API struct {
	cfg     APIConfig
	svc     micro.Service
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	sem     chan struct{}
	session atomic.Uint64

	mu      sync.Mutex // orders wg.Add before Stop's wg.Wait
	stopped bool
}

// ServeAPI adds the micro service ServiceName with the endpoints
// P.api.legacy, P.api.v2 and P.api.v2.* (queue group "q": any number of
// instances share the requests). Requests are answered concurrently, up
// to 64 per CPU at once.
func ServeAPI(cfg APIConfig) (*API, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	a := &API{cfg: cfg, sem: make(chan struct{}, 64*runtime.GOMAXPROCS(0))}
	a.ctx, a.cancel = context.WithCancel(context.Background())
	svc, err := micro.AddService(cfg.Conn, micro.Config{
		Name:        ServiceName,
		Version:     cfg.Version,
		Description: "the Nano RPC of a nipc node: legacy JSON and v2",
	})
	if err != nil {
		a.cancel()
		return nil, err
	}
	a.svc = svc
	s := cfg.Subjects
	for _, ep := range []struct {
		name, subject string
		h             func(micro.Request) []byte
	}{
		{"legacy", s.APILegacy(), a.legacy},
		{"v2", s.APIV2(), a.v2},
		{"v2_message", s.APIV2Message("*"), a.v2Message},
	} {
		if err := svc.AddEndpoint(ep.name, a.async(ep.h), micro.WithEndpointSubject(ep.subject)); err != nil {
			a.Stop()
			return nil, err
		}
	}
	if cfg.Conn.IsConnected() {
		// Answer from the first request on: the server has the
		// subscriptions once it has answered a ping after them.
		cfg.Conn.FlushTimeout(5 * time.Second)
	}
	return a, nil
}

// Stop removes the service and waits for the requests being answered.
func (a *API) Stop() {
	a.svc.Stop()
	a.mu.Lock()
	a.stopped = true // a request the subscription still hands over is dropped
	a.mu.Unlock()
	a.cancel()
	a.wg.Wait()
}

// async answers each request on a goroutine of its own, at most cap(sem)
// at once (the subscription waits for a free one).
func (a *API) async(h func(micro.Request) []byte) micro.HandlerFunc {
	return func(r micro.Request) {
		a.mu.Lock()
		if a.stopped {
			a.mu.Unlock()
			return
		}
		a.wg.Add(1)
		a.mu.Unlock()
		a.sem <- struct{}{}
		go func() {
			defer func() { <-a.sem; a.wg.Done() }()
			if err := r.Respond(h(r)); err != nil {
				a.cfg.Log.Debug("nats: reply not sent", "subject", r.Subject(), "err", err)
			}
		}()
	}
}

// context is a request's: the peer is a NATS requester, which no
// handshake identifies (credentials travel in the v2 envelope).
func (a *API) context() context.Context {
	return peer.With(a.ctx, &peer.Peer{Session: a.session.Add(1), Transport: peer.NATS})
}

// legacy answers P.api.legacy: a legacy JSON request, the node's reply;
// control actions as over HTTP, unsafe ones never (encoding 1).
func (a *API) legacy(r micro.Request) []byte {
	body := r.Data()
	params, err := ptree.Parse(body)
	if err != nil {
		return ptree.ErrorReply(rpc.TextUnableToParse)
	}
	action, ok := params.Get("action")
	if !ok {
		return ptree.ErrorReply(rpc.TextUnableToParse)
	}
	if !a.cfg.Service.EnforcesControl() && !a.cfg.EnableControl && rpc.IsControl(action, params) {
		return ptree.ErrorReply(rpc.TextControlDisabled)
	}
	return a.handle(service.Request{Encoding: ipc.EncodingJSON, Body: body, Tree: params}, ptree.ErrorReply)
}

// v2 answers P.api.v2: a v2 envelope as JSON, the encoding-4 reply.
func (a *API) v2(r micro.Request) []byte {
	return a.handle(service.Request{Encoding: ipc.EncodingFlatbuffersJSON, Body: r.Data()}, fbjson.ErrorLine)
}

// v2Message answers P.api.v2.<Message>: the message without envelope,
// credentials and correlation id in the Nano-Api-Key and
// Nano-Correlation-Id headers, as /api/v2/<Message> over HTTP.
func (a *API) v2Message(r micro.Request) []byte {
	subject := r.Subject()
	name := subject[strings.LastIndexByte(subject, '.')+1:]
	h := r.Headers()
	env := fbjson.AppendEnvelope(nil, h.Get(HeaderAPIKey), h.Get(HeaderCorrelationID), name, r.Data())
	return a.handle(service.Request{Encoding: ipc.EncodingFlatbuffersJSON, Body: env, Name: name}, fbjson.ErrorLine)
}

// handle is Service's reply to req, or, when it could not be asked (never
// service.Local), the error's text rendered by errorReply.
func (a *API) handle(req service.Request, errorReply func(string) []byte) []byte {
	out, err := a.cfg.Service.Handle(a.context(), req, nil)
	if err != nil {
		return errorReply(err.Error())
	}
	return out
}

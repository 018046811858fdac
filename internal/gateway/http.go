package gateway

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nipc/nipc/api/fbjson"
	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/internal/rpc"
	"github.com/nipc/nipc/internal/service"
	"github.com/nipc/nipc/ipc"
)

// The HTTP layer's own error texts (spec §5.2).
const (
	TextOnlyPost        = "Can only POST requests"
	TextMaxDepth        = "Max JSON depth exceeded"
	TextBodyLimit       = "Invalid header: body limit exceeded"
	TextControlDisabled = rpc.TextControlDisabled
	TextUnableToParse   = rpc.TextUnableToParse
	// TextForeignOrigin answers a control action from a web page whose
	// Origin allowed_origins does not list (nipc's).
	TextForeignOrigin = "RPC control is not allowed from this web page (its Origin is not in allowed_origins)"
)

// The headers on every HTTP reply (spec §8.3), with nipc's two headers
// added to the CORS list so that browsers may send them. Their values are
// shared by every reply: net/http copies them when it writes the header.
var (
	valuePostOptions  = []string{"POST, OPTIONS"}
	valueJSON         = []string{"application/json"}
	valueAnyOrigin    = []string{"*"}
	valueAllowHeaders = []string{"Accept, Accept-Language, Content-Language, Content-Type, Nano-Api-Key, Nano-Correlation-Id"}
)

// setFixedHeaders puts the headers of every reply into h: by hand rather
// than from a map, as this runs for every request.
func setFixedHeaders(h http.Header) {
	h["Allow"] = valuePostOptions
	h["Content-Type"] = valueJSON
	h["Access-Control-Allow-Origin"] = valueAnyOrigin
	h["Access-Control-Allow-Methods"] = valuePostOptions
	h["Access-Control-Allow-Headers"] = valueAllowHeaders
}

// bufPool holds the byte slices replies and /api/v2/<Name> envelopes are
// built in; it keeps none over 1 MiB. Request bodies are not pooled: each
// is allocated as it arrives and charged to the request budget (budget.go).
var bufPool = sync.Pool{New: func() any { return new([]byte) }}

const maxPooled = 1 << 20

func getBuf() *[]byte { b := bufPool.Get().(*[]byte); *b = (*b)[:0]; return b }

func putBuf(b *[]byte, used []byte) {
	if cap(used) <= maxPooled {
		*b = used
		bufPool.Put(b)
	}
}

// serveHTTP is the gateway's one handler: the WebSocket at /websocket,
// OPTIONS, then POST to /api/v2[/<Name>] (v2) or anywhere else (legacy).
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.hosts.allows(r) {
		refuseHost(w, r)
		s.metrics.HTTPRequest("", httpRefused, 0)
		return
	}
	if r.URL.Path == wsPath && r.Method == http.MethodGet && headerHasToken(r.Header, "Upgrade", "websocket") {
		s.serveWebSocket(w, r)
		return
	}
	if s.metrics == nil {
		s.serveRPC(w, r)
		return
	}
	start := time.Now()
	api, outcome := s.serveRPC(w, r)
	s.metrics.HTTPRequest(api, outcome, time.Since(start))
}

// How an HTTP request ended, for the metrics.
const (
	httpAnswered    = "ok"               // the node's answer (which may be an error reply)
	httpRefused     = "refused"          // by the HTTP layer: method, size, depth, parse, control
	httpUnreachable = "node_unreachable" // the node could not be asked
	httpClientGone  = "client_gone"      // the body could not be read
)

// serveRPC answers everything but the WebSocket, and says which API the
// request was for ("legacy", "v2" or "" when it did not get that far) and
// how it ended.
func (s *Server) serveRPC(w http.ResponseWriter, r *http.Request) (api, outcome string) {
	h := w.Header()
	setFixedHeaders(h)
	// The body's deadline, for every method: one that is not read is
	// discarded by net/http after the reply, within the same deadline.
	rc := deadliner(w)
	body := s.body.start(rc, r, r.Body)
	switch r.Method {
	case http.MethodPost:
	case http.MethodOptions:
		w.WriteHeader(http.StatusOK)
		return "", httpAnswered
	default:
		s.reply(w, ptree.ErrorReply(TextOnlyPost))
		return "", httpRefused
	}

	max := s.cfg.RPC.MaxRequestSize
	if r.ContentLength > max {
		h.Set("Connection", "close")
		s.reply(w, ptree.ErrorReply(TextBodyLimit))
		return "", httpRefused
	}
	// The body is charged to the node's request budget as its buffer
	// grows (budget.go); what it holds is given back after the reply.
	charge := s.bodyCharge(rc, r)
	defer charge.release()
	data, err := readBody(w, body, r.ContentLength, max, charge.grow)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "", httpClientGone
	}
	if err != nil {
		if s.refuseBudget(w, r, err) {
			return "", httpRefused
		}
		// The deadline stays: net/http reads on to discard the rest of the
		// body after the reply, and must not wait for it either.
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			s.reply(w, ptree.ErrorReply(TextBodyLimit))
			return "", httpRefused
		}
		if isTimeout(err) {
			h.Set("Connection", "close")
			s.reply(w, ptree.ErrorReply(TextBodyTimeout))
			return "", httpRefused
		}
		return "", httpClientGone
	}
	// From here on the connection is read only to notice the client leave.
	rc.SetReadDeadline(time.Time{})
	if tooDeep(data, s.cfg.RPC.MaxJSONDepth) {
		s.reply(w, ptree.ErrorReply(TextMaxDepth))
		return "", httpRefused
	}

	ctx := peer.With(r.Context(), &peer.Peer{Transport: peer.Gateway, Remote: r.RemoteAddr})
	page := !originAllowed(r, s.pages)
	target := r.RequestURI
	if rest, ok := strings.CutPrefix(target, "/api/v2"); ok {
		name := strings.TrimPrefix(rest, "/")
		s.logRequest(r, "v2", name)
		return "v2", s.v2(ctx, w, r, name, data, page)
	}
	return "legacy", s.legacy(ctx, w, r, data, page)
}

// v2 answers POST /api/v2 (name "": body is the envelope) and
// /api/v2/<name> (body is the message). A request from a foreign page
// (page) acts as the default user: see asDefaultUser.
func (s *Server) v2(ctx context.Context, w http.ResponseWriter, r *http.Request, name string, body []byte, page bool) (outcome string) {
	envelope := body
	if name != "" {
		key := r.Header.Get(headerAPIKey)
		if page {
			key = ""
		}
		eb := getBuf()
		envelope = fbjson.AppendEnvelope(*eb, key, r.Header.Get(headerCorrelID), name, body)
		defer putBuf(eb, envelope)
	} else if page {
		var refused []byte
		if envelope, refused = asDefaultUser(body); refused != nil {
			s.reply(w, refused)
			return httpRefused
		}
	}
	return s.answer(ctx, w, service.Request{Encoding: ipc.EncodingFlatbuffersJSON, Body: envelope, Name: name}, fbjson.ErrorLine)
}

// legacy answers POST / (any path but /api/v2...): legacy JSON RPC. A
// foreign page (page) may call no control action, whatever the backend
// and enable_control (unsafe actions never pass the gateway: they need
// encoding 2).
func (s *Server) legacy(ctx context.Context, w http.ResponseWriter, r *http.Request, body []byte, page bool) (outcome string) {
	params, err := ptree.Parse(body)
	if err != nil {
		s.logRequest(r, "legacy", "")
		s.reply(w, ptree.ErrorReply(TextUnableToParse))
		return httpRefused
	}
	action, ok := params.Get("action")
	s.logRequest(r, "legacy", action)
	if !ok {
		s.reply(w, ptree.ErrorReply(TextUnableToParse))
		return httpRefused
	}
	control := rpc.IsControl(action, params)
	if page && control {
		s.originLog.Info(s.log, "refused a control action from a web page", "action", action, "origin", r.Header.Get("Origin"), "remote", r.RemoteAddr)
		s.reply(w, ptree.ErrorReply(TextForeignOrigin))
		return httpRefused
	}
	if s.control && !s.cfg.RPC.EnableControl && control {
		s.reply(w, ptree.ErrorReply(TextControlDisabled))
		return httpRefused
	}
	send := action == "send" && !params.Has("id")
	if send {
		// Make a retried send idempotent on the node (spec §8.3).
		params.Put("id", randomID())
	}
	// The service takes the tree the rules were applied to: it does not
	// parse again. A remote one renders it again only for a send that got
	// an id.
	req := service.Request{Encoding: ipc.EncodingJSON, Tree: params}
	if !send {
		req.Body = body
	}
	return s.answer(ctx, w, req, ptree.ErrorReply)
}

// answer writes the service's reply to req, built in a pooled buffer, or,
// when the service could not be asked, the node's text rendered by
// errorReply.
func (s *Server) answer(ctx context.Context, w http.ResponseWriter, req service.Request, errorReply func(string) []byte) (outcome string) {
	b := getBuf()
	out, err := s.backend.Handle(ctx, req, *b)
	if err != nil {
		s.reply(w, errorReply(nodeText(err)))
		putBuf(b, out)
		return httpUnreachable
	}
	s.reply(w, out)
	putBuf(b, out)
	return httpAnswered
}

// reply writes body, always with a Content-Length as the node does: net/http
// adds it itself, without a header map entry to sort and copy, to a reply
// that fits its buffer and is written in one piece; a longer one would be
// sent chunked without it.
func (s *Server) reply(w http.ResponseWriter, body []byte) {
	if len(body) >= netHTTPBufferedReply {
		w.Header()["Content-Length"] = []string{strconv.Itoa(len(body))}
	}
	w.Write(body)
}

// netHTTPBufferedReply is how much of a reply net/http buffers before it
// must choose between a Content-Length and chunking (its
// bufferBeforeChunkingSize).
const netHTTPBufferedReply = 2048

func (s *Server) logRequest(r *http.Request, api, name string) {
	if !s.cfg.RPC.Logging.LogRPC {
		return
	}
	s.log.Info("rpc", "api", api, "call", name, "remote", r.RemoteAddr)
}

// nodeText is what the client is told when the backend failed.
func nodeText(err error) string {
	if e, ok := errors.AsType[*NodeError](err); ok {
		return e.Text
	}
	return TextConnectionFailed
}

// tooDeep is the node's bracket budget: more than max '{' or '[' bytes
// anywhere in the body, strings included.
func tooDeep(body []byte, max int) bool {
	return bytes.Count(body, []byte{'{'})+bytes.Count(body, []byte{'['}) > max
}

// randomID is 32 random hex digits, the id nano_rpc adds to a send.
func randomID() string {
	var b [16]byte
	rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

func headerHasToken(h http.Header, key, token string) bool {
	for _, v := range h.Values(key) {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// asDefaultUser is the envelope of POST /api/v2 from a foreign page with
// its credentials taken out, so that the node authorizes it as the default
// user, or, if it does not scan, the error to reply with (the gateway
// cannot take out what it cannot find, so such a body never reaches the
// node). The envelope is scanned, not built (fbjson.Scan), and the
// credentials string is blanked in place: its token becomes "" padded with
// spaces, so the rest of the text and its positions stay as sent (the body
// is the gateway's own buffer). An envelope without credentials passes as
// it is.
func asDefaultUser(envelope []byte) (out, refused []byte) {
	req, err := fbjson.Scan(envelope, fbjson.Options{})
	if err != nil {
		return nil, fbjson.ErrorReply(err)
	}
	start, end, ok := req.CredentialsSpan()
	if !ok {
		return envelope, nil
	}
	blank := envelope[start:end]
	blank[0], blank[1] = '"', '"'
	for i := 2; i < len(blank); i++ {
		blank[i] = ' '
	}
	return envelope, nil
}

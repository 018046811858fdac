package gateway

import (
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/nipc/nipc/internal/membudget"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/ipc"
)

// TextBusy is the error in the 503 reply to a body that found no room in
// the node's request budget.
const TextBusy = membudget.TextBusy

// retryAfter is the Retry-After of that reply, in seconds.
const retryAfter = "1"

// bodyCharge is a request body's share of the node's request budget
// (Config.Budget): each step waits up to body_timeout for room, and a step
// that had to wait gives the body its deadline again. Charges are pooled,
// their Waited and Grow bound once: a request allocates none of them.
type bodyCharge struct {
	membudget.Charge
	grow ipc.GrowFunc // Grow
	s    *Server
	rc   readDeadliner
	r    *http.Request
}

var bodyCharges = sync.Pool{New: func() any {
	c := new(bodyCharge)
	c.Waited, c.grow = c.waited, c.Grow
	return c
}}

func (c *bodyCharge) waited() { c.s.body.set(c.rc, c.r) }

// bodyCharge is a charge for r's body; release it once the reply is
// written.
func (s *Server) bodyCharge(rc readDeadliner, r *http.Request) *bodyCharge {
	c := bodyCharges.Get().(*bodyCharge)
	c.Budget, c.Wait, c.Stop = s.budget, time.Duration(s.body.floor)*time.Second, r.Context().Done()
	c.s, c.rc, c.r = s, rc, r
	return c
}

// release gives back what the charge holds and pools it.
func (c *bodyCharge) release() {
	c.Release()
	c.Budget, c.Stop, c.s, c.rc, c.r = nil, nil, nil, nil, nil
	bodyCharges.Put(c)
}

// readBody reads a request body charged through grow: with a declared length
// (at most max, checked before), exactly that, into a buffer that grows as
// the bytes arrive (ipc.ReadPayloadCharged); chunked, bounded by max as it
// arrives, into a buffer that grows the same way.
func readBody(w http.ResponseWriter, body io.Reader, length, max int64, grow ipc.GrowFunc) ([]byte, error) {
	if length < 0 {
		return readChunked(http.MaxBytesReader(w, io.NopCloser(body), max), grow)
	}
	return ipc.ReadPayloadCharged(body, int(length), nil, grow)
}

// readChunked reads r to its end into a buffer that starts at
// ipc.FrameChunk and doubles, telling grow before each allocation.
func readChunked(r io.Reader, grow ipc.GrowFunc) ([]byte, error) {
	var buf []byte
	for {
		if len(buf) == cap(buf) {
			next := max(2*cap(buf), ipc.FrameChunk)
			if err := grow(next - cap(buf)); err != nil {
				return nil, err
			}
			grown := make([]byte, len(buf), next)
			copy(grown, buf)
			buf = grown
		}
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// refuseBudget answers a body the budget refused and reports whether err
// was such a refusal: 503 with Retry-After and {"error": TextBusy} when it
// found no room in time, the body-limit error when it could never fit.
// The connection is closed after the reply: the body was not read.
func (s *Server) refuseBudget(w http.ResponseWriter, r *http.Request, err error) bool {
	h := w.Header()
	switch {
	case errors.Is(err, membudget.ErrTimeout), errors.Is(err, membudget.ErrBusy), errors.Is(err, membudget.ErrStopped):
		s.busyLog.Warn(s.log, "HTTP request refused: request bytes in flight at the limit", "remote", r.RemoteAddr, "length", r.ContentLength, "limit", s.budget.Limit())
		h.Set("Connection", "close")
		h.Set("Retry-After", retryAfter)
		w.WriteHeader(http.StatusServiceUnavailable)
		s.reply(w, ptree.ErrorReply(TextBusy))
		return true
	case errors.Is(err, membudget.ErrTooLarge):
		h.Set("Connection", "close")
		s.reply(w, ptree.ErrorReply(TextBodyLimit))
		return true
	}
	return false
}

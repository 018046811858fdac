package server

import (
	"context"

	"github.com/nipc/nipc/ipc"
)

// Handler answers requests; the server knows no schema, so it also renders
// the server's own refusals.
//
// Handle appends the reply payload for one request to dst and returns the
// extended slice; it must not keep payload or dst after it returns. A
// handler that appends nothing closes the connection without a reply (the
// protocol has no empty reply). ctx carries the connection's *peer.Peer
// (complete and immutable: the handshakes have run) and is cancelled when
// the connection ends or the server is forced to close.
//
// Refuse appends the payload of the reply to a request in enc that the
// server refuses without handing it over (why says which refusal), in that
// request's encoding: for the legacy encodings the node's {"error": ...}
// reply with why.Text(), for 3 and 4 an Error envelope with why.Text() and
// the code the handler's API gives that refusal.
//
// A Handler is called from many sessions at once and must be safe for
// concurrent use.
type Handler interface {
	Handle(ctx context.Context, enc ipc.Encoding, payload []byte, dst []byte) []byte
	Refuse(enc ipc.Encoding, why Refusal, dst []byte) []byte
}

// Refusal is why the server refuses a request without handling it.
type Refusal uint8

const (
	// RefuseAccessCheck: the request came before the access check the
	// server requires (the v2 API's "access denied" code).
	RefuseAccessCheck Refusal = iota + 1
	// RefuseBusy: the request bytes in flight are at their limit (a
	// generic error).
	RefuseBusy
)

// Text is what the client is told.
func (r Refusal) Text() string {
	switch r {
	case RefuseAccessCheck:
		return ipc.AccessCheckRequiredText
	case RefuseBusy:
		return busyText
	}
	return "Refused"
}

func (r Refusal) String() string {
	switch r {
	case RefuseAccessCheck:
		return "access check required"
	case RefuseBusy:
		return "busy"
	}
	return "unknown refusal"
}

// refusal is the frame of the server's refusal why of a request in enc,
// as the handler renders it; nil when the handler has nothing to say.
func (s *Server) refusal(enc ipc.Encoding, why Refusal) []byte {
	reply := s.handler.Refuse(enc, why, ipc.StartFrame(nil))
	if len(reply) == ipc.FrameHeaderSize {
		return nil
	}
	return ipc.FinishFrame(reply, 0)
}

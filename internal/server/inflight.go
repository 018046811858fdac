package server

import (
	"encoding/binary"
	"errors"
	"io"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/ipc"
)

// busyText is what a request refused for the budget is told.
const busyText = "Server busy: too many request bytes in flight (node.ipc.max_request_bytes_in_flight); try again"

// busyLegacy is the legacy reply to a refused request, laid out as the
// node lays out its {"error": ...} replies.
const busyLegacy = "{\n    \"error\": \"" + busyText + "\"\n}\n"

// errBusy is the v2 Error for a refused request.
var errBusy = &api.Error{Code: api.CodeGeneric, Message: busyText}

// readPayload reads the frame that follows a preamble into buf (or a buffer
// that grows from it as the bytes arrive, see ipc.ReadFrame).
//
// A frame that arrived whole with its preamble is read at once: its bytes
// are already in the connection's read buffer. Any other frame's declared
// length is first taken from the server's budget, waiting up to io_timeout
// for room; held is what was taken, to give back once the reply is written.
// If there is no room in time, the request is refused (refuseBusy).
//
// A nil payload means there is no request to handle; keep then says whether
// the connection stays open (true only after a refusal that kept the
// stream in step).
func (ss *session) readPayload(enc ipc.Encoding, buf []byte, log sessionLog) (payload []byte, held int64, keep bool) {
	max := ss.srv.cfg.MaxFrameSize
	if !ss.frameBuffered() {
		ss.conn.SetReadDeadline(time.Now().Add(ss.ioTimeout))
		ss.readDeadline = true
		l, err := ss.br.Peek(ipc.FrameHeaderSize)
		if err != nil {
			log.Debug("closing connection", "encoding", enc, "reason", err)
			return nil, 0, false
		}
		// A length of 0 or above max is refused by ReadFrame below,
		// before anything is allocated for it.
		if n := binary.BigEndian.Uint32(l); n > 0 && n <= max {
			switch err := ss.srv.budget.take(int64(n), time.Now().Add(ss.ioTimeout), ss.srv.stop); {
			case errors.Is(err, errBudgetTimeout):
				return nil, 0, ss.refuseBusy(enc, n, log)
			case err != nil:
				log.Debug("closing connection", "encoding", enc, "reason", err)
				return nil, 0, false
			}
			held = int64(n)
			// The payload gets its own io_timeout after the wait.
			ss.conn.SetReadDeadline(time.Now().Add(ss.ioTimeout))
		}
	}
	payload, err := ipc.ReadFrame(ss.br, max, buf)
	if err != nil {
		ss.srv.budget.give(held)
		log.Debug("closing connection", "encoding", enc, "reason", err)
		return nil, 0, false
	}
	return payload, held, true
}

// refuseBusy answers a request whose frame found no room in the budget
// within io_timeout. It reads and drops the frame (through a small shared
// buffer, never allocated for it; bounded by io_timeout) so that the stream
// stays in step, then answers with busyText in the request's encoding. It
// reports whether the connection stays open: it does when all went well.
func (ss *session) refuseBusy(enc ipc.Encoding, n uint32, log sessionLog) bool {
	ss.srv.busyWarn.warn(log, "request refused: request bytes in flight at the limit", "remote", ss.peer.Remote, "encoding", enc, "length", n, "limit", ss.srv.cfg.MaxRequestBytesInFlight)
	ss.conn.SetReadDeadline(time.Now().Add(ss.ioTimeout))
	if _, err := io.CopyN(io.Discard, ss.br, ipc.FrameHeaderSize+int64(n)); err != nil {
		log.Debug("closing connection", "encoding", enc, "reason", err)
		return false
	}
	reply, err := errorReply(enc, errBusy, busyLegacy, time.Now())
	if err != nil {
		log.Warn("cannot render the busy reply", "err", err)
		return false
	}
	if err := ss.write(ipc.AppendFrame(nil, reply)); err != nil {
		log.Debug("write failed", "err", err)
		return false
	}
	return true
}

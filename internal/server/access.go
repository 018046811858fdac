package server

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"time"

	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/ipc"
)

// The access check (docs/PROTOCOL.md §3), on both transports, when
// Config.AccessSecret is set, is a handshake (accessHandshaker) that runs
// once per connection, before the session reads its first request:
//
//   - A new connection must open with the access-check preamble, within
//     io_timeout of connecting, and complete ipc.ServerHandshake within
//     io_timeout of that preamble. Success marks the peer AccessChecked and
//     the connection then serves requests as usual; a wrong secret or a
//     malformed response gets 03 and the connection is closed.
//   - A request before the check is read (not kept) and answered, in its own
//     encoding, with "Access check required" (Handler.Refuse with
//     RefuseAccessCheck renders it: a legacy {"error": ...} reply for
//     encodings 1 and 2, an Error with code 3 for 3 and 4); then the
//     connection is closed.
//   - A second access-check preamble on a checked connection gets 03 and a
//     close: the check is once per connection (the session's loop answers
//     it, refuseAccessPreamble).
//
// Without a secret, an access-check preamble gets 01 and a close, so that a
// client configured with a secret can say that the server does not use it.

// accessHandshaker is the access check of connections on one transport.
// It reads exactly the bytes of the check (or of the refused request), so
// that a request pipelined after the check stays in the connection for the
// session.
type accessHandshaker struct {
	srv       *Server
	ioTimeout time.Duration
	remote    string
}

// errUnchecked ends a connection whose peer did not pass the access check.
var errUnchecked = errors.New("server: access check not passed")

func (h accessHandshaker) Handshake(ctx context.Context, c net.Conn) (net.Conn, peer.Identity, error) {
	log := logFrom(ctx)
	c.SetReadDeadline(time.Now().Add(h.ioTimeout))
	enc, err := ipc.ReadPreamble(c)
	if err != nil {
		if !isClosed(err) {
			log.Debug("closing connection", "reason", err)
		}
		return nil, peer.Identity{}, errUnchecked
	}
	if enc != ipc.EncodingAccessCheck {
		h.refuse(c, enc, log)
		return nil, peer.Identity{}, errUnchecked
	}
	c.SetReadDeadline(time.Now().Add(h.ioTimeout))
	if err := ipc.ServerHandshake(deadlineWriter{c, h.ioTimeout}, h.srv.secret); err != nil {
		if isClosed(err) || errors.Is(err, io.ErrUnexpectedEOF) {
			log.Debug("access check not completed; closing connection", "remote", h.remote, "reason", err)
		} else {
			h.srv.accessWarn.Warn(log, "access check failed; closing connection", "remote", h.remote, "reason", err)
		}
		if o := h.srv.cfg.Observer; o != nil {
			o.AccessCheckFailed()
		}
		return nil, peer.Identity{}, errUnchecked
	}
	log.Debug("access check passed")
	return c, peer.Identity{AccessChecked: true}, nil
}

// refuse answers a request that came before the access check with "Access
// check required" in its encoding. The request's frame is read and dropped
// first (bounded by io_timeout, never allocated), so that closing the
// connection does not reset it before the client has read the reply.
func (h accessHandshaker) refuse(c net.Conn, enc ipc.Encoding, log sessionLog) {
	c.SetReadDeadline(time.Now().Add(h.ioTimeout))
	var l [ipc.FrameHeaderSize]byte
	if _, err := io.ReadFull(c, l[:]); err != nil {
		log.Debug("closing connection", "encoding", enc, "reason", err)
		return
	}
	n := binary.BigEndian.Uint32(l[:])
	if n == 0 || n > h.srv.cfg.MaxFrameSize {
		log.Debug("closing connection", "encoding", enc, "reason", "bad frame length before the access check")
		return
	}
	if _, err := io.CopyN(io.Discard, c, int64(n)); err != nil {
		log.Debug("closing connection", "encoding", enc, "reason", err)
		return
	}
	h.srv.accessWarn.Warn(log, "request without the access check; closing connection", "remote", h.remote, "encoding", enc)
	frame := h.srv.refusal(enc, RefuseAccessCheck)
	if frame == nil {
		return
	}
	c.SetWriteDeadline(time.Now().Add(h.ioTimeout))
	c.Write(frame)
}

// deadlineWriter bounds each write of the handshake by io_timeout (no
// other writer exists before the session starts).
type deadlineWriter struct {
	net.Conn
	timeout time.Duration
}

func (w deadlineWriter) Write(p []byte) (int, error) {
	w.Conn.SetWriteDeadline(time.Now().Add(w.timeout))
	return w.Conn.Write(p)
}

// refuseAccessPreamble answers an access-check preamble in the request
// loop: 01 when the server does not use the check, 03 when the
// connection has passed it already. The caller closes the connection.
func (ss *session) refuseAccessPreamble(log sessionLog) {
	if ss.srv.secret == nil {
		ss.write([]byte{ipc.AccessNotEnabled})
		return
	}
	ss.srv.accessWarn.Warn(log, "access check failed; closing connection", "remote", ss.peer.Remote, "reason", "second access check on one connection")
	ss.write([]byte{ipc.AccessRejected})
}

// sessionLog is the part of *slog.Logger a session uses.
type sessionLog interface {
	Debug(string, ...any)
	Warn(string, ...any)
}

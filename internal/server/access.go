package server

import (
	"encoding/binary"
	"errors"
	"io"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fbjson"
	"github.com/nipc/nipc/ipc"
)

// The access check (docs/PROTOCOL.md §3), on both transports, when
// Config.AccessSecret is set:
//
//   - A new connection must open with the access-check preamble, within
//     io_timeout of connecting, and complete ipc.ServerHandshake within
//     io_timeout of that preamble. Success marks the peer AccessChecked and
//     the connection then serves requests as usual; a wrong secret or a
//     malformed response gets 03 and the connection is closed.
//   - A request before the check is read (not kept) and answered, in its own
//     encoding, with "Access check required" (a legacy {"error": ...} reply
//     for encodings 1 and 2, an Error with code 3 for 3 and 4); then the
//     connection is closed.
//   - A second access-check preamble on a checked connection gets 03 and a
//     close: the check is once per connection.
//
// Without a secret, an access-check preamble gets 01 and a close, so that a
// client configured with a secret can say that the server does not use it.

// accessRequiredLegacy is the legacy reply to a request that skipped the
// check, rendered as the node renders its {"error": ...} replies.
const accessRequiredLegacy = "{\n    \"error\": \"" + ipc.AccessCheckRequiredText + "\"\n}\n"

// errAccessRequired is the v2 Error for a request that skipped the check:
// the node's "access denied" code with a text that says what to do.
var errAccessRequired = &api.Error{Code: api.CodeAccessDenied, Message: ipc.AccessCheckRequiredText}

// awaitingAccessCheck reports whether the connection has yet to pass the
// access check the server requires.
func (ss *session) awaitingAccessCheck() bool {
	return ss.srv.secret != nil && !ss.peer.AccessChecked
}

// accessCheck answers an access-check preamble. It reports whether the
// connection stays open.
func (ss *session) accessCheck(log sessionLog) bool {
	switch {
	case ss.srv.secret == nil:
		// The check is off on this server: say so and close, so that the
		// client can tell its user why.
		ss.write([]byte{ipc.AccessNotEnabled})
		return false
	case ss.peer.AccessChecked:
		ss.srv.accessWarn.Warn(log, "access check failed; closing connection", "remote", ss.peer.Remote, "reason", "second access check on one connection")
		ss.write([]byte{ipc.AccessRejected})
		return false
	}
	ss.conn.SetReadDeadline(time.Now().Add(ss.ioTimeout))
	ss.readDeadline = true
	if err := ipc.ServerHandshake(sessionRW{ss}, ss.srv.secret); err != nil {
		if isClosed(err) || errors.Is(err, io.ErrUnexpectedEOF) {
			log.Debug("access check not completed; closing connection", "remote", ss.peer.Remote, "reason", err)
		} else {
			ss.srv.accessWarn.Warn(log, "access check failed; closing connection", "remote", ss.peer.Remote, "reason", err)
		}
		if o := ss.srv.cfg.Observer; o != nil {
			o.AccessCheckFailed()
		}
		return false
	}
	ss.peer.AccessChecked = true
	log.Debug("access check passed")
	ss.state.Store(stateIdle)
	return !ss.srv.closing.Load()
}

// refuseUnchecked answers a request that came before the access check with
// "Access check required" in its encoding. The request's frame is read and
// dropped first (bounded by io_timeout, never allocated), so that closing
// the connection does not reset it before the client has read the reply.
// The caller closes the connection.
func (ss *session) refuseUnchecked(enc ipc.Encoding, log sessionLog) {
	ss.conn.SetReadDeadline(time.Now().Add(ss.ioTimeout))
	ss.readDeadline = true
	var l [ipc.FrameHeaderSize]byte
	if _, err := io.ReadFull(ss.br, l[:]); err != nil {
		log.Debug("closing connection", "encoding", enc, "reason", err)
		return
	}
	n := binary.BigEndian.Uint32(l[:])
	if n == 0 || n > ss.srv.cfg.MaxFrameSize {
		log.Debug("closing connection", "encoding", enc, "reason", "bad frame length before the access check")
		return
	}
	if _, err := io.CopyN(io.Discard, ss.br, int64(n)); err != nil {
		log.Debug("closing connection", "encoding", enc, "reason", err)
		return
	}
	ss.srv.accessWarn.Warn(log, "request without the access check; closing connection", "remote", ss.peer.Remote, "encoding", enc)
	reply, err := accessRequiredReply(enc, time.Now())
	if err != nil {
		log.Warn("cannot render the access-check reply", "err", err)
		return
	}
	ss.write(ipc.AppendFrame(nil, reply))
}

// accessRequiredReply is the reply payload to a request in enc that skipped
// the access check.
func accessRequiredReply(enc ipc.Encoding, now time.Time) ([]byte, error) {
	return errorReply(enc, errAccessRequired, accessRequiredLegacy, now)
}

// errorReply is the payload of a reply that refuses a request in enc
// without reading it: e as an Error envelope for encodings 3 and 4, the
// legacy {"error": ...} text for 1 and 2.
func errorReply(enc ipc.Encoding, e *api.Error, legacy string, now time.Time) ([]byte, error) {
	switch enc {
	case ipc.EncodingFlatbuffers:
		return api.Encode(api.ErrorEnvelope(e, "", now))
	case ipc.EncodingFlatbuffersJSON:
		return fbjson.RenderEnvelope(api.ErrorEnvelope(e, "", now))
	}
	return []byte(legacy), nil
}

// sessionRW is the connection as the handshake sees it: reads through the
// session's buffer, writes through its single writer.
type sessionRW struct{ ss *session }

func (rw sessionRW) Read(p []byte) (int, error) { return rw.ss.br.Read(p) }

func (rw sessionRW) Write(p []byte) (int, error) {
	if err := rw.ss.write(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// sessionLog is the part of *slog.Logger a session uses.
type sessionLog interface {
	Debug(string, ...any)
	Warn(string, ...any)
}

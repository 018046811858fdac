package server

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/ipc"
)

// Session states, for a graceful shutdown.
const (
	stateIdle    int32 = iota // waiting for a preamble: may be closed at once
	stateActive               // reading, handling or answering a request
	stateClosing              // shutdown began while idle: the connection is being closed
)

// Buffers above this size are not put back in the pool, so that one large
// request does not pin memory after it is answered.
const keepBuffer = 64 << 10

// bufPool holds request and reply buffers between requests. They are taken
// per request rather than kept per session, so that an idle connection
// holds none (docs/CONFIG.md counts what one costs) while a busy node still
// reuses them.
var bufPool = sync.Pool{New: func() any { return new([]byte) }}

// getBuf returns an empty buffer from the pool, in the holder that putBuf
// gives back.
func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

// putBuf puts b back in the pool in its holder p, unless it grew beyond
// keepBuffer.
func putBuf(p *[]byte, b []byte) {
	if cap(b) > keepBuffer {
		b = nil
	}
	*p = b[:0]
	bufPool.Put(p)
}

// session is one accepted connection.
type session struct {
	srv       *Server
	conn      net.Conn
	peer      *peer.Peer
	ioTimeout time.Duration
	state     atomic.Int32

	br *bufio.Reader

	readDeadline bool // a read deadline is set and must be cleared before idling

	eventEnc   atomic.Uint32 // encoding of the most recent v2 request, for pushed events
	afterReply []func()      // run after the current reply is written; session goroutine only
	done       chan struct{} // closed when the session ends

	wmu sync.Mutex // the single writer: every write to conn holds it
	// An event's frame length and the vector Push writes it with (guarded
	// by wmu): the payload is written where it is, not copied.
	pushHdr  [ipc.FrameHeaderSize]byte
	pushBufs [2][]byte
}

func newSession(s *Server, c net.Conn, p *peer.Peer, ioTimeout time.Duration) *session {
	ss := &session{srv: s, conn: c, peer: p, ioTimeout: ioTimeout, done: make(chan struct{})}
	ss.eventEnc.Store(uint32(ipc.EncodingFlatbuffers))
	p.Conn = ss
	return ss
}

// Push implements peer.Conn. The length and the payload go out in one
// writev, without copying the payload (the same bytes go to every
// subscriber of the event).
func (ss *session) Push(payload []byte) error {
	ss.wmu.Lock()
	defer ss.wmu.Unlock()
	binary.BigEndian.PutUint32(ss.pushHdr[:], uint32(len(payload)))
	ss.pushBufs = [2][]byte{ss.pushHdr[:], payload}
	bufs := net.Buffers(ss.pushBufs[:])
	ss.conn.SetWriteDeadline(time.Now().Add(ss.ioTimeout))
	_, err := bufs.WriteTo(ss.conn)
	ss.pushBufs = [2][]byte{} // do not keep the payload alive
	return err
}

// EventEncoding implements peer.Conn.
func (ss *session) EventEncoding() ipc.Encoding { return ipc.Encoding(ss.eventEnc.Load()) }

// AfterReply implements peer.Conn.
func (ss *session) AfterReply(f func()) { ss.afterReply = append(ss.afterReply, f) }

// Done implements peer.Conn.
func (ss *session) Done() <-chan struct{} { return ss.done }

// Close implements peer.Conn.
func (ss *session) Close() { ss.conn.Close() }

// runAfterReply runs and forgets the callbacks of the request just answered.
func (ss *session) runAfterReply() {
	for _, f := range ss.afterReply {
		f()
	}
	ss.afterReply = ss.afterReply[:0]
}

func (ss *session) run() {
	log := ss.srv.log.With("session", ss.peer.Session, "transport", ss.peer.Transport)
	ctx, cancel := context.WithCancel(ss.srv.baseCtx)
	defer func() {
		if r := recover(); r != nil {
			log.Error("panic while serving a connection; closing it", "panic", r, "stack", string(debug.Stack()))
		}
		ss.runAfterReply()
		close(ss.done)
		cancel()
		ss.conn.Close()
		ss.srv.untrack(ss)
	}()
	ss.br = bufio.NewReaderSize(ss.conn, 4096)
	log, ok := ss.handshake(ctx, log)
	if !ok {
		return
	}
	// The Peer is complete: from here on it is only read.
	ctx = peer.With(ctx, ss.peer)
	for {
		if !ss.serveOne(ctx, log) {
			return
		}
	}
}

// handshake runs the server's handshakers on the new connection, before its
// first request, and writes what they established into ss.peer (nothing
// else writes the Peer, and the session's context does not carry it yet).
// It returns log with the peer's pid and uid added, for the connection's
// later lines, and whether the connection is to be served.
func (ss *session) handshake(ctx context.Context, log *slog.Logger) (*slog.Logger, bool) {
	// Both handshakers return the connection they were given: the session
	// keeps serving ss.conn, through ss.br.
	_, id, _ := credHandshaker{}.Handshake(withLog(ctx, log), ss.conn)
	ss.peer.Cred = id.Cred
	log = ss.identify(log)
	if ss.srv.secret == nil {
		return log, true
	}
	// The check reads through the session's buffer: what the peer sent
	// after it (a pipelined request) stays there for the loop.
	_, id, err := accessHandshaker{srv: ss.srv, ioTimeout: ss.ioTimeout, remote: ss.peer.Remote}.Handshake(withLog(ctx, log), bufferedConn{ss.conn, ss.br})
	if err != nil {
		return log, false
	}
	ss.peer.AccessChecked = id.AccessChecked
	ss.conn.SetReadDeadline(time.Time{}) // the loop sets its own
	return log, !ss.srv.closing.Load()
}

// bufferedConn is a connection read through the session's buffer.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// identify logs the new connection at debug level, with what credHandshaker
// found, and returns log with the peer's pid and uid added.
func (ss *session) identify(log *slog.Logger) *slog.Logger {
	if _, ok := ss.conn.(*net.UnixConn); !ok {
		log.Debug("connection opened", "remote", ss.peer.Remote)
		return log
	}
	cred := ss.peer.Cred
	if cred == nil {
		log.Debug("connection opened", "peer_cred", "unknown")
		return log
	}
	log = log.With("pid", cred.PID, "uid", cred.UID)
	log.Debug("connection opened", "gid", cred.GID)
	return log
}

// serveOne reads, handles and answers one request. It reports whether the
// connection should stay open.
func (ss *session) serveOne(ctx context.Context, log sessionLog) bool {
	if d := ss.srv.cfg.IdleTimeout; d > 0 {
		ss.conn.SetReadDeadline(time.Now().Add(d))
		ss.readDeadline = true
	} else if ss.readDeadline {
		ss.conn.SetReadDeadline(time.Time{})
		ss.readDeadline = false
	}
	enc, err := ipc.ReadPreamble(ss.br)
	if err != nil {
		if !isClosed(err) {
			log.Debug("closing connection", "reason", err)
		}
		return false
	}
	if !ss.state.CompareAndSwap(stateIdle, stateActive) {
		return false // shutting down
	}
	if enc == ipc.EncodingAccessCheck {
		ss.refuseAccessPreamble(log) // access.go: the check ran before the loop, if at all
		return false
	}
	in, out := getBuf(), getBuf()
	defer func() { putBuf(in, *in); putBuf(out, *out) }()
	payload, held, keep := ss.readPayload(enc, *in, log) // inflight.go
	if payload == nil {
		if !keep {
			return false
		}
		ss.state.Store(stateIdle)
		return !ss.srv.closing.Load()
	}
	*in = payload
	defer ss.srv.budget.Give(held)
	if enc == ipc.EncodingFlatbuffers || enc == ipc.EncodingFlatbuffersJSON {
		ss.eventEnc.Store(uint32(enc))
	}
	reply := ipc.StartFrame(*out)
	reply = ss.srv.handler.Handle(ctx, enc, payload, reply)
	*out = reply
	if len(reply) == ipc.FrameHeaderSize {
		log.Debug("closing connection", "encoding", enc, "reason", "handler gave no reply")
		return false
	}
	reply = ipc.FinishFrame(reply, 0)
	err = ss.write(reply)
	ss.runAfterReply()
	if err != nil {
		log.Debug("write failed", "err", err)
		return false
	}
	// Back to idle, then look at the server: Shutdown marks itself closing
	// before it closes idle sessions, so one of the two sees the other.
	ss.state.Store(stateIdle)
	return !ss.srv.closing.Load()
}

// frameBuffered reports whether the whole frame after a preamble is already
// in the read buffer.
func (ss *session) frameBuffered() bool {
	if ss.br.Buffered() < ipc.FrameHeaderSize {
		return false
	}
	l, _ := ss.br.Peek(ipc.FrameHeaderSize)
	n := uint64(binary.BigEndian.Uint32(l))
	return uint64(ss.br.Buffered()) >= ipc.FrameHeaderSize+n
}

// write sends b as one write under the session's writer lock, bounded by
// io_timeout.
func (ss *session) write(b []byte) error {
	ss.wmu.Lock()
	defer ss.wmu.Unlock()
	ss.conn.SetWriteDeadline(time.Now().Add(ss.ioTimeout))
	_, err := ss.conn.Write(b)
	return err
}

// closeIfIdle closes the connection if no request is in progress; a busy
// session closes itself after answering.
func (ss *session) closeIfIdle() {
	if ss.state.CompareAndSwap(stateIdle, stateClosing) {
		ss.conn.Close()
	}
}

func isClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || errors.Is(err, os.ErrDeadlineExceeded)
}

package gateway

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nipc/nipc/internal/logthrottle"
)

// capListener caps the connections open at once on one port. A connection
// past the cap is accepted and closed at once (on plain HTTP after a 503
// reply), so that the client learns promptly; netutil.LimitListener would
// instead stop accepting and leave it waiting in the kernel's backlog,
// where it times out, or holds the client, for as long as the busy
// connections last. A refused connection costs a file descriptor for a
// moment, not a goroutine.
type capListener struct {
	net.Listener
	max   int64
	open  atomic.Int64
	reply []byte // written to a refused connection; nil (TLS) writes nothing
	log   *slog.Logger
	port  string
	warn  *logthrottle.Throttle
}

// TextTooManyConnections is the body of the 503 a plain-HTTP client over
// max_connections reads.
const TextTooManyConnections = "nipc gateway: too many connections (max_connections); retry later\n"

var refusedReply = []byte("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
	strconv.Itoa(len(TextTooManyConnections)) + "\r\nConnection: close\r\n\r\n" + TextTooManyConnections)

func newCapListener(l net.Listener, max int, plain bool, log *slog.Logger, port string) net.Listener {
	if max <= 0 {
		return l
	}
	cl := &capListener{Listener: l, max: int64(max), log: log, port: port, warn: logthrottle.New(logthrottle.Every)}
	if plain {
		cl.reply = refusedReply
	}
	return cl
}

func (l *capListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.open.Add(1) <= l.max {
			return &cappedConn{Conn: c, l: l}, nil
		}
		l.open.Add(-1)
		l.refuse(c)
	}
}

// refuse answers and closes a connection over the cap without waiting for
// it: the reply fits a fresh socket's send buffer, and a peer that reads
// nothing meets the write deadline. One warning a second at most, the next
// carrying the count of those held back.
func (l *capListener) refuse(c net.Conn) {
	if l.reply != nil {
		c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
		c.Write(l.reply)
	}
	c.Close()
	l.warn.Warn(l.log, "refusing connections over max_connections", "port", l.port, "max_connections", l.max)
}

// cappedConn gives its place back when closed (once, however often).
type cappedConn struct {
	net.Conn
	l    *capListener
	once sync.Once
}

func (c *cappedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.open.Add(-1) })
	return err
}

// TextBodyTimeout is the reply to a request whose body did not arrive
// within its deadline; the connection is then closed.
const TextBodyTimeout = "Timed out reading the request body"

// bodyDeadline is how long a request body may take to arrive:
// config-rpc.toml's body_timeout plus body_timeout_per_mib for each MiB or
// part of one. A declared length (Content-Length) is paid for up front; a
// chunked body, whose length nobody knows, earns its time as it arrives,
// always one MiB ahead of what was received. A body trickled at a byte a
// second therefore gets body_timeout + body_timeout_per_mib, and one sent
// at more than a MiB per body_timeout_per_mib is never cut.
type bodyDeadline struct {
	floor, perMiB int64 // seconds
}

// maxBodySeconds bounds a deadline so that the arithmetic never overflows
// (about 68 years).
const maxBodySeconds = 1<<31 - 1

func (d bodyDeadline) after(start time.Time, mib int64) time.Time {
	secs := d.floor
	if d.perMiB > 0 {
		secs += min(mib, maxBodySeconds/d.perMiB) * d.perMiB
	}
	return start.Add(time.Duration(min(secs, maxBodySeconds)) * time.Second)
}

// start sets the read deadline of r's connection for its body and returns
// the body to read, which moves the deadline on for a chunked body. The
// caller clears the deadline (rc.SetReadDeadline(time.Time{})) once the
// body is read: net/http cancels a request's context when a read of the
// connection fails, deadline included, even after the body.
func (d bodyDeadline) start(rc readDeadliner, r *http.Request, body io.Reader) io.Reader {
	now := d.set(rc, r)
	if r.ContentLength >= 0 {
		return body
	}
	return &earningBody{r: body, rc: rc, d: d, start: now, paid: 1}
}

// set sets the read deadline of r's connection for a body that is not
// read (net/http discards it after the reply): what its declared length,
// or a first MiB, allows. It returns the time it counted from.
func (d bodyDeadline) set(rc readDeadliner, r *http.Request) time.Time {
	now := time.Now()
	mib := int64(1)
	if r.ContentLength >= 0 {
		mib = (r.ContentLength + 1<<20 - 1) >> 20
	}
	rc.SetReadDeadline(d.after(now, mib))
	return now
}

// earningBody moves a chunked body's deadline on as its bytes arrive.
type earningBody struct {
	r     io.Reader
	rc    readDeadliner
	d     bodyDeadline
	start time.Time
	read  int64
	paid  int64 // MiB the deadline allows for
}

func (b *earningBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read += int64(n)
	if mib := b.read>>20 + 1; mib > b.paid {
		b.paid = mib
		b.rc.SetReadDeadline(b.d.after(b.start, mib))
	}
	return n, err
}

// readDeadliner sets the read deadline of a request's connection.
type readDeadliner interface {
	SetReadDeadline(time.Time) error
}

// deadliner is w's read deadline setter: net/http's own ResponseWriter
// sets it itself (what http.ResponseController calls), without the
// controller's allocation per request; any other writer goes through a
// ResponseController (which unwraps it, or reports it unsupported).
func deadliner(w http.ResponseWriter) readDeadliner {
	if d, ok := w.(readDeadliner); ok {
		return d
	}
	return http.NewResponseController(w)
}

// isTimeout reports a read that met its deadline.
func isTimeout(err error) bool { return errors.Is(err, os.ErrDeadlineExceeded) }

// Package peer is the identity of an IPC connection's other end, established
// once when the connection is accepted and carried in the request context so
// that handlers never need to know which transport they are serving.
package peer

import (
	"context"

	"github.com/nipc/nipc/ipc"
)

// Transport names the listener a connection came through.
type Transport string

// The transports nipc serves.
const (
	TCP     Transport = "tcp"
	Unix    Transport = "unix"
	Gateway Transport = "gateway" // requests relayed by the HTTP gateway in-process
	NATS    Transport = "nats"    // requests over NATS request/reply (package natsbus)
)

// Peer describes one connection. It is complete before the connection's
// context carries it (the server's handshakes have run by then: see
// Identity) and immutable from then on.
type Peer struct {
	Session     uint64    // unique per server, starting at 1
	Transport   Transport // the listener it came through
	Remote      string    // remote address (empty for an unnamed Unix peer)
	AllowUnsafe bool      // the transport's allow_unsafe setting
	Identity              // Cred and AccessChecked, from the handshakes
	// Conn is the persistent IPC connection, for handlers that push
	// events on it later (the v2 handlers adapt it to a
	// broker.Subscriber; EventServiceStop); nil where there is none (the
	// HTTP gateway; a WebSocket session is a broker.Subscriber itself and
	// no Conn).
	Conn Conn
}

// Identity is what a connection's handshakes establish before its first
// request (the server's Handshaker returns it): who connected, and whether
// it passed the access check. The server copies it into the Peer before
// the Peer enters the connection's context.
type Identity struct {
	// Cred is who opened a Unix-socket connection, as the kernel reported
	// it (SO_PEERCRED) when the connection was accepted: the process, user
	// and group at connect() time. It is nil on TCP, through the gateway,
	// and where the platform cannot tell (anything but Linux).
	Cred *Cred
	// AccessChecked: the peer passed the shared-secret access check on this
	// connection. When the server requires the check, no request is handled
	// without it.
	AccessChecked bool
}

// Cred is a Unix-socket peer's credentials, fixed when it called connect():
// a process that changes its user afterwards, or hands the connection to
// another process, keeps the credentials it connected with.
type Cred struct {
	PID int32  // the connecting process (as the daemon's pid namespace sees it)
	UID uint32 // its effective user id
	GID uint32 // its effective group id
}

// Conn is what a handler may do with the connection its request came on.
// All methods are safe for concurrent use.
type Conn interface {
	// Push writes one frame (the payload; the length is added) through the
	// connection's single writer, bounded by io_timeout.
	Push(payload []byte) error
	// EventEncoding is the encoding events are pushed in: that of the most
	// recent v2 request (3 binary, 4 JSON) on the connection.
	EventEncoding() ipc.Encoding
	// AfterReply runs f once the reply to the request being handled has
	// been written (or the connection has failed). Call it only while
	// handling that request.
	AfterReply(f func())
	// Done is closed when the connection has ended.
	Done() <-chan struct{}
	// Close ends the connection (a slow consumer, say).
	Close()
}

type ctxKey struct{}

// With returns a context carrying p.
func With(ctx context.Context, p *Peer) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// From returns the peer carried by ctx, or nil.
func From(ctx context.Context) *Peer {
	p, _ := ctx.Value(ctxKey{}).(*Peer)
	return p
}

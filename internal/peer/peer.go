// Package peer is the identity of an IPC connection's other end, established
// once when the connection is accepted and carried in the request context so
// that handlers never need to know which transport they are serving.
package peer

import "context"

// Transport names the listener a connection came through.
type Transport string

// The transports nipc serves.
const (
	TCP     Transport = "tcp"
	Unix    Transport = "unix"
	Gateway Transport = "gateway" // requests relayed by the HTTP gateway in-process
)

// Peer describes one connection. It is immutable after the connection is
// accepted.
type Peer struct {
	Session     uint64    // unique per server, starting at 1
	Transport   Transport // the listener it came through
	Remote      string    // remote address (empty for an unnamed Unix peer)
	AllowUnsafe bool      // the transport's allow_unsafe setting
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

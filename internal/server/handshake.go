package server

import (
	"context"
	"errors"
	"net"

	"github.com/nipc/nipc/internal/peer"
)

// A Handshaker establishes who is at the other end of a new connection,
// once, before its first request (containerd/ttrpc's shape). It may read
// and write conn and returns the connection to serve: nipc's two return
// the one they were given, so the session goes on with its own (and its
// read buffer). An error closes the connection (the handshaker has said to
// the peer what there was to say). ctx carries the connection's logger
// (logFrom).
//
// A session runs the server's handshakers in order, each adding to the
// identity: the Unix peer's credentials (credHandshaker), then, when the
// server requires it, the access check (accessHandshaker, access.go). The
// Peer enters the connection's context only after them, and never changes
// again.
type Handshaker interface {
	Handshake(ctx context.Context, conn net.Conn) (net.Conn, peer.Identity, error)
}

var (
	_ Handshaker = credHandshaker{}
	_ Handshaker = accessHandshaker{}
)

// credHandshaker reads a Unix-socket peer's credentials (SO_PEERCRED); it
// exchanges nothing with the peer and never fails: a peer whose
// credentials cannot be read is served without uid identity (the default
// user).
type credHandshaker struct{}

func (credHandshaker) Handshake(ctx context.Context, c net.Conn) (net.Conn, peer.Identity, error) {
	log := logFrom(ctx)
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return c, peer.Identity{}, nil
	}
	cred, err := peerCred(uc)
	switch {
	case err == nil:
		return c, peer.Identity{Cred: cred}, nil
	case errors.Is(err, errors.ErrUnsupported):
	default:
		// Not seen on Linux for a connected socket.
		log.Warn("cannot read the peer's credentials", "peer_cred", "unknown", "err", err)
	}
	return c, peer.Identity{}, nil
}

type logKey struct{}

// withLog returns ctx carrying a connection's logger for its handshakers.
func withLog(ctx context.Context, log sessionLog) context.Context {
	return context.WithValue(ctx, logKey{}, log)
}

func logFrom(ctx context.Context) sessionLog {
	if l, ok := ctx.Value(logKey{}).(sessionLog); ok {
		return l
	}
	return discardLog{}
}

type discardLog struct{}

func (discardLog) Debug(string, ...any) {}
func (discardLog) Warn(string, ...any)  {}

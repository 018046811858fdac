package server

import (
	"context"

	"github.com/nipc/nipc/ipc"
)

// Handler answers requests. Handle appends the reply payload for one request
// to dst and returns the extended slice; it must not keep payload or dst after
// it returns. A handler that appends nothing closes the connection without a
// reply (the protocol has no empty reply). ctx carries the connection's *peer.Peer and is cancelled when
// the connection ends or the server is forced to close.
//
// A Handler is called from many sessions at once and must be safe for
// concurrent use.
type Handler interface {
	Handle(ctx context.Context, enc ipc.Encoding, payload []byte, dst []byte) []byte
}

// HandlerFunc adapts a function to the Handler interface.
type HandlerFunc func(ctx context.Context, enc ipc.Encoding, payload []byte, dst []byte) []byte

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, enc ipc.Encoding, payload []byte, dst []byte) []byte {
	return f(ctx, enc, payload, dst)
}

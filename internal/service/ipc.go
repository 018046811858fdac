package service

import (
	"context"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/internal/server"
	"github.com/nipc/nipc/ipc"
)

// IPCHandler is the IPC port's front end: the server.Handler that hands
// each request of a session to the Service, and renders the server's
// refusals. The session's peer is in ctx (the server's handshakes
// established it).
type IPCHandler struct{ Service Service }

var _ server.Handler = IPCHandler{}

// Handle implements server.Handler. A service that cannot be asked
// (never the node's own) closes the connection without a reply.
func (h IPCHandler) Handle(ctx context.Context, enc ipc.Encoding, payload, dst []byte) []byte {
	out, err := h.Service.Handle(ctx, Request{Encoding: enc, Body: payload}, dst)
	if err != nil {
		return dst
	}
	return out
}

// Refuse implements server.Handler: "Access check required" with the
// access-denied code, "Server busy" with the generic one.
func (h IPCHandler) Refuse(enc ipc.Encoding, why server.Refusal, dst []byte) []byte {
	code := api.CodeGeneric
	if why == server.RefuseAccessCheck {
		code = api.CodeAccessDenied
	}
	return AppendRefusal(dst, enc, code, why.Text())
}

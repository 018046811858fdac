package gateway

import (
	"context"
	"errors"

	"github.com/nipc/nipc/client"

	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/internal/rpc"
	"github.com/nipc/nipc/ipc"
)

// Backend answers the gateway's requests. Both methods return the reply
// payload exactly as the node would write it on its IPC port (legacy: boost
// pretty JSON; v2: the encoding-4 rendering). An error is a *NodeError: the
// node could not be asked; the HTTP layer turns it into the node's text.
// Implementations must be safe for concurrent use.
type Backend interface {
	// Legacy answers a legacy JSON RPC request body (encoding 1).
	Legacy(ctx context.Context, body []byte) ([]byte, error)
	// V2JSON answers an Envelope given as JSON text (encoding 4).
	V2JSON(ctx context.Context, envelope []byte) ([]byte, error)
}

// The texts nano_rpc answers with when the node cannot be asked (spec §5.2).
const (
	TextConnectionFailed = "Connection to node has failed"
	TextUnreachable      = "There is a problem connecting to the node. Make sure ipc->tcp is enabled in the node config, ipc ports match and ipc_address is the ip where the node is located"
)

// NodeError reports that the node could not be asked or did not answer.
// Text is what the client is told (one of the Text* constants).
type NodeError struct {
	Text string
	Err  error
	// Hint, if set, is what a person reads instead of Text (logs, the
	// gateway's start): it names the config key that says where the node
	// is. The client still gets Text.
	Hint string
}

func (e *NodeError) Error() string {
	if e.Hint != "" {
		cause := e.Err
		if ue, ok := errors.AsType[*client.UnreachableError](e.Err); ok && ue.Err != nil {
			cause = ue.Err // its own hint is for CLI users (nipc node, NIPC_IPC_*)
		}
		return "gateway: " + e.Hint + " (" + cause.Error() + ")"
	}
	return "gateway: " + e.Text + ": " + e.Err.Error()
}
func (e *NodeError) Unwrap() error { return e.Err }

// appender is implemented by backends that can append their replies to a
// caller's buffer and take a legacy request already parsed: the in-process
// one, so that the HTTP layer, which parses a legacy body to apply its own
// rules, does not have it parsed twice, and replies go into pooled buffers.
type appender interface {
	appendLegacy(ctx context.Context, params *ptree.Tree, dst []byte) []byte
	appendV2JSON(ctx context.Context, envelope, dst []byte) []byte
}

// namedV2 is implemented by backends that can use the message name of
// /api/v2/<name> (the IPC one, to tell subscriptions apart without parsing
// the envelope it was given).
type namedV2 interface {
	v2Named(ctx context.Context, name string, envelope []byte) ([]byte, error)
}

// controlEnforcer is implemented by backends that refuse control actions
// themselves when enable_control is off, so the HTTP layer need not.
type controlEnforcer interface{ enforcesControl() bool }

// InProcess is the Backend of a gateway running inside the node: it calls
// the node's dispatchers directly, with a peer.Peer of transport "gateway"
// in the context (no persistent connection: a v2 subscription through it is
// refused by the topic handlers).
type InProcess struct {
	legacy *rpc.Legacy
	v2     *rpc.V2
}

// NewInProcess returns the in-process backend. legacy.EnableControl is the
// gateway's enable_control: Legacy refuses control actions itself.
func NewInProcess(legacy *rpc.Legacy, v2 *rpc.V2) *InProcess {
	return &InProcess{legacy: legacy, v2: v2}
}

var (
	_ Backend  = (*InProcess)(nil)
	_ appender = (*InProcess)(nil)
)

func (b *InProcess) enforcesControl() bool { return true }

func withPeer(ctx context.Context) context.Context {
	if peer.From(ctx) != nil {
		return ctx
	}
	return peer.With(ctx, &peer.Peer{Transport: peer.Gateway})
}

// Legacy implements Backend; an action's After hook (stop) runs once the
// reply is rendered.
func (b *InProcess) Legacy(ctx context.Context, body []byte) ([]byte, error) {
	return b.legacy.Handle(withPeer(ctx), ipc.EncodingJSON, body, nil), nil
}

// V2JSON implements Backend.
func (b *InProcess) V2JSON(ctx context.Context, envelope []byte) ([]byte, error) {
	return b.v2.HandleJSON(withPeer(ctx), envelope, nil), nil
}

func (b *InProcess) appendLegacy(ctx context.Context, params *ptree.Tree, dst []byte) []byte {
	return b.legacy.HandleParsed(withPeer(ctx), ipc.EncodingJSON, params, dst)
}

func (b *InProcess) appendV2JSON(ctx context.Context, envelope, dst []byte) []byte {
	return b.v2.HandleJSON(withPeer(ctx), envelope, dst)
}

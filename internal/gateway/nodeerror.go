package gateway

import (
	"errors"

	"github.com/nipc/nipc/client"
)

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

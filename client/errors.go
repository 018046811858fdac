package client

import (
	"errors"
	"fmt"
)

// ErrClosed is returned by calls on a closed Client.
var ErrClosed = errors.New("client: closed")

// UnreachableError reports that no connection to the daemon could be made.
type UnreachableError struct {
	Network, Address string
	Err              error
}

func (e *UnreachableError) Error() string {
	hint := "is nipc running? start it with 'nipc node'"
	if e.Network == "unix" {
		hint += ", or point " + EnvIPCPath + " at its socket"
	} else {
		hint += ", or set " + EnvIPCAddr + "/" + EnvIPCPort
	}
	return fmt.Sprintf("client: cannot reach the node at %s:%s: %v (%s)", e.Network, e.Address, e.Err, hint)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// ProtocolError reports a reply that breaks the framing, or a connection that
// the daemon closed without answering.
type ProtocolError struct{ Err error }

func (e *ProtocolError) Error() string { return "client: protocol error: " + e.Err.Error() }
func (e *ProtocolError) Unwrap() error { return e.Err }

// ServerError is a legacy action's {"error": Text} reply.
type ServerError struct{ Text string }

func (e *ServerError) Error() string { return "node: " + e.Text }

package client

import (
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/nipc/nipc/ipc"
)

// ErrClosed is returned by calls on a closed Client.
var ErrClosed = errors.New("client: closed")

// UnreachableError reports that no connection to the daemon could be made.
type UnreachableError struct {
	Network, Address string
	Origin           string // the flag that gave the address (Config.Origin); "" is the environment
	Err              error
}

func (e *UnreachableError) Error() string {
	hint := "is nipc running? start it with 'nipc node'"
	switch {
	case e.Network == "unix" && e.Origin != "":
		hint += ", or point " + e.Origin + " at its socket"
	case e.Network == "unix":
		hint += ", or point " + EnvIPCPath + " at its socket"
	case e.Origin != "":
		hint += ", or check " + e.Origin
	default:
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

// HTTPServerError reports that the peer answered as an HTTP server: the
// address is an HTTP port (the node's RPC on 7076, a gateway), not an IPC
// port. It arrives wrapped in a *ProtocolError.
type HTTPServerError struct{ Network, Address string }

func (e *HTTPServerError) Error() string {
	return fmt.Sprintf("%s:%s is an HTTP server, not a node's IPC port: use the IPC port (%d by default), or an HTTP client for this address",
		e.Network, e.Address, DefaultPort)
}

// httpReply is the first four bytes of an HTTP/1.x reply ("HTTP") read as
// a frame length.
const httpReply = 'H'<<24 | 'T'<<16 | 'T'<<8 | 'P'

// frameError turns a frame read error into the error a caller sees: a
// declared length that spells "HTTP" is an *HTTPServerError; any other
// oversized or empty frame, or a stream that ends inside a frame, is a
// *ProtocolError. Other errors (I/O, deadlines) are returned as they are.
func frameError(err error, nc net.Conn) error {
	if h := httpServerError(err, nc); h != nil {
		return h
	}
	if _, ok := errors.AsType[*ipc.FrameTooLargeError](err); ok || errors.Is(err, ipc.ErrEmptyFrame) {
		return &ProtocolError{Err: err}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &ProtocolError{Err: fmt.Errorf("the node closed the connection without answering: %w", err)}
	}
	return err
}

// TimeoutError reports a call whose context's deadline passed before the
// node answered. It unwraps to the deadline error (context.DeadlineExceeded
// or os.ErrDeadlineExceeded, whichever fired first): IsTimeout is true.
type TimeoutError struct {
	Network, Address string
	After            time.Duration // how long the call waited
	Err              error
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("client: no answer within %v from %s:%s", e.After, e.Network, e.Address)
}

func (e *TimeoutError) Unwrap() error { return e.Err }

// timeoutError wraps a deadline error of a call that began at start; other
// errors are returned as they are.
func (c *Client) timeoutError(err error, start time.Time) error {
	if err == nil || !IsTimeout(err) {
		return err
	}
	if _, ok := errors.AsType[*TimeoutError](err); ok {
		return err
	}
	network, addr := c.cfg.Network()
	return &TimeoutError{Network: network, Address: addr, After: roundWait(time.Since(start)), Err: err}
}

// roundWait rounds a wait for a message: to 10 ms below a second, to
// 100 ms above.
func roundWait(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(100 * time.Millisecond)
}

// httpServerError returns the *ProtocolError holding an *HTTPServerError
// if err is a frame length that spells "HTTP", else nil.
func httpServerError(err error, nc net.Conn) error {
	if tooLarge, ok := errors.AsType[*ipc.FrameTooLargeError](err); !ok || tooLarge.Length != httpReply {
		return nil
	}
	a := nc.RemoteAddr()
	return &ProtocolError{Err: &HTTPServerError{Network: a.Network(), Address: a.String()}}
}

package listenerr

import (
	"errors"
	"fmt"
	"syscall"
)

// Error is a listener that could not bind its address. When the
// address is in use (Err is, or wraps, syscall.EADDRINUSE) the message
// names the key that moves it:
//
//	HTTP RPC: 127.0.0.1:7076: address already in use (another nipc or Nano node? change port in config-rpc.toml)
//
// errors.Is(err, syscall.EADDRINUSE) holds for it, so that a command can
// add what its own flags offer (--port-base).
type Error struct {
	What string // the listener: "ipc tcp", "HTTP RPC", "WebSocket", "metrics"
	Addr string // host:port, or the socket path
	Key  string // the key that sets it: "node.ipc.tcp.port", "port in config-rpc.toml"
	Err  error
}

func (e *Error) Error() string {
	if errors.Is(e.Err, syscall.EADDRINUSE) {
		return fmt.Sprintf("%s: %s: address already in use (another nipc or Nano node? change %s)", e.What, e.Addr, e.Key)
	}
	return fmt.Sprintf("%s: listen on %s: %v", e.What, e.Addr, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

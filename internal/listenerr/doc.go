// Package listenerr is the error of a daemon's listener that could not bind
// its address (the IPC TCP port, the HTTP RPC and WebSocket ports, the
// metrics port): one message for all of them, which names the key that
// moves the address when it is in use. It imports nothing of nipc, so that
// the IPC server, which knows no configuration package, can use it.
package listenerr

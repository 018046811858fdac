package config

import "fmt"

// listener is one TCP port a process binds, with the key that sets it.
type listener struct {
	key  string
	addr string
	port int
}

// PortClash reports two listeners of one process that would bind the same
// TCP port on overlapping addresses (equal, or one a wildcard): such a
// process can never start, and the second bind would fail with "address
// already in use" as if another node held the port. A node binds the IPC
// TCP transport, the in-process gateway's HTTP port (rpc.enable), the
// WebSocket and metrics; a separate gateway (gateway true) the HTTP port,
// the WebSocket and metrics.
func PortClash(nc Node, rc RPC, gateway bool) error {
	n := nc.Node
	var ls []listener
	if !gateway && n.IPC.TCP.Enable {
		ls = append(ls, listener{"node.ipc.tcp.port", n.IPC.TCP.Address, n.IPC.TCP.Port})
	}
	if gateway || nc.RPC.Enable {
		ls = append(ls, listener{"port (config-rpc.toml)", rc.Address, rc.Port})
	}
	if n.WebSocket.Enable {
		ls = append(ls, listener{"node.websocket.port", n.WebSocket.Address, n.WebSocket.Port})
	}
	if n.Metrics.Enable {
		ls = append(ls, listener{"node.metrics.port", n.Metrics.Address, n.Metrics.Port})
	}
	for i, a := range ls {
		for _, b := range ls[:i] {
			if a.port == b.port && overlap(a.addr, b.addr) {
				return &Error{Key: a.key, Msg: fmt.Sprintf("%s and %s are both %d: each listener needs a port of its own", b.key, a.key, a.port)}
			}
		}
	}
	return nil
}

// overlap: two bind addresses that cannot both hold one port.
func overlap(a, b string) bool {
	wild := func(s string) bool { return s == "" || s == "0.0.0.0" || s == "::" || s == "[::]" }
	return a == b || wild(a) || wild(b)
}

package config

import (
	"strings"
	"testing"
)

func TestPortClash(t *testing.T) {
	for _, tc := range []struct {
		name    string
		edit    func(*Node, *RPC)
		gateway bool
		want    string // "" for no error
	}{
		{"defaults", func(*Node, *RPC) {}, false, ""},
		{"defaults, gateway", func(*Node, *RPC) {}, true, ""},
		{"ipc on the websocket port", func(n *Node, _ *RPC) { n.Node.IPC.TCP.Port = 7078 },
			false, "node.ipc.tcp.port and node.websocket.port are both 7078: each listener needs a port of its own"},
		{"websocket off", func(n *Node, _ *RPC) { n.Node.IPC.TCP.Port, n.Node.WebSocket.Enable = 7078, false }, false, ""},
		{"other addresses", func(n *Node, _ *RPC) { n.Node.IPC.TCP.Port, n.Node.IPC.TCP.Address = 7078, "127.0.0.2" }, false, ""},
		{"wildcard overlaps", func(n *Node, _ *RPC) {
			n.Node.IPC.TCP.Port, n.Node.IPC.TCP.Address = 7078, "127.0.0.2"
			n.Node.WebSocket.Address = "0.0.0.0"
		}, false, "node.ipc.tcp.port and node.websocket.port are both 7078"},
		{"http on the ipc port", func(_ *Node, r *RPC) { r.Port = 7077 },
			false, "node.ipc.tcp.port and port (config-rpc.toml) are both 7077"},
		{"http on the ipc port, gateway", func(_ *Node, r *RPC) { r.Port = 7077 }, true, ""},
		{"http on the ipc port, rpc off", func(n *Node, r *RPC) { r.Port, n.RPC.Enable = 7077, false }, false, ""},
		{"metrics on the http port", func(n *Node, _ *RPC) { n.Node.Metrics.Enable, n.Node.Metrics.Port = true, 7076 },
			true, "port (config-rpc.toml) and node.metrics.port are both 7076"},
		{"metrics off", func(n *Node, _ *RPC) { n.Node.Metrics.Port = 7076 }, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, r := DefaultNode(), DefaultRPC()
			tc.edit(&n, &r)
			err := PortClash(n, r, tc.gateway)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("PortClash = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("PortClash = %v, want %q", err, tc.want)
			}
		})
	}
}

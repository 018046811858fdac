package config

import (
	"slices"
	"strings"
	"testing"
)

func TestNodeOverrides(t *testing.T) {
	tests := []struct {
		name      string
		file      string // config-node.toml; "" for none
		overrides []string
		check     func(n Node) bool
		wantErr   string // "<path>" stands for the file's path
	}{
		{
			name:      "integer",
			overrides: []string{"node.ipc.tcp.port=7078"},
			check:     func(n Node) bool { return n.Node.IPC.TCP.Port == 7078 },
		},
		{
			name:      "spaces around the equals sign",
			overrides: []string{" node.ipc.tcp.port = 7078 "},
			check:     func(n Node) bool { return n.Node.IPC.TCP.Port == 7078 },
		},
		{
			name:      "boolean",
			overrides: []string{"node.ipc.tcp.enable=false"},
			check:     func(n Node) bool { return !n.Node.IPC.TCP.Enable },
		},
		{
			name:      "quoted string",
			overrides: []string{`node.ipc.local.path="/tmp/x"`},
			check:     func(n Node) bool { return n.Node.IPC.Local.Path == "/tmp/x" },
		},
		{
			name:      "string without quotes",
			overrides: []string{"node.ipc.local.path=/tmp/x y"},
			check:     func(n Node) bool { return n.Node.IPC.Local.Path == "/tmp/x y" },
		},
		{
			name:      "address without quotes",
			overrides: []string{"node.ipc.tcp.address=::1", "node.websocket.address=10.0.0.1"},
			check: func(n Node) bool {
				return n.Node.IPC.TCP.Address == "::1" && n.Node.Ledger.WorkThreshold == "fe00000000000000" && n.Node.WebSocket.Address == "10.0.0.1"
			},
		},
		{
			name:      "number for a string key",
			overrides: []string{"node.ledger.work_threshold=1000000000000000", "node.ipc.local.socket_mode=0640"},
			check: func(n Node) bool {
				return n.Node.Ledger.WorkThreshold == "1000000000000000" && n.Node.IPC.Local.SocketMode == "0640"
			},
		},
		{
			name:      "string with quotes and backslashes",
			overrides: []string{`node.ipc.local.path=/tmp/a"b\c`},
			check:     func(n Node) bool { return n.Node.IPC.Local.Path == `/tmp/a"b\c` },
		},
		{
			name:      "empty value is an empty string",
			overrides: []string{"rpc.child_process.rpc_path="},
			check:     func(n Node) bool { return n.RPC.ChildProcess.RPCPath == "" },
		},
		{
			name:      "inline table",
			overrides: []string{"node.ipc.tcp={port = 9000, allow_unsafe = true}"},
			check: func(n Node) bool {
				tcp := n.Node.IPC.TCP
				return tcp.Port == 9000 && tcp.AllowUnsafe && tcp.Enable && tcp.Address == "127.0.0.1"
			},
		},
		{
			name:      "override beats file",
			file:      "[node.ipc.tcp]\nport = 9000\nenable = false\n",
			overrides: []string{"node.ipc.tcp.port=9001"},
			check: func(n Node) bool {
				return n.Node.IPC.TCP.Port == 9001 && !n.Node.IPC.TCP.Enable
			},
		},
		{
			name:      "last override wins",
			overrides: []string{"node.ipc.tcp.port=9001", "node.ipc.tcp.port=9002"},
			check:     func(n Node) bool { return n.Node.IPC.TCP.Port == 9002 },
		},
		{
			name:      "override repairs an invalid file value",
			file:      "[node.ipc.tcp]\nport = 0\n",
			overrides: []string{"node.ipc.tcp.port=7077"},
			check:     func(n Node) bool { return n.Node.IPC.TCP.Port == 7077 },
		},
		{
			name:      "unknown key",
			overrides: []string{"node.ipc.tcp.prot=1"},
			wantErr:   "--config node.ipc.tcp.prot=1: unknown key node.ipc.tcp.prot (did you mean node.ipc.tcp.port?)",
		},
		{
			name:      "unknown table",
			overrides: []string{"node.ipcc.tcp.port=1"},
			wantErr:   "--config node.ipcc.tcp.port=1: unknown key node.ipcc.tcp.port (did you mean node.ipc.tcp.port?)",
		},
		{
			name:      "bad type",
			overrides: []string{"node.ipc.tcp.port=abc"},
			wantErr:   "--config node.ipc.tcp.port=abc: node.ipc.tcp.port: expected an integer, got a string",
		},
		{
			name:      "float for an integer",
			overrides: []string{"node.ipc.tcp.port=1.5"},
			wantErr:   "--config node.ipc.tcp.port=1.5: node.ipc.tcp.port: expected an integer, got a float",
		},
		{
			name:      "word for a boolean",
			overrides: []string{"node.ipc.tcp.enable=yes"},
			wantErr:   "--config node.ipc.tcp.enable=yes: node.ipc.tcp.enable: expected a boolean, got a string",
		},
		{
			name:      "value for a table",
			overrides: []string{"node.ipc.tcp=1"},
			wantErr:   "--config node.ipc.tcp=1: node.ipc.tcp: expected a table, got an integer",
		},
		{
			name:      "no equals sign",
			overrides: []string{"node.ipc.tcp.port"},
			wantErr:   "--config node.ipc.tcp.port: expected key=value, e.g. node.ipc.tcp.port=7078",
		},
		{
			name:      "bad key",
			overrides: []string{"node..port=1"},
			wantErr:   `--config node..port=1: "node..port" is not a dotted key such as node.ipc.tcp.port`,
		},
		{
			name:      "invalid value from an override",
			overrides: []string{"node.ipc.tcp.port=70000"},
			wantErr:   "--config node.ipc.tcp.port=70000: node.ipc.tcp.port: 70000 is out of range 1..65535",
		},
		{
			name:      "invalid value from an inline table override",
			overrides: []string{"node.ipc.tcp={port = 0}"},
			wantErr:   "--config node.ipc.tcp={port = 0}: node.ipc.tcp.port: 0 is out of range 1..65535",
		},
		{
			name:      "a bad file value is still placed in the file",
			file:      "[node.ipc.tcp]\nport = 0\n",
			overrides: []string{"node.ipc.tcp={enable = false}"},
			wantErr:   "<path>:2:8: node.ipc.tcp.port: 0 is out of range 1..65535",
		},
		{
			name:      "validation after all overrides",
			file:      "[node.ipc.access_check]\nfile = \"secret\"\n",
			overrides: []string{"node.ipc.access_check.enable=true", "node.ipc.access_check.file="},
			wantErr:   "--config node.ipc.access_check.file=: node.ipc.access_check.file: must name the secret file when node.ipc.access_check.enable is true",
		},
		{
			name:      "file error stops before the overrides",
			file:      "[node.ipc.tcp]\nprot = 1\n",
			overrides: []string{"node.ipc.tcp.port=abc"},
			wantErr:   "<path>:2:1: unknown key node.ipc.tcp.prot (did you mean node.ipc.tcp.port?)",
		},
		{
			name:      "every bad override is reported",
			overrides: []string{"a=1", "node.ipc.tcp.port=x"},
			wantErr:   "--config a=1: unknown key a\n--config node.ipc.tcp.port=x: node.ipc.tcp.port: expected an integer, got a string",
		},
		{
			name:      "array",
			overrides: []string{`node.websocket.allowed_origins=["app.example", "[::1]:*"]`},
			check: func(n Node) bool {
				return slices.Equal(n.Node.WebSocket.AllowedOrigins, []string{"app.example", "[::1]:*"})
			},
		},
		{
			name:      "empty array",
			overrides: []string{"node.websocket.allowed_origins=[]"},
			check: func(n Node) bool {
				return n.Node.WebSocket.AllowedOrigins != nil && len(n.Node.WebSocket.AllowedOrigins) == 0
			},
		},
		{
			name:      "one value for an array is a one-element array",
			overrides: []string{"node.websocket.allowed_origins=*.example.com:8443"},
			check: func(n Node) bool {
				return slices.Equal(n.Node.WebSocket.AllowedOrigins, []string{"*.example.com:8443"})
			},
		},
		{
			name:      "one quoted value for an array",
			overrides: []string{`node.websocket.allowed_origins="app.example"`},
			check: func(n Node) bool {
				return slices.Equal(n.Node.WebSocket.AllowedOrigins, []string{"app.example"})
			},
		},
		{
			name:      "a bad origin names the override",
			overrides: []string{"node.websocket.allowed_origins=https://app.example/x"},
			wantErr:   `--config node.websocket.allowed_origins=https://app.example/x: node.websocket.allowed_origins: "https://app.example/x" has a path: an origin is host[:port] (or scheme://host[:port]), e.g. "app.example.com"`,
		},
		{
			name:      "a table is no array",
			overrides: []string{"node.websocket.allowed_origins={a = 1}"},
			wantErr:   "--config node.websocket.allowed_origins={a = 1}: node.websocket.allowed_origins: expected an array of strings, got an inline table",
		},
		{
			name:      "a newline makes the value a string",
			overrides: []string{"node.ipc.local.path=1\nnode.ipc.tcp.port = 2"},
			check: func(n Node) bool {
				return n.Node.IPC.Local.Path == "1\nnode.ipc.tcp.port = 2" && n.Node.IPC.TCP.Port == 7077
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, path := writeFile(t, "unused", "")
			if tt.file != "" {
				dir, path = writeFile(t, NodeFile, tt.file)
			}
			n, err := LoadNode(dir, tt.overrides)
			if tt.wantErr != "" {
				if got, want := errText(err), strings.ReplaceAll(tt.wantErr, "<path>", path); got != want {
					t.Errorf("error:\n got %q\nwant %q", got, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(n) {
				t.Errorf("LoadNode(%q) = %+v", tt.overrides, n)
			}
		})
	}
}

func TestRPCOverrides(t *testing.T) {
	dir, _ := writeFile(t, RPCFile, "port = 8000\n")
	r, err := LoadRPC(dir, []string{"address=::1", "process.ipc_path=/tmp/nano", "enable_control=true"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Port != 8000 || r.Address != "::1" || r.Process.IPCPath != "/tmp/nano" || !r.EnableControl {
		t.Errorf("LoadRPC = %+v", r)
	}
	_, err = LoadRPC(dir, []string{"secure.enable=true"})
	want := "--config secure.enable=true: unknown key secure.enable: nipc reads TLS settings from [tls] (enable_https, server_cert_path, server_key_path, client_certs_path)"
	if got := errText(err); got != want {
		t.Errorf("error:\n got %q\nwant %q", got, want)
	}
}

func TestQuote(t *testing.T) {
	for _, s := range []string{"", "plain", `a"b`, `c:\dir`, "tab\there", "nl\nx", "bell\a", "del\x7f", "é ✓", "\u2028"} {
		doc := "v = " + quote(s) + "\n"
		var m map[string]string
		if err := decodeStrict([]byte(doc), &m); err != nil || m["v"] != s {
			t.Errorf("quote(%q) = %s: decoded %q, %v", s, quote(s), m["v"], err)
		}
	}
}

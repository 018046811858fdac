package config

import (
	"strings"
	"testing"
)

// TestRPCLimitsValidation: the gateway's body, idle and connection limits
// and its allowed_hosts and allowed_origins are checked on load, each
// error with its line and column.
func TestRPCLimitsValidation(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"body_timeout 0", "body_timeout = 0\n", "1:16: body_timeout: 0 is out of range 1..2147483647 (seconds)"},
		{"body_timeout_per_mib negative", "body_timeout_per_mib = -1\n", "1:24: body_timeout_per_mib: -1 is out of range 0..2147483647 (seconds)"},
		{"idle_timeout 0", "idle_timeout = 0\n", "1:16: idle_timeout: 0 is out of range 1..2147483647 (seconds)"},
		{"max_connections negative", "max_connections = -1\n", "1:19: max_connections: -1 is out of range 0..2147483647"},
		{"host with a port", "allowed_hosts = [\"node.example:7076\"]\n", `1:1: allowed_hosts: "node.example:7076" has a port: give the host name alone (any port is served)`},
		{"host as a URL", "allowed_hosts = [\"http://node.example\"]\n", `1:1: allowed_hosts: "http://node.example" is a URL: give the host name alone, e.g. "node.example.com"`},
		{"host in brackets", "allowed_hosts = [\"[fd00::1]\"]\n", `1:1: allowed_hosts: "[fd00::1]" contains a bracket or a backslash: write an IPv6 address without brackets, e.g. "fd00::1"`},
		{"empty host", "allowed_hosts = [\"\"]\n", "1:1: allowed_hosts: an empty pattern matches no host; remove it"},
		{"hosts in one string", "allowed_hosts = [\"a.example,b.example\"]\n", `1:1: allowed_hosts: "a.example,b.example" contains a comma: give each name as its own string, e.g. ["a.example", "b.example"]`},
		{"origin with a path", "allowed_origins = [\"https://app.example/\"]\n", `1:1: allowed_origins: "https://app.example/" has a path: an origin is host[:port] (or scheme://host[:port]), e.g. "app.example.com"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, path := writeFile(t, RPCFile, tt.text)
			_, err := LoadRPC(dir, nil)
			if got, want := errText(err), path+":"+tt.want; got != want {
				t.Errorf("error:\n got %q\nwant %q", got, want)
			}
		})
	}
}

// TestRPCLimitsAccepted: what the keys' documentation shows loads.
func TestRPCLimitsAccepted(t *testing.T) {
	const text = `
body_timeout = 1
body_timeout_per_mib = 0
max_connections = 0
allowed_hosts = ["node.example.com", "*.lan", "fd00::1", "192.168.1.20"]
allowed_origins = ["app.example.com", "https://*.example.org:8443"]
`
	dir, _ := writeFile(t, RPCFile, text)
	r, err := LoadRPC(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(r.AllowedHosts, " "); got != "node.example.com *.lan fd00::1 192.168.1.20" {
		t.Errorf("allowed_hosts = %q", got)
	}
	if r.MaxConnections != 0 || r.BodyTimeout != 1 || r.BodyTimeoutPerMiB != 0 {
		t.Errorf("decoded %+v", r)
	}
}

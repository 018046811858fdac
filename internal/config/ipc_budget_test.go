package config

import (
	"strings"
	"testing"
)

// node.ipc.max_request_bytes_in_flight and the default connection cap: the
// budget's range, that the largest frame fits in it, and where an error
// points (the key; the [node.ipc] header when the key is not in the file;
// the override that set it).
func TestIPCMemoryBounds(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		overrides []string
		want      string // the error, <path> standing for the file; "" for none
		budget    int64
		conns     int
	}{
		{"defaults", "", nil, "", 256 << 20, 16384},
		{"budget set", "[node.ipc]\nmax_request_bytes_in_flight = 67108864\n", nil, "", 64 << 20, 16384},
		{"budget equal to the frame size", "[node.ipc]\nmax_frame_size = 1048576\nmax_request_bytes_in_flight = 1048576\n", nil, "", 1 << 20, 16384},
		{"unlimited connections still allowed", "[node.ipc]\nmax_connections = 0\n", nil, "", 256 << 20, 0},
		{"budget too small", "[node.ipc]\nmax_frame_size = 1024\nmax_request_bytes_in_flight = 1023\n", nil,
			"<path>:3:31: node.ipc.max_request_bytes_in_flight: 1023 is out of range 1024..1099511627776\n" +
				"<path>:3:31: node.ipc.max_request_bytes_in_flight: 1023 is less than node.ipc.max_frame_size (1024): the largest frame must fit in the budget; raise this or lower max_frame_size", 0, 0},
		{"budget too large", "[node.ipc]\nmax_request_bytes_in_flight = 1099511627777\n", nil,
			"<path>:2:31: node.ipc.max_request_bytes_in_flight: 1099511627777 is out of range 1024..1099511627776", 0, 0},
		{"budget below the default frame size", "[node.ipc]\nmax_request_bytes_in_flight = 16777216\n", nil,
			"<path>:2:31: node.ipc.max_request_bytes_in_flight: 16777216 is less than node.ipc.max_frame_size (33554432): the largest frame must fit in the budget; raise this or lower max_frame_size", 0, 0},
		{"frame size above the default budget", "[node.ipc]\nmax_frame_size = 536870912\n", nil,
			"<path>:1:2: node.ipc.max_request_bytes_in_flight: 268435456 is less than node.ipc.max_frame_size (536870912): the largest frame must fit in the budget; raise this or lower max_frame_size", 0, 0},
		{"override", "", []string{"node.ipc.max_request_bytes_in_flight=1024"},
			"--config node.ipc.max_request_bytes_in_flight=1024: node.ipc.max_request_bytes_in_flight: 1024 is less than node.ipc.max_frame_size (33554432): the largest frame must fit in the budget; raise this or lower max_frame_size", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, path := writeFile(t, NodeFile, tt.text)
			n, err := LoadNode(dir, tt.overrides)
			if tt.want != "" {
				want := strings.ReplaceAll(tt.want, "<path>", path)
				if got := errText(err); got != want {
					t.Fatalf("error:\n got %q\nwant %q", got, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := n.Node.IPC.MaxRequestBytesInFlight; got != tt.budget {
				t.Errorf("max_request_bytes_in_flight = %d, want %d", got, tt.budget)
			}
			if got := n.Node.IPC.MaxConnections; got != tt.conns {
				t.Errorf("max_connections = %d, want %d", got, tt.conns)
			}
		})
	}
}

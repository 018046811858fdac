package config

import (
	"reflect"
	"strings"
	"testing"
)

// The strict decoder: unknown keys, wrong types and syntax errors, each
// reported as file:line:column: problem.
func TestNodeDecodeErrors(t *testing.T) {
	tests := []struct {
		name, text, want string // want without the "<path>:" prefix
	}{
		{
			name: "unknown key",
			text: "[node.ipc.tcp]\nenable = true\n\nprot = 7078\n",
			want: "4:1: unknown key node.ipc.tcp.prot (did you mean node.ipc.tcp.port?)",
		},
		{
			name: "unknown key without a close match",
			text: "[node.ipc.tcp]\nbananas = 1\n",
			want: "2:1: unknown key node.ipc.tcp.bananas",
		},
		{
			name: "unknown table",
			text: "[node.ipc.tpc]\n",
			want: "1:2: unknown table [node.ipc.tpc] (did you mean node.ipc.tcp?)",
		},
		{
			name: "unknown top-level table",
			text: "[gpux_unknown]\nenable = false\n",
			want: "1:2: unknown table [gpux_unknown]",
		},
		{
			name: "unknown dotted key",
			text: "node.ipc.local.pth = \"/tmp/x\"\n",
			want: "1:1: unknown key node.ipc.local.pth (did you mean node.ipc.local.path?)",
		},
		{
			name: "two unknown keys",
			text: "[node.ipc.tcp]\nprot = 1\n[node.ipc.local]\nenabled = true\n",
			want: "2:1: unknown key node.ipc.tcp.prot (did you mean node.ipc.tcp.port?)\n<path>:4:1: unknown key node.ipc.local.enabled (did you mean node.ipc.local.enable?)",
		},
		{
			name: "string for an integer",
			text: "[node.ipc.tcp]\nenable = true\nport = \"7077\"\n",
			want: "3:8: node.ipc.tcp.port: expected an integer, got a string",
		},
		{
			name: "float for an integer",
			text: "[node.ipc.tcp]\nport = 7077.5\n",
			want: "2:8: node.ipc.tcp.port: expected an integer, got a float",
		},
		{
			name: "string for an array",
			text: "[node.websocket]\nallowed_origins = \"app.example\"\n",
			want: "2:19: node.websocket.allowed_origins: expected an array of strings, got a string",
		},
		{
			name: "integer in an array of strings",
			text: "[node.websocket]\nallowed_origins = [\"app.example\", 8080]\n",
			want: "2:35: node.websocket.allowed_origins: expected an array of strings, got an integer",
		},
		{
			name: "string for seconds",
			text: "[node.ipc.local]\nio_timeout = \"15s\"\n",
			want: "2:14: node.ipc.local.io_timeout: expected an integer (seconds), got a string",
		},
		{
			name: "integer for a boolean",
			text: "[node.ipc.tcp]\nenable = 1\n",
			want: "2:10: node.ipc.tcp.enable: expected a boolean, got an integer",
		},
		{
			name: "integer for a string",
			text: "[node.ipc.local]\nsocket_mode = 0o600\n",
			want: "2:15: node.ipc.local.socket_mode: expected a string, got an integer",
		},
		{
			name: "array for a string",
			text: "[node.logging]\nlevel = [\"info\"]\n",
			want: "2:9: node.logging.level: expected a string, got an array",
		},
		{
			name: "value for a table",
			text: "[node.ipc]\ntcp = 7077\n",
			want: "2:7: node.ipc.tcp: expected a table, got an integer",
		},
		{
			name: "array of tables",
			text: "[[node.ipc.tcp]]\n",
			want: "1:3: node.ipc.tcp: cannot store an array table in a struct",
		},
		{
			name: "integer too large",
			text: "[node.ipc.tcp]\nport = 99999999999999999999\n",
			want: "2:8: node.ipc.tcp.port: decimal number is too large to fit in a 64-bit signed integer",
		},
		{
			name: "unclosed table header",
			text: "[node.ipc.tcp\nport = 7077\n",
			want: "1:14: expected ']' to close table name",
		},
		{
			name: "duplicate key",
			text: "[node.ipc.tcp]\nport = 1\nport = 2\n",
			want: "3:1: key port is already defined",
		},
		{
			name: "unterminated string",
			text: "[node.ipc.local]\npath = \"/tmp/nano\n",
			want: "2:18: basic strings cannot have new lines",
		},
		{
			name: "missing value",
			text: "[node.ipc.tcp]\nport =\n",
			want: "2:7: unexpected character U+000A at start of value",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, path := writeFile(t, NodeFile, tt.text)
			n, err := LoadNode(dir, nil)
			want := path + ":" + strings.ReplaceAll(tt.want, "<path>", path)
			if got := errText(err); got != want {
				t.Errorf("error:\n got %q\nwant %q", got, want)
			}
			if !reflect.DeepEqual(n, Node{}) {
				t.Errorf("a failed load returned %+v, want the zero Node", n)
			}
		})
	}
}

func TestRPCDecodeErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{
			name: "unknown key",
			text: "address = \"127.0.0.1\"\nenable_contrl = true\n",
			want: "2:1: unknown key enable_contrl (did you mean enable_control?)",
		},
		{
			name: "key in [secure]",
			text: "[secure]\nenable = true\n",
			want: "2:1: unknown key secure.enable: nipc reads TLS settings from [tls] (enable_https, server_cert_path, server_key_path, client_certs_path)",
		},
		{
			name: "key in [version]",
			text: "[version]\nnumber = 1\n",
			want: "2:10: version.number: unknown key: [version] is accepted only when empty",
		},
		{
			name: "version array",
			text: "version = [1]\n",
			want: "1:1: version: expected an integer or an empty [version] table, got an array",
		},
		{
			name: "wrong type in [process]",
			text: "[process]\nipc_port = \"7077\"\n",
			want: "2:12: process.ipc_port: expected an integer, got a string",
		},
		{
			name: "the embedded struct's name is not a key",
			text: "[RPC]\naddress = \"::1\"\n",
			want: "1:2: unknown table [RPC]",
		},
		{
			name: "websocket belongs to the node file",
			text: "[websocket]\nport = 7078\n",
			want: "1:2: unknown table [websocket]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, path := writeFile(t, RPCFile, tt.text)
			r, err := LoadRPC(dir, nil)
			want := path + ":" + tt.want
			if got := errText(err); got != want {
				t.Errorf("error:\n got %q\nwant %q", got, want)
			}
			if !reflect.DeepEqual(r, RPC{}) {
				t.Errorf("a failed load returned %+v, want the zero RPC", r)
			}
		})
	}
}

// Values Validate rejects, placed at the key's position in the file.
func TestNodeValidationErrors(t *testing.T) {
	long := "/tmp/" + strings.Repeat("s", 103)
	tests := []struct {
		name, text, want string
	}{
		{"port 0", "[node.ipc.tcp]\nport = 0\n", "2:8: node.ipc.tcp.port: 0 is out of range 1..65535"},
		{"port 70000", "[node.ipc.tcp]\nport = 70000\n", "2:8: node.ipc.tcp.port: 70000 is out of range 1..65535"},
		{"websocket port", "node.websocket.port = 65536\n", "1:23: node.websocket.port: 65536 is out of range 1..65535"},
		{"metrics port", "[node.metrics]\nport = 0\n", "2:8: node.metrics.port: 0 is out of range 1..65535"},
		{"io_timeout negative", "[node.ipc.tcp]\nio_timeout = -1\n", "2:14: node.ipc.tcp.io_timeout: -1 is out of range 1..2147483647 (seconds)"},
		{"io_timeout zero", "[node.ipc.local]\nio_timeout = 0\n", "2:14: node.ipc.local.io_timeout: 0 is out of range 1..2147483647 (seconds)"},
		{"idle_timeout negative", "[node.ipc]\nidle_timeout = -5\n", "2:16: node.ipc.idle_timeout: -5 is out of range 0..2147483647 (seconds)"},
		{"max_frame_size small", "[node.ipc]\nmax_frame_size = 1023\n", "2:18: node.ipc.max_frame_size: 1023 is out of range 1024..2147483648"},
		{"max_frame_size large", "[node.ipc]\nmax_frame_size = 2147483649\n", "2:18: node.ipc.max_frame_size: 2147483649 is out of range 1024..2147483648"},
		{"max_connections negative", "[node.ipc]\nmax_connections = -1\n", "2:19: node.ipc.max_connections: -1 is out of range 0..2147483647"},
		{"io_threads", "[node.ipc.tcp]\nio_threads = -2\n", "2:14: node.ipc.tcp.io_threads: -2 is out of range -1..2147483647"},
		{"access check without file", "[node.ipc.access_check]\nenable = true\n", "1:2: node.ipc.access_check.file: must name the secret file when node.ipc.access_check.enable is true"},
		{"access check with empty file", "[node.ipc.access_check]\nenable = true\nfile = \"\"\n", "3:8: node.ipc.access_check.file: must name the secret file when node.ipc.access_check.enable is true"},
		{"socket_mode not octal", "[node.ipc.local]\nsocket_mode = \"0800\"\n", "2:15: node.ipc.local.socket_mode: \"0800\" is not an octal file mode such as \"0600\""},
		{"socket_mode too long", "[node.ipc.local]\nsocket_mode = \"01777\"\n", "2:15: node.ipc.local.socket_mode: \"01777\" is not an octal file mode such as \"0600\""},
		{"socket_mode symbolic", "[node.ipc.local]\nsocket_mode = \"rw-------\"\n", "2:15: node.ipc.local.socket_mode: \"rw-------\" is not an octal file mode such as \"0600\""},
		{"socket path empty", "[node.ipc.local]\npath = \"\"\n", "2:8: node.ipc.local.path: must not be empty"},
		{"socket path too long", "[node.ipc.local]\npath = \"" + long + "\"\n", "2:8: node.ipc.local.path: \"" + long + "\" is 108 bytes, longer than the 107 bytes a Unix socket path may have"},
		{"address empty", "[node.ipc.tcp]\naddress = \"\"\n", "2:11: node.ipc.tcp.address: must not be empty (use 127.0.0.1 for this host only)"},
		{"address bracketed", "[node.ipc.tcp]\naddress = \"[::1]\"\n", "2:11: node.ipc.tcp.address: \"[::1]\": write an IPv6 address without brackets, e.g. \"::1\""},
		{"address bad", "[node.websocket]\naddress = \"999.0.0.1\"\n", "2:11: node.websocket.address: \"999.0.0.1\" is neither an IP address nor a host name"},
		{"address with port", "[node.ipc.tcp]\naddress = \"127.0.0.1:7077\"\n", "2:11: node.ipc.tcp.address: \"127.0.0.1:7077\" is neither an IP address nor a host name"},
		{"work threshold", "[node.ledger]\nwork_threshold = \"0xfe\"\n", "2:18: node.ledger.work_threshold: \"0xfe\" is not a 64-bit hex number such as \"fe00000000000000\""},
		{"work threshold too long", "[node.ledger]\nwork_threshold = \"fe000000000000000\"\n", "2:18: node.ledger.work_threshold: \"fe000000000000000\" is not a 64-bit hex number such as \"fe00000000000000\""},
		{"log level", "[node.logging]\nlevel = \"verbose\"\n", "2:9: node.logging.level: \"verbose\" is not one of debug, info, warn, error"},
		{"log format", "[node.logging]\nformat = \"logfmt\"\n", "2:10: node.logging.format: \"logfmt\" is not one of text, json"},
		{"inline table", "[node.ipc]\ntcp = { port = 0 }\n", "2:16: node.ipc.tcp.port: 0 is out of range 1..65535"},
		{"origin with a path", "[node.websocket]\nallowed_origins = [\"localhost\", \"https://app.example.com/\"]\n", "2:1: node.websocket.allowed_origins: \"https://app.example.com/\" has a path: an origin is host[:port] (or scheme://host[:port]), e.g. \"app.example.com\""},
		{"origins as one string", "node.websocket.allowed_origins = [\"a.example, b.example\"]\n", "1:1: node.websocket.allowed_origins: \"a.example, b.example\" contains white space"},
		{"origins with a comma", "node.websocket.allowed_origins = [\"a.example,b.example\"]\n", "1:1: node.websocket.allowed_origins: \"a.example,b.example\" contains a comma: give each pattern as its own string, e.g. [\"a.example\", \"b.example\"]"},
		{
			"every bad origin",
			"[node.websocket]\nport = 7078\nallowed_origins = [\"\", \"://x\", \"https://\", \"a\\\\b\", \"tab\\there\"]\n",
			"3:1: node.websocket.allowed_origins: an empty pattern matches no page; remove it\n" +
				"<path>:3:1: node.websocket.allowed_origins: \"://x\" has no scheme before \"://\"\n" +
				"<path>:3:1: node.websocket.allowed_origins: \"https://\" has no host after \"://\"\n" +
				"<path>:3:1: node.websocket.allowed_origins: \"a\\\\b\" contains a backslash\n" +
				"<path>:3:1: node.websocket.allowed_origins: \"tab\\there\" contains white space",
		},
		{
			"several problems, in key order",
			"[node.websocket]\nport = 0\n[node.ipc.tcp]\nport = 0\n",
			"4:8: node.ipc.tcp.port: 0 is out of range 1..65535\n<path>:2:8: node.websocket.port: 0 is out of range 1..65535",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, path := writeFile(t, NodeFile, tt.text)
			_, err := LoadNode(dir, nil)
			want := path + ":" + strings.ReplaceAll(tt.want, "<path>", path)
			if got := errText(err); got != want {
				t.Errorf("error:\n got %q\nwant %q", got, want)
			}
		})
	}
}

func TestRPCValidationErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"port 0", "port = 0\n", "1:8: port: 0 is out of range 1..65535"},
		{"max_json_depth 0", "max_json_depth = 0\n", "1:18: max_json_depth: 0 is out of range 1..255"},
		{"max_json_depth 256", "max_json_depth = 256\n", "1:18: max_json_depth: 256 is out of range 1..255"},
		{"max_request_size 0", "max_request_size = 0\n", "1:20: max_request_size: 0 is out of range 1..1099511627776"},
		{"ipc_port", "[process]\nipc_port = 70000\n", "2:12: process.ipc_port: 70000 is out of range 1..65535"},
		{"num_ipc_connections", "[process]\nnum_ipc_connections = 0\n", "2:23: process.num_ipc_connections: 0 is out of range 1..1024"},
		{"ipc_address", "[process]\nipc_address = \"\"\n", "2:15: process.ipc_address: must not be empty (use 127.0.0.1 for this host only)"},
		{
			"enable_https without cert or key",
			"[tls]\nenable_https = true\n",
			"1:2: tls.server_cert_path: must be set when tls.enable_https is true\n<path>:1:2: tls.server_key_path: must be set when tls.enable_https is true",
		},
		{
			"enable_https without key",
			"[tls]\nenable_https = true\nserver_cert_path = \"cert.pem\"\n",
			"1:2: tls.server_key_path: must be set when tls.enable_https is true",
		},
		{
			"client certs without https",
			"[tls]\nclient_certs_path = \"ca.pem\"\n",
			"2:21: tls.client_certs_path: is set but tls.enable_https is false; set tls.enable_https = true or remove the path",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, path := writeFile(t, RPCFile, tt.text)
			_, err := LoadRPC(dir, nil)
			want := path + ":" + strings.ReplaceAll(tt.want, "<path>", path)
			if got := errText(err); got != want {
				t.Errorf("error:\n got %q\nwant %q", got, want)
			}
		})
	}
}

// Validate on a value built in code names keys without a source.
func TestValidateValue(t *testing.T) {
	n := DefaultNode()
	n.Node.IPC.TCP.Port = 70000
	if got, want := errText(n.Validate()), "node.ipc.tcp.port: 70000 is out of range 1..65535"; got != want {
		t.Errorf("Validate() = %q, want %q", got, want)
	}
	r := DefaultRPC()
	r.TLS.EnableHTTPS = true
	r.TLS.ServerCertPath = "c"
	if got, want := errText(r.Validate()), "tls.server_key_path: must be set when tls.enable_https is true"; got != want {
		t.Errorf("Validate() = %q, want %q", got, want)
	}
	for _, addr := range []string{"127.0.0.1", "::1", "0:0:0:0:0:ffff:7f01:101", "fe80::1%eth0", "localhost", "node-1.example.org", "0.0.0.0", "::"} {
		r := DefaultRPC()
		r.Address = addr
		if err := r.Validate(); err != nil {
			t.Errorf("address %q: %v", addr, err)
		}
	}
}

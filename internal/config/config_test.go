package config

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	n, r := DefaultNode(), DefaultRPC()
	if err := n.Validate(); err != nil {
		t.Fatalf("DefaultNode().Validate() = %v", err)
	}
	if err := r.Validate(); err != nil {
		t.Fatalf("DefaultRPC().Validate() = %v", err)
	}
	ipc := n.Node.IPC
	tests := []struct {
		key       string
		got, want any
	}{
		{"node.ipc.tcp.enable", ipc.TCP.Enable, true},
		{"node.ipc.tcp.address", ipc.TCP.Address, "127.0.0.1"},
		{"node.ipc.tcp.port", ipc.TCP.Port, 7077},
		{"node.ipc.tcp.io_timeout", ipc.TCP.IOTimeout, Seconds(15)},
		{"node.ipc.tcp.allow_unsafe", ipc.TCP.AllowUnsafe, false},
		{"node.ipc.tcp.io_threads", ipc.TCP.IOThreads, -1},
		{"node.ipc.local.enable", ipc.Local.Enable, true},
		{"node.ipc.local.path", ipc.Local.Path, "/tmp/nano"},
		{"node.ipc.local.socket_mode", ipc.Local.SocketMode, "0600"},
		{"node.ipc.local.io_timeout", ipc.Local.IOTimeout, Seconds(15)},
		{"node.ipc.local.allow_unsafe", ipc.Local.AllowUnsafe, false},
		{"node.ipc.local.io_threads", ipc.Local.IOThreads, -1},
		{"node.ipc.flatbuffers.skip_unexpected_fields_in_json", ipc.Flatbuffers.SkipUnexpectedFieldsInJSON, true},
		{"node.ipc.flatbuffers.verify_buffers", ipc.Flatbuffers.VerifyBuffers, true},
		{"node.ipc.max_frame_size", ipc.MaxFrameSize, int64(33554432)},
		{"node.ipc.idle_timeout", ipc.IdleTimeout, Seconds(0)},
		{"node.ipc.max_request_bytes_in_flight", ipc.MaxRequestBytesInFlight, int64(268435456)},
		{"node.ipc.max_connections", ipc.MaxConnections, 16384},
		{"node.ipc.access_check.enable", ipc.AccessCheck.Enable, false},
		{"node.ipc.access_check.file", ipc.AccessCheck.File, ""},
		{"node.websocket.enable", n.Node.WebSocket.Enable, true},
		{"node.websocket.address", n.Node.WebSocket.Address, "127.0.0.1"},
		{"node.websocket.port", n.Node.WebSocket.Port, 7078},
		{"node.websocket.allowed_origins", n.Node.WebSocket.AllowedOrigins, []string{"localhost", "localhost:*", "127.0.0.1", "127.0.0.1:*", "[::1]", "[::1]:*"}},
		{"node.ledger.work_threshold", n.Node.Ledger.WorkThreshold, "fe00000000000000"},
		{"node.ledger.work_threads", n.Node.Ledger.WorkThreads, 0},
		{"node.ledger.max_unchecked_blocks", n.Node.Ledger.MaxUncheckedBlocks, 65536},
		{"node.ledger.enable_genesis_wallet", n.Node.Ledger.EnableGenesisWallet, true},
		{"node.logging.level", n.Node.Logging.Level, "info"},
		{"node.logging.format", n.Node.Logging.Format, "text"},
		{"node.metrics.enable", n.Node.Metrics.Enable, false},
		{"node.wallets.auto_receive", n.Node.Wallets.AutoReceive, true},
		{"node.metrics.address", n.Node.Metrics.Address, "127.0.0.1"},
		{"node.metrics.port", n.Node.Metrics.Port, 7079},
		{"node.nats.enable", n.Node.NATS.Enable, false},
		{"node.nats.servers", n.Node.NATS.Servers, []string{"nats://127.0.0.1:4222"}},
		{"node.nats.creds_file", n.Node.NATS.CredsFile, ""},
		{"node.nats.nkey_seed_file", n.Node.NATS.NkeySeedFile, ""},
		{"node.nats.user", n.Node.NATS.User, ""},
		{"node.nats.password", n.Node.NATS.Password, ""},
		{"node.nats.tls_ca_file", n.Node.NATS.TLSCAFile, ""},
		{"node.nats.tls_cert_file", n.Node.NATS.TLSCertFile, ""},
		{"node.nats.tls_key_file", n.Node.NATS.TLSKeyFile, ""},
		{"node.nats.subject_prefix", n.Node.NATS.SubjectPrefix, ""},
		{"node.nats.stream", n.Node.NATS.Stream, ""},
		{"node.nats.replicas", n.Node.NATS.Replicas, 1},
		{"node.nats.max_age", n.Node.NATS.MaxAge, Seconds(0)},
		{"node.nats.max_bytes", n.Node.NATS.MaxBytes, int64(0)},
		{"node.nats.publish_window", n.Node.NATS.PublishWindow, 256},
		{"rpc.enable", n.RPC.Enable, true},
		{"rpc.enable_sign_hash", n.RPC.EnableSignHash, false},
		{"rpc.child_process.enable", n.RPC.ChildProcess.Enable, false},
		{"rpc.child_process.rpc_path", n.RPC.ChildProcess.RPCPath, ""},

		{"address", r.Address, "127.0.0.1"},
		{"port", r.Port, 7076},
		{"enable_control", r.EnableControl, false},
		{"max_json_depth", r.MaxJSONDepth, 20},
		{"max_request_size", r.MaxRequestSize, int64(33554432)},
		{"body_timeout", r.BodyTimeout, Seconds(10)},
		{"body_timeout_per_mib", r.BodyTimeoutPerMiB, Seconds(2)},
		{"idle_timeout", r.IdleTimeout, Seconds(120)},
		{"max_connections", r.MaxConnections, 16384},
		{"allowed_hosts", r.AllowedHosts, []string{}},
		{"allowed_origins", r.AllowedOrigins, []string{}},
		{"process.io_threads", r.Process.IOThreads, -1},
		{"process.ipc_address", r.Process.IPCAddress, "127.0.0.1"},
		{"process.ipc_port", r.Process.IPCPort, 7077},
		{"process.ipc_path", r.Process.IPCPath, ""},
		{"process.num_ipc_connections", r.Process.NumIPCConnections, 4},
		{"process.access_check_file", r.Process.AccessCheckFile, ""},
		{"logging.log_rpc", r.Logging.LogRPC, false},
		{"tls.enable_https", r.TLS.EnableHTTPS, false},
		{"tls.server_cert_path", r.TLS.ServerCertPath, ""},
		{"tls.server_key_path", r.TLS.ServerKeyPath, ""},
		{"tls.client_certs_path", r.TLS.ClientCertsPath, ""},
		{"nats.enable", r.NATS.Enable, false},
		{"nats.servers", r.NATS.Servers, []string{"nats://127.0.0.1:4222"}},
		{"nats.creds_file", r.NATS.CredsFile, ""},
		{"nats.nkey_seed_file", r.NATS.NkeySeedFile, ""},
		{"nats.user", r.NATS.User, ""},
		{"nats.password", r.NATS.Password, ""},
		{"nats.tls_ca_file", r.NATS.TLSCAFile, ""},
		{"nats.tls_cert_file", r.NATS.TLSCertFile, ""},
		{"nats.tls_key_file", r.NATS.TLSKeyFile, ""},
		{"nats.subject_prefix", r.NATS.SubjectPrefix, ""},
		{"nats.stream", r.NATS.Stream, ""},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s = %#v, want %#v", tt.key, tt.got, tt.want)
		}
	}
	if got, want := len(tests), len(keyDocs(n))+len(keyDocs(r)); got != want {
		t.Errorf("the table checks %d keys, the files have %d", got, want)
	}
}

func TestMissingFileGivesDefaults(t *testing.T) {
	dir := t.TempDir()
	n, err := LoadNode(dir, nil)
	if err != nil || !reflect.DeepEqual(n, DefaultNode()) {
		t.Errorf("LoadNode(empty dir) = %+v, %v; want defaults", n, err)
	}
	r, err := LoadRPC(filepath.Join(dir, "does", "not", "exist"), nil)
	if err != nil || !reflect.DeepEqual(r, DefaultRPC()) {
		t.Errorf("LoadRPC(missing dir) = %+v, %v; want defaults", r, err)
	}
}

func TestUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, NodeFile)
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := LoadNode(dir, nil)
	want := path + ": cannot read the file: is a directory"
	if errText(err) != want {
		t.Errorf("err = %q, want %q", errText(err), want)
	}
}

// Upstream core_test/toml.cpp: daemon_config_no_required,
// rpc_config_no_required and rpc_config_deserialize_defaults.
func TestEmptyTables(t *testing.T) {
	tests := []struct {
		name, file, text string
	}{
		{"daemon_config_no_required", NodeFile, "[node.ipc.local]\n[node.ipc.tcp]\n[rpc]\n[rpc.child_process]\n"},
		{"all node tables", NodeFile, "[node]\n[node.ipc]\n[node.ipc.flatbuffers]\n[node.ipc.access_check]\n[node.websocket]\n[node.ledger]\n[node.logging]\n"},
		{"empty node file", NodeFile, ""},
		{"comments only", NodeFile, "# nothing here\n\n"},
		{"rpc_config_no_required", RPCFile, "[version]\n[process]\n[logging]\n[secure]\n"},
		{"rpc_config_deserialize_defaults", RPCFile, "[process]\n"},
		{"top-level version key", RPCFile, "version = 1\n[tls]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := writeFile(t, tt.file, tt.text)
			if tt.file == NodeFile {
				n, err := LoadNode(dir, nil)
				if err != nil || !reflect.DeepEqual(n, DefaultNode()) {
					t.Errorf("LoadNode = %+v, %v; want defaults", n, err)
				}
				return
			}
			r, err := LoadRPC(dir, nil)
			if err != nil || !reflect.DeepEqual(r, DefaultRPC()) {
				t.Errorf("LoadRPC = %+v, %v; want defaults", r, err)
			}
		})
	}
}

// leaves returns every scalar of a configuration value by dotted key.
func leaves(v any) map[string]string {
	m := make(map[string]string)
	for _, k := range keyDocs(v) {
		m[k.key] = k.def
	}
	return m
}

// Upstream daemon_config_deserialize_no_defaults, extended to every key
// nipc has: all values differ from the defaults.
func TestNodeNoDefaults(t *testing.T) {
	const text = `
[node.ipc]
max_frame_size = 1024
max_request_bytes_in_flight = 1048576
idle_timeout = 300
max_connections = 100

[node.ipc.local]
allow_unsafe = true
enable = false
io_timeout = 999
io_threads = 999
path = "/tmp/dev"
socket_mode = "0660"

[node.ipc.tcp]
enable = false
address = "::1"
io_timeout = 999
io_threads = 999
port = 999
allow_unsafe = true

[node.ipc.flatbuffers]
skip_unexpected_fields_in_json = false
verify_buffers = false

[node.ipc.access_check]
enable = true
file = "/etc/nipc/secret"

[node.websocket]
enable = false
address = "localhost"
port = 17078
allowed_origins = ["app.example.com", "https://*.example.org:8443"]

[node.ledger]
work_threshold = "fffffff800000000"
enable_genesis_wallet = false
work_threads = 3
max_unchecked_blocks = 100

[node.logging]
level = "debug"
format = "json"

[node.metrics]
enable = true
address = "::1"
port = 9100

[node.wallets]
auto_receive = false

[rpc]
enable = false
enable_sign_hash = true

[rpc.child_process]
rpc_path = "/dev/nano_rpc"
`
	dir, _ := writeFile(t, NodeFile, text+natsNoDefaults("node.nats")+natsNodeNoDefaults)
	n, err := LoadNode(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, def := leaves(n), leaves(DefaultNode())
	for key, d := range def {
		// nipc refuses to spawn the gateway, so this key cannot change.
		if key == "rpc.child_process.enable" {
			continue
		}
		// One kind of NATS credentials at a time: creds_file is set here,
		// the others in TestNATSValidate.
		if natsOtherCreds[strings.TrimPrefix(key, "node.")] {
			continue
		}
		if got[key] == d {
			t.Errorf("%s = %s, the default", key, d)
		}
	}
	if n.Node.IPC.TCP.Address != "::1" || n.Node.IPC.Local.Path != "/tmp/dev" || n.Node.IPC.TCP.Port != 999 {
		t.Errorf("decoded %+v", n.Node.IPC)
	}
}

// Upstream rpc_config_deserialize_no_defaults, extended to every key.
func TestRPCNoDefaults(t *testing.T) {
	const text = `
address = "0:0:0:0:0:ffff:7f01:101"
enable_control = true
max_json_depth = 9
max_request_size = 999
port = 999
body_timeout = 99
body_timeout_per_mib = 9
idle_timeout = 999
max_connections = 999
allowed_hosts = ["node.example"]
allowed_origins = ["app.example"]

[process]
io_threads = 999
ipc_address = "0:0:0:0:0:ffff:7f01:101"
ipc_port = 999
ipc_path = "/tmp/nano-dev"
num_ipc_connections = 999
access_check_file = "secret"

[logging]
log_rpc = true

[tls]
enable_https = true
server_cert_path = "/etc/nipc/cert.pem"
server_key_path = "/etc/nipc/key.pem"
client_certs_path = "clients.pem"

`
	dir, _ := writeFile(t, RPCFile, text+natsNoDefaults("nats"))
	r, err := LoadRPC(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, def := leaves(r), leaves(DefaultRPC())
	for key, d := range def {
		if got[key] == d && !natsOtherCreds[key] {
			t.Errorf("%s = %s, the default", key, d)
		}
	}
	if want := filepath.Join(dir, "nipc.creds"); r.NATS.CredsFile != want {
		t.Errorf("nats.creds_file = %q, want %q", r.NATS.CredsFile, want)
	}
	// Relative paths are relative to the data directory.
	if want := filepath.Join(dir, "secret"); r.Process.AccessCheckFile != want {
		t.Errorf("process.access_check_file = %q, want %q", r.Process.AccessCheckFile, want)
	}
	if want := filepath.Join(dir, "clients.pem"); r.TLS.ClientCertsPath != want {
		t.Errorf("tls.client_certs_path = %q, want %q", r.TLS.ClientCertsPath, want)
	}
	if r.TLS.ServerCertPath != "/etc/nipc/cert.pem" {
		t.Errorf("absolute tls.server_cert_path changed to %q", r.TLS.ServerCertPath)
	}
}

func TestAccessors(t *testing.T) {
	n := DefaultNode()
	if got := n.Node.IPC.TCP.IOTimeout.Duration(); got != 15*time.Second {
		t.Errorf("IOTimeout.Duration() = %v", got)
	}
	if got := n.Node.IPC.IdleTimeout.Duration(); got != 0 {
		t.Errorf("IdleTimeout.Duration() = %v", got)
	}
	if got := Seconds(maxSeconds).Duration(); got <= 0 {
		t.Errorf("Seconds(max).Duration() = %v overflows", got)
	}
	if got := n.Node.IPC.Local.Mode(); got != 0o600 {
		t.Errorf("Mode() = %v", got)
	}
	n.Node.IPC.Local.SocketMode = "660"
	if got := n.Node.IPC.Local.Mode(); got != 0o660 {
		t.Errorf("Mode() of \"660\" = %v", got)
	}
	if got := n.Node.Ledger.Threshold(); got != 0xfe00000000000000 {
		t.Errorf("Threshold() = %#x", got)
	}
	for level, want := range map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError} {
		if got := (Logging{Level: level}).SlogLevel(); got != want {
			t.Errorf("SlogLevel(%q) = %v, want %v", level, got, want)
		}
	}
}

func TestDefaultDataDir(t *testing.T) {
	t.Setenv("HOME", "/home/someone")
	dir, err := DefaultDataDir()
	if err != nil || dir != "/home/someone/.nipc" {
		t.Errorf("DefaultDataDir() = %q, %v", dir, err)
	}
}

func TestAccessCheckFileRelative(t *testing.T) {
	dir, _ := writeFile(t, NodeFile, "[node.ipc.access_check]\nenable = true\nfile = \"ipc-secret\"\n")
	n, err := LoadNode(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "ipc-secret"); n.Node.IPC.AccessCheck.File != want {
		t.Errorf("file = %q, want %q", n.Node.IPC.AccessCheck.File, want)
	}
}

func TestErrorsAreTyped(t *testing.T) {
	dir, path := writeFile(t, NodeFile, "[node.ipc.tcp]\nport = 0\nio_timeout = -1\n")
	_, err := LoadNode(dir, nil)
	var all []*Error
	for _, e := range splitErrors(err) {
		ce, ok := errors.AsType[*Error](e)
		if !ok {
			t.Fatalf("%v is a %T, not an *Error", e, e)
		}
		all = append(all, ce)
	}
	want := []Error{
		{Source: path, Line: 2, Column: 8, Key: "node.ipc.tcp.port", Msg: "node.ipc.tcp.port: 0 is out of range 1..65535"},
		{Source: path, Line: 3, Column: 14, Key: "node.ipc.tcp.io_timeout", Msg: "node.ipc.tcp.io_timeout: -1 is out of range 1..2147483647 (seconds)"},
	}
	if len(all) != len(want) {
		t.Fatalf("got %d errors, want %d: %v", len(all), len(want), err)
	}
	for i := range want {
		if *all[i] != want[i] {
			t.Errorf("error %d = %+v, want %+v", i, *all[i], want[i])
		}
	}
	if _, ok := errors.AsType[*fs.PathError](err); ok {
		t.Error("a validation error must not look like a file error")
	}
}

// Every key has a comment, and every comment is one line.
func TestEveryKeyDocumented(t *testing.T) {
	for _, v := range []any{DefaultNode(), DefaultRPC()} {
		for _, k := range keyDocs(v) {
			if k.comment == "" || strings.ContainsAny(k.comment, "\n\r") {
				t.Errorf("%s: comment %q", k.key, k.comment)
			}
		}
	}
	// Tables are named types, so go-toml messages print the type.
	var check func(t *testing.T, typ reflect.Type)
	check = func(t *testing.T, typ reflect.Type) {
		for _, f := range fields(typ) {
			if f.typ.Kind() == reflect.Struct {
				if f.typ.Name() == "" {
					t.Errorf("table %s has an anonymous struct type", f.name)
				}
				check(t, f.typ)
			}
		}
	}
	check(t, reflect.TypeFor[Node]())
	check(t, reflect.TypeFor[RPC]())
}

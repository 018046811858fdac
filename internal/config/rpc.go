package config

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
)

// RPC is the contents of config-rpc.toml: the HTTP(S) gateway, whether it
// runs inside the node or as its own process ("nipc gateway"). Keys follow
// the Nano node's names.
type RPC struct {
	Address        string `toml:"address" comment:"Address the HTTP gateway binds; 127.0.0.1 keeps it local to this host."`
	Port           int    `toml:"port" comment:"HTTP port to listen on (1..65535)."`
	EnableControl  bool   `toml:"enable_control" comment:"Allow control actions (wallet changes, stop, ...) over HTTP and IPC legacy encodings."`
	MaxJSONDepth   int    `toml:"max_json_depth" comment:"Most opening brackets a request body may contain (1..255)."`
	MaxRequestSize int64  `toml:"max_request_size" comment:"Largest request body in bytes."`

	BodyTimeout       Seconds  `toml:"body_timeout" comment:"Seconds a request body may take to arrive at least; a body not read by then closes the connection."`
	BodyTimeoutPerMiB Seconds  `toml:"body_timeout_per_mib" comment:"Seconds added to body_timeout per MiB of the body (declared length; a chunked body earns them as it arrives)."`
	IdleTimeout       Seconds  `toml:"idle_timeout" comment:"Close a keep-alive connection idle this long (seconds), on the HTTP and the WebSocket port."`
	MaxConnections    int      `toml:"max_connections" comment:"Most connections open at once on each gateway port (HTTP, WebSocket); one more is closed at once. 0 means unlimited."`
	AllowedHosts      []string `toml:"allowed_hosts" comment:"Host header names (* and ? wildcards, no port) served besides loopback, the bound address and the address a connection arrived on."`
	AllowedOrigins    []string `toml:"allowed_origins" comment:"Browser pages (Origin host[:port], * and ? wildcards) that may call control actions and v2 with credentials besides the gateway's own host; [] allows no other."`

	Process Process    `toml:"process"`
	Logging RPCLogging `toml:"logging"`
	TLS     TLS        `toml:"tls"`
	NATS    NATS       `toml:"nats"`

	// Warnings name the keys of the file that the C++ node reads and nipc
	// does not use (ReadRPC sets it): accepted, to be logged one each.
	Warnings []*Error `toml:"-"`
}

// Process is the [process] table: how the gateway reaches the node's IPC
// port when it runs as its own process.
type Process struct {
	IOThreads         int    `toml:"io_threads" comment:"Accepted for compatibility and ignored: nipc uses one goroutine per connection."`
	IPCAddress        string `toml:"ipc_address" comment:"Address of the node's TCP IPC transport."`
	IPCPort           int    `toml:"ipc_port" comment:"Port of the node's TCP IPC transport (1..65535)."`
	IPCPath           string `toml:"ipc_path" comment:"Reach the node over this Unix socket instead of TCP when not empty."`
	NumIPCConnections int    `toml:"num_ipc_connections" comment:"IPC connections the gateway keeps open to the node (1..1024)."`
	AccessCheckFile   string `toml:"access_check_file" comment:"Secret file for the node's IPC access check, if it has one; relative to the data directory."`
}

// RPCLogging is the [logging] table of config-rpc.toml.
type RPCLogging struct {
	LogRPC bool `toml:"log_rpc" comment:"Log every HTTP request at info level (the node's default is true)."`
}

// TLS is the [tls] table: HTTPS for the gateway.
type TLS struct {
	EnableHTTPS     bool   `toml:"enable_https" comment:"Serve HTTPS instead of HTTP; needs server_cert_path and server_key_path."`
	ServerCertPath  string `toml:"server_cert_path" comment:"PEM certificate chain, relative to the data directory."`
	ServerKeyPath   string `toml:"server_key_path" comment:"PEM private key, relative to the data directory."`
	ClientCertsPath string `toml:"client_certs_path" comment:"PEM bundle of CAs; when set, clients must present a certificate they signed."`
}

// DefaultRPC returns nipc's defaults for config-rpc.toml: the gateway on
// 127.0.0.1:7076, control actions off, talking to the node's IPC port on
// 127.0.0.1:7077.
func DefaultRPC() RPC {
	return RPC{
		Address:        "127.0.0.1",
		Port:           7076,
		EnableControl:  false,
		MaxJSONDepth:   20,
		MaxRequestSize: 32 << 20,

		BodyTimeout:       10,
		BodyTimeoutPerMiB: 2,
		IdleTimeout:       120,
		MaxConnections:    16384,
		AllowedHosts:      []string{},
		AllowedOrigins:    []string{},

		Process: Process{
			IOThreads:         -1,
			IPCAddress:        "127.0.0.1",
			IPCPort:           7077,
			NumIPCConnections: 4,
		},
		Logging: RPCLogging{LogRPC: false},
		NATS:    DefaultNATS(),
	}
}

// Validate reports every value out of range and every inconsistent
// combination, each as an [*Error] naming its key, joined with errors.Join.
func (r RPC) Validate() error {
	var v validator
	v.host("address", r.Address)
	v.port("port", r.Port)
	v.between("max_json_depth", int64(r.MaxJSONDepth), 1, 255)
	v.between("max_request_size", r.MaxRequestSize, 1, 1<<40)
	v.seconds("body_timeout", r.BodyTimeout, 1)
	v.seconds("body_timeout_per_mib", r.BodyTimeoutPerMiB, 0)
	v.seconds("idle_timeout", r.IdleTimeout, 1)
	v.between("max_connections", int64(r.MaxConnections), 0, 1<<31-1)
	for _, p := range r.AllowedHosts {
		if err := CheckHostPattern(p); err != nil {
			v.add("allowed_hosts", "%v", err)
		}
	}
	for _, p := range r.AllowedOrigins {
		if err := CheckOriginPattern(p); err != nil {
			v.add("allowed_origins", "%v", err)
		}
	}

	p := r.Process
	v.between("process.io_threads", int64(p.IOThreads), -1, 1<<31-1)
	v.host("process.ipc_address", p.IPCAddress)
	v.port("process.ipc_port", p.IPCPort)
	if p.IPCPath != "" {
		v.socketPath("process.ipc_path", p.IPCPath)
	}
	v.between("process.num_ipc_connections", int64(p.NumIPCConnections), 1, 1024)

	t := r.TLS
	if t.EnableHTTPS {
		if t.ServerCertPath == "" {
			v.add("tls.server_cert_path", "must be set when tls.enable_https is true")
		}
		if t.ServerKeyPath == "" {
			v.add("tls.server_key_path", "must be set when tls.enable_https is true")
		}
	} else {
		for _, f := range []struct{ key, val string }{
			{"tls.server_cert_path", t.ServerCertPath},
			{"tls.server_key_path", t.ServerKeyPath},
			{"tls.client_certs_path", t.ClientCertsPath},
		} {
			if f.val != "" {
				v.add(f.key, "is set but tls.enable_https is false; set tls.enable_https = true or remove the path")
			}
		}
	}
	r.NATS.validate(&v, "nats.")
	return v.err()
}

// CheckHostPattern reports why p is not a usable allowed_hosts pattern.
//
// A pattern is matched, case-insensitively, against the host of a
// request's Host header without its port (and an IPv6 address without its
// brackets). '*' matches any run of characters and '?' any one character;
// every other character stands for itself. A pattern is never a URL, has
// no port, and is not blank.
func CheckHostPattern(p string) error {
	if err := checkPatternText(p, "host", "name"); err != nil {
		return err
	}
	switch {
	case strings.Contains(p, "/"):
		return fmt.Errorf("%q is a URL: give the host name alone, e.g. \"node.example.com\"", p)
	case strings.ContainsAny(p, "[]\\"):
		return fmt.Errorf("%q contains a bracket or a backslash: write an IPv6 address without brackets, e.g. \"fd00::1\"", p)
	case strings.Count(p, ":") == 1:
		return fmt.Errorf("%q has a port: give the host name alone (any port is served)", p)
	}
	return nil
}

// resolvePaths makes relative file paths relative to dir, the directory
// holding the configuration file.
func (r *RPC) resolvePaths(dir string) {
	resolve(&r.Process.AccessCheckFile, dir)
	resolve(&r.TLS.ServerCertPath, dir)
	resolve(&r.TLS.ServerKeyPath, dir)
	resolve(&r.TLS.ClientCertsPath, dir)
	r.NATS.resolvePaths(dir)
}

func resolve(p *string, dir string) {
	if *p != "" && !filepath.IsAbs(*p) {
		*p = filepath.Join(dir, *p)
	}
}

// rpcDocument is what config-rpc.toml is decoded into: the RPC value plus
// the tables old node configs carry. An empty [version] table or a top-level
// version key is accepted and ignored; [secure] (TLS in V21-V22) may exist
// but must be empty, and its keys are reported as unknown with a pointer to
// [tls].
type rpcDocument struct {
	RPC
	Version any      `toml:"version"`
	Secure  struct{} `toml:"secure"`
}

// checkLegacy reports a version value that is neither a scalar nor an empty
// table.
func (d *rpcDocument) checkLegacy() error {
	var v validator
	switch x := d.Version.(type) {
	case nil, int64, string:
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(x)) {
			v.add("version."+k, "unknown key: [version] is accepted only when empty")
		}
	default:
		v.add("version", "expected an integer or an empty [version] table, got %s", withArticle(tomlKindOf(x)))
	}
	return v.err()
}

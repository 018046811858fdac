package config

import (
	"fmt"
	"io/fs"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
)

// Node is the contents of config-node.toml: the IPC transports, the
// WebSocket, the embedded ledger, logging, and whether the HTTP gateway runs
// inside the node. Keys follow the Nano node's names.
type Node struct {
	Node NodeSection `toml:"node"`
	RPC  NodeRPC     `toml:"rpc"`

	// Warnings name the keys of the file that the C++ node reads and nipc
	// does not use (ReadNode sets it): accepted, to be logged one each.
	Warnings []*Error `toml:"-"`
}

// NodeSection is the [node] table.
type NodeSection struct {
	IPC       IPC       `toml:"ipc"`
	WebSocket WebSocket `toml:"websocket"`
	Ledger    Ledger    `toml:"ledger"`
	Logging   Logging   `toml:"logging"`
	Metrics   Metrics   `toml:"metrics"`
	Wallets   Wallets   `toml:"wallets"`
	NATS      NodeNATS  `toml:"nats"`
}

// Wallets is the [node.wallets] table: what the node's wallets do by
// themselves.
type Wallets struct {
	AutoReceive bool `toml:"auto_receive" comment:"Receive sends to the accounts of unlocked wallets by themselves, at least receive_minimum (receive_minimum_set), as the Nano node does; false leaves them to receive and search_receivable."`
}

// Metrics is the [node.metrics] table (a nipc extension): Prometheus
// metrics at /metrics and a health check at /healthz, unauthenticated, so
// on loopback by default.
type Metrics struct {
	Enable  bool   `toml:"enable" comment:"Serve Prometheus metrics at /metrics and a health check at /healthz (no authentication: keep it on loopback)."`
	Address string `toml:"address" comment:"Address to bind; 127.0.0.1 keeps the port local to this host."`
	Port    int    `toml:"port" comment:"TCP port to listen on (1..65535)."`
}

// IPC is the [node.ipc] table: the two transports, the FlatBuffers options,
// the access check, and the limits both transports share (nipc extensions).
type IPC struct {
	MaxFrameSize            int64   `toml:"max_frame_size" comment:"Largest request frame in bytes (1024..2147483648); a larger frame closes the connection unread."`
	MaxRequestBytesInFlight int64   `toml:"max_request_bytes_in_flight" comment:"Request bytes all IPC connections and the node's HTTP gateway together may have in flight (at least max_frame_size), charged as payloads arrive; a request that finds no room is refused busy."`
	IdleTimeout             Seconds `toml:"idle_timeout" comment:"Close a connection idle this long (seconds) between requests; 0 never does, like the node."`
	MaxConnections          int     `toml:"max_connections" comment:"Most IPC connections open at once, both transports together; 0 means unlimited. Beyond it new connections are closed at once."`

	TCP         TCP         `toml:"tcp"`
	Local       Local       `toml:"local"`
	Flatbuffers Flatbuffers `toml:"flatbuffers"`
	AccessCheck AccessCheck `toml:"access_check"`
}

// TCP is the [node.ipc.tcp] table.
type TCP struct {
	Enable      bool    `toml:"enable" comment:"Enable the TCP IPC transport."`
	Address     string  `toml:"address" comment:"Address to bind; 127.0.0.1 keeps the port local to this host."`
	Port        int     `toml:"port" comment:"TCP port to listen on (1..65535)."`
	IOTimeout   Seconds `toml:"io_timeout" comment:"Seconds to read a request once its preamble arrived, and to write each reply or event."`
	AllowUnsafe bool    `toml:"allow_unsafe" comment:"Allow encoding 2 (unsafe RPCs such as wallet_seed) on this transport; not for production."`
	IOThreads   int     `toml:"io_threads" comment:"Accepted for compatibility and ignored: nipc uses one goroutine per connection."`
}

// Local is the [node.ipc.local] table: the Unix domain socket.
type Local struct {
	Enable      bool    `toml:"enable" comment:"Enable the Unix domain socket IPC transport."`
	Path        string  `toml:"path" comment:"Path of the socket (at most 107 bytes)."`
	SocketMode  string  `toml:"socket_mode" type:"octal string" comment:"Permissions of the socket file in octal; 0600 lets only the node's user connect."`
	IOTimeout   Seconds `toml:"io_timeout" comment:"Seconds to read a request once its preamble arrived, and to write each reply or event."`
	AllowUnsafe bool    `toml:"allow_unsafe" comment:"Allow encoding 2 (unsafe RPCs such as wallet_seed) on this transport; not for production."`
	IOThreads   int     `toml:"io_threads" comment:"Accepted for compatibility and ignored: nipc uses one goroutine per connection."`
}

// Flatbuffers is the [node.ipc.flatbuffers] table.
type Flatbuffers struct {
	SkipUnexpectedFieldsInJSON bool `toml:"skip_unexpected_fields_in_json" comment:"Ignore unknown fields in JSON requests (encoding 4, /api/v2) instead of failing."`
	VerifyBuffers              bool `toml:"verify_buffers" comment:"Verify every binary FlatBuffers envelope before decoding it."`
}

// AccessCheck is the [node.ipc.access_check] table: the shared-secret
// challenge handshake on both transports.
type AccessCheck struct {
	Enable bool   `toml:"enable" comment:"Require the shared-secret access check handshake on both IPC transports."`
	File   string `toml:"file" comment:"Secret file (mode 0400, 0440, 0600 or 0640: no access for others, no write for the group), relative to the data directory; clients set NIPC_IPC_ACCESS_FILE."`
}

// WebSocket is the [node.websocket] table. It configures the WebSocket of
// every gateway that reads this file: the node's in-process one and "nipc
// gateway". AllowedOrigins applies to the WebSocket on its own port and at
// /websocket on the HTTP port alike; see [CheckOriginPattern] for the
// patterns' syntax.
type WebSocket struct {
	Enable         bool     `toml:"enable" comment:"Enable the WebSocket server for topic subscriptions."`
	Address        string   `toml:"address" comment:"Address to bind; 127.0.0.1 keeps the port local to this host."`
	Port           int      `toml:"port" comment:"TCP port to listen on (1..65535)."`
	AllowedOrigins []string `toml:"allowed_origins" comment:"Browser pages (Origin host[:port], * and ? wildcards) that may open the WebSocket besides the gateway's own host; [] allows no other."`
}

// DefaultAllowedOrigins returns the default node.websocket.allowed_origins:
// pages served from loopback, on any port.
func DefaultAllowedOrigins() []string {
	return []string{"localhost", "localhost:*", "127.0.0.1", "127.0.0.1:*", "[::1]", "[::1]:*"}
}

// CheckOriginPattern reports why p is not a usable allowed_origins pattern.
//
// A pattern is matched, case-insensitively, against the host[:port] of a
// page's Origin header, or against scheme://host[:port] when it contains
// "://". '*' matches any run of characters (dots and colons included) and
// '?' any one character; every other character, '[' and ']' too (so that
// "[::1]" is the IPv6 loopback), stands for itself. A pattern is never a
// URL with a path, a list, or blank.
func CheckOriginPattern(p string) error {
	host := p
	if scheme, rest, ok := strings.Cut(p, "://"); ok {
		if scheme == "" {
			return fmt.Errorf("%q has no scheme before \"://\"", p)
		}
		if rest == "" {
			return fmt.Errorf("%q has no host after \"://\"", p)
		}
		host = rest
	}
	if err := checkPatternText(p, "page", "pattern"); err != nil {
		return err
	}
	switch {
	case strings.Contains(host, "/"):
		return fmt.Errorf("%q has a path: an origin is host[:port] (or scheme://host[:port]), e.g. \"app.example.com\"", p)
	case strings.Contains(p, "\\"):
		return fmt.Errorf("%q contains a backslash", p)
	}
	return nil
}

// checkPatternText is what every list of name patterns (allowed_origins,
// allowed_hosts) asks of an item: not blank, no white space, no comma (one
// item per string), no control character. matches and item name what the
// list holds in the messages ("page"/"pattern", "host"/"name").
func checkPatternText(p, matches, item string) error {
	switch {
	case p == "":
		return fmt.Errorf("an empty pattern matches no %s; remove it", matches)
	case strings.ContainsAny(p, " \t\r\n\f\v"):
		return fmt.Errorf("%q contains white space", p)
	case strings.Contains(p, ","):
		return fmt.Errorf("%q contains a comma: give each %s as its own string, e.g. [\"a.example\", \"b.example\"]", p, item)
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%q contains a control character", p)
		}
	}
	return nil
}

// Ledger is the [node.ledger] table: the embedded dev-network ledger.
type Ledger struct {
	WorkThreshold       string `toml:"work_threshold" type:"hex string" comment:"Proof-of-work threshold in hex (up to 16 digits); the dev network's base is fe00000000000000."`
	EnableGenesisWallet bool   `toml:"enable_genesis_wallet" comment:"Create a wallet holding the dev genesis key on first start."`
	WorkThreads         int    `toml:"work_threads" comment:"Goroutines generating one block's proof of work (work_generate, block_create, wallet sends and receives), 0..1024; 0 means one per CPU the node may use (GOMAXPROCS)."`
	MaxUncheckedBlocks  int    `toml:"max_unchecked_blocks" comment:"Most blocks kept in memory while they wait for a missing previous or source block (the node's max_unchecked_blocks), 1..16777216; beyond it the oldest is evicted."`
}

// Logging is the [node.logging] table.
type Logging struct {
	Level  string `toml:"level" comment:"Least severe level logged: debug, info, warn or error."`
	Format string `toml:"format" comment:"Log line format on stderr: text or json."`
}

// NodeRPC is the [rpc] table of config-node.toml: whether the node runs the
// HTTP gateway (configured in config-rpc.toml) in-process.
type NodeRPC struct {
	Enable         bool         `toml:"enable" comment:"Run the HTTP gateway (config-rpc.toml) inside the node."`
	EnableSignHash bool         `toml:"enable_sign_hash" comment:"Let the legacy sign action sign a bare block hash; dangerous, keep it off unless needed."`
	ChildProcess   ChildProcess `toml:"child_process"`
}

// ChildProcess is the [rpc.child_process] table, accepted for compatibility
// with the node's config files.
type ChildProcess struct {
	Enable  bool   `toml:"enable" comment:"Accepted for compatibility and ignored (a warning when true): nipc never spawns a gateway process; rpc.enable runs it in-process, or run \"nipc gateway\"."`
	RPCPath string `toml:"rpc_path" comment:"Accepted for compatibility and ignored."`
}

// The defaults of the IPC port's memory bounds; docs/CONFIG.md gives the
// arithmetic (an idle connection's cost times the cap, plus the budget).
const (
	DefaultMaxRequestBytesInFlight = 256 << 20 // node.ipc.max_request_bytes_in_flight
	DefaultMaxConnections          = 16384     // node.ipc.max_connections
)

// maxRequestBytesInFlight is the largest budget accepted (1 TiB).
const maxRequestBytesInFlight = 1 << 40

// DefaultNode returns nipc's defaults for config-node.toml. They differ from
// the Nano node's on purpose: both IPC transports, the WebSocket and the
// in-process gateway are on, and TCP listens on 127.0.0.1 only.
func DefaultNode() Node {
	return Node{
		Node: NodeSection{
			IPC: IPC{
				MaxFrameSize:            32 << 20,
				MaxRequestBytesInFlight: DefaultMaxRequestBytesInFlight,
				IdleTimeout:             0,
				MaxConnections:          DefaultMaxConnections,
				TCP: TCP{
					Enable:    true,
					Address:   "127.0.0.1",
					Port:      7077,
					IOTimeout: 15,
					IOThreads: -1,
				},
				Local: Local{
					Enable:     true,
					Path:       "/tmp/nano",
					SocketMode: "0600",
					IOTimeout:  15,
					IOThreads:  -1,
				},
				Flatbuffers: Flatbuffers{
					SkipUnexpectedFieldsInJSON: true,
					VerifyBuffers:              true,
				},
			},
			WebSocket: WebSocket{
				Enable:         true,
				Address:        "127.0.0.1",
				Port:           7078,
				AllowedOrigins: DefaultAllowedOrigins(),
			},
			Metrics: Metrics{
				Enable:  false,
				Address: "127.0.0.1",
				Port:    7079,
			},
			Ledger: Ledger{
				WorkThreshold:       "fe00000000000000",
				EnableGenesisWallet: true,
				MaxUncheckedBlocks:  65536,
			},
			Logging: Logging{
				Level:  "info",
				Format: "text",
			},
			Wallets: Wallets{AutoReceive: true},
			NATS:    DefaultNodeNATS(),
		},
		RPC: NodeRPC{
			Enable: true,
		},
	}
}

var (
	octalMode = regexp.MustCompile(`^0?[0-7]{3}$`)
	hex64     = regexp.MustCompile(`^[0-9a-fA-F]{1,16}$`)
)

// Validate reports every value out of range and every inconsistent
// combination, each as an [*Error] naming its key, joined with errors.Join.
func (n Node) Validate() error {
	var v validator
	ipc := n.Node.IPC
	v.between("node.ipc.max_frame_size", ipc.MaxFrameSize, 1024, 1<<31)
	v.between("node.ipc.max_request_bytes_in_flight", ipc.MaxRequestBytesInFlight, 1024, maxRequestBytesInFlight)
	if ipc.MaxFrameSize >= 1024 && ipc.MaxFrameSize <= 1<<31 && ipc.MaxRequestBytesInFlight < ipc.MaxFrameSize {
		v.add("node.ipc.max_request_bytes_in_flight", "%d is less than node.ipc.max_frame_size (%d): the largest frame must fit in the budget; raise this or lower max_frame_size", ipc.MaxRequestBytesInFlight, ipc.MaxFrameSize)
	}
	v.seconds("node.ipc.idle_timeout", ipc.IdleTimeout, 0)
	v.between("node.ipc.max_connections", int64(ipc.MaxConnections), 0, 1<<31-1)

	v.host("node.ipc.tcp.address", ipc.TCP.Address)
	v.port("node.ipc.tcp.port", ipc.TCP.Port)
	v.seconds("node.ipc.tcp.io_timeout", ipc.TCP.IOTimeout, 1)
	v.between("node.ipc.tcp.io_threads", int64(ipc.TCP.IOThreads), -1, 1<<31-1)

	v.socketPath("node.ipc.local.path", ipc.Local.Path)
	if !octalMode.MatchString(ipc.Local.SocketMode) {
		v.add("node.ipc.local.socket_mode", "%q is not an octal file mode such as \"0600\"", ipc.Local.SocketMode)
	}
	v.seconds("node.ipc.local.io_timeout", ipc.Local.IOTimeout, 1)
	v.between("node.ipc.local.io_threads", int64(ipc.Local.IOThreads), -1, 1<<31-1)

	if ipc.AccessCheck.Enable && ipc.AccessCheck.File == "" {
		v.add("node.ipc.access_check.file", "must name the secret file when node.ipc.access_check.enable is true")
	}

	ws := n.Node.WebSocket
	v.host("node.websocket.address", ws.Address)
	v.port("node.websocket.port", ws.Port)
	for _, p := range ws.AllowedOrigins {
		if err := CheckOriginPattern(p); err != nil {
			v.add("node.websocket.allowed_origins", "%v", err)
		}
	}

	v.host("node.metrics.address", n.Node.Metrics.Address)
	v.port("node.metrics.port", n.Node.Metrics.Port)

	if !hex64.MatchString(n.Node.Ledger.WorkThreshold) {
		v.add("node.ledger.work_threshold", "%q is not a 64-bit hex number such as \"fe00000000000000\"", n.Node.Ledger.WorkThreshold)
	}
	v.between("node.ledger.work_threads", int64(n.Node.Ledger.WorkThreads), 0, MaxWorkThreads)
	v.between("node.ledger.max_unchecked_blocks", int64(n.Node.Ledger.MaxUncheckedBlocks), 1, 1<<24)

	v.oneOf("node.logging.level", n.Node.Logging.Level, "debug", "info", "warn", "error")
	v.oneOf("node.logging.format", n.Node.Logging.Format, "text", "json")
	n.Node.NATS.validate(&v, "node.nats.")

	return v.err()
}

// Mode returns the socket file's permissions. The result is meaningful only
// for a value that passed Validate.
func (l Local) Mode() fs.FileMode {
	m, _ := strconv.ParseUint(l.SocketMode, 8, 32)
	return fs.FileMode(m) & fs.ModePerm
}

// MaxWorkThreads is the most node.ledger.work_threads may be.
const MaxWorkThreads = 1024

// Threshold returns the work threshold as a number. The result is meaningful
// only for a value that passed Validate.
func (l Ledger) Threshold() uint64 {
	t, _ := strconv.ParseUint(l.WorkThreshold, 16, 64)
	return t
}

// SlogLevel returns the logging level for log/slog. The result is
// meaningful only for a value that passed Validate.
func (l Logging) SlogLevel() slog.Level {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(l.Level))
	return lv
}

// resolvePaths makes relative file paths relative to dir, the directory
// holding the configuration file.
func (n *Node) resolvePaths(dir string) {
	resolve(&n.Node.IPC.AccessCheck.File, dir)
	n.Node.NATS.resolvePaths(dir)
}

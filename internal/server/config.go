package server

import (
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/nipc/nipc/internal/membudget"
	"github.com/nipc/nipc/internal/peer"
)

// Config is what the server needs to know. The zero value serves nothing;
// DefaultConfig gives the node's defaults.
type Config struct {
	TCP   TCPConfig
	Local LocalConfig

	MaxFrameSize   uint32        // largest accepted payload; checked before allocating
	IdleTimeout    time.Duration // 0: idle connections stay open, as with the node
	MaxConnections int           // 0: no limit; beyond it new connections are closed at once
	DrainTimeout   time.Duration // how long Shutdown waits for requests in flight when its ctx has no deadline

	// MaxRequestBytesInFlight bounds the payload bytes of the requests
	// being read, handled or answered on all connections together
	// (node.ipc.max_request_bytes_in_flight); 0: no bound. It must be at
	// least MaxFrameSize. See the package doc for what counts.
	MaxRequestBytesInFlight int64
	// Budget, if set, is the budget itself, shared with others (the node
	// gives its HTTP gateway the same one); its limit should be
	// MaxRequestBytesInFlight. Nil: New makes one of that size.
	Budget *membudget.Budget

	// AccessSecret turns the shared-secret access check on for both
	// transports (docs/PROTOCOL.md §3); nil leaves it off. When it is nil
	// and AccessFile is set, New reads the secret from that file with
	// ipc.ReadSecretFile and fails if it cannot.
	AccessSecret []byte
	AccessFile   string

	// Observer, if set, is told of connections opening and ending and of
	// failed access checks (metrics).
	Observer ConnObserver
}

// ConnObserver is told of the server's connections. Its methods must be
// safe for concurrent use and must not block.
type ConnObserver interface {
	ConnOpened(peer.Transport)
	ConnClosed(peer.Transport)
	AccessCheckFailed()
}

// TCPConfig is the TCP transport ([node.ipc.tcp]).
type TCPConfig struct {
	Enable      bool
	Address     string // host to bind; 127.0.0.1 by default
	Port        int    // 0 picks a free port (tests)
	IOTimeout   time.Duration
	AllowUnsafe bool
}

// LocalConfig is the Unix domain socket transport ([node.ipc.local]).
type LocalConfig struct {
	Enable      bool
	Path        string
	Mode        fs.FileMode // permission bits of the socket file
	IOTimeout   time.Duration
	AllowUnsafe bool
}

// DefaultConfig returns nipc's defaults: both transports on, TCP on
// 127.0.0.1:7077, the socket at /tmp/nano with mode 0600, 15 s io_timeout,
// 32 MiB frames, 256 MiB of request bytes in flight, 16384 connections.
func DefaultConfig() Config {
	return Config{
		TCP:                     TCPConfig{Enable: true, Address: "127.0.0.1", Port: 7077, IOTimeout: 15 * time.Second},
		Local:                   LocalConfig{Enable: true, Path: "/tmp/nano", Mode: 0o600, IOTimeout: 15 * time.Second},
		MaxFrameSize:            32 << 20,
		MaxRequestBytesInFlight: 256 << 20,
		MaxConnections:          16384,
		DrainTimeout:            10 * time.Second,
	}
}

// maxUnixPath is the size of sun_path on Linux, less the terminating NUL.
const maxUnixPath = 107

// Validate reports the first problem with c.
func (c Config) Validate() error {
	if !c.TCP.Enable && !c.Local.Enable {
		return errors.New("server: no transport enabled (node.ipc.tcp.enable and node.ipc.local.enable are both false)")
	}
	if c.TCP.Enable && (c.TCP.Port < 0 || c.TCP.Port > 65535) {
		return fmt.Errorf("server: tcp port %d out of range", c.TCP.Port)
	}
	if c.Local.Enable {
		if c.Local.Path == "" {
			return errors.New("server: node.ipc.local.path is empty")
		}
		if len(c.Local.Path) > maxUnixPath {
			return fmt.Errorf("server: socket path %q is %d bytes; the limit is %d", c.Local.Path, len(c.Local.Path), maxUnixPath)
		}
	}
	if c.AccessSecret != nil && len(c.AccessSecret) == 0 {
		return errors.New("server: the access-check secret is empty")
	}
	if c.MaxFrameSize == 0 {
		return errors.New("server: max frame size is 0")
	}
	if c.MaxRequestBytesInFlight < 0 || c.MaxRequestBytesInFlight > 0 && c.MaxRequestBytesInFlight < int64(c.MaxFrameSize) {
		return fmt.Errorf("server: request bytes in flight (%d) must be at least the max frame size (%d)", c.MaxRequestBytesInFlight, c.MaxFrameSize)
	}
	return nil
}

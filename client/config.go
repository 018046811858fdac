package client

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"time"
)

// Environment variables read by ConfigFromEnv.
const (
	EnvIPCPath    = "NIPC_IPC_PATH"
	EnvIPCAddr    = "NIPC_IPC_ADDR"
	EnvIPCPort    = "NIPC_IPC_PORT"
	EnvAccessFile = "NIPC_IPC_ACCESS_FILE"
	EnvAPIKey     = "NIPC_API_KEY"
)

// Defaults.
const (
	DefaultAddr     = "127.0.0.1"
	DefaultPort     = 7077
	DefaultPoolSize = 4
)

// Config says where the daemon is and how to talk to it. The zero value
// dials 127.0.0.1:7077.
type Config struct {
	Path         string        // Unix socket path; used instead of TCP when set
	Addr         string        // TCP host (default 127.0.0.1)
	Port         int           // TCP port (default 7077)
	AccessFile   string        // shared-secret file: when set, every connection does the access check
	APIKey       string        // credentials for v2 messages
	PoolSize     int           // connections kept and used at once (default 4)
	DialTimeout  time.Duration // default 5 s, further bounded by ctx
	MaxFrameSize uint32        // largest reply accepted (default 32 MiB)
	Origin       Origin        // what set Path, Addr/Port and AccessFile, for the error texts
}

// Origin names what a user changes to fix each of a Config's values, for
// the error texts. An empty field is the environment (ConfigFromEnv's
// variables); a program that takes the values as flags names its flags.
type Origin struct {
	Path       string // e.g. "-S"; "" is NIPC_IPC_PATH
	TCP        string // e.g. "-A/-P"; "" is NIPC_IPC_ADDR/NIPC_IPC_PORT
	AccessFile string // e.g. "--access-file"; "" is NIPC_IPC_ACCESS_FILE
}

// ConfigFromEnv returns the configuration the environment describes.
func ConfigFromEnv() (Config, error) {
	c := Config{
		Path:       os.Getenv(EnvIPCPath),
		Addr:       os.Getenv(EnvIPCAddr),
		AccessFile: os.Getenv(EnvAccessFile),
		APIKey:     os.Getenv(EnvAPIKey),
	}
	if p := os.Getenv(EnvIPCPort); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return c, fmt.Errorf("client: %s=%q is not a port number", EnvIPCPort, p)
		}
		c.Port = n
	}
	return c, nil
}

// of is what gave the address of network ("unix" or "tcp").
func (o Origin) of(network string) string {
	if network == "unix" {
		return o.Path
	}
	return o.TCP
}

// Network returns the network and address Dial uses.
func (c Config) Network() (network, address string) {
	if c.Path != "" {
		return "unix", c.Path
	}
	addr, port := c.Addr, c.Port
	if addr == "" {
		addr = DefaultAddr
	}
	if port == 0 {
		port = DefaultPort
	}
	return "tcp", net.JoinHostPort(addr, strconv.Itoa(port))
}

func (c Config) withDefaults() Config {
	if c.PoolSize <= 0 {
		c.PoolSize = DefaultPoolSize
	}
	if c.DialTimeout <= 0 {
		c.DialTimeout = 5 * time.Second
	}
	if c.MaxFrameSize == 0 {
		c.MaxFrameSize = 32 << 20
	}
	return c
}

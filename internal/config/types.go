package config

import (
	"os"
	"path/filepath"
	"time"
)

// File names inside the data directory.
const (
	NodeFile   = "config-node.toml"   // node, IPC transports, WebSocket, ledger, logging
	RPCFile    = "config-rpc.toml"    // HTTP(S) gateway
	AccessFile = "config-access.toml" // IPC v2 users, roles and permissions
	LedgerFile = "ledger.db"          // the embedded dev-network ledger (bbolt)
)

// DefaultDataDir returns nipc's default data directory, $HOME/.nipc.
// It fails only when the home directory cannot be determined.
func DefaultDataDir() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".nipc"), nil
}

// Seconds is a duration written in the TOML files as an integer number of
// seconds, as the node writes io_timeout.
type Seconds int64

// maxSeconds bounds every Seconds value so that Duration never overflows.
const maxSeconds = 1<<31 - 1

// Duration converts s to a time.Duration.
func (s Seconds) Duration() time.Duration {
	return time.Duration(s) * time.Second
}

// maxSocketPath is the longest Unix socket path Linux accepts: sun_path holds
// 108 bytes including the terminating NUL.
const maxSocketPath = 107

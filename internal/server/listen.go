package server

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// listenTCP binds the TCP transport. A port in use is an error that says so:
// unlike the C++ node, nipc does not run on without a configured transport.
func listenTCP(c TCPConfig) (net.Listener, error) {
	addr := net.JoinHostPort(c.Address, strconv.Itoa(c.Port))
	l, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("ipc tcp: %s is already in use (another nipc or Nano node? change node.ipc.tcp.port)", addr)
		}
		return nil, fmt.Errorf("ipc tcp: listen on %s: %w", addr, err)
	}
	return l, nil
}

// listenUnix creates the Unix socket safely: it refuses to start if a live
// server answers on the path, removes a stale socket file, refuses to replace
// anything that is not a socket, creates the socket with no access for anyone
// but the owner and then sets the configured mode.
func listenUnix(c LocalConfig) (*net.UnixListener, error) {
	path := c.Path
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode().Type() != fs.ModeSocket {
			return nil, fmt.Errorf("ipc unix: %s exists and is not a socket; refusing to replace it", path)
		}
		if conn, err := net.DialTimeout("unix", path, time.Second); err == nil {
			conn.Close()
			return nil, fmt.Errorf("ipc unix: a server is already listening on %s (another nipc or Nano node? change node.ipc.local.path)", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("ipc unix: remove stale socket %s: %w", path, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("ipc unix: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("ipc unix: create directory for %s: %w", path, err)
	}
	// The socket file takes its mode from the umask; closing it to the owner
	// for the moment between bind and chmod leaves no window for others.
	old := syscall.Umask(0o177)
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	syscall.Umask(old)
	if err != nil {
		return nil, fmt.Errorf("ipc unix: listen on %s: %w", path, err)
	}
	if err := os.Chmod(path, c.Mode.Perm()); err != nil {
		l.Close()
		return nil, fmt.Errorf("ipc unix: chmod %s: %w", path, err)
	}
	return l, nil
}

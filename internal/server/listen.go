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

	"github.com/nipc/nipc/internal/listenerr"
)

// listenTCP binds the TCP transport. A port in use is an error that says so:
// unlike the C++ node, nipc does not run on without a configured transport.
func listenTCP(c TCPConfig) (net.Listener, error) {
	addr := net.JoinHostPort(c.Address, strconv.Itoa(c.Port))
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, &listenerr.Error{What: "ipc tcp", Addr: addr, Key: "node.ipc.tcp.port", Err: err}
	}
	return l, nil
}

// socketInUse: a live server answers on the Unix socket path. It is
// syscall.EADDRINUSE for errors.Is, as a TCP port in use is.
type socketInUse struct{ path string }

func (e *socketInUse) Error() string {
	return fmt.Sprintf("ipc unix: a server is already listening on %s (another nipc or Nano node? change node.ipc.local.path)", e.path)
}

func (e *socketInUse) Is(target error) bool { return target == syscall.EADDRINUSE }

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
			return nil, &socketInUse{path}
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

//go:build linux

package server

import (
	"fmt"
	"net"

	"golang.org/x/sys/unix"

	"github.com/nipc/nipc/internal/peer"
)

// peerCred returns the credentials of the process at the other end of c,
// as the kernel recorded them when that process called connect()
// (SO_PEERCRED). One getsockopt; no data is read from the connection.
func peerCred(c *net.UnixConn) (*peer.Cred, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("SO_PEERCRED: %w", err)
	}
	var ucred *unix.Ucred
	var serr error
	if err := raw.Control(func(fd uintptr) {
		ucred, serr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return nil, fmt.Errorf("SO_PEERCRED: %w", err)
	}
	if serr != nil {
		return nil, fmt.Errorf("SO_PEERCRED: %w", serr)
	}
	return &peer.Cred{PID: ucred.Pid, UID: ucred.Uid, GID: ucred.Gid}, nil
}

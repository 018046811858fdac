//go:build !linux

package server

import (
	"errors"
	"net"

	"github.com/nipc/nipc/internal/peer"
)

// peerCred is not implemented here (only Linux's SO_PEERCRED is): a Unix
// peer's credentials are unknown, so its connections have no uid identity
// and requests without credentials act as the default user.
func peerCred(*net.UnixConn) (*peer.Cred, error) {
	return nil, errors.ErrUnsupported
}

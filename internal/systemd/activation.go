package systemd

import (
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// The roles: the FileDescriptorName= of each socket nipc takes.
const (
	RoleIPCTCP    = "ipc-tcp"
	RoleIPCUnix   = "ipc-unix"
	RoleRPC       = "rpc"
	RoleWebSocket = "websocket"
)

var allRoles = []string{RoleIPCTCP, RoleIPCUnix, RoleRPC, RoleWebSocket}

// Listeners are the sockets systemd passed, by role; a nil field means none
// was passed for that role, which then binds its configured address.
type Listeners struct {
	IPCTCP    net.Listener      // a *net.TCPListener
	IPCUnix   *net.UnixListener //
	RPC       net.Listener      // a *net.TCPListener or *net.UnixListener
	WebSocket net.Listener      // a *net.TCPListener or *net.UnixListener
}

// Close closes every listener in l. systemd keeps its own descriptor of
// each socket, so closing never removes a socket file.
func (l Listeners) Close() {
	for _, ln := range []net.Listener{l.IPCTCP, l.RPC, l.WebSocket} {
		if ln != nil {
			ln.Close()
		}
	}
	if l.IPCUnix != nil {
		l.IPCUnix.Close()
	}
}

// listenFDsStart is the first descriptor systemd passes (SD_LISTEN_FDS_START).
const listenFDsStart = 3

// maxFDs bounds LISTEN_FDS: nipc takes one socket per role.
const maxFDs = 64

// Activated returns the sockets systemd passed to this process, by role,
// taking only the roles given (those the command serves). It unsets
// LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES whatever the outcome. The
// listeners it returns are close-on-exec duplicates; the inherited
// descriptors are closed. On error none is kept.
func Activated(roles ...string) (Listeners, error) {
	names, err := parseEnv(os.LookupEnv, os.Getpid())
	for _, v := range []string{"LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"} {
		os.Unsetenv(v)
	}
	if err != nil || names == nil {
		return Listeners{}, err
	}
	socks := make([]socket, len(names))
	for i, name := range names {
		fd := listenFDsStart + i
		socks[i] = socket{fd: fd, name: name, file: os.NewFile(uintptr(fd), name)}
	}
	return byRole(socks, roles)
}

// parseEnv returns the name of each socket passed to process pid, in
// descriptor order ("" for each when LISTEN_FDNAMES is unset), or nil when
// none was passed to it.
func parseEnv(lookup func(string) (string, bool), pid int) ([]string, error) {
	pidText, _ := lookup("LISTEN_PID")
	if pidText == "" {
		return nil, nil
	}
	if p, err := strconv.Atoi(pidText); err != nil || p <= 0 {
		return nil, fmt.Errorf("systemd: LISTEN_PID=%q is not a process id", pidText)
	} else if p != pid {
		return nil, nil // meant for another process
	}
	countText, _ := lookup("LISTEN_FDS")
	if countText == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(countText)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("systemd: LISTEN_FDS=%q is not a number of descriptors", countText)
	}
	if n > maxFDs {
		return nil, fmt.Errorf("systemd: LISTEN_FDS=%d: nipc takes at most one socket for each of %s", n, strings.Join(allRoles, ", "))
	}
	if n == 0 {
		return nil, nil
	}
	namesText, ok := lookup("LISTEN_FDNAMES")
	if !ok {
		return make([]string, n), nil
	}
	names := strings.Split(namesText, ":")
	if len(names) != n {
		return nil, fmt.Errorf("systemd: LISTEN_FDNAMES=%q names %d sockets but LISTEN_FDS=%d", namesText, len(names), n)
	}
	return names, nil
}

// socket is one passed descriptor.
type socket struct {
	fd   int    // its number, for messages
	name string // its FileDescriptorName=
	file *os.File
}

func (s socket) errorf(format string, a ...any) error {
	return fmt.Errorf("systemd: fd %d named %q: %s", s.fd, s.name, fmt.Sprintf(format, a...))
}

// byRole turns socks into listeners, checking each name and socket against
// roles. It closes every file in socks.
func byRole(socks []socket, roles []string) (l Listeners, err error) {
	defer func() {
		for _, s := range socks {
			s.file.Close()
		}
		if err != nil {
			l.Close()
			l = Listeners{}
		}
	}()
	owner := make(map[string]int) // role -> fd
	for _, s := range socks {
		if err := s.checkName(roles); err != nil {
			return l, err
		}
		if fd, dup := owner[s.name]; dup {
			return l, s.errorf("fd %d has this name too; each role takes one socket", fd)
		}
		owner[s.name] = s.fd
		ln, err := s.listener()
		if err != nil {
			return l, err
		}
		_, isTCP := ln.(*net.TCPListener)
		switch s.name {
		case RoleIPCTCP:
			if !isTCP {
				ln.Close()
				return l, s.errorf("a %s socket; this role needs TCP (ListenStream=127.0.0.1:7077)", ln.Addr().Network())
			}
			l.IPCTCP = ln
		case RoleIPCUnix:
			ul, ok := ln.(*net.UnixListener)
			if !ok {
				ln.Close()
				return l, s.errorf("a %s socket; this role needs a Unix socket (ListenStream=/path)", ln.Addr().Network())
			}
			l.IPCUnix = ul
		case RoleRPC:
			l.RPC = ln
		case RoleWebSocket:
			l.WebSocket = ln
		}
	}
	return l, nil
}

func (s socket) checkName(roles []string) error {
	switch {
	case s.name == "":
		return fmt.Errorf("systemd: fd %d has no name; set FileDescriptorName= to one of %s", s.fd, strings.Join(roles, ", "))
	case !slices.Contains(allRoles, s.name):
		return s.errorf("unknown name; FileDescriptorName= must be one of %s", strings.Join(roles, ", "))
	case !slices.Contains(roles, s.name):
		return s.errorf("not used by this command, which takes %s", strings.Join(roles, ", "))
	}
	return nil
}

// listener checks that s is a listening stream socket and returns a
// listener on a close-on-exec duplicate of it.
func (s socket) listener() (net.Listener, error) {
	raw, err := s.file.SyscallConn()
	if err != nil {
		return nil, s.errorf("%v", err)
	}
	var soType, accepting int
	var serr error
	if err := raw.Control(func(fd uintptr) {
		if soType, serr = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_TYPE); serr == nil {
			accepting, serr = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_ACCEPTCONN)
		}
	}); err != nil {
		return nil, s.errorf("%v", err)
	}
	switch {
	case errors.Is(serr, unix.ENOTSOCK):
		return nil, s.errorf("not a socket")
	case serr != nil:
		return nil, s.errorf("%v", serr)
	case soType == unix.SOCK_DGRAM:
		return nil, s.errorf("a datagram socket (ListenDatagram=); nipc needs a listening stream socket (ListenStream=)")
	case soType != unix.SOCK_STREAM:
		return nil, s.errorf("socket type %d; nipc needs a listening stream socket (ListenStream=)", soType)
	case accepting == 0:
		return nil, s.errorf("a stream socket that is not listening (Accept=yes passes connections; nipc needs Accept=no)")
	}
	ln, err := net.FileListener(s.file)
	if err != nil {
		return nil, s.errorf("%v", err)
	}
	return ln, nil
}

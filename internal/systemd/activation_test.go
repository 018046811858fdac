package systemd

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestParseEnv(t *testing.T) {
	const pid = 4242
	for _, tc := range []struct {
		name  string
		env   map[string]string
		want  []string
		error string // "" for none
	}{
		{"missing", map[string]string{}, nil, ""},
		{"pid only", map[string]string{"LISTEN_PID": "4242"}, nil, ""},
		{"wrong pid", map[string]string{"LISTEN_PID": "1", "LISTEN_FDS": "2", "LISTEN_FDNAMES": "ipc-tcp:rpc"}, nil, ""},
		{"bad pid", map[string]string{"LISTEN_PID": "me", "LISTEN_FDS": "1"}, nil, `LISTEN_PID="me" is not a process id`},
		{"zero pid", map[string]string{"LISTEN_PID": "0", "LISTEN_FDS": "1"}, nil, `LISTEN_PID="0"`},
		{"zero count", map[string]string{"LISTEN_PID": "4242", "LISTEN_FDS": "0"}, nil, ""},
		{"bad count", map[string]string{"LISTEN_PID": "4242", "LISTEN_FDS": "two"}, nil, `LISTEN_FDS="two" is not a number`},
		{"negative count", map[string]string{"LISTEN_PID": "4242", "LISTEN_FDS": "-1"}, nil, `LISTEN_FDS="-1"`},
		{"huge count", map[string]string{"LISTEN_PID": "4242", "LISTEN_FDS": "100000"}, nil, "at most one socket"},
		{"names unset", map[string]string{"LISTEN_PID": "4242", "LISTEN_FDS": "2"}, []string{"", ""}, ""},
		{"fewer names", map[string]string{"LISTEN_PID": "4242", "LISTEN_FDS": "2", "LISTEN_FDNAMES": "rpc"}, nil, `names 1 sockets but LISTEN_FDS=2`},
		{"more names", map[string]string{"LISTEN_PID": "4242", "LISTEN_FDS": "1", "LISTEN_FDNAMES": "rpc:websocket"}, nil, `names 2 sockets but LISTEN_FDS=1`},
		{"empty names", map[string]string{"LISTEN_PID": "4242", "LISTEN_FDS": "2", "LISTEN_FDNAMES": ""}, nil, `names 1 sockets`},
		{"named", map[string]string{"LISTEN_PID": "4242", "LISTEN_FDS": "3", "LISTEN_FDNAMES": "ipc-tcp:ipc-unix:rpc"}, []string{"ipc-tcp", "ipc-unix", "rpc"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lookup := func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }
			got, err := parseEnv(lookup, pid)
			if tc.error == "" && err != nil || tc.error != "" && (err == nil || !strings.Contains(err.Error(), tc.error)) {
				t.Fatalf("error %v, want one containing %q", err, tc.error)
			}
			if !slices.Equal(got, tc.want) || (got == nil) != (tc.want == nil) {
				t.Fatalf("names %q, want %q", got, tc.want)
			}
		})
	}
}

// TestActivatedUnsetsEnv: the variables are gone afterwards, whether they
// were for this process, for another, or wrong.
func TestActivatedUnsetsEnv(t *testing.T) {
	for _, tc := range []struct {
		name, pid, fds, names string
		error                 bool
	}{
		{"another process", "1", "2", "ipc-tcp:rpc", false},
		{"names mismatch", "self", "2", "rpc", true},
		{"bad count", "self", "x", "rpc", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pid := tc.pid
			if pid == "self" {
				pid = strconv.Itoa(os.Getpid())
			}
			t.Setenv("LISTEN_PID", pid)
			t.Setenv("LISTEN_FDS", tc.fds)
			t.Setenv("LISTEN_FDNAMES", tc.names)
			l, err := Activated(allRoles...)
			if (err != nil) != tc.error || l != (Listeners{}) {
				t.Fatalf("Activated = %+v, %v", l, err)
			}
			for _, v := range []string{"LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"} {
				if _, set := os.LookupEnv(v); set {
					t.Errorf("%s still set", v)
				}
			}
		})
	}
}

// fileOf returns a descriptor for a socket of the kind named, the way
// systemd would pass it.
func fileOf(t *testing.T, kind string) *os.File {
	t.Helper()
	dir := t.TempDir()
	if kind == "file" {
		f, err := os.CreateTemp(dir, "f")
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	var sock interface {
		File() (*os.File, error)
		Close() error
	}
	var err error
	switch kind {
	case "tcp":
		sock, err = net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	case "unix":
		var l *net.UnixListener
		if l, err = net.ListenUnix("unix", &net.UnixAddr{Name: filepath.Join(dir, "s"), Net: "unix"}); err == nil {
			l.SetUnlinkOnClose(false) // the file is systemd's
		}
		sock = l
	case "udp":
		sock, err = net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	case "unixgram":
		sock, err = net.ListenUnixgram("unixgram", &net.UnixAddr{Name: filepath.Join(dir, "g"), Net: "unixgram"})
	case "tcp-conn": // what Accept=yes passes
		l, lerr := net.Listen("tcp", "127.0.0.1:0")
		if lerr != nil {
			t.Fatal(lerr)
		}
		defer l.Close()
		var c net.Conn
		if c, err = net.Dial("tcp", l.Addr().String()); err == nil {
			sock = c.(*net.TCPConn)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()
	f, err := sock.File()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestByRole(t *testing.T) {
	type sock struct{ name, kind string }
	for _, tc := range []struct {
		name  string
		roles []string
		socks []sock
		error string // "" for none
	}{
		{"every role", allRoles, []sock{{"ipc-tcp", "tcp"}, {"ipc-unix", "unix"}, {"rpc", "tcp"}, {"websocket", "tcp"}}, ""},
		{"gateway on Unix sockets", []string{RoleRPC, RoleWebSocket}, []sock{{"rpc", "unix"}, {"websocket", "unix"}}, ""},
		{"one role", allRoles, []sock{{"ipc-unix", "unix"}}, ""},
		{"unknown name", allRoles, []sock{{"ipc-tcp", "tcp"}, {"http", "tcp"}}, `fd 4 named "http": unknown name; FileDescriptorName= must be one of ipc-tcp, ipc-unix, rpc, websocket`},
		{"no name", allRoles, []sock{{"", "tcp"}}, `fd 3 has no name; set FileDescriptorName=`},
		{"not this command's", []string{RoleRPC, RoleWebSocket}, []sock{{"ipc-tcp", "tcp"}}, `fd 3 named "ipc-tcp": not used by this command, which takes rpc, websocket`},
		{"twice", allRoles, []sock{{"rpc", "tcp"}, {"rpc", "tcp"}}, `fd 4 named "rpc": fd 3 has this name too`},
		{"udp", allRoles, []sock{{"rpc", "udp"}}, `fd 3 named "rpc": a datagram socket`},
		{"unixgram", allRoles, []sock{{"ipc-unix", "unixgram"}}, `fd 3 named "ipc-unix": a datagram socket`},
		{"accepted connection", allRoles, []sock{{"ipc-tcp", "tcp-conn"}}, `fd 3 named "ipc-tcp": a stream socket that is not listening`},
		{"not a socket", allRoles, []sock{{"websocket", "file"}}, `fd 3 named "websocket": not a socket`},
		{"tcp for the Unix socket", allRoles, []sock{{"ipc-unix", "tcp"}}, `fd 3 named "ipc-unix": a tcp socket; this role needs a Unix socket`},
		{"unix for the TCP port", allRoles, []sock{{"ipc-tcp", "unix"}}, `fd 3 named "ipc-tcp": a unix socket; this role needs TCP`},
		{"error after a good one", allRoles, []sock{{"ipc-tcp", "tcp"}, {"ipc-unix", "udp"}}, `fd 4 named "ipc-unix": a datagram socket`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			socks := make([]socket, len(tc.socks))
			for i, s := range tc.socks {
				socks[i] = socket{fd: listenFDsStart + i, name: s.name, file: fileOf(t, s.kind)}
			}
			l, err := byRole(socks, tc.roles)
			for _, s := range socks {
				if _, err := s.file.Stat(); err == nil {
					t.Errorf("fd %d (%s) left open", s.fd, s.name)
				}
			}
			if tc.error != "" {
				if err == nil || !strings.Contains(err.Error(), tc.error) {
					t.Fatalf("error %v, want one containing %q", err, tc.error)
				}
				if l != (Listeners{}) {
					t.Fatalf("listeners returned with the error: %+v", l)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			got := map[string]net.Listener{RoleIPCTCP: l.IPCTCP, RoleRPC: l.RPC, RoleWebSocket: l.WebSocket}
			if l.IPCUnix != nil {
				got[RoleIPCUnix] = l.IPCUnix
			}
			for _, s := range tc.socks {
				ln := got[s.name]
				if ln == nil {
					t.Fatalf("no listener for %s", s.name)
				}
				// The listener works: a connection arrives.
				c, err := net.Dial(ln.Addr().Network(), ln.Addr().String())
				if err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				a, err := ln.Accept()
				if err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
				a.Close()
				c.Close()
			}
		})
	}
}

package server

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/ipc"
)

// TestListenWith: listeners passed in (as systemd passes them) are served in
// place of the configured addresses, the other transports are bound as
// configured, and a passed-in socket file is neither chmodded nor removed.
func TestListenWith(t *testing.T) {
	for _, tc := range []struct {
		name          string
		tcp, unix     bool // pass a listener in
		tcpOn, unixOn bool // enabled in the configuration file
		samePath      bool // the configured path is the passed-in socket's
	}{
		{"both passed", true, true, true, true, false},
		{"tcp passed, socket configured", true, false, true, true, false},
		{"socket passed, tcp configured", false, true, true, true, false},
		{"socket passed, both off in the file", false, true, false, false, false},
		{"socket passed at the configured path", false, true, true, true, true},
		{"nothing passed", false, false, true, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := shortTempDir(t)
			cfg := DefaultConfig()
			cfg.TCP.Port = freeTCPPort(t)
			// A passed-in listener turns its transport on (as internal/node does).
			cfg.TCP.Enable, cfg.Local.Enable = tc.tcpOn || tc.tcp, tc.unixOn || tc.unix
			cfg.Local.Path = filepath.Join(dir, "configured.sock")
			var tcp net.Listener
			var unix *net.UnixListener
			activated := filepath.Join(dir, "activated.sock")
			if tc.samePath {
				cfg.Local.Path = activated
			}
			if tc.tcp {
				tcp = listenOrFatal(t, "tcp", "127.0.0.1:0")
			}
			if tc.unix {
				unix = listenOrFatal(t, "unix", activated).(*net.UnixListener)
				if err := os.Chmod(activated, 0o604); err != nil {
					t.Fatal(err)
				}
			}
			s, err := New(cfg, echoHandler, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.ListenWith(tcp, unix); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- s.Serve() }()

			if tc.tcpOn || tc.tcp {
				addr := s.TCPAddr().String()
				if tc.tcp && addr != tcp.Addr().String() {
					t.Errorf("TCPAddr %s, want the passed listener's %s", addr, tcp.Addr())
				}
				roundTrip(t, "tcp", addr)
			} else if s.TCPAddr() != nil {
				t.Errorf("TCP bound at %s", s.TCPAddr())
			}
			if tc.tcp { // the configured port stays free
				listenOrFatal(t, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.TCP.Port))).Close()
			}
			sock := cfg.Local.Path
			if tc.unix {
				sock = activated
				if p := s.UnixPath(); p != "" {
					t.Errorf("UnixPath %q for a passed-in socket", p)
				}
				if _, err := os.Lstat(cfg.Local.Path); !tc.samePath && !errors.Is(err, os.ErrNotExist) {
					t.Errorf("configured socket created: %v", err)
				}
			}
			roundTrip(t, "unix", sock)

			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := s.Shutdown(ctx); err != nil {
				t.Fatal(err)
			}
			if err := <-done; !errors.Is(err, ErrServerClosed) {
				t.Fatalf("Serve: %v", err)
			}
			fi, err := os.Lstat(activated)
			switch {
			case !tc.unix:
			case err != nil:
				t.Errorf("the passed-in socket file is gone: %v", err)
			case fi.Mode().Perm() != 0o604:
				t.Errorf("the passed-in socket's mode is %v, want 0604 as it was", fi.Mode().Perm())
			}
			if _, err := os.Lstat(cfg.Local.Path); !tc.samePath && !errors.Is(err, os.ErrNotExist) {
				t.Errorf("configured socket left behind: %v", err)
			}
		})
	}
}

// TestListenWithFailureClosesListeners: when a configured transport cannot
// be bound, or a listener is of the wrong kind, the passed-in listeners are
// closed.
func TestListenWithFailureClosesListeners(t *testing.T) {
	dir := shortTempDir(t)
	notSocket := filepath.Join(dir, "file")
	os.WriteFile(notSocket, nil, 0o600)
	for _, tc := range []struct {
		name  string
		path  string // the configured socket
		tcp   func(t *testing.T) net.Listener
		error string
	}{
		{"configured socket fails", notSocket, func(t *testing.T) net.Listener { return listenOrFatal(t, "tcp", "127.0.0.1:0") }, "not a socket"},
		{"tcp is a Unix socket", filepath.Join(dir, "s"), func(t *testing.T) net.Listener {
			return listenOrFatal(t, "unix", filepath.Join(dir, "u.sock"))
		}, "not tcp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Local.Path = tc.path
			s, err := New(cfg, echoHandler, nil)
			if err != nil {
				t.Fatal(err)
			}
			tcp := tc.tcp(t)
			err = s.ListenWith(tcp, nil)
			if err == nil || !strings.Contains(err.Error(), tc.error) {
				t.Fatalf("ListenWith: %v, want an error containing %q", err, tc.error)
			}
			if _, err := tcp.Accept(); !errors.Is(err, net.ErrClosed) {
				t.Errorf("passed-in listener still open: %v", err)
			}
		})
	}
}

func listenOrFatal(t *testing.T, network, addr string) net.Listener {
	t.Helper()
	l, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func freeTCPPort(t *testing.T) int {
	l := listenOrFatal(t, "tcp", "127.0.0.1:0")
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func roundTrip(t *testing.T, network, addr string) {
	t.Helper()
	c := dial(t, network, addr)
	if _, err := c.Write(ipc.AppendRequest(nil, ipc.EncodingJSON, []byte("hi"))); err != nil {
		t.Fatal(err)
	}
	if got := readReply(t, c); !strings.HasSuffix(got, ":hi") {
		t.Fatalf("%s %s: reply %q", network, addr, got)
	}
	c.Close()
}

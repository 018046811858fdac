package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/ipc"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// echoHandler answers "<encoding>:<payload>", sleeps for "sleep:<dur>" and
// panics for "panic".
var echoHandler = HandlerFunc(func(ctx context.Context, enc ipc.Encoding, payload, dst []byte) []byte {
	p := string(payload)
	switch {
	case p == "panic":
		panic("handler panic")
	case strings.HasPrefix(p, "sleep:"):
		d, _ := time.ParseDuration(strings.TrimPrefix(p, "sleep:"))
		time.Sleep(d)
	case p == "peer":
		pr := peer.From(ctx)
		return fmt.Appendf(dst, "%s unsafe=%v", pr.Transport, pr.AllowUnsafe)
	}
	return fmt.Appendf(dst, "%d:%s", enc, payload)
})

// testServer starts a server with echoHandler on 127.0.0.1:0 and a socket
// in a temp dir.
func testServer(t *testing.T, mod func(*Config)) *Server {
	t.Helper()
	return startServer(t, echoHandler, mod)
}

// startServer is testServer with the given handler.
func startServer(t testing.TB, h Handler, mod func(*Config)) *Server {
	t.Helper()
	cfg := testConfig(t)
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	serve(t, s)
	return s
}

// testConfig is startServer's configuration before mod.
func testConfig(t testing.TB) Config {
	cfg := DefaultConfig()
	cfg.TCP.Port = 0
	cfg.Local.Path = filepath.Join(shortTempDir(t), "s.sock")
	cfg.TCP.IOTimeout = 300 * time.Millisecond
	cfg.Local.IOTimeout = 300 * time.Millisecond
	return cfg
}

// serve binds s and serves it until the test ends.
func serve(t testing.TB, s *Server) {
	t.Helper()
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve() }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
}

// shortTempDir keeps socket paths under the 107-byte limit.
func shortTempDir(t testing.TB) string {
	d, err := os.MkdirTemp("", "nipc")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

type transport struct {
	name string
	dial func(t *testing.T, s *Server) net.Conn
}

var transports = []transport{
	{"tcp", func(t *testing.T, s *Server) net.Conn { return dial(t, "tcp", s.TCPAddr().String()) }},
	{"unix", func(t *testing.T, s *Server) net.Conn { return dial(t, "unix", s.UnixPath()) }},
}

func dial(t testing.TB, network, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func forEachTransport(t *testing.T, f func(t *testing.T, s *Server, dial func() net.Conn)) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			s := testServer(t, nil)
			f(t, s, func() net.Conn { return tr.dial(t, s) })
		})
	}
}

func readReply(t *testing.T, c net.Conn) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	p, err := ipc.ReadFrame(c, 1<<20, nil)
	if err != nil {
		t.Fatalf("reading reply: %v", err)
	}
	return string(p)
}

// expectClosed asserts the server closes c without sending a byte.
func expectClosed(t *testing.T, c net.Conn, within time.Duration) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(within))
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("connection not closed within %v: %v (read %q)", within, err, b)
	}
	if len(b) != 0 {
		t.Fatalf("server sent %q before closing; want nothing", b)
	}
}

func TestRoundTripAndPipelining(t *testing.T) {
	forEachTransport(t, func(t *testing.T, s *Server, dial func() net.Conn) {
		c := dial()
		var req []byte
		for i := range 5 {
			req = ipc.AppendRequest(req, ipc.Encoding(1+i%4), fmt.Appendf(nil, "req%d", i))
		}
		if _, err := c.Write(req); err != nil { // five requests in one write
			t.Fatal(err)
		}
		for i := range 5 {
			if got, want := readReply(t, c), fmt.Sprintf("%d:req%d", 1+i%4, i); got != want {
				t.Fatalf("reply %d = %q, want %q", i, got, want)
			}
		}
	})
}

func TestFramingErrorsCloseWithoutReply(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"bad lead byte", []byte("X\x01\x00\x00\x00\x00\x00\x02{}")},
		{"reserved byte 2", []byte("N\x01\x01\x00\x00\x00\x00\x02{}")},
		{"reserved byte 3", []byte("N\x01\x00\x01\x00\x00\x00\x02{}")},
		{"encoding 0", []byte("N\x00\x00\x00\x00\x00\x00\x02{}")},
		{"encoding 5", []byte("N\x05\x00\x00\x00\x00\x00\x02{}")},
		{"encoding 255", []byte("N\xff\x00\x00\x00\x00\x00\x02{}")},
		{"zero length enc 1", []byte("N\x01\x00\x00\x00\x00\x00\x00")},
		{"zero length enc 2", []byte("N\x02\x00\x00\x00\x00\x00\x00")},
		{"zero length enc 3", []byte("N\x03\x00\x00\x00\x00\x00\x00")},
		{"zero length enc 4", []byte("N\x04\x00\x00\x00\x00\x00\x00")},
		{"huge declared length", []byte("N\x01\x00\x00\xff\xff\xff\xff")},
		{"just over the limit", []byte("N\x01\x00\x00\x02\x00\x00\x01")},
	}
	forEachTransport(t, func(t *testing.T, s *Server, dial func() net.Conn) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := dial()
				c.Write(tt.in)
				expectClosed(t, c, 2*time.Second)
			})
		}
	})
}

func TestStallInsideFrameClosedAfterIOTimeout(t *testing.T) {
	forEachTransport(t, func(t *testing.T, s *Server, dial func() net.Conn) {
		for _, partial := range []string{"N\x01\x00\x00", "N\x01\x00\x00\x00\x00", "N\x01\x00\x00\x00\x00\x00\x10{\"ac"} {
			c := dial()
			c.Write([]byte(partial))
			start := time.Now()
			expectClosed(t, c, 3*time.Second)
			if e := time.Since(start); e < 200*time.Millisecond {
				t.Fatalf("closed after %v, before io_timeout (300ms)", e)
			}
		}
	})
}

func TestIdleConnectionStillServed(t *testing.T) {
	forEachTransport(t, func(t *testing.T, s *Server, dial func() net.Conn) {
		c := dial()
		time.Sleep(700 * time.Millisecond) // more than twice io_timeout
		c.Write(ipc.AppendRequest(nil, ipc.EncodingJSON, []byte("late")))
		if got := readReply(t, c); got != "1:late" {
			t.Fatalf("got %q", got)
		}
	})
}

func TestIdleTimeoutWhenConfigured(t *testing.T) {
	s := testServer(t, func(c *Config) { c.IdleTimeout = 200 * time.Millisecond })
	c := dial(t, "unix", s.UnixPath())
	expectClosed(t, c, 3*time.Second)
}

func TestHandlerPanicClosesOnlyThatConnection(t *testing.T) {
	forEachTransport(t, func(t *testing.T, s *Server, dial func() net.Conn) {
		other := dial()
		c := dial()
		c.Write(ipc.AppendRequest(nil, ipc.EncodingJSON, []byte("panic")))
		expectClosed(t, c, 2*time.Second)
		other.Write(ipc.AppendRequest(nil, ipc.EncodingJSON, []byte("still here")))
		if got := readReply(t, other); got != "1:still here" {
			t.Fatalf("got %q", got)
		}
	})
}

func TestAccessCheckPreambleWhenCheckIsOff(t *testing.T) {
	forEachTransport(t, func(t *testing.T, s *Server, dial func() net.Conn) {
		c := dial()
		c.Write([]byte{'N', 0x80, 0, 0})
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		b, err := io.ReadAll(c)
		if err != nil || !bytes.Equal(b, []byte{0x01}) {
			t.Fatalf("got % x, %v; want 01 then close", b, err)
		}
	})
}

func TestPeerInContext(t *testing.T) {
	s := testServer(t, func(c *Config) { c.Local.AllowUnsafe = true })
	for _, tc := range []struct{ network, addr, want string }{
		{"tcp", s.TCPAddr().String(), "tcp unsafe=false"},
		{"unix", s.UnixPath(), "unix unsafe=true"},
	} {
		c := dial(t, tc.network, tc.addr)
		c.Write(ipc.AppendRequest(nil, ipc.EncodingJSON, []byte("peer")))
		if got := readReply(t, c); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.network, got, tc.want)
		}
	}
}

func TestMaxConnections(t *testing.T) {
	s := testServer(t, func(c *Config) { c.MaxConnections = 1 })
	first := dial(t, "unix", s.UnixPath())
	first.Write(ipc.AppendRequest(nil, ipc.EncodingJSON, []byte("a")))
	readReply(t, first)
	second := dial(t, "unix", s.UnixPath())
	expectClosed(t, second, 2*time.Second)
}

func TestShutdownDrainsRequestInFlight(t *testing.T) {
	cfg := DefaultConfig()
	cfg.TCP.Enable = false
	cfg.Local.Path = filepath.Join(shortTempDir(t), "s.sock")
	s, err := New(cfg, echoHandler, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve() }()

	busy := dial(t, "unix", s.UnixPath())
	idle := dial(t, "unix", s.UnixPath())
	idle.Write(ipc.AppendRequest(nil, ipc.EncodingJSON, []byte("x")))
	readReply(t, idle)
	busy.Write(ipc.AppendRequest(nil, ipc.EncodingJSON, []byte("sleep:300ms")))
	time.Sleep(50 * time.Millisecond) // let the request start

	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if got := readReply(t, busy); got != "1:sleep:300ms" {
		t.Fatalf("in-flight request got %q", got)
	}
	expectClosed(t, busy, time.Second)
	expectClosed(t, idle, time.Second)
	if err := <-served; !errors.Is(err, ErrServerClosed) {
		t.Fatalf("Serve = %v", err)
	}
	if _, err := os.Lstat(cfg.Local.Path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("socket file still there after shutdown: %v", err)
	}
}

func TestShutdownDeadlineClosesStuckRequests(t *testing.T) {
	cfg := DefaultConfig()
	cfg.TCP.Enable = false
	cfg.Local.Path = filepath.Join(shortTempDir(t), "s.sock")
	s, _ := New(cfg, echoHandler, nil)
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	go s.Serve()
	c := dial(t, "unix", s.UnixPath())
	c.Write(ipc.AppendRequest(nil, ipc.EncodingJSON, []byte("sleep:1s")))
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v, want deadline exceeded", err)
	}
}

func TestUnixSocketHygiene(t *testing.T) {
	t.Run("mode 0600", func(t *testing.T) {
		s := testServer(t, nil)
		fi, err := os.Lstat(s.UnixPath())
		if err != nil || fi.Mode().Perm() != 0o600 || fi.Mode().Type() != os.ModeSocket {
			t.Fatalf("socket mode %v, %v; want socket 0600", fi.Mode(), err)
		}
	})
	t.Run("configured mode", func(t *testing.T) {
		s := testServer(t, func(c *Config) { c.Local.Mode = 0o660 })
		if fi, _ := os.Lstat(s.UnixPath()); fi.Mode().Perm() != 0o660 {
			t.Fatalf("mode %v, want 0660", fi.Mode().Perm())
		}
	})
	t.Run("live server refuses", func(t *testing.T) {
		s := testServer(t, nil)
		cfg := DefaultConfig()
		cfg.TCP.Enable = false
		cfg.Local.Path = s.UnixPath()
		s2, _ := New(cfg, echoHandler, nil)
		err := s2.Listen()
		if err == nil || !strings.Contains(err.Error(), "already listening on "+s.UnixPath()) {
			t.Fatalf("Listen = %v, want a refusal naming the path", err)
		}
		// The first server still answers.
		c := dial(t, "unix", s.UnixPath())
		c.Write(ipc.AppendRequest(nil, ipc.EncodingJSON, []byte("ok")))
		readReply(t, c)
	})
	t.Run("stale socket removed", func(t *testing.T) {
		path := filepath.Join(shortTempDir(t), "stale.sock")
		l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
		if err != nil {
			t.Fatal(err)
		}
		l.SetUnlinkOnClose(false)
		l.Close() // leaves the file, with nobody listening
		s := testServer(t, func(c *Config) { c.Local.Path = path })
		c := dial(t, "unix", s.UnixPath())
		c.Write(ipc.AppendRequest(nil, ipc.EncodingJSON, []byte("ok")))
		if got := readReply(t, c); got != "1:ok" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("not a socket refused", func(t *testing.T) {
		path := filepath.Join(shortTempDir(t), "file")
		os.WriteFile(path, []byte("precious"), 0o600)
		cfg := DefaultConfig()
		cfg.TCP.Enable = false
		cfg.Local.Path = path
		s, _ := New(cfg, echoHandler, nil)
		if err := s.Listen(); err == nil || !strings.Contains(err.Error(), "not a socket") {
			t.Fatalf("Listen = %v", err)
		}
		if b, _ := os.ReadFile(path); string(b) != "precious" {
			t.Fatal("the file was touched")
		}
	})
	t.Run("path too long", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.Local.Path = "/tmp/" + strings.Repeat("x", 120)
		if _, err := New(cfg, echoHandler, nil); err == nil || !strings.Contains(err.Error(), "limit is 107") {
			t.Fatalf("New = %v", err)
		}
	})
}

func TestTCPPortInUse(t *testing.T) {
	s := testServer(t, nil)
	cfg := DefaultConfig()
	cfg.Local.Enable = false
	cfg.TCP.Port = s.TCPAddr().Port
	s2, _ := New(cfg, echoHandler, nil)
	err := s2.Listen()
	if err == nil || !strings.Contains(err.Error(), "already in use") {
		t.Fatalf("Listen = %v, want 'already in use'", err)
	}
}

func TestPortInUseReleasesTheSocket(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cfg := DefaultConfig()
	cfg.TCP.Port = busy.Addr().(*net.TCPAddr).Port
	cfg.Local.Path = filepath.Join(shortTempDir(t), "s.sock")
	s, _ := New(cfg, echoHandler, nil)
	// TCP fails before the socket is created: nothing is left behind.
	if err := s.Listen(); err == nil {
		t.Fatal("Listen succeeded on a busy port")
	}
	if _, err := os.Lstat(cfg.Local.Path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("socket file left behind: %v", err)
	}
}

func TestConcurrentClients(t *testing.T) {
	forEachTransport(t, func(t *testing.T, s *Server, dial func() net.Conn) {
		var wg sync.WaitGroup
		for i := range 16 {
			c := dial()
			wg.Go(func() {
				for j := range 50 {
					want := fmt.Sprintf("c%d-%d", i, j)
					c.Write(ipc.AppendRequest(nil, ipc.EncodingJSON, []byte(want)))
					c.SetReadDeadline(time.Now().Add(5 * time.Second))
					p, err := ipc.ReadFrame(c, 1<<20, nil)
					if err != nil || string(p) != "1:"+want {
						t.Errorf("got %q, %v", p, err)
						return
					}
				}
			})
		}
		wg.Wait()
	})
}

package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// fake is a TCP server on 127.0.0.1 that runs handler on every connection it
// accepts and counts them. Everything it started is stopped when the test
// ends.
type fake struct {
	ln       net.Listener
	accepted atomic.Int64
	open     atomic.Int64
	maxOpen  atomic.Int64

	mu     sync.Mutex
	closed bool
	conns  []net.Conn
	wg     sync.WaitGroup
}

func startFake(t testing.TB, handler func(net.Conn)) *fake {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fake{ln: ln}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			f.accepted.Add(1)
			f.mu.Lock()
			if f.closed {
				f.mu.Unlock()
				nc.Close()
				return
			}
			f.conns = append(f.conns, nc)
			f.wg.Add(1)
			f.mu.Unlock()
			go func() {
				defer f.wg.Done()
				defer nc.Close()
				o := f.open.Add(1)
				defer f.open.Add(-1)
				for m := f.maxOpen.Load(); o > m && !f.maxOpen.CompareAndSwap(m, o); m = f.maxOpen.Load() {
				}
				handler(nc)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		f.mu.Lock()
		f.closed = true
		for _, nc := range f.conns {
			nc.Close()
		}
		f.mu.Unlock()
		f.wg.Wait()
	})
	return f
}

// config is a client configuration for the fake server.
func (f *fake) config() client.Config {
	a := f.ln.Addr().(*net.TCPAddr)
	return client.Config{Addr: a.IP.String(), Port: a.Port}
}

// silent reads and discards requests and never answers.
func silent(nc net.Conn) { io.Copy(io.Discard, nc) }

// answer reads requests and writes reply(request payload) for each one, or
// closes the connection when reply returns nil.
func answer(reply func(payload []byte) []byte) func(net.Conn) {
	return func(nc net.Conn) {
		for {
			if _, err := ipc.ReadPreamble(nc); err != nil {
				return
			}
			p, err := ipc.ReadFrame(nc, ipc.DefaultMaxFrameSize, nil)
			if err != nil {
				return
			}
			r := reply(p)
			if r == nil {
				return
			}
			if _, err := nc.Write(r); err != nil {
				return
			}
		}
	}
}

// TestLegacy: a legacy round trip over each transport against a real node.
func TestLegacy(t *testing.T) {
	n := testenv.Start(t, testenv.Options{})
	tests := []struct {
		action string
		check  func(t *testing.T, raw json.RawMessage, err error)
	}{
		{"version", func(t *testing.T, raw json.RawMessage, err error) {
			if err != nil {
				t.Fatal(err)
			}
			var v map[string]string
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatalf("reply is not an object of strings: %v\n%s", err, raw)
			}
			if v["rpc_version"] != "1" || v["node_vendor"] == "" {
				t.Errorf("version reply %s", raw)
			}
		}},
		{"uptime", func(t *testing.T, raw json.RawMessage, err error) {
			if err != nil {
				t.Fatal(err)
			}
			var v struct{ Seconds string }
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatal(err)
			}
			if s, err := strconv.Atoi(v.Seconds); err != nil || s < 0 {
				t.Errorf("uptime reply %s", raw)
			}
		}},
		{"no_such_action", func(t *testing.T, raw json.RawMessage, err error) {
			se, ok := errors.AsType[*client.ServerError](err)
			if !ok {
				t.Fatalf("err = %v (%T), want a *ServerError", err, err)
			}
			if se.Text != "Unknown command" {
				t.Errorf("Text = %q, want %q", se.Text, "Unknown command")
			}
			if se.Error() != "node: Unknown command" {
				t.Errorf("Error() = %q", se.Error())
			}
			if raw == nil {
				t.Error("the error reply itself is not returned")
			}
		}},
	}
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			cl := testenv.Dial(t, n, tr)
			for _, tt := range tests {
				t.Run(tt.action, func(t *testing.T) {
					raw, err := cl.Legacy(ctx(t), tt.action, nil)
					tt.check(t, raw, err)
				})
			}
		})
	}
}

// TestLegacyEncoding: encoding 2 answers safe actions exactly as encoding 1.
func TestLegacyEncoding(t *testing.T) {
	n := testenv.Start(t, testenv.Options{})
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			cl := testenv.Dial(t, n, tr)
			for _, action := range []string{"version", "uptime", "no_such_action"} {
				t.Run(action, func(t *testing.T) {
					raw1, err1 := cl.LegacyEncoding(ctx(t), ipc.EncodingJSON, action, nil)
					raw2, err2 := cl.LegacyEncoding(ctx(t), ipc.EncodingJSONUnsafe, action, nil)
					if (err1 == nil) != (err2 == nil) || (err1 != nil && err1.Error() != err2.Error()) {
						t.Fatalf("encoding 1: %v, encoding 2: %v", err1, err2)
					}
					var v1, v2 map[string]any
					if err := json.Unmarshal(raw1, &v1); err != nil {
						t.Fatalf("encoding 1 reply %s: %v", raw1, err)
					}
					if err := json.Unmarshal(raw2, &v2); err != nil {
						t.Fatalf("encoding 2 reply %s: %v", raw2, err)
					}
					if action == "uptime" { // may tick between the calls
						delete(v1, "seconds")
						delete(v2, "seconds")
					}
					if b1, b2 := mustJSON(t, v1), mustJSON(t, v2); b1 != b2 {
						t.Errorf("encoding 1: %s\nencoding 2: %s", b1, b2)
					}
				})
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDialUnreachable: nothing listening ⇒ *UnreachableError naming the
// address and the variable to set, or the flag that gave the address.
func TestDialUnreachable(t *testing.T) {
	// A port that was just free: listen, note it, close.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	missing := filepath.Join(testenv.TempDir(t), "missing.sock")

	tests := []struct {
		name    string
		cfg     client.Config
		network string
		address string
		hint    string
	}{
		{"tcp closed port", client.Config{Port: port}, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), client.EnvIPCPort},
		{"unix missing socket", client.Config{Path: missing}, "unix", missing, client.EnvIPCPath},
		// A program that took the address as a flag names the flag.
		{"tcp from a flag", client.Config{Port: port, Origin: client.Origin{TCP: "-A/-P"}}, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), "or check -A/-P)"},
		{"unix from a flag", client.Config{Path: missing, Origin: client.Origin{Path: "-S"}}, "unix", missing, "or point -S at its socket)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl, err := client.Dial(ctx(t), tt.cfg)
			if err == nil {
				cl.Close()
				t.Fatal("Dial succeeded")
			}
			ue, ok := errors.AsType[*client.UnreachableError](err)
			if !ok {
				t.Fatalf("err = %v (%T), want an *UnreachableError", err, err)
			}
			if ue.Network != tt.network || ue.Address != tt.address {
				t.Errorf("Network, Address = %s, %s; want %s, %s", ue.Network, ue.Address, tt.network, tt.address)
			}
			if ue.Err == nil || errors.Unwrap(ue) != ue.Err {
				t.Errorf("Unwrap = %v, want the dial error", errors.Unwrap(ue))
			}
			msg := err.Error()
			for _, want := range []string{tt.address, tt.hint} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not contain %q", msg, want)
				}
			}
		})
	}
}

// TestContext: a deadline or a cancellation interrupts a call the server never
// answers, well within a generous bound, and the client stays usable.
func TestContext(t *testing.T) {
	tests := []struct {
		name  string
		ctx   func() (context.Context, context.CancelFunc)
		check func(err error) bool
		want  string
	}{
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 100*time.Millisecond)
		}, func(err error) bool { return client.IsTimeout(err) || errors.Is(err, context.DeadlineExceeded) }, "a timeout"},
		{"cancel", func() (context.Context, context.CancelFunc) {
			c, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			return c, cancel
		}, func(err error) bool { return errors.Is(err, context.Canceled) }, "context.Canceled"},
		{"already cancelled", func() (context.Context, context.CancelFunc) {
			c, cancel := context.WithCancel(context.Background())
			cancel()
			return c, cancel
		}, func(err error) bool { return errors.Is(err, context.Canceled) }, "context.Canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := startFake(t, silent)
			cl, err := client.Dial(ctx(t), f.config())
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			for i := range 2 { // the first on the pooled connection, the next on a fresh one
				c, cancel := tt.ctx()
				start := time.Now()
				_, err = cl.Legacy(c, "uptime", nil)
				cancel()
				if d := time.Since(start); d > 2*time.Second {
					t.Errorf("call %d returned after %v", i, d)
				}
				if err == nil || !tt.check(err) {
					t.Errorf("call %d: err = %v, want %s", i, err, tt.want)
				}
			}
		})
	}
}

// TestProtocolError: replies that break the framing, and a connection closed
// without an answer, give a *ProtocolError. The server answers one request
// per connection and then closes it.
func TestProtocolError(t *testing.T) {
	tests := []struct {
		name    string
		max     uint32 // Config.MaxFrameSize
		reply   []byte // written after the request; nil: close without answering
		wrapped func(error) bool
	}{
		{"zero-length frame", 0, []byte{0, 0, 0, 0},
			func(err error) bool { return errors.Is(err, ipc.ErrEmptyFrame) }},
		{"frame above MaxFrameSize", 16, ipc.AppendFrame(nil, []byte(`{"seconds": "123456789"}`)),
			func(err error) bool {
				e, ok := errors.AsType[*ipc.FrameTooLargeError](err)
				return ok && e.Max == 16 && e.Length == 24
			}},
		{"huge declared length", 1 << 10, []byte{0xff, 0xff, 0xff, 0xff},
			func(err error) bool { _, ok := errors.AsType[*ipc.FrameTooLargeError](err); return ok }},
		{"closed without answer", 0, nil,
			func(err error) bool { return errors.Is(err, io.EOF) }},
		{"closed inside the length", 0, []byte{0, 0},
			func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }},
		{"closed inside the payload", 0, []byte{0, 0, 0, 10, '{'},
			func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := startFake(t, answerOnce(tt.reply))
			cfg := f.config()
			cfg.MaxFrameSize = tt.max
			cl, err := client.Dial(ctx(t), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			_, err = cl.Legacy(ctx(t), "uptime", nil)
			pe, ok := errors.AsType[*client.ProtocolError](err)
			if !ok {
				t.Fatalf("err = %v (%T), want a *ProtocolError", err, err)
			}
			if !tt.wrapped(pe) {
				t.Errorf("ProtocolError %v does not wrap the expected cause", pe)
			}
			if !strings.HasPrefix(pe.Error(), "client: protocol error: ") {
				t.Errorf("Error() = %q", pe.Error())
			}
		})
	}
}

// answerOnce reads one request, writes reply (if any) and closes.
func answerOnce(reply []byte) func(net.Conn) {
	return func(nc net.Conn) {
		if _, err := ipc.ReadPreamble(nc); err != nil {
			return
		}
		if _, err := ipc.ReadFrame(nc, ipc.DefaultMaxFrameSize, nil); err != nil {
			return
		}
		if reply != nil {
			nc.Write(reply)
		}
	}
}

// TestReconnect: the same client survives a node restart (its pooled
// connection is broken and the request goes again on a fresh one), reports
// *UnreachableError while no node runs, and recovers when one is back.
func TestReconnect(t *testing.T) {
	tests := []struct {
		name string
		// opts configures every node to listen where the first one did.
		opts func(t *testing.T) (testenv.Options, func(*testenv.Node) client.Config)
	}{
		{"unix", func(t *testing.T) (testenv.Options, func(*testenv.Node) client.Config) {
			path := filepath.Join(testenv.TempDir(t), "ipc.sock")
			return testenv.Options{Node: func(c *config.Node) { c.Node.IPC.Local.Path = path }},
				func(*testenv.Node) client.Config { return client.Config{Path: path} }
		}},
		{"tcp", func(t *testing.T) (testenv.Options, func(*testenv.Node) client.Config) {
			port := 0 // the first node picks a free port, the others reuse it
			return testenv.Options{Node: func(c *config.Node) { c.Node.IPC.TCP.Port = port }},
				func(n *testenv.Node) client.Config {
					_, p, _ := net.SplitHostPort(n.TCPAddr())
					port, _ = strconv.Atoi(p)
					return client.Config{Addr: "127.0.0.1", Port: port}
				}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, cfgOf := tt.opts(t)
			var cl *client.Client
			uptime := func(t *testing.T) {
				t.Helper()
				if _, err := cl.Legacy(ctx(t), "uptime", nil); err != nil {
					t.Fatalf("uptime: %v", err)
				}
			}
			// Each node lives for the duration of its sub-test.
			t.Run("first node", func(t *testing.T) {
				n := testenv.Start(t, opts)
				var err error
				if cl, err = client.Dial(ctx(t), cfgOf(n)); err != nil {
					t.Fatal(err)
				}
				uptime(t)
			})
			if cl == nil {
				t.FailNow()
			}
			defer cl.Close()
			t.Run("restarted node", func(t *testing.T) {
				testenv.Start(t, opts)
				uptime(t) // on the pooled connection to the first node: retried
				uptime(t)
			})
			t.Run("no node", func(t *testing.T) {
				for i := range 2 { // with a broken pooled connection, then with none
					_, err := cl.Legacy(ctx(t), "uptime", nil)
					if _, ok := errors.AsType[*client.UnreachableError](err); !ok {
						t.Errorf("call %d with no node: %v (%T), want an *UnreachableError", i, err, err)
					}
				}
			})
			t.Run("node back", func(t *testing.T) {
				testenv.Start(t, opts)
				uptime(t)
			})
		})
	}
}

// TestConcurrency: many goroutines share a pool of 4 connections; the server
// never sees more than 4.
func TestConcurrency(t *testing.T) {
	const (
		poolSize   = 4
		goroutines = 32
		calls      = 50
	)
	reply := []byte(`{"seconds": "42"}`)
	f := startFake(t, answer(func([]byte) []byte { return ipc.AppendFrame(nil, reply) }))
	n := testenv.Start(t, testenv.Options{})
	targets := []struct {
		name string
		cfg  client.Config
		fake *fake
	}{
		{"fake", f.config(), f},
		{"tcp", testenv.Transports[0].Config(n), nil},
		{"unix", testenv.Transports[1].Config(n), nil},
	}
	for _, tg := range targets {
		t.Run(tg.name, func(t *testing.T) {
			cfg := tg.cfg
			cfg.PoolSize = poolSize
			cl, err := client.Dial(ctx(t), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			c := ctx(t)
			var wg sync.WaitGroup
			var failed atomic.Int64
			for range goroutines {
				wg.Go(func() {
					for range calls {
						raw, err := cl.Legacy(c, "uptime", nil)
						if err == nil && tg.fake != nil && string(raw) != string(reply) {
							err = errors.New("reply " + string(raw))
						}
						if err != nil {
							if failed.Add(1) <= 5 {
								t.Errorf("uptime: %v", err)
							}
						}
					}
				})
			}
			wg.Wait()
			if k := failed.Load(); k > 0 {
				t.Errorf("%d of %d calls failed", k, goroutines*calls)
			}
			if tg.fake != nil {
				if a, m := tg.fake.accepted.Load(), tg.fake.maxOpen.Load(); a > poolSize || m > poolSize {
					t.Errorf("server accepted %d connections, at most %d open at once; want ≤ %d", a, m, poolSize)
				}
			}
		})
	}
}

// TestClose: calls after Close fail with ErrClosed, Close is idempotent, and
// the pooled connections are closed.
func TestClose(t *testing.T) {
	reply := ipc.AppendFrame(nil, []byte(`{"seconds": "1"}`))
	f := startFake(t, answer(func([]byte) []byte { return reply }))
	cfg := f.config()
	cl, err := client.Dial(ctx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Legacy(ctx(t), "uptime", nil); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if err := cl.Close(); err != nil {
			t.Fatalf("Close #%d: %v", i+1, err)
		}
	}
	calls := []struct {
		name string
		call func() error
	}{
		{"Legacy", func() error { _, err := cl.Legacy(ctx(t), "uptime", nil); return err }},
		{"LegacyEncoding", func() error {
			_, err := cl.LegacyEncoding(ctx(t), ipc.EncodingJSONUnsafe, "uptime", nil)
			return err
		}},
		{"Do", func() error { _, err := cl.Do(ctx(t), ipc.EncodingJSON, []byte(`{"action":"uptime"}`)); return err }},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(); !errors.Is(err, client.ErrClosed) {
				t.Errorf("after Close: %v, want ErrClosed", err)
			}
		})
	}
	// The server sees the pooled connection go away.
	deadline := time.Now().Add(2 * time.Second)
	for f.open.Load() != 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := f.open.Load(); n != 0 {
		t.Errorf("%d connections still open after Close", n)
	}
	if a := f.accepted.Load(); a != 1 {
		t.Errorf("server accepted %d connections, want 1", a)
	}
}

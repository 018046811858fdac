package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/ipc"
)

var secret = []byte("s3cr3t-for-tests")

// checkedHandler answers "<encoding>:<payload> checked=<AccessChecked>".
var checkedHandler = HandlerFunc(func(ctx context.Context, enc ipc.Encoding, payload, dst []byte) []byte {
	return fmt.Appendf(dst, "%d:%s checked=%v", enc, payload, peer.From(ctx).AccessChecked)
})

// accessServer is testServer with the access check on and checkedHandler.
func accessServer(t *testing.T, mod func(*Config)) *Server {
	t.Helper()
	return startServer(t, checkedHandler, func(c *Config) {
		c.AccessSecret = secret
		if mod != nil {
			mod(c)
		}
	})
}

// forEachAccessTransport runs f against a server with the check on, over TCP
// and the Unix socket.
func forEachAccessTransport(t *testing.T, f func(t *testing.T, dial func() net.Conn)) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			s := accessServer(t, nil)
			f(t, func() net.Conn { return tr.dial(t, s) })
		})
	}
}

// handshake runs the client's half on c with a deadline.
func handshake(c net.Conn, secret []byte) error {
	c.SetDeadline(time.Now().Add(5 * time.Second))
	defer c.SetDeadline(time.Time{})
	return ipc.ClientHandshake(c, secret)
}

// readAll reads until the server closes c and returns what it sent.
func readAll(t *testing.T, c net.Conn) []byte {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	b, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("connection not closed: %v (read % x)", err, b)
	}
	return b
}

func TestAccessCheckThenRequests(t *testing.T) {
	forEachAccessTransport(t, func(t *testing.T, dial func() net.Conn) {
		c := dial()
		if err := handshake(c, secret); err != nil {
			t.Fatal(err)
		}
		for _, enc := range []ipc.Encoding{ipc.EncodingJSON, ipc.EncodingJSONUnsafe, ipc.EncodingFlatbuffers, ipc.EncodingFlatbuffersJSON} {
			c.Write(ipc.AppendRequest(nil, enc, []byte("hello")))
			if got, want := readReply(t, c), fmt.Sprintf("%d:hello checked=true", enc); got != want {
				t.Fatalf("got %q, want %q", got, want)
			}
		}
		// Authenticated connections are idle connections like any other:
		// they stay open past io_timeout.
		time.Sleep(500 * time.Millisecond)
		c.Write(ipc.AppendRequest(nil, ipc.EncodingJSON, []byte("late")))
		if got := readReply(t, c); got != "1:late checked=true" {
			t.Fatalf("got %q", got)
		}
	})
}

func TestAccessCheckWithPipelinedRequest(t *testing.T) {
	// The client's response and its first request arrive together: the
	// request waits in the session's buffer and is served after the check.
	forEachAccessTransport(t, func(t *testing.T, dial func() net.Conn) {
		c := dial()
		pw := &pipelining{Conn: c, after: ipc.AppendRequest(nil, ipc.EncodingJSON, []byte("eager"))}
		if err := handshake(pw, secret); err != nil {
			t.Fatal(err)
		}
		if got := readReply(t, c); got != "1:eager checked=true" {
			t.Fatalf("got %q", got)
		}
	})
}

// pipelining appends after to the client's access-check response (its
// second write).
type pipelining struct {
	net.Conn
	after  []byte
	writes int
}

func (p *pipelining) Write(b []byte) (int, error) {
	p.writes++
	if p.writes == 2 {
		_, err := p.Conn.Write(append(bytes.Clone(b), p.after...))
		return len(b), err
	}
	return p.Conn.Write(b)
}

func TestAccessCheckWrongSecret(t *testing.T) {
	forEachAccessTransport(t, func(t *testing.T, dial func() net.Conn) {
		c := dial()
		if err := handshake(c, []byte("not the secret")); !errors.Is(err, ipc.ErrAccessDenied) {
			t.Fatalf("handshake: %v, want ErrAccessDenied", err)
		}
		if b := readAll(t, c); len(b) != 0 {
			t.Fatalf("server sent % x after 03; want a close", b)
		}
	})
}

func TestAccessCheckWrongSecretWireBytes(t *testing.T) {
	forEachAccessTransport(t, func(t *testing.T, dial func() net.Conn) {
		c := dial()
		c.Write([]byte{'N', 0x80, 0, 0})
		c.SetReadDeadline(time.Now().Add(3 * time.Second))
		var ch [33]byte
		if _, err := io.ReadFull(c, ch[:]); err != nil || ch[0] != ipc.AccessChallenge {
			t.Fatalf("challenge % x, %v", ch, err)
		}
		c.Write(append([]byte{ipc.AccessResponse}, make([]byte, 64)...))
		if b := readAll(t, c); !bytes.Equal(b, []byte{ipc.AccessRejected}) {
			t.Fatalf("got % x, want 03 then close", b)
		}
	})
}

func TestRequestWithoutAccessCheck(t *testing.T) {
	tests := []struct {
		enc   ipc.Encoding
		check func(t *testing.T, payload []byte)
	}{
		{ipc.EncodingJSON, legacyRequired},
		{ipc.EncodingJSONUnsafe, legacyRequired},
		{ipc.EncodingFlatbuffers, func(t *testing.T, p []byte) {
			env, err := api.Decode(p)
			if err != nil {
				t.Fatal(err)
			}
			e, ok := env.Message.Value.(*fb.ErrorT)
			if !ok || e.Code != 3 || e.Message != "Access check required" {
				t.Fatalf("got %+v, want Error 3", env.Message.Value)
			}
		}},
		{ipc.EncodingFlatbuffersJSON, func(t *testing.T, p []byte) {
			var env struct {
				Type    string         `json:"message_type"`
				Message map[string]any `json:"message"`
			}
			if err := json.Unmarshal(p, &env); err != nil {
				t.Fatalf("%v: %s", err, p)
			}
			if env.Type != "Error" || env.Message["code"] != 3.0 || env.Message["message"] != "Access check required" {
				t.Fatalf("got %s", p)
			}
		}},
	}
	forEachAccessTransport(t, func(t *testing.T, dial func() net.Conn) {
		for _, tt := range tests {
			t.Run(tt.enc.String(), func(t *testing.T) {
				c := dial()
				c.Write(ipc.AppendRequest(nil, tt.enc, []byte(`{"action": "version"}`)))
				p := readReply(t, c)
				tt.check(t, []byte(p))
				if b := readAll(t, c); len(b) != 0 {
					t.Fatalf("server sent % x after the reply; want a close", b)
				}
			})
		}
	})
}

func legacyRequired(t *testing.T, p []byte) {
	t.Helper()
	if want := "{\n    \"error\": \"Access check required\"\n}\n"; string(p) != want {
		t.Fatalf("got %q, want %q", p, want)
	}
}

func TestAccessCheckFramingBeforeCheck(t *testing.T) {
	forEachAccessTransport(t, func(t *testing.T, dial func() net.Conn) {
		for _, in := range []string{
			"X\x01\x00\x00\x00\x00\x00\x02{}", // bad preamble
			"N\x01\x00\x00\x00\x00\x00\x00",   // empty frame
			"N\x03\x00\x00\xff\xff\xff\xff",   // oversized frame
		} {
			c := dial()
			c.Write([]byte(in))
			expectClosed(t, c, 2*time.Second)
		}
	})
}

func TestAccessCheckStalls(t *testing.T) {
	tests := []struct {
		name string
		send []byte
		skip int // bytes the server sends first, read and dropped
	}{
		{"before the preamble", nil, 0},
		{"inside the preamble", []byte{'N', 0x80}, 0},
		{"after the preamble", []byte{'N', 0x80, 0, 0}, 33},
		{"inside the response", append([]byte{'N', 0x80, 0, 0, ipc.AccessResponse}, make([]byte, 40)...), 33},
		{"inside an unchecked request", []byte("N\x01\x00\x00\x00\x00\x00\x10{\"ac"), 0},
	}
	forEachAccessTransport(t, func(t *testing.T, dial func() net.Conn) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := dial()
				start := time.Now()
				c.Write(tt.send)
				c.SetReadDeadline(time.Now().Add(3 * time.Second))
				if tt.skip > 0 {
					if _, err := io.ReadFull(c, make([]byte, tt.skip)); err != nil {
						t.Fatal(err)
					}
				}
				expectClosed(t, c, 3*time.Second)
				if e := time.Since(start); e < 200*time.Millisecond || e > 2*time.Second {
					t.Fatalf("closed after %v; want about io_timeout (300ms)", e)
				}
			})
		}
	})
}

func TestSecondAccessCheckOnOneConnection(t *testing.T) {
	forEachAccessTransport(t, func(t *testing.T, dial func() net.Conn) {
		c := dial()
		if err := handshake(c, secret); err != nil {
			t.Fatal(err)
		}
		if err := handshake(c, secret); !errors.Is(err, ipc.ErrAccessDenied) {
			t.Fatalf("second handshake: %v, want ErrAccessDenied", err)
		}
		if b := readAll(t, c); len(b) != 0 {
			t.Fatalf("got % x after 03", b)
		}
	})
}

func TestAccessCheckOffClientSeesNotEnabled(t *testing.T) {
	forEachTransport(t, func(t *testing.T, s *Server, dial func() net.Conn) {
		c := dial()
		if err := handshake(c, secret); !errors.Is(err, ipc.ErrAccessCheckNotEnabled) {
			t.Fatalf("handshake: %v, want ErrAccessCheckNotEnabled", err)
		}
	})
}

func TestAccessCheckConfig(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		os.Chmod(p, mode)
		return p
	}
	good := file("good", string(secret)+"\n", 0o400)
	tests := []struct {
		name   string
		mod    func(*Config)
		errHas string
	}{
		{"secret file", func(c *Config) { c.AccessFile = good }, ""},
		{"secret beats file", func(c *Config) { c.AccessSecret = secret; c.AccessFile = filepath.Join(dir, "missing") }, ""},
		{"empty secret", func(c *Config) { c.AccessSecret = []byte{} }, "secret is empty"},
		{"open file", func(c *Config) { c.AccessFile = file("open", "x", 0o644) }, "has mode 0644: it must not be readable by others; run: chmod 600 " + filepath.Join(dir, "open")},
		{"missing file", func(c *Config) { c.AccessFile = filepath.Join(dir, "missing") }, "no such file"},
		{"empty file", func(c *Config) { c.AccessFile = file("empty", "\r\n", 0o600) }, "is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.TCP.Port = 0
			cfg.Local.Enable = false
			tt.mod(&cfg)
			s, err := New(cfg, checkedHandler, nil)
			if tt.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("New = %v, want an error containing %q", err, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(s.secret, secret) {
				t.Fatalf("secret %q, want %q", s.secret, secret)
			}
		})
	}
}

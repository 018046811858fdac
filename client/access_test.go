package client_test

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
)

const testSecret = "client-test-secret"

// secretFile writes content to a new file with mode and returns its path.
func secretFile(t *testing.T, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkedNode starts a node that requires the access check with testSecret.
func checkedNode(t *testing.T) *testenv.Node {
	t.Helper()
	file := secretFile(t, testSecret+"\n", 0o400)
	return testenv.Start(t, testenv.Options{Access: "[[user]]\nid = \"\"\nallow = \"api_topic_confirmation\"\n", Node: func(c *config.Node) {
		c.Node.IPC.AccessCheck.Enable = true
		c.Node.IPC.AccessCheck.File = file
	}})
}

func TestAccessCheckAgainstNode(t *testing.T) {
	n := checkedNode(t)
	good := secretFile(t, testSecret+"\r\n", 0o600)
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			cfg := tr.Config(n)
			cfg.AccessFile = good
			cfg.PoolSize = 4
			cl, err := client.Dial(ctx(t), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			var wg sync.WaitGroup
			for range 32 {
				wg.Go(func() {
					if _, err := cl.Legacy(ctx(t), "version", nil); err != nil {
						t.Errorf("version: %v", err)
					}
					if err := cl.IsAlive(ctx(t)); err != nil {
						t.Errorf("IsAlive: %v", err)
					}
				})
			}
			wg.Wait()
			sctx, cancel := context.WithCancel(ctx(t))
			defer cancel()
			sub, err := cl.Subscribe(sctx, nil)
			if err != nil {
				t.Fatalf("Subscribe: %v", err)
			}
			sub.Close()
		})
	}
}

func TestAccessCheckWrongSecret(t *testing.T) {
	n := checkedNode(t)
	wrong := secretFile(t, "not the secret", 0o400)
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			cfg := tr.Config(n)
			cfg.AccessFile = wrong
			cl, err := client.Dial(ctx(t), cfg)
			if err == nil {
				cl.Close()
				t.Fatal("Dial succeeded with the wrong secret")
			}
			ae, ok := errors.AsType[*client.AccessError](err)
			if !ok || !errors.Is(err, ipc.ErrAccessDenied) {
				t.Fatalf("Dial = %v (%T), want an *AccessError for ErrAccessDenied", err, err)
			}
			if ae.File != wrong || !strings.Contains(err.Error(), "rejected the access check") || !strings.Contains(err.Error(), wrong) {
				t.Fatalf("error %q does not name the file", err)
			}
		})
	}
}

func TestAccessCheckWithoutSecret(t *testing.T) {
	n := checkedNode(t)
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			cl, err := client.Dial(ctx(t), tr.Config(n)) // a plain connection: nothing to say yet
			if err != nil {
				t.Fatal(err)
			}
			defer cl.Close()
			calls := []struct {
				name string
				call func() error
			}{
				{"legacy", func() error { _, err := cl.Legacy(ctx(t), "version", nil); return err }},
				{"legacy unsafe", func() error {
					_, err := cl.LegacyEncoding(ctx(t), ipc.EncodingJSONUnsafe, "version", nil)
					return err
				}},
				{"v2 binary", func() error { return cl.IsAlive(ctx(t)) }},
				{"v2 json", func() error {
					_, err := cl.Do(ctx(t), ipc.EncodingFlatbuffersJSON, []byte(`{"message_type": "IsAlive", "message": {}}`))
					return err
				}},
			}
			for _, c := range calls {
				t.Run(c.name, func(t *testing.T) {
					err := c.call()
					if _, ok := errors.AsType[*client.AccessError](err); !ok || !errors.Is(err, ipc.ErrAccessCheckRequired) {
						t.Fatalf("got %v (%T), want an *AccessError for ErrAccessCheckRequired", err, err)
					}
					if !strings.Contains(err.Error(), "set NIPC_IPC_ACCESS_FILE") {
						t.Fatalf("error %q does not say to set NIPC_IPC_ACCESS_FILE", err)
					}
				})
			}
		})
	}
}

func TestAccessFileWithoutCheckOnNode(t *testing.T) {
	n := testenv.Start(t, testenv.Options{})
	file := secretFile(t, testSecret, 0o400)
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			cfg := tr.Config(n)
			cfg.AccessFile = file
			_, err := client.Dial(ctx(t), cfg)
			if _, ok := errors.AsType[*client.AccessError](err); !ok || !errors.Is(err, ipc.ErrAccessCheckNotEnabled) {
				t.Fatalf("Dial = %v (%T), want an *AccessError for ErrAccessCheckNotEnabled", err, err)
			}
			network, addr := cfg.Network()
			want := "NIPC_IPC_ACCESS_FILE is set but the node at " + network + ":" + addr +
				" does not use an access check (unset NIPC_IPC_ACCESS_FILE or enable [node.ipc.access_check])"
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("error %q\ndoes not contain %q", err, want)
			}
		})
	}
}

func TestAccessFileRefusedBeforeConnecting(t *testing.T) {
	f := startFake(t, silent)
	tests := []struct {
		name, content string
		mode          os.FileMode
		errHas        string
	}{
		{"readable by others", testSecret, 0o644, "has mode 0644: it must not be readable by others; run: chmod 600 "},
		{"writable by group", testSecret, 0o660, "run: chmod 640 "},
		{"empty", "\n", 0o600, "is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := f.config()
			cfg.AccessFile = secretFile(t, tt.content, tt.mode)
			_, err := client.Dial(ctx(t), cfg)
			if _, ok := errors.AsType[*client.AccessFileError](err); !ok {
				t.Fatalf("Dial = %v (%T), want an *AccessFileError", err, err)
			}
			if !strings.Contains(err.Error(), tt.errHas) || !strings.Contains(err.Error(), cfg.AccessFile) {
				t.Fatalf("error %q does not contain %q and the path", err, tt.errHas)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		cfg := f.config()
		cfg.AccessFile = filepath.Join(t.TempDir(), "nope")
		_, err := client.Dial(ctx(t), cfg)
		if _, ok := errors.AsType[*client.AccessFileError](err); !ok || !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), cfg.AccessFile) {
			t.Fatalf("Dial = %v", err)
		}
		if want := "(" + client.EnvAccessFile + "=" + cfg.AccessFile + ")"; !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
		// A program that took the file as a flag names the flag.
		cfg.Origin.AccessFile = "--access-file"
		_, err = client.Dial(ctx(t), cfg)
		if want := "(--access-file " + cfg.AccessFile + ")"; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Dial = %v, want it to name %s", err, want)
		}
	})
	if n := f.accepted.Load(); n != 0 {
		t.Fatalf("the client connected %d times with a bad secret file", n)
	}
}

// checkingFake is a fake node that runs the server's half of the check on
// every connection and then answers each request with "ok" after a pause.
func checkingFake(t *testing.T, handshakes *atomic.Int64) *fake {
	return startFake(t, func(nc net.Conn) {
		if enc, err := ipc.ReadPreamble(nc); err != nil || enc != ipc.EncodingAccessCheck {
			return
		}
		if ipc.ServerHandshake(nc, []byte(testSecret)) != nil {
			return
		}
		handshakes.Add(1)
		answer(func([]byte) []byte {
			time.Sleep(20 * time.Millisecond)
			return ipc.AppendFrame(nil, []byte(`{"ok": "1"}`))
		})(nc)
	})
}

func TestAccessCheckOnEveryPooledConnection(t *testing.T) {
	var handshakes atomic.Int64
	f := checkingFake(t, &handshakes)
	cfg := f.config()
	cfg.AccessFile = secretFile(t, testSecret, 0o400)
	cfg.PoolSize = 4
	cl, err := client.Dial(ctx(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if _, err := cl.Legacy(ctx(t), "x", nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if a, h := f.accepted.Load(), handshakes.Load(); a < 2 || a != h {
		t.Fatalf("%d connections, %d access checks; want several, each checked", a, h)
	}
}

func TestAccessCheckAgainstBadPeers(t *testing.T) {
	tests := []struct {
		name    string
		handler func(net.Conn)
		check   func(t *testing.T, err error)
	}{
		{"proves nothing", func(nc net.Conn) {
			var b [69]byte
			nc.Write(append([]byte{ipc.AccessChallenge}, make([]byte, 32)...))
			if _, err := io.ReadFull(nc, b[:]); err == nil {
				nc.Write(append([]byte{ipc.AccessOK}, make([]byte, 32)...))
			}
			silent(nc)
		}, func(t *testing.T, err error) {
			if _, ok := errors.AsType[*client.AccessError](err); !ok || !errors.Is(err, ipc.ErrServerProof) {
				t.Fatalf("got %v, want an *AccessError for ErrServerProof", err)
			}
		}},
		{"closes at once (a node without the extension)", func(nc net.Conn) {
			var b [4]byte
			io.ReadFull(nc, b[:])
		}, func(t *testing.T, err error) {
			if _, ok := errors.AsType[*client.ProtocolError](err); !ok || !errors.Is(err, ipc.ErrAccessProtocol) {
				t.Fatalf("got %v (%T), want a *ProtocolError", err, err)
			}
		}},
		{"never answers", silent, func(t *testing.T, err error) {
			if !client.IsTimeout(err) {
				t.Fatalf("got %v, want a timeout", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := startFake(t, tt.handler)
			cfg := f.config()
			cfg.AccessFile = secretFile(t, testSecret, 0o400)
			cfg.DialTimeout = 200 * time.Millisecond
			start := time.Now()
			cl, err := client.Dial(ctx(t), cfg)
			if err == nil {
				cl.Close()
				t.Fatal("Dial succeeded")
			}
			tt.check(t, err)
			if e := time.Since(start); e > 3*time.Second {
				t.Fatalf("Dial took %v", e)
			}
		})
	}
}

func TestAccessCheckRespectsCtx(t *testing.T) {
	f := startFake(t, silent)
	cfg := f.config()
	cfg.AccessFile = secretFile(t, testSecret, 0o400)
	c, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := client.Dial(c, cfg)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Dial = %v, want context.Canceled", err)
	}
}

// TestAccessRequiredIsNotConfusedWithAccessDenied: a permission refusal
// (code 3, "Access denied") stays an *api.Error.
func TestAccessRequiredIsNotConfusedWithAccessDenied(t *testing.T) {
	f := startFake(t, answer(func([]byte) []byte {
		b, _ := api.Encode(api.ErrorEnvelope(api.ErrAccessDenied, "", time.Now()))
		return ipc.AppendFrame(nil, b)
	}))
	cl, err := client.Dial(ctx(t), f.config())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	_, err = cl.Call(ctx(t), &fb.IsAliveT{})
	if !errors.Is(err, api.ErrAccessDenied) {
		t.Fatalf("got %v, want api.ErrAccessDenied", err)
	}
}

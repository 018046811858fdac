package node_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/node"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
)

const nodeSecret = "node-access-check-secret"

func acWriteSecret(t *testing.T, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ipc_secret")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func acEnableCheck(file string) func(*config.Node) {
	return func(c *config.Node) {
		c.Node.IPC.AccessCheck.Enable = true
		c.Node.IPC.AccessCheck.File = file
		c.Node.IPC.TCP.IOTimeout = 1
		c.Node.IPC.Local.IOTimeout = 1
	}
}

// rawConn dials n over tr with a deadline for the whole test step.
func acDial(t *testing.T, n *testenv.Node, tr testenv.Transport) net.Conn {
	t.Helper()
	network, addr := testenv.Network(tr.Config(n))
	c, err := net.Dial(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return c
}

func acRoundTrip(t *testing.T, c net.Conn, enc ipc.Encoding, payload []byte) []byte {
	t.Helper()
	if _, err := c.Write(ipc.AppendRequest(nil, enc, payload)); err != nil {
		t.Fatal(err)
	}
	reply, err := ipc.ReadFrame(c, 1<<20, nil)
	if err != nil {
		t.Fatal(err)
	}
	return reply
}

func acIsAliveRequest(t *testing.T) []byte {
	t.Helper()
	env := api.NewEnvelope(&fb.IsAliveT{}, "", time.Now())
	b, err := api.Encode(env)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// expectEOF asserts the node closes c without sending anything more.
func acExpectEOF(t *testing.T, c net.Conn) {
	t.Helper()
	b, err := io.ReadAll(c)
	if err != nil || len(b) != 0 {
		t.Fatalf("got % x, %v; want a close", b, err)
	}
}

func TestNodeAccessCheck(t *testing.T) {
	n := testenv.Start(t, testenv.Options{Node: acEnableCheck(acWriteSecret(t, nodeSecret+"\n", 0o400))})
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			t.Run("right secret", func(t *testing.T) {
				c := acDial(t, n, tr)
				if err := ipc.ClientHandshake(c, []byte(nodeSecret)); err != nil {
					t.Fatal(err)
				}
				var v map[string]string
				if err := json.Unmarshal(acRoundTrip(t, c, ipc.EncodingJSON, []byte(`{"action": "version"}`)), &v); err != nil || v["rpc_version"] != "1" {
					t.Fatalf("version: %v %v", v, err)
				}
				env, err := api.Decode(acRoundTrip(t, c, ipc.EncodingFlatbuffers, acIsAliveRequest(t)))
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := env.Message.Value.(*fb.IsAliveT); !ok {
					t.Fatalf("IsAlive answered %+v", env.Message)
				}
			})
			t.Run("wrong secret", func(t *testing.T) {
				c := acDial(t, n, tr)
				if err := ipc.ClientHandshake(c, []byte("guess")); !errors.Is(err, ipc.ErrAccessDenied) {
					t.Fatalf("handshake: %v, want ErrAccessDenied", err)
				}
				acExpectEOF(t, c)
			})
			t.Run("no secret", func(t *testing.T) {
				for _, tc := range []struct {
					enc     ipc.Encoding
					payload []byte
					check   func(reply []byte) bool
				}{
					{ipc.EncodingJSON, []byte(`{"action": "version"}`), func(r []byte) bool {
						return string(r) == "{\n    \"error\": \"Access check required\"\n}\n"
					}},
					{ipc.EncodingJSONUnsafe, []byte(`{"action": "version"}`), func(r []byte) bool {
						return string(r) == "{\n    \"error\": \"Access check required\"\n}\n"
					}},
					{ipc.EncodingFlatbuffers, acIsAliveRequest(t), func(r []byte) bool {
						env, err := api.Decode(r)
						e, ok := env.Message.Value.(*fb.ErrorT)
						return err == nil && ok && e.Code == 3 && e.Message == "Access check required"
					}},
					{ipc.EncodingFlatbuffersJSON, []byte(`{"message_type": "IsAlive", "message": {}}`), func(r []byte) bool {
						return bytes.Contains(r, []byte(`"message_type": "Error"`)) && bytes.Contains(r, []byte(`"code": 3`)) &&
							bytes.Contains(r, []byte(`"message": "Access check required"`))
					}},
				} {
					c := acDial(t, n, tr)
					if r := acRoundTrip(t, c, tc.enc, tc.payload); !tc.check(r) {
						t.Errorf("encoding %v answered %q", tc.enc, r)
					}
					acExpectEOF(t, c)
				}
			})
			t.Run("stall mid-handshake", func(t *testing.T) {
				c := acDial(t, n, tr)
				c.Write([]byte{'N', 0x80, 0, 0})
				var ch [33]byte
				if _, err := io.ReadFull(c, ch[:]); err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				acExpectEOF(t, c)
				if e := time.Since(start); e < 800*time.Millisecond || e > 5*time.Second {
					t.Fatalf("closed after %v; want io_timeout (1s)", e)
				}
			})
		})
	}
}

func TestNodeAccessCheckOff(t *testing.T) {
	n := testenv.Start(t, testenv.Options{})
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			c := acDial(t, n, tr)
			if err := ipc.ClientHandshake(c, []byte(nodeSecret)); !errors.Is(err, ipc.ErrAccessCheckNotEnabled) {
				t.Fatalf("handshake: %v, want ErrAccessCheckNotEnabled", err)
			}
		})
	}
}

func TestNodeRefusesBadSecretFile(t *testing.T) {
	tests := []struct {
		name   string
		file   func(t *testing.T) string
		errHas []string
	}{
		{"readable by others", func(t *testing.T) string { return acWriteSecret(t, nodeSecret, 0o644) },
			[]string{"has mode 0644: it must not be readable by others; run: chmod 600 "}},
		{"writable by group", func(t *testing.T) string { return acWriteSecret(t, nodeSecret, 0o660) },
			[]string{"has mode 0660", "run: chmod 640 "}},
		{"empty", func(t *testing.T) string { return acWriteSecret(t, "\n", 0o400) }, []string{"is empty"}},
		{"missing", func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope") }, []string{"no such file"}},
		{"directory", func(t *testing.T) string { return t.TempDir() }, []string{"is a directory, not a regular file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := testenv.TempDir(t)
			file := tt.file(t)
			nc := config.DefaultNode()
			nc.Node.IPC.TCP.Port = 0
			nc.Node.IPC.Local.Path = filepath.Join(dir, "ipc.sock")
			acEnableCheck(file)(&nc)
			if _, err := node.New(node.Options{DataDir: dir, Node: nc, RPC: config.DefaultRPC()}); err == nil {
				t.Fatal("node.New accepted the secret file")
			} else {
				for _, h := range append(tt.errHas, file, "node.ipc.access_check") {
					if !strings.Contains(err.Error(), h) {
						t.Errorf("error %q does not contain %q", err, h)
					}
				}
			}
		})
	}
}

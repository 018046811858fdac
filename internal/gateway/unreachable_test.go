package gateway_test

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/gateway"
	"github.com/nipc/nipc/internal/testenv"
)

// TestUnreachableNamesTheKey: a separate gateway that cannot reach the node
// names the config-rpc.toml key that says where it looked (process.ipc_path
// for a Unix socket, process.ipc_address and process.ipc_port for TCP), not
// nano_rpc's "enable ipc->tcp" text, which the HTTP client still gets.
func TestUnreachableNamesTheKey(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "nano")
	port := testenv.FreePort(t)
	tests := []struct {
		name    string
		cfg     client.Config
		want    []string
		wantNot string
	}{
		{"unix", client.Config{Path: sock}, []string{"process.ipc_path", sock, "node.ipc.local.path"}, "process.ipc_port"},
		{"tcp", client.Config{Addr: "127.0.0.1", Port: port}, []string{"process.ipc_address", "process.ipc_port", "node.ipc.tcp.port = " + strconv.Itoa(port)}, "process.ipc_path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := gateway.NewIPC(gateway.IPCOptions{Client: tt.cfg})
			defer b.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			err := b.Check(ctx)
			ne, ok := errors.AsType[*gateway.NodeError](err)
			if !ok {
				t.Fatalf("Check = %v, want a *NodeError", err)
			}
			if ne.Text != gateway.TextUnreachable {
				t.Errorf("wire text %q, want nano_rpc's %q", ne.Text, gateway.TextUnreachable)
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			for _, bad := range []string{tt.wantNot, "ipc->tcp", "NIPC_IPC"} {
				if strings.Contains(msg, bad) {
					t.Errorf("message %q names %q", msg, bad)
				}
			}
			if _, ok := errors.AsType[*client.UnreachableError](err); !ok {
				t.Errorf("%v does not wrap the client's *UnreachableError", err)
			}
		})
	}
}

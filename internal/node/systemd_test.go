package node_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/node"
	"github.com/nipc/nipc/internal/systemd"
	"github.com/nipc/nipc/internal/testenv"
)

// TestSystemdListenersAndNotify: sockets passed in Options serve the IPC
// port and the HTTP gateway although the configuration turns both off; a
// reload before the node serves tells systemd nothing; READY=1,
// RELOADING=1 + READY=1 and STOPPING=1 (for the stop action) follow in
// order; the passed-in socket file stays.
func TestSystemdListenersAndNotify(t *testing.T) {
	dir := testenv.TempDir(t)
	manager, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: filepath.Join(dir, "notify"), Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer manager.Close()
	notify, err := systemd.NewNotifier(filepath.Join(dir, "notify"), nil)
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "passed.sock")
	ipcL, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	httpL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	nc := config.DefaultNode()
	nc.Node.IPC.TCP.Enable, nc.Node.IPC.Local.Enable = false, false
	nc.RPC.Enable, nc.Node.WebSocket.Enable = false, false
	n, err := node.New(node.Options{DataDir: dir, Node: nc, RPC: config.DefaultRPC(), Notify: notify,
		Listeners: systemd.Listeners{IPCUnix: ipcL, RPC: httpL}})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Listen(); err != nil {
		t.Fatal(err)
	}
	if err := n.Reload(); err != nil { // not serving yet: no RELOADING=1
		t.Fatal(err)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- n.Run(context.Background(), nil) }()

	next := func(want ...string) {
		t.Helper()
		manager.SetReadDeadline(time.Now().Add(10 * time.Second))
		buf := make([]byte, 4096)
		k, err := manager.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(string(buf[:k]), w) {
				t.Fatalf("notification %q lacks %q", buf[:k], w)
			}
		}
	}
	next("READY=1\nSTATUS=IPC on unix " + sock + "; HTTP on " + httpL.Addr().String())
	if n.TCPAddr() != "" || n.UnixPath() != sock {
		t.Errorf("TCPAddr %q, UnixPath %q", n.TCPAddr(), n.UnixPath())
	}
	cl, err := client.Dial(ctx(t), client.Config{Path: sock})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := cl.Legacy(ctx(t), "uptime", nil); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post("http://"+httpL.Addr().String()+"/", "application/json", strings.NewReader(`{"action": "uptime"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "seconds") {
		t.Fatalf("HTTP: %s", body)
	}
	http.DefaultClient.CloseIdleConnections()

	if err := n.Reload(); err != nil {
		t.Fatal(err)
	}
	next("RELOADING=1\nMONOTONIC_USEC=")
	next("READY=1\nSTATUS=reloaded config-access.toml; IPC on unix " + sock)
	cl.Close()
	n.RequestStop()
	next("STOPPING=1\nSTATUS=shutting down (stop action)")
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(sock); err != nil || fi.Mode().Type() != os.ModeSocket {
		t.Fatalf("the passed-in socket file: %v", err)
	}
}

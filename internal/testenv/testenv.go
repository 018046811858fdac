// Package testenv starts real nipc nodes for tests: in-process on a fresh
// data directory, TCP on 127.0.0.1 with a free port, a Unix socket in a short
// temporary directory, and shuts them down when the test ends. It also gives
// the transport × encoding matrix every client/server test runs across,
// and the Nano WebSocket documentation's sample message of each topic with
// the comparer of message shapes (WSShapeDiff) the gateway's and the
// node's WebSocket tests share.
package testenv

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/node"
)

// Node is a running in-process node.
type Node struct {
	*node.Node
	DataDir string
	Stopped chan error // receives Run's result once the node has stopped
}

// Options adjust a test node's configuration.
type Options struct {
	DataDir string             // default: a new temporary directory
	Access  string             // if set, written as config-access.toml before start
	Node    func(*config.Node) // called on the defaults before start
	RPC     func(*config.RPC)
}

// Start runs a node for the duration of t.
func Start(t testing.TB, o Options) *Node {
	t.Helper()
	dir := o.DataDir
	if dir == "" {
		dir = TempDir(t)
	}
	if o.Access != "" {
		if err := os.WriteFile(filepath.Join(dir, config.AccessFile), []byte(o.Access), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	nc := config.DefaultNode()
	nc.Node.IPC.TCP.Port = 0
	nc.Node.IPC.Local.Path = filepath.Join(dir, "ipc.sock")
	nc.Node.IPC.TCP.IOTimeout = 2
	nc.Node.IPC.Local.IOTimeout = 2
	// The gateway would bind the fixed ports 7076 and 7078; its tests start
	// their own on free ports.
	nc.RPC.Enable = false
	nc.Node.WebSocket.Enable = false
	// Auto-receive would race the tests that receive with the receive
	// action; the tests of auto-receive turn it on.
	nc.Node.Wallets.AutoReceive = false
	rc := config.DefaultRPC()
	if o.Node != nil {
		o.Node(&nc)
	}
	if o.RPC != nil {
		o.RPC(&rc)
	}
	n, err := node.New(node.Options{DataDir: dir, Node: nc, RPC: rc, DrainTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Listen(); err != nil {
		t.Fatal(err)
	}
	tn := &Node{Node: n, DataDir: dir, Stopped: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { tn.Stopped <- n.Run(ctx, nil) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-tn.Stopped:
			if err != nil {
				t.Errorf("node stopped with %v", err)
			}
			tn.Stopped <- err // for anyone else waiting
		case <-time.After(10 * time.Second):
			t.Errorf("node did not stop within 10s")
		}
	})
	return tn
}

// Stop stops n now (as nipc stop would) and waits up to 20s for it; the
// test's cleanup then finds it stopped. It fails t with Error, so any
// goroutine may call it.
func (n *Node) Stop(t testing.TB) {
	t.Helper()
	n.RequestStop()
	select {
	case err := <-n.Stopped:
		n.Stopped <- err // for the cleanup
		if err != nil {
			t.Errorf("node stopped with %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Error("node did not stop within 20s")
	}
}

// TempDir is a temporary directory short enough for Unix socket paths.
func TempDir(t testing.TB) string {
	t.Helper()
	d, err := os.MkdirTemp("", "nipc-test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// Transport is one way to reach a node.
type Transport struct {
	Name   string
	Config func(n *Node) client.Config
}

// Transports are TCP and the Unix socket.
var Transports = []Transport{
	{"tcp", func(n *Node) client.Config {
		host, port := splitHostPort(n.TCPAddr())
		return client.Config{Addr: host, Port: port}
	}},
	{"unix", func(n *Node) client.Config { return client.Config{Path: n.UnixPath()} }},
}

// Network returns the net.Dial network and address of a client config.
func Network(c client.Config) (string, string) { return c.Network() }

// Dial returns a client for n over tr, closed when t ends.
func Dial(t testing.TB, n *Node, tr Transport) *client.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cl, err := client.Dial(ctx, tr.Config(n))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	return cl
}

func splitHostPort(a string) (string, int) {
	host, p, err := net.SplitHostPort(a)
	if err != nil {
		panic(fmt.Sprintf("testenv: bad TCP address %q: %v", a, err))
	}
	port, _ := strconv.Atoi(p)
	return host, port
}

package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/gateway"
	"github.com/nipc/nipc/internal/testenv"
)

// upgradeStatus opens a WebSocket as a page of origin would and returns the
// HTTP status of the answer: 101 when the upgrade was accepted.
func upgradeStatus(t *testing.T, url, origin string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{
		HTTPHeader: http.Header{"Origin": {origin}},
		HTTPClient: &http.Client{Transport: tr},
	})
	if resp == nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	if resp.Body != nil {
		resp.Body.Close()
	}
	if c != nil {
		c.Close(websocket.StatusNormalClosure, "")
	}
	return resp.StatusCode
}

// checkOrigins expects every ok origin to be accepted and every bad one
// refused with 403, on each of urls.
func checkOrigins(t *testing.T, urls, ok, bad []string) {
	t.Helper()
	for _, url := range urls {
		for _, o := range ok {
			if got := upgradeStatus(t, url, o); got != http.StatusSwitchingProtocols {
				t.Errorf("%s, Origin %s: status %d, want 101", url, o, got)
			}
		}
		for _, o := range bad {
			if got := upgradeStatus(t, url, o); got != http.StatusForbidden {
				t.Errorf("%s, Origin %s: status %d, want 403", url, o, got)
			}
		}
	}
}

// TestNodeWebSocketOrigins: config-node.toml's node.websocket.allowed_origins
// decides which pages may open the WebSocket of `nipc node`'s in-process
// gateway, on the WebSocket port and at /websocket on the HTTP port. The
// key replaces the default (loopback) list.
func TestNodeWebSocketOrigins(t *testing.T) {
	dir := tempDir(t)
	writeTestFile(t, filepath.Join(dir, config.NodeFile), "[node.websocket]\nallowed_origins = [\"app.example\", \"*.example.org:*\"]\n")
	httpPort, wsPort := freePort(t), freePort(t)
	startNodeIn(t, dir,
		"--config", "rpc.enable=true", "--rpcconfig", "port="+strconv.Itoa(httpPort),
		"--config", "node.websocket.enable=true", "--config", "node.websocket.port="+strconv.Itoa(wsPort))
	checkOrigins(t,
		[]string{"ws://127.0.0.1:" + strconv.Itoa(wsPort), "ws://127.0.0.1:" + strconv.Itoa(httpPort) + "/websocket"},
		[]string{"http://app.example", "https://a.example.org:8443"},
		[]string{"http://evil.example", "http://app.example:8080", "https://example.org:8443", "http://localhost:3000"})
}

// TestNodeRefusesBadOrigin: a bad pattern stops the node at start, naming
// the file, the key and the problem.
func TestNodeRefusesBadOrigin(t *testing.T) {
	dir := tempDir(t)
	writeTestFile(t, filepath.Join(dir, config.NodeFile), "[node.websocket]\nallowed_origins = [\"https://app.example/\"]\n")
	_, errOut, code := nipc(t, nil, "", "node", "--data_path", dir, "--config", "node.ipc.local.path="+filepath.Join(dir, "s"))
	want := filepath.Join(dir, config.NodeFile) + `:2:1: node.websocket.allowed_origins: "https://app.example/" has a path`
	if code != exitConfig || !strings.Contains(errOut, want) {
		t.Fatalf("exit %d, stderr %s\nwant it to contain %s", code, errOut, want)
	}
}

// TestGatewayVerbOrigins: `nipc gateway` reads node.websocket.allowed_origins
// from its data directory's config-node.toml, and --ws_origin adds to it.
func TestGatewayVerbOrigins(t *testing.T) {
	n := testenv.Start(t, testenv.Options{Node: func(c *config.Node) { c.RPC.Enable = false; c.Node.WebSocket.Enable = false }})
	dir := tempDir(t)
	writeTestFile(t, filepath.Join(dir, config.NodeFile), "[node.websocket]\nallowed_origins = [\"app.example\"]\n")
	httpPort, wsPort := freePort(t), freePort(t)
	args := []string{
		"--data_path", dir,
		"--rpcconfig", "port=" + strconv.Itoa(httpPort),
		"--rpcconfig", "process.ipc_path=" + n.UnixPath(),
		"--config", "node.websocket.port=" + strconv.Itoa(wsPort),
		"--ws_origin", "*.example.org",
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan *gateway.Server, 1)
	var stdout, stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- runGateway(ctx, args, &stdout, &stderr, gatewayHooks{ready: func(s *gateway.Server) { ready <- s }})
	}()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("gateway exited: %v\n%s", err, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("gateway did not start")
	}
	checkOrigins(t,
		[]string{"ws://127.0.0.1:" + strconv.Itoa(wsPort), "ws://127.0.0.1:" + strconv.Itoa(httpPort) + "/websocket"},
		[]string{"http://app.example", "https://a.example.org"},
		[]string{"http://evil.example", "http://localhost:3000"})
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("gateway stopped with %v\n%s", err, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("gateway did not stop")
	}
}

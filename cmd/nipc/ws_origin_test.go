package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
)

// TestNodeWebSocketOrigins: config-node.toml's node.websocket.allowed_origins
// decides which pages may open the WebSocket of `nipc node`'s in-process
// gateway, on the WebSocket port and at /websocket on the HTTP port. The
// key replaces the default (loopback) list.
func TestNodeWebSocketOrigins(t *testing.T) {
	dir := tempDir(t)
	writeTestFile(t, filepath.Join(dir, config.NodeFile), "[node.websocket]\nallowed_origins = [\"app.example\", \"*.example.org:*\"]\n")
	httpPort, wsPort := testenv.FreePort(t), testenv.FreePort(t)
	startNodeIn(t, dir,
		"--config", "rpc.enable=true", "--rpcconfig", "port="+strconv.Itoa(httpPort),
		"--config", "node.websocket.enable=true", "--config", "node.websocket.port="+strconv.Itoa(wsPort))
	testenv.CheckOrigins(t,
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

package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/gateway"
	"github.com/nipc/nipc/internal/testenv"
)

// TestGatewayVerb runs `nipc gateway` in-process against a node, serves a
// request through it, checks the WebSocket's origins (the data directory's
// node.websocket.allowed_origins, plus --ws_origin) and its metrics
// ([node.metrics]), and stops it as a signal would.
func TestGatewayVerb(t *testing.T) {
	n := testenv.Start(t, testenv.Options{Node: func(c *config.Node) { c.RPC.Enable = false; c.Node.WebSocket.Enable = false }})
	dir := tempDir(t)
	httpPort, wsPort, metricsPort := testenv.FreePort(t), testenv.FreePort(t), testenv.FreePort(t)
	writeTestFile(t, filepath.Join(dir, config.NodeFile), "[node.websocket]\nallowed_origins = [\"app.example\"]\n"+
		"[node.metrics]\nenable = true\nport = "+strconv.Itoa(metricsPort)+"\n")
	args := []string{
		"--data_path", dir,
		"--rpcconfig", "port=" + strconv.Itoa(httpPort),
		"--rpcconfig", "process.ipc_path=" + n.UnixPath(),
		"--config", "node.websocket.port=" + strconv.Itoa(wsPort),
		"--ws_origin", "*.example.org",
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reload := make(chan struct{}, 1)
	ready := make(chan *gateway.Server, 1)
	var stdout, stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- runGateway(ctx, args, &stdout, &stderr, gatewayHooks{reload: reload, ready: func(s *gateway.Server) { ready <- s }})
	}()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("gateway exited: %v\n%s", err, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("gateway did not start")
	}
	if out := stdout.String(); !strings.Contains(out, "http://127.0.0.1:"+strconv.Itoa(httpPort)) || !strings.Contains(out, "ws://127.0.0.1:"+strconv.Itoa(wsPort)) || !strings.Contains(out, "node at:         unix:"+n.UnixPath()+" (process.ipc_path)") {
		t.Errorf("banner: %s", out)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Post("http://127.0.0.1:"+strconv.Itoa(httpPort)+"/", "application/json", strings.NewReader(`{"action": "block_count"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"count": "1"`) {
		t.Errorf("block_count through the gateway: %s", body)
	}
	testenv.CheckOrigins(t,
		[]string{"ws://127.0.0.1:" + strconv.Itoa(wsPort), "ws://127.0.0.1:" + strconv.Itoa(httpPort) + "/websocket"},
		[]string{"http://app.example", "https://a.example.org"},
		[]string{"http://evil.example", "http://localhost:3000"})
	metricsURL := "http://127.0.0.1:" + strconv.Itoa(metricsPort)
	if code, body := testenv.HTTPGet(t, metricsURL+"/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if _, body := testenv.HTTPGet(t, metricsURL+"/metrics"); !strings.Contains(body, `nipc_http_requests_total{api="legacy",outcome="ok"} 1`) {
		t.Errorf("/metrics lacks the request:\n%s", body)
	}
	reload <- struct{}{} // no TLS: a no-op
	waitFor(t, func() bool {
		_, body := testenv.HTTPGet(t, metricsURL+"/metrics")
		return strings.Contains(body, `nipc_reloads_total{outcome="ok"} 1`)
	})
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

// TestGatewayVerbErrors: usage and configuration errors map to exit codes.
func TestGatewayVerbErrors(t *testing.T) {
	dir := tempDir(t)
	bad := tempDir(t)
	writeTestFile(t, bad+"/"+config.RPCFile, "[tls]\nenable_https = true\nserver_cert_path = \"missing.crt\"\nserver_key_path = \"missing.key\"\n")
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"extra argument", []string{"--data_path", dir, "oops"}, exitUsage},
		{"unknown flag", []string{"--bogus"}, exitUsage},
		{"bad override", []string{"--data_path", dir, "--rpcconfig", "port=0"}, exitConfig},
		{"missing certificate", []string{"--data_path", bad, "--rpcconfig", "port=" + strconv.Itoa(testenv.FreePort(t))}, exitConfig},
		{"missing access-check secret", []string{"--data_path", dir, "--rpcconfig", "process.access_check_file=" + dir + "/no-secret"}, exitConfig},
		{"bad origin pattern", []string{"--data_path", dir, "--ws_origin", "https://app.example/"}, exitConfig},
		{"bad allowed_origins", []string{"--data_path", dir, "--config", "node.websocket.allowed_origins=a,b"}, exitConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr lockedBuffer
			err := runGateway(context.Background(), tt.args, &stdout, &stderr, gatewayHooks{})
			ee, ok := err.(*exitError)
			if !ok || ee.code != tt.code {
				t.Errorf("err %v, want exit %d", err, tt.code)
			}
		})
	}
}

func writeTestFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

package interop_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// requireNodeModules fails (or skips, with NIPC_SKIP_INTEROP=1) when the npm
// clients are not installed.
func requireNodeModules(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("node_modules/nano-ipc"); err != nil {
		if os.Getenv("NIPC_SKIP_INTEROP") == "1" {
			t.Skip("NIPC_SKIP_INTEROP=1: skipping the npm interop tests")
		}
		t.Fatal("the npm clients are not installed: run: npm ci --prefix interop (or set NIPC_SKIP_INTEROP=1)")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not on PATH")
	}
}

// runNode runs a script and returns the JSON after its "RESULT " line.
func runNode(t *testing.T, script string, args ...string) json.RawMessage {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{script}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node %s: %v\nstdout: %s\nstderr: %s", script, err, stdout.String(), stderr.String())
	}
	for line := range strings.Lines(stdout.String()) {
		if rest, ok := strings.CutPrefix(line, "RESULT "); ok {
			return json.RawMessage(rest)
		}
	}
	t.Fatalf("node %s printed no RESULT line\nstdout: %s\nstderr: %s", script, stdout.String(), stderr.String())
	return nil
}

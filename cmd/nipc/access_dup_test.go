package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipc/nipc/internal/testenv"
)

// dupKey is the API key the access files below define twice.
const dupKey = "k3y-never-printed-0123456789abcdef"

// dupKeyFingerprint is "sha256:" and the first 8 hex digits of
// sha256(dupKey) (printf %s KEY | sha256sum).
const dupKeyFingerprint = "sha256:6b3df88b"

// dupAccess defines dupKey twice (lines 5 and 8) beside an admin that may
// reload.
const dupAccess = "[[user]]\nid = \"admin\"\nallow = \"api_reload\"\n[[user]]\nid = \"" + dupKey +
	"\"\nallow = \"api_block_count\"\n[[user]]\nid = \"" + dupKey + "\"\n"

// TestDuplicateUserIDNotPrinted: an access file that defines an API key
// twice names it by line and fingerprint, never in full, in `nipc access
// check`, in the node's startup error and in the reply and log of a
// reload.
func TestDuplicateUserIDNotPrinted(t *testing.T) {
	want := "config-access.toml:8:6: user.id: duplicate user id " + dupKeyFingerprint + " (first defined at line 5)"
	noKey := func(t *testing.T, what, s string) {
		t.Helper()
		if strings.Contains(s, dupKey) || strings.Contains(s, dupKey[:12]) {
			t.Errorf("%s shows the API key:\n%s", what, s)
		}
	}

	t.Run("access check", func(t *testing.T) {
		dir := tempDir(t)
		os.WriteFile(filepath.Join(dir, "config-access.toml"), []byte(dupAccess), 0o600)
		out, errOut, code := nipc(t, nil, "", "access", "check", "--data_path", dir)
		if code != exitConfig || !strings.Contains(errOut, want) {
			t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, exitConfig, want)
		}
		noKey(t, "nipc access check", out+errOut)
	})

	t.Run("node start", func(t *testing.T) {
		dir := tempDir(t)
		os.WriteFile(filepath.Join(dir, "config-access.toml"), []byte(dupAccess), 0o600)
		out, errOut, code := nipc(t, nil, "", "node", "--data_path", dir, "--config", fmt.Sprintf("node.ipc.tcp.port=%d", testenv.FreePort(t)),
			"--config", "node.ipc.local.path="+filepath.Join(dir, "ipc.sock"),
			"--config", "rpc.enable=false", "--config", "node.websocket.enable=false")
		if code != exitConfig || !strings.Contains(errOut, want) {
			t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, exitConfig, want)
		}
		noKey(t, "nipc node", out+errOut)
	})

	t.Run("reload", func(t *testing.T) {
		dir := tempDir(t)
		path := filepath.Join(dir, "config-access.toml")
		os.WriteFile(path, []byte("[[user]]\nid = \"admin\"\nallow = \"api_reload\"\n"), 0o600)
		d := startNodeIn(t, dir)
		os.WriteFile(path, []byte(dupAccess), 0o600)
		out, errOut, code := nipc(t, []string{"NIPC_API_KEY=admin"}, "", "reload", "-S", d.sock)
		if code != exitConfig || !strings.Contains(errOut, want) {
			t.Errorf("nipc reload: exit %d, stderr %q; want %d and %q", code, errOut, exitConfig, want)
		}
		noKey(t, "the Reload reply", out+errOut)
		waitFor(t, func() bool { return strings.Contains(d.stderr.String(), dupKeyFingerprint) })
		noKey(t, "the node's log", d.stderr.String())
	})
}

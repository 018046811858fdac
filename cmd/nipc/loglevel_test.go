package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestSIGHUPReloadsLogLevel: a reload applies config-node.toml's
// node.logging.level at once (the command line's overrides still apply);
// a file that no longer loads, config-access.toml included, fails the
// reload, names the file and line, and changes nothing.
func TestSIGHUPReloadsLogLevel(t *testing.T) {
	dir := tempDir(t)
	nodeFile := filepath.Join(dir, "config-node.toml")
	d := startNodeIn(t, dir)
	connect := func() {
		c, err := net.Dial("unix", d.sock)
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
	connect()
	if strings.Contains(d.stderr.String(), "connection opened") {
		t.Fatalf("debug line at level info:\n%s", d.stderr)
	}

	accessFile := filepath.Join(dir, "config-access.toml")
	os.WriteFile(nodeFile, []byte("[node.logging]\nlevel = \"debug\"\n"), 0o600)
	os.WriteFile(accessFile, []byte("[[user]]\nid = \"\"\nallow = \"api_blok_count\"\n"), 0o600)
	d.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, func() bool { return strings.Contains(d.stderr.String(), "config-access.toml:3:") })
	if strings.Contains(d.stderr.String(), "log level changed") {
		t.Fatalf("a reload that failed on the access file changed the log level:\n%s", d.stderr)
	}

	os.Remove(accessFile)
	d.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, func() bool { return strings.Contains(d.stderr.String(), "log level changed") })
	if strings.Contains(d.stderr.String(), "take effect at the next start") {
		t.Errorf("the overrides of the command line were taken for changes:\n%s", d.stderr)
	}
	// No access file: said so, not "reloaded file=" a file that is not there.
	waitFor(t, func() bool { return strings.Contains(d.stderr.String(), "no access file: the built-in default") })
	if strings.Contains(d.stderr.String(), "reloaded the access configuration") {
		t.Errorf("a reload without an access file claims to have read one:\n%s", d.stderr)
	}
	waitFor(t, func() bool { connect(); return strings.Contains(d.stderr.String(), "connection opened") })

	// A key that waits for a restart is named.
	os.WriteFile(nodeFile, []byte("[node.logging]\nlevel = \"debug\"\n[node.ipc]\nmax_connections = 77\n"), 0o600)
	d.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, func() bool {
		return strings.Contains(d.stderr.String(), "take effect at the next start") &&
			strings.Contains(d.stderr.String(), "restart=node.ipc.max_connections")
	})

	os.WriteFile(nodeFile, []byte("[node.logging]\nlevel = \"debug\"\nbogus = 1\n"), 0o600)
	d.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, func() bool { return strings.Contains(d.stderr.String(), "config-node.toml:3:") })
	if !strings.Contains(d.stderr.String(), "reload failed; the running configuration stays") {
		t.Errorf("no reload failure logged:\n%s", d.stderr)
	}
	if _, _, code := nipc(t, []string{"NIPC_IPC_PATH=" + d.sock}, "", "rpc", "block_count"); code != 0 {
		t.Fatalf("the node stopped answering after a broken reload: exit %d", code)
	}
}

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/nipc/nipc/internal/testenv"
)

// freePortBase returns N such that N..N+3 were free a moment ago, for
// --port-base.
func freePortBase(t *testing.T) int {
	t.Helper()
	base, err := testenv.FreePortBase()
	if err != nil {
		t.Fatal(err)
	}
	return base
}

// startPortBase runs nipc node --port-base base on dir, as a person types it.
func startPortBase(t *testing.T, dir string, base int, extra ...string) *daemon {
	t.Helper()
	args := append([]string{"node", "--data_path", dir, "--port-base", strconv.Itoa(base)}, extra...)
	d := launch(t, nil, filepath.Join(dir, PortBaseSocket), args...)
	d.dir, d.port = dir, base+1
	waitFor(t, func() bool { return strings.Contains(d.stdout.String(), "dev genesis account") })
	return d
}

// stop ends a daemon with SIGTERM and waits for it.
func (d *daemon) stop(t *testing.T) {
	t.Helper()
	d.cmd.Process.Signal(syscall.SIGTERM)
	if code := d.wait(t, 15*time.Second); code != 0 {
		t.Fatalf("exit %d\n%s", code, d.stderr)
	}
}

var walletID = regexp.MustCompile(`[0-9A-F]{64}`)

// TestBannerAndWalletList: every start names each listener and the genesis
// wallet (not only the first); nipc wallet list shows it with the node
// stopped (reading wallets.db) and running (asking the node, which needs
// enable_control); a destroyed genesis wallet is said to be destroyed.
func TestBannerAndWalletList(t *testing.T) {
	dir, base := tempDir(t), freePortBase(t)
	d := startPortBase(t, dir, base, "--config", "node.metrics.enable=true")
	out := d.stdout.String()
	for _, want := range []string{
		fmt.Sprintf("IPC TCP:         tcp://127.0.0.1:%d\n", base+1),
		fmt.Sprintf("IPC Unix socket: %s\n", filepath.Join(dir, "nipc.sock")),
		fmt.Sprintf("HTTP RPC:        http://127.0.0.1:%d/\n", base),
		fmt.Sprintf("WebSocket:       ws://127.0.0.1:%d\n", base+2),
		fmt.Sprintf("metrics:         http://127.0.0.1:%d/metrics\n", base+3),
		"created wallet ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("first banner lacks %q:\n%s", want, out)
		}
	}
	genesis := walletID.FindString(out)
	d.stop(t)

	d = startPortBase(t, dir, base)
	out = d.stdout.String()
	if want := "genesis wallet " + genesis + " holds the dev genesis account"; !strings.Contains(out, want) {
		t.Errorf("second banner lacks %q:\n%s", want, out)
	}
	if strings.Contains(out, "metrics:") {
		t.Errorf("banner names metrics that are off:\n%s", out)
	}
	// Running without enable_control: wallets.db is locked, and the node
	// does not reveal wallet ids.
	_, errOut, code := nipc(t, nil, "", "wallet", "list", "--data_path", dir)
	if code != exitNoPerm || !strings.Contains(errOut, "enable_control") {
		t.Errorf("wallet list, node running without control: exit %d, %s", code, errOut)
	}
	d.stop(t)

	listed := func(from string) {
		t.Helper()
		out, errOut, code := nipc(t, nil, "", "wallet", "list", "--data_path", dir)
		if want := "Wallet ID: " + genesis + "  (genesis wallet"; code != 0 || !strings.Contains(out, want) ||
			!strings.Contains(out, "  nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo\n") {
			t.Fatalf("wallet list (%s): exit %d, want %q\n%s%s", from, code, want, out, errOut)
		}
		out, _, _ = nipc(t, nil, "", "wallet", "list", "--data_path", dir, "--json")
		m := decode(t, out)
		if m["genesis_wallet"] != genesis || m["from"] != from {
			t.Errorf("wallet list --json (%s) = %v", from, m)
		}
	}
	listed("file")

	d = startPortBase(t, dir, base, "--rpcconfig", "enable_control=true")
	listed("node")
	// Destroy it: the next start says so and creates a new one.
	sock := []string{"-S", filepath.Join(dir, "nipc.sock")}
	if out, errOut, code := nipc(t, nil, "", append(sock, "rpc", "wallet_destroy", "wallet="+genesis)...); code != 0 {
		t.Fatalf("wallet_destroy: exit %d\n%s%s", code, out, errOut)
	}
	d.stop(t)
	d = startPortBase(t, dir, base)
	out = d.stdout.String()
	if want := "the genesis wallet " + genesis + " was destroyed (wallet_destroy)"; !strings.Contains(out, want) {
		t.Errorf("banner after wallet_destroy lacks %q:\n%s", want, out)
	}
	if !strings.Contains(out, "created wallet ") {
		t.Errorf("no new genesis wallet:\n%s", out)
	}
	d.stop(t)
}

// TestTwoNodesPortBase: two nodes side by side, each with only
// --data_path and --port-base (and enable_control, as the README starts
// them); each answers IPC, HTTP and WebSocket on its own ports, and nipc
// wallet list --data_path reaches its wallets through it.
func TestTwoNodesPortBase(t *testing.T) {
	a, b := freePortBase(t), 0
	for b = freePortBase(t); b >= a-3 && b <= a+3; b = freePortBase(t) {
	}
	for _, base := range []int{a, b} {
		dir := tempDir(t)
		startPortBase(t, dir, base, "--rpcconfig", "enable_control=true")
		if out, errOut, code := nipc(t, nil, "", "wallet", "list", "--data_path", dir); code != 0 || !strings.Contains(out, "(genesis wallet") {
			t.Errorf("wallet list --data_path: exit %d\n%s%s", code, out, errOut)
		}
		for _, flags := range [][]string{{"-P", strconv.Itoa(base + 1)}, {"-S", filepath.Join(dir, "nipc.sock")}} {
			if out, errOut, code := nipc(t, nil, "", append(flags, "ping")...); code != 0 {
				t.Errorf("ping %v: exit %d\n%s%s", flags, code, out, errOut)
			}
		}
		if r := postOnce(t, fmt.Sprintf("http://127.0.0.1:%d/", base), `{"action": "block_count"}`); !strings.Contains(r, `"count": "1"`) {
			t.Errorf("HTTP on %d: %s", base, r)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		c, _, err := websocket.Dial(ctx, fmt.Sprintf("ws://127.0.0.1:%d", base+2), nil)
		cancel()
		if err != nil {
			t.Errorf("WebSocket on %d: %v", base+2, err)
		} else {
			c.CloseNow()
		}
	}
}

// TestGatewayPortBase: a gateway next to a node with the same --port-base
// (the node's own HTTP and WebSocket off) serves the node's HTTP RPC.
func TestGatewayPortBase(t *testing.T) {
	base := freePortBase(t)
	startPortBase(t, tempDir(t), base, "--config", "rpc.enable=false", "--config", "node.websocket.enable=false")
	gw := launchGateway(t, "--data_path", tempDir(t), "--port-base", strconv.Itoa(base))
	waitFor(t, func() bool { return strings.Contains(gw.stdout.String(), "node at:") })
	if want := fmt.Sprintf("node at:         tcp:127.0.0.1:%d (process.ipc_address, process.ipc_port)", base+1); !strings.Contains(gw.stdout.String(), want) {
		t.Errorf("gateway banner lacks %q:\n%s", want, gw.stdout)
	}
	if r := postOnce(t, fmt.Sprintf("http://127.0.0.1:%d/", base), `{"action": "block_count"}`); !strings.Contains(r, `"count": "1"`) {
		t.Errorf("HTTP through the gateway: %s\n%s", r, gw.stderr)
	}
}

// launchGateway runs nipc gateway with args and returns once it printed
// its banner.
func launchGateway(t *testing.T, args ...string) *daemon {
	t.Helper()
	d := &daemon{stdout: new(syncBuffer), stderr: new(syncBuffer), done: make(chan error, 1)}
	d.cmd = execNipc(append([]string{"gateway"}, args...)...)
	d.cmd.Stdout, d.cmd.Stderr = d.stdout, d.stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.done <- d.cmd.Wait() }()
	t.Cleanup(func() {
		d.cmd.Process.Kill()
		<-d.done
	})
	waitFor(t, func() bool {
		select {
		case err := <-d.done:
			d.done <- err
			t.Fatalf("nipc gateway exited: %v\n%s", err, d.stderr)
		default:
		}
		return strings.Contains(d.stdout.String(), "node at:")
	})
	return d
}

// TestGatewayUnreachableNamesTheKey: a gateway whose node is down says which
// key of config-rpc.toml points where: process.ipc_path for a socket,
// process.ipc_port for TCP; never "ipc->tcp" to a socket user.
func TestGatewayUnreachableNamesTheKey(t *testing.T) {
	dir := tempDir(t)
	sock := filepath.Join(dir, "no-node.sock")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"path", []string{"--rpcconfig", "process.ipc_path=" + sock}, "(process.ipc_path in config-rpc.toml)"},
		{"port", nil, "(process.ipc_address and process.ipc_port in config-rpc.toml)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := freePortBase(t)
			gw := launchGateway(t, append([]string{"--data_path", dir, "--port-base", strconv.Itoa(base)}, tt.args...)...)
			waitFor(t, func() bool { return strings.Contains(gw.stderr.String(), "the node is not reachable yet") })
			if s := gw.stderr.String(); !strings.Contains(s, tt.want) || strings.Contains(s, "ipc->tcp") {
				t.Errorf("want %q and no ipc->tcp:\n%s", tt.want, s)
			}
		})
	}
}

// TestConfigCheckValidates: config check reads all three files and the
// access-check secret; warnings for nano_node keys go to stderr.
func TestConfigCheckValidates(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		mode    os.FileMode // of the secret file "s"
		code    int
		stdout  string
		stderr  string
		notInOK string
	}{
		{"fresh", nil, 0, 0, "are valid; no config-access.toml: the built-in default", "", ""},
		{"broken access file", map[string]string{"config-access.toml": "[[user]]\nid = \"k\"\nalow = \"api_block_count\"\n"}, 0, exitConfig, "", "config-access.toml:3:1: unknown key user.alow", ""},
		{"loose secret", map[string]string{"config-node.toml": "[node.ipc.access_check]\nenable = true\nfile = \"s\"\n"}, 0o644, exitConfig, "", "chmod 600", ""},
		{"good secret", map[string]string{"config-node.toml": "[node.ipc.access_check]\nenable = true\nfile = \"s\"\n"}, 0o600, 0, "are valid", "", ""},
		{"nano_node keys", map[string]string{"config-node.toml": "[node]\npeering_port = 7075\n"}, 0, 0, "are valid", "peering_port", ""},
		{"two broken files", map[string]string{"config-rpc.toml": "prot = 1\n", "config-access.toml": "[[user]]\nid = \"k\"\nalow = \"x\"\n"}, 0, exitConfig, "", "config-rpc.toml:1:1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := tempDir(t)
			for name, text := range tt.files {
				writeTestFile(t, filepath.Join(dir, name), text)
			}
			if tt.mode != 0 {
				os.WriteFile(filepath.Join(dir, "s"), []byte("secret\n"), tt.mode)
				os.Chmod(filepath.Join(dir, "s"), tt.mode)
			}
			out, errOut, code := nipc(t, nil, "", "config", "check", "--data_path", dir)
			if code != tt.code || !strings.Contains(out, tt.stdout) || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d (want %d)\nstdout %q (want %q)\nstderr %q (want %q)", code, tt.code, out, tt.stdout, errOut, tt.stderr)
			}
			if tt.name == "two broken files" && !strings.Contains(errOut, "config-access.toml:3:1") {
				t.Errorf("only the first broken file reported:\n%s", errOut)
			}
		})
	}
}

// TestAccessCheckMissingFile: a FILE that does not exist is exit 78 naming
// it; without FILE and without a file in the data directory, the default
// policy with a note.
func TestAccessCheckMissingFile(t *testing.T) {
	dir := tempDir(t)
	missing := filepath.Join(dir, "confg-access.toml")
	out, errOut, code := nipc(t, nil, "", "access", "check", missing)
	if code != exitConfig || !strings.Contains(errOut, missing+": no such file") || out != "" {
		t.Errorf("missing FILE: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = nipc(t, nil, "", "access", "check", "--data_path", dir)
	if code != 0 || !strings.Contains(errOut, "no config-access.toml in "+dir+": the built-in default") || !strings.Contains(out, "api_account_weight") {
		t.Errorf("no file in the data directory: exit %d\n%s%s", code, out, errOut)
	}
}

// TestUnsafeHint: "Unsafe RPC not allowed" stays the node's reply on
// stdout; stderr says what lets it through.
func TestUnsafeHint(t *testing.T) {
	d := startNode(t, "--rpcconfig", "enable_control=true")
	sock := []string{"-S", d.sock}
	out, _, _ := nipc(t, nil, "", append(sock, "wallet", "list", "--json", "--data_path", d.dir)...)
	w := decode(t, out)["genesis_wallet"].(string)
	for _, tt := range []struct {
		flags []string
		hint  string
	}{
		{nil, "send it with --unsafe (encoding 2) to a node whose node.ipc.local.allow_unsafe = true"},
		{[]string{"--unsafe"}, "this transport does not allow unsafe actions: start the node with node.ipc.local.allow_unsafe = true"},
	} {
		out, errOut, code := nipc(t, nil, "", append(append(sock, "rpc", "wallet_seed", "wallet="+w), tt.flags...)...)
		if code != exitServerError || out != "{\n    \"error\": \"Unsafe RPC not allowed\"\n}\n" || !strings.Contains(errOut, tt.hint) {
			t.Errorf("%v: exit %d\nstdout %q\nstderr %q, want %q", tt.flags, code, out, errOut, tt.hint)
		}
	}
}

// execNipc is the binary with args, in an environment without NIPC_*.
func execNipc(args ...string) *exec.Cmd {
	cmd := exec.Command(nipcBin, args...)
	cmd.Env = cleanEnv()
	return cmd
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"go.uber.org/goleak"

	"github.com/nipc/nipc/internal/testenv"
)

// nipcBin is the real binary, built once for these tests.
var nipcBin string

// TestMain builds the binary and runs the tests; the scripts' nats-server
// and nats are this test binary under those names (script_nats_test.go).
func TestMain(m *testing.M) {
	testscript.Main(testMain{m}, map[string]func(){
		"nats-server": natsServerMain,
		"nats":        natsCLIMain,
	})
}

// testMain is the top-level run of the test binary.
type testMain struct{ m *testing.M }

func (t testMain) Run() int {
	m := t.m
	dir, err := os.MkdirTemp("", "nipc-bin")
	if err != nil {
		panic(err)
	}
	nipcBin = filepath.Join(dir, "nipc")
	if out, err := exec.Command("go", "build", "-race", "-o", nipcBin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building nipc: %v\n%s", err, out)
		os.Exit(1)
	}
	code := 0
	func() {
		defer func() {
			if err := goleak.Find(); err != nil {
				fmt.Fprintln(os.Stderr, err)
				code = 1
			}
		}()
		code = m.Run()
	}()
	os.RemoveAll(dir)
	return code
}

func tempDir(t *testing.T) string {
	d, err := os.MkdirTemp("", "nipc-cli")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// daemon is a `nipc node` child process.
type daemon struct {
	cmd    *exec.Cmd
	dir    string
	port   int
	sock   string
	stdout *syncBuffer
	stderr *syncBuffer
	done   chan error
}

// syncBuffer is a bytes.Buffer safe to read while the child writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startNode runs `nipc node` on its own data dir, port and socket, and waits
// until it answers.
func startNode(t *testing.T, extra ...string) *daemon {
	t.Helper()
	return startNodeIn(t, tempDir(t), extra...)
}

// startNodeIn is startNode on a given data directory.
func startNodeIn(t *testing.T, dir string, extra ...string) *daemon {
	t.Helper()
	return startNodeVia(t, dir, nil, extra...)
}

// startNodeVia is startNodeIn with the node run through the command
// wrap (e.g. a shell setting a limit that then execs its arguments).
func startNodeVia(t *testing.T, dir string, wrap []string, extra ...string) *daemon {
	t.Helper()
	port := testenv.FreePort(t)
	sock := filepath.Join(dir, "ipc.sock")
	args := append([]string{"node", "--data_path", dir,
		"--config", fmt.Sprintf("node.ipc.tcp.port=%d", port),
		"--config", "node.ipc.local.path=" + sock,
		"--config", "rpc.enable=false", "--config", "node.websocket.enable=false"}, extra...)
	d := launch(t, wrap, sock, args...)
	d.dir, d.port = dir, port
	return d
}

// launch runs nipc with args (through wrap, if any) and waits until the
// Unix socket sock answers.
func launch(t *testing.T, wrap []string, sock string, args ...string) *daemon {
	t.Helper()
	return launchBin(t, nipcBin, wrap, sock, args...)
}

// launchBin is launch with another nipc binary (plainBin's).
func launchBin(t *testing.T, bin string, wrap []string, sock string, args ...string) *daemon {
	t.Helper()
	d := &daemon{sock: sock, stdout: new(syncBuffer), stderr: new(syncBuffer), done: make(chan error, 1)}
	argv := append(append(slices.Clone(wrap), bin), args...)
	d.cmd = exec.Command(argv[0], argv[1:]...)
	d.cmd.Stdout, d.cmd.Stderr = d.stdout, d.stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.done <- d.cmd.Wait() }()
	t.Cleanup(func() {
		d.cmd.Process.Kill()
		<-d.done
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, err := net.Dial("unix", d.sock); err == nil {
			c.Close()
			return d
		}
		select {
		case err := <-d.done:
			t.Fatalf("nipc %s exited early: %v\n%s", args[0], err, d.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("nipc %s did not come up\n%s", args[0], d.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// wait returns the daemon's exit code, failing after a timeout.
func (d *daemon) wait(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case err := <-d.done:
		d.done <- err
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(within):
		t.Fatalf("nipc node still running after %v\n%s", within, d.stderr)
		return -1
	}
}

// nipc runs the CLI with env and returns stdout, stderr and the exit code.
func nipc(t *testing.T, env []string, stdin string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, nipcBin, args...)
	cmd.Env = append(cleanEnv(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

// cleanEnv is the environment without any NIPC_ variable of the test runner.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NIPC_") {
			env = append(env, kv)
		}
	}
	return env
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, s)
	}
	return m
}

func TestTwoNodesSideBySide(t *testing.T) {
	a := startNode(t)
	b := startNode(t)
	for _, tc := range []struct {
		name string
		env  []string
		args []string
	}{
		{"a by -P", nil, []string{"rpc", "-P", fmt.Sprint(a.port), "uptime"}},
		{"b by -P", nil, []string{"rpc", "-P", fmt.Sprint(b.port), "uptime"}},
		{"a by -S", nil, []string{"rpc", "-S", a.sock, "uptime"}},
		{"b by -S", nil, []string{"rpc", "-S", b.sock, "uptime"}},
		{"a by NIPC_IPC_PORT", []string{"NIPC_IPC_PORT=" + fmt.Sprint(a.port)}, []string{"rpc", "uptime"}},
		{"b by NIPC_IPC_PATH", []string{"NIPC_IPC_PATH=" + b.sock}, []string{"rpc", "uptime"}},
		{"-S beats NIPC_IPC_PATH", []string{"NIPC_IPC_PATH=/nonexistent"}, []string{"rpc", "-S", a.sock, "uptime"}},
		{"-P beats NIPC_IPC_PATH", []string{"NIPC_IPC_PATH=/nonexistent"}, []string{"rpc", "-P", fmt.Sprint(b.port), "uptime"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := nipc(t, tc.env, "", tc.args...)
			if code != 0 || decode(t, out)["seconds"] == nil {
				t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
			}
		})
	}
	// Each reports its own socket in ping.
	out, _, _ := nipc(t, nil, "", "ping", "-S", b.sock)
	if decode(t, out)["node"] != "unix:"+b.sock {
		t.Errorf("ping reached %v", decode(t, out)["node"])
	}
}

func TestRPCArgumentForms(t *testing.T) {
	d := startNode(t)
	env := []string{"NIPC_IPC_PATH=" + d.sock}
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
	}{
		{"key=value", "", []string{"rpc", "version", "ignored=1"}},
		{"JSON", "", []string{"rpc", "version", `{"ignored": [1, 2]}`}},
		{"stdin", `{"ignored": true}`, []string{"rpc", "version", "-"}},
		{"array value", "", []string{"rpc", "version", `accounts=["a","b"]`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := nipc(t, env, tc.stdin, tc.args...)
			if code != 0 || decode(t, out)["network"] != "dev" {
				t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	d := startNode(t)
	dead := filepath.Join(tempDir(t), "none.sock")
	badConf := tempDir(t)
	os.WriteFile(filepath.Join(badConf, "config-node.toml"), []byte("[node.ipc.tcp]\nprot = 1\n"), 0o600)
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"ok", []string{"rpc", "-S", d.sock, "uptime"}, 0, ""},
		{"server error", []string{"rpc", "-S", d.sock, "bogus"}, 1, "Unknown command"},
		{"control disabled", []string{"stop", "-S", d.sock}, 77, "enable_control"},
		{"usage: no verb", []string{}, 2, "Usage"},
		{"usage: unknown verb", []string{"frobnicate"}, 2, "unknown command"},
		{"usage: bad flag", []string{"rpc", "--nope", "uptime"}, 2, "unknown flag: --nope"},
		{"usage: no action", []string{"rpc", "-S", d.sock}, 2, "usage"},
		{"unreachable unix", []string{"rpc", "-S", dead, "uptime"}, 69, "nipc node"},
		{"unreachable tcp", []string{"ping", "-P", fmt.Sprint(testenv.FreePort(t))}, 69, "check -A/-P"},
		{"config invalid", []string{"config", "check", "--data_path", badConf}, 78, "config-node.toml:2:1"},
		{"config invalid at start", []string{"node", "--data_path", badConf}, 78, "config-node.toml:2:1"},
		{"bad override", []string{"config", "check", "--data_path", badConf, "--config", "x=1"}, 78, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := nipc(t, nil, "", tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.inStderr) {
				t.Fatalf("exit %d (want %d)\nstdout %s\nstderr %s (want it to contain %q)", code, tc.code, out, errOut, tc.inStderr)
			}
		})
	}
}

func TestPortInUseIsAStartupError(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := tempDir(t)
	_, errOut, code := nipc(t, nil, "", "node", "--data_path", dir,
		"--config", fmt.Sprintf("node.ipc.tcp.port=%d", busy.Addr().(*net.TCPAddr).Port),
		"--config", "node.ipc.local.path="+filepath.Join(dir, "s"))
	if code == 0 || !strings.Contains(errOut, "already in use") {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
}

func TestLiveSocketIsAStartupError(t *testing.T) {
	a := startNode(t)
	dir := tempDir(t)
	_, errOut, code := nipc(t, nil, "", "node", "--data_path", dir,
		"--config", fmt.Sprintf("node.ipc.tcp.port=%d", testenv.FreePort(t)),
		"--config", "node.ipc.local.path="+a.sock)
	if code == 0 || !strings.Contains(errOut, "already listening") {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
}

func TestSignalsDrainAndRemoveSocket(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			d := startNode(t)
			d.cmd.Process.Signal(sig)
			if code := d.wait(t, 10*time.Second); code != 0 {
				t.Fatalf("exit code %d after %v\n%s", code, sig, d.stderr)
			}
			if _, err := os.Lstat(d.sock); !os.IsNotExist(err) {
				t.Fatalf("socket left behind: %v", err)
			}
		})
	}
}

// TestSIGHUPReloadsAccess: SIGHUP re-reads config-access.toml; a broken
// file is reported and the old policy stays; the node keeps running.
func TestSIGHUPReloadsAccess(t *testing.T) {
	dir := tempDir(t)
	access := filepath.Join(dir, "config-access.toml")
	os.WriteFile(access, []byte("[[user]]\nid = \"\"\nallow = \"api_account_weight\"\n"), 0o600)
	d := startNodeIn(t, dir)
	env := []string{"NIPC_IPC_PATH=" + d.sock}
	if _, _, code := nipc(t, env, "", "call", "BlockCount"); code != 77 {
		t.Fatalf("BlockCount before the reload: exit %d, want 77", code)
	}
	os.WriteFile(access, []byte("[[user]]\nid = \"\"\nallow = \"api_account_weight, api_block_count\"\n"), 0o600)
	d.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, func() bool { _, _, code := nipc(t, env, "", "call", "BlockCount"); return code == 0 })

	os.WriteFile(access, []byte("[[user]]\nid = \"\"\nallow = \"api_blok_count\"\n"), 0o600)
	d.cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, func() bool { return strings.Contains(d.stderr.String(), "config-access.toml:3:") })
	if out, errOut, code := nipc(t, env, "", "call", "BlockCount"); code != 0 {
		t.Fatalf("after a broken reload the old policy must stay: exit %d\n%s%s", code, out, errOut)
	}
}

// TestInvalidAccessFileAtStart: a node does not start on a broken access
// file, and says where the problem is.
func TestInvalidAccessFileAtStart(t *testing.T) {
	dir := tempDir(t)
	os.WriteFile(filepath.Join(dir, "config-access.toml"), []byte("[[role]]\nid = \"r\"\ndeny = \"wallet\"\n"), 0o600)
	_, errOut, code := nipc(t, nil, "", "node", "--data_path", dir, "--config", fmt.Sprintf("node.ipc.tcp.port=%d", testenv.FreePort(t)),
		"--config", "node.ipc.local.path="+filepath.Join(dir, "s"))
	if code != 78 || !strings.Contains(errOut, "config-access.toml:3:") {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	out, errOut, code := nipc(t, nil, "", "access", "check", filepath.Join(dir, "config-access.toml"))
	if code != 78 || !strings.Contains(errOut, "config-access.toml:3:") {
		t.Fatalf("access check: exit %d\n%s%s", code, out, errOut)
	}
}

func TestAccessCheckCommand(t *testing.T) {
	dir := tempDir(t)
	path := filepath.Join(dir, "a.toml")
	os.WriteFile(path, []byte("[[role]]\nid = \"w\"\nallow = [\"wallet_read\"]\n[[user]]\nid = \"k\"\nroles = \"w\"\n"), 0o600)
	out, errOut, code := nipc(t, nil, "", "access", "check", path)
	if code != 0 || !strings.Contains(out, "api_account_weight, api_topic_confirmation, wallet_read") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestStopCommand(t *testing.T) {
	d := startNode(t, "--rpcconfig", "enable_control=true")
	out, errOut, code := nipc(t, nil, "", "stop", "-S", d.sock)
	if code != 0 || decode(t, out)["success"] != "" {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	if code := d.wait(t, 10*time.Second); code != 0 {
		t.Fatalf("node exit code %d", code)
	}
}

func TestStatusAndVersion(t *testing.T) {
	d := startNode(t)
	out, _, code := nipc(t, nil, "", "status", "-P", fmt.Sprint(d.port))
	if m := decode(t, out); code != 0 || m["network"] != "dev" || m["seconds"] == nil {
		t.Fatalf("status exit %d: %s", code, out)
	}
	out, _, code = nipc(t, nil, "", "version")
	if m := decode(t, out); code != 0 || m["version"] == nil {
		t.Fatalf("version exit %d: %s", code, out)
	}
}

func TestBench(t *testing.T) {
	d := startNode(t)
	out, errOut, code := nipc(t, nil, "", "bench", "-S", d.sock, "-c", "4", "-n", "400", "-warm", "10")
	m := decode(t, out)
	if code != 0 || m["requests"] != float64(400) || m["errors"] != float64(0) || m["p50_us"].(float64) <= 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	// A request the node refuses is not benchmarked as a success.
	_, errOut, code = nipc(t, nil, "", "bench", "-S", d.sock, "-action", "bogus", "-n", "10")
	if code != 1 || !strings.Contains(errOut, "Unknown command") {
		t.Fatalf("bench of an unknown action: exit %d, %s", code, errOut)
	}
}

func TestConfigGenerate(t *testing.T) {
	for _, kind := range []string{"node", "rpc"} {
		out, _, code := nipc(t, nil, "", "config", "generate", kind)
		if code != 0 || !strings.Contains(out, "=") {
			t.Fatalf("generate %s: exit %d", kind, code)
		}
		// What it prints, uncommented, is a valid file.
		dir := tempDir(t)
		name := map[string]string{"node": "config-node.toml", "rpc": "config-rpc.toml"}[kind]
		os.WriteFile(filepath.Join(dir, name), []byte(out), 0o600)
		if _, errOut, code := nipc(t, nil, "", "config", "check", "--data_path", dir); code != 0 {
			t.Fatalf("generated %s does not load: %s", kind, errOut)
		}
	}
	if out, _, code := nipc(t, nil, "", "config", "generate", "access"); code != 0 || !strings.Contains(out, "role") {
		t.Fatalf("generate access: exit %d: %s", code, out)
	}
	if _, _, code := nipc(t, nil, "", "config", "generate", "nope"); code != 2 {
		t.Fatalf("generate nope: exit %d, want 2", code)
	}
}

// TestSecondSignalForcesExit: a request that never finishes holds the drain;
// the second SIGTERM ends the node at once.
func TestSecondSignalForcesExit(t *testing.T) {
	d := startNode(t, "--rpcconfig", "enable_control=true")
	// A request whose payload is still arriving holds the drain (up to
	// io_timeout, 15 s): its preamble, a length of 100 and 10 bytes. (Work
	// generation no longer does: shutdown cancels it.) The request is
	// written from here, not by a child process whose start a loaded
	// machine may delay past the first signal.
	hold := mustDial(t, d)
	if _, err := hold.Write([]byte{'N', 1, 0, 0, 0, 0, 0, 100, '{', '"', 'a', 'c', 't', 'i', 'o', 'n', '"', ':'}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-d.done:
		d.done <- err
		t.Fatalf("node exited on the first signal with a request in flight: %v\n%s", err, d.stderr)
	case <-time.After(500 * time.Millisecond):
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	d.wait(t, 5*time.Second)
	if !strings.Contains(d.stderr.String(), "second signal") {
		t.Errorf("stderr does not mention the forced exit:\n%s", d.stderr)
	}
}

func TestCallV2(t *testing.T) {
	d := startNode(t)
	sock := []string{"NIPC_IPC_PATH=" + d.sock}
	weight := `{"account": "nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo"}`
	for _, tc := range []struct {
		name     string
		env      []string
		stdin    string
		args     []string
		code     int
		inStdout string
	}{
		{"IsAlive json", sock, "", []string{"call", "IsAlive"}, 0, `"message_type": "IsAlive"`},
		{"IsAlive flatbuffers", sock, "", []string{"call", "-encoding", "flatbuffers", "IsAlive"}, 0, `"message_type": "IsAlive"`},
		{"weight json", sock, "", []string{"call", "AccountWeight", weight}, 0, `"voting_weight": "340282366920938463463374607431768211455"`},
		{"weight flatbuffers", sock, "", []string{"call", "-encoding", "flatbuffers", "AccountWeight", weight}, 0, `"voting_weight": "340282366920938463463374607431768211455"`},
		{"weight from stdin", sock, weight, []string{"call", "AccountWeight", "-"}, 0, `"voting_weight"`},
		{"correlation id", sock, "", []string{"call", "-correlation-id", "abc", "IsAlive"}, 0, `"correlation_id": "abc"`},
		{"unknown credentials", append([]string{"NIPC_API_KEY=nobody"}, sock...), "", []string{"call", "AccountWeight", weight}, 77, `"message": "Access denied"`},
		{"needs a permission", sock, "", []string{"call", "BlockCount"}, 77, `Access denied`},
		{"parse error", sock, "", []string{"call", "AccountWeight", "{}"}, 1, `required field is missing: account in AccountWeight`},
		{"not a request", sock, "", []string{"call", "AccountWeightResponse"}, 2, ``},
		{"unknown message", sock, "", []string{"call", "Bogus"}, 2, ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := nipc(t, tc.env, tc.stdin, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.inStdout) {
				t.Fatalf("exit %d (want %d)\nstdout %s (want %q)\nstderr %s", code, tc.code, out, tc.inStdout, errOut)
			}
		})
	}
}

func TestListAndDescribe(t *testing.T) {
	out, _, code := nipc(t, nil, "", "list")
	for _, want := range []string{"IsAlive", "AccountWeight", "api_account_info", "Version"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("list (exit %d) lacks %q:\n%s", code, want, out)
		}
	}
	if strings.Contains(out, "AccountWeightResponse") {
		t.Fatalf("list shows a reply type:\n%s", out)
	}
	out, _, code = nipc(t, nil, "", "describe", "AccountInfo")
	for _, want := range []string{"permission: api_account_info", "include_representative", "reply: AccountInfoResponse", "confirmation_height"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("describe (exit %d) lacks %q:\n%s", code, want, out)
		}
	}
	if _, _, code := nipc(t, nil, "", "describe", "Nope"); code != 2 {
		t.Fatalf("describe Nope: exit %d", code)
	}
}

// TestSub: nipc sub prints one JSON object per confirmed block and stops
// after -count.
func TestSub(t *testing.T) {
	dir := tempDir(t)
	os.WriteFile(filepath.Join(dir, "config-access.toml"), []byte("[[user]]\nid = \"watcher\"\nallow = \"api_topic_confirmation\"\n"), 0o600)
	d := startNodeIn(t, dir, "--rpcconfig", "enable_control=true")
	sub := exec.Command(nipcBin, "sub", "-S", d.sock, "-count", "2", "-no-election", "confirmation")
	sub.Env = append(cleanEnv(), "NIPC_API_KEY=watcher")
	var out syncBuffer
	sub.Stdout, sub.Stderr = &out, &out
	if err := sub.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- sub.Wait() }()
	time.Sleep(300 * time.Millisecond) // let it subscribe
	// Two sends from a wallet holding the genesis key.
	walletOut, _, _ := nipc(t, nil, "", "rpc", "-S", d.sock, "wallet_create")
	w := decode(t, walletOut)["wallet"].(string)
	nipc(t, nil, "", "rpc", "-S", d.sock, "wallet_add", "wallet="+w, "key=34F0A37AAD20F4A260F0A5B3CB3D7FB50673212263E58A380BC10474BB039CE4")
	for range 2 {
		out, errOut, code := nipc(t, nil, "", "rpc", "-S", d.sock, "send", "wallet="+w,
			"source=nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo",
			"destination=nano_1111111111111111111111111111111111111111111111111113b8661hfk", "amount=1")
		if code != 0 {
			t.Fatalf("send: exit %d\n%s%s", code, out, errOut)
		}
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("nipc sub: %v\n%s", err, out.String())
		}
	case <-time.After(15 * time.Second):
		sub.Process.Kill()
		t.Fatalf("nipc sub did not finish after 2 events:\n%s", out.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got:\n%s", out.String())
	}
	for _, l := range lines {
		m := decode(t, l)
		if m["message_type"] != "EventConfirmation" || m["message"].(map[string]any)["election_info"] != nil {
			t.Fatalf("line %s", l)
		}
	}
}

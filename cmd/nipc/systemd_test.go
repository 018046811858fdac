package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/testenv"
)

// These tests play systemd's part: a notify socket, and sockets passed as
// descriptors 3, 4, … with LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES.

// startManaged runs nipc with args as systemd would: env added to an
// environment cleared of the runner's own NOTIFY_SOCKET and LISTEN_*, and
// files passed as descriptors 3, 4, … When there are files, a shell sets
// LISTEN_PID to its own pid and execs nipc, which keeps the pid: nipc's
// pid is not known before it starts. Output (stdout and stderr) goes to
// d.stderr.
func startManaged(t *testing.T, env []string, files []*os.File, args ...string) *daemon {
	t.Helper()
	cmd := exec.Command(nipcBin, args...)
	if len(files) > 0 {
		cmd = exec.Command("/bin/sh", append([]string{"-c", `export LISTEN_PID=$$; exec "$0" "$@"`, nipcBin}, args...)...)
	}
	for _, kv := range cleanEnv() {
		if !strings.HasPrefix(kv, "NOTIFY_SOCKET=") && !strings.HasPrefix(kv, "LISTEN_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.ExtraFiles = files
	d := &daemon{cmd: cmd, stderr: new(syncBuffer), done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = d.stderr, d.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-d.done
	})
	return d
}

// notifySocket is the service manager's end of NOTIFY_SOCKET: a datagram
// socket at path, or in the abstract namespace when path starts with '@'.
func notifySocket(t *testing.T, path string) *net.UnixConn {
	t.Helper()
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// nextNotification reads one notification as its VAR=value lines.
func nextNotification(t *testing.T, c *net.UnixConn, d *daemon) map[string]string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(15 * time.Second))
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatalf("no notification: %v\n%s", err, d.stderr)
	}
	m := make(map[string]string)
	for line := range strings.SplitSeq(string(buf[:n]), "\n") {
		k, v, _ := strings.Cut(line, "=")
		m[k] = v
	}
	return m
}

// expectState reads the next notification and checks that it sets state
// (READY, RELOADING, STOPPING) to 1 and that its STATUS contains status.
func expectState(t *testing.T, c *net.UnixConn, d *daemon, state, status string) map[string]string {
	t.Helper()
	m := nextNotification(t, c, d)
	if m[state] != "1" || !strings.Contains(m["STATUS"], status) {
		t.Fatalf("notification %q, want %s=1 and a STATUS containing %q\n%s", m, state, status, d.stderr)
	}
	return m
}

func monotonicUsec(t *testing.T) int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		t.Fatal(err)
	}
	return ts.Nano() / 1e3
}

// uptimeOnce asks for uptime over one fresh connection, without retrying.
func uptimeOnce(t *testing.T, cfg client.Config) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cl, err := client.Dial(ctx, cfg)
	if err != nil {
		t.Fatalf("dial %+v: %v", cfg, err)
	}
	defer cl.Close()
	if _, err := cl.Legacy(ctx, "uptime", nil); err != nil {
		t.Fatalf("uptime over %+v: %v", cfg, err)
	}
}

// postOnce posts a legacy request to an HTTP gateway and returns the body.
func postOnce(t *testing.T, url, body string) string {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestSystemdNotify: READY=1 comes once the IPC port and the gateway
// answer, RELOADING=1 with MONOTONIC_USEC and then READY=1 frame every
// reload (SIGHUP or nipc reload, failed or not), STOPPING=1 comes on
// SIGTERM.
func TestSystemdNotify(t *testing.T) {
	dir := tempDir(t)
	access := filepath.Join(dir, "config-access.toml")
	writeTestFile(t, access, "[[user]]\nid = \"\"\nallow = \"api_reload\"\n")
	notifyPath := filepath.Join(dir, "notify.sock")
	c := notifySocket(t, notifyPath)
	sock := filepath.Join(dir, "ipc.sock")
	port, httpPort, wsPort := testenv.FreePort(t), testenv.FreePort(t), testenv.FreePort(t)
	d := startManaged(t, []string{"NOTIFY_SOCKET=" + notifyPath}, nil, "node", "--data_path", dir,
		"--config", fmt.Sprintf("node.ipc.tcp.port=%d", port), "--config", "node.ipc.local.path="+sock,
		"--rpcconfig", fmt.Sprintf("port=%d", httpPort), "--config", fmt.Sprintf("node.websocket.port=%d", wsPort))

	// The first notification is READY=1, and then every listener answers
	// at the first try.
	expectState(t, c, d, "READY", fmt.Sprintf("IPC on tcp 127.0.0.1:%d and unix %s; HTTP on 127.0.0.1:%d; WebSocket on 127.0.0.1:%d", port, sock, httpPort, wsPort))
	uptimeOnce(t, client.Config{Port: port})
	uptimeOnce(t, client.Config{Path: sock})
	if body := postOnce(t, fmt.Sprintf("http://127.0.0.1:%d/", httpPort), `{"action": "uptime"}`); !strings.Contains(body, "seconds") {
		t.Fatalf("HTTP uptime: %s", body)
	}
	if _, err := os.Stat(filepath.Join(dir, "ipc.sock")); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name   string
		file   string // the access file to reload
		reload func(t *testing.T)
		status string // in the STATUS of the READY=1 after it
	}{
		{"SIGHUP", "[[user]]\nid = \"\"\nallow = \"api_reload, api_block_count\"\n",
			func(t *testing.T) { d.cmd.Process.Signal(syscall.SIGHUP) }, "reloaded config-access.toml"},
		{"nipc reload", "[[user]]\nid = \"\"\nallow = \"api_reload\"\n",
			func(t *testing.T) {
				if out, errOut, code := nipc(t, nil, "", "reload", "-S", sock); code != 0 {
					t.Fatalf("nipc reload: exit %d\n%s%s", code, out, errOut)
				}
			}, "reloaded config-access.toml"},
		{"SIGHUP with a broken file", "[[user]]\nid = \"\"\nallow = \"api_blok_count\"\n",
			func(t *testing.T) { d.cmd.Process.Signal(syscall.SIGHUP) }, "reload failed, the previous configuration stays: "},
		{"nipc reload with a broken file", "[[user]]\nid = \"\"\nallow = \"api_blok_count\"\n",
			func(t *testing.T) {
				_, errOut, code := nipc(t, nil, "", "reload", "-S", sock)
				if code != exitConfig || !strings.Contains(errOut, "Reload refused, nothing changed: ") || !strings.Contains(errOut, "config-access.toml:3:") {
					t.Fatalf("nipc reload: exit %d, want %d\n%s", code, exitConfig, errOut)
				}
			}, "reload failed, the previous configuration stays: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			writeTestFile(t, access, tc.file)
			before := monotonicUsec(t)
			tc.reload(t)
			m := expectState(t, c, d, "RELOADING", "reloading")
			after := monotonicUsec(t)
			if usec, err := strconv.ParseInt(m["MONOTONIC_USEC"], 10, 64); err != nil || usec < before || usec > after {
				t.Errorf("MONOTONIC_USEC=%q, want a CLOCK_MONOTONIC µs value within [%d, %d]", m["MONOTONIC_USEC"], before, after)
			}
			expectState(t, c, d, "READY", tc.status)
		})
	}
	// The node still serves with the previous policy.
	uptimeOnce(t, client.Config{Path: sock})

	d.cmd.Process.Signal(syscall.SIGTERM)
	expectState(t, c, d, "STOPPING", "shutting down")
	if code := d.wait(t, 10*time.Second); code != 0 {
		t.Fatalf("exit %d\n%s", code, d.stderr)
	}
}

// listenerFile opens a listener and returns the descriptor to pass on; the
// test's own listener is closed, so only nipc holds the socket. A Unix
// socket's file is left on disk, as systemd leaves it.
func listenerFile(t *testing.T, network, addr string) (*os.File, net.Addr) {
	t.Helper()
	l, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	var f *os.File
	switch l := l.(type) {
	case *net.TCPListener:
		f, err = l.File()
	case *net.UnixListener:
		l.SetUnlinkOnClose(false)
		f, err = l.File()
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	l.Close()
	return f, l.Addr()
}

// TestSocketActivation: nipc node serves on the TCP and Unix sockets passed
// as fds 3 and 4 instead of the configured ones, does not touch the socket
// file's mode, and leaves the file in place when it stops, also when the
// configured path is the activated socket's (as with the defaults).
func TestSocketActivation(t *testing.T) {
	for _, samePath := range []bool{false, true} {
		t.Run(fmt.Sprintf("configured path is the socket's=%v", samePath), func(t *testing.T) {
			dir := tempDir(t)
			activated := filepath.Join(dir, "activated.sock")
			tcpFile, tcpAddr := listenerFile(t, "tcp", "127.0.0.1:0")
			unixFile, _ := listenerFile(t, "unix", activated)
			if err := os.Chmod(activated, 0o604); err != nil {
				t.Fatal(err)
			}
			notifyPath := filepath.Join(dir, "notify.sock")
			c := notifySocket(t, notifyPath)
			configuredSock, configuredPort := filepath.Join(dir, "configured.sock"), testenv.FreePort(t)
			if samePath {
				configuredSock = activated
			}
			d := startManaged(t, []string{"NOTIFY_SOCKET=" + notifyPath, "LISTEN_FDS=2", "LISTEN_FDNAMES=ipc-tcp:ipc-unix"},
				[]*os.File{tcpFile, unixFile}, "node", "--data_path", dir,
				"--config", fmt.Sprintf("node.ipc.tcp.port=%d", configuredPort), "--config", "node.ipc.local.path="+configuredSock,
				"--config", "rpc.enable=false", "--config", "node.websocket.enable=false")
			tcpFile.Close() // now only nipc holds the sockets
			unixFile.Close()

			where := fmt.Sprintf("IPC on tcp %s and unix %s", tcpAddr, activated)
			expectState(t, c, d, "READY", where)
			uptimeOnce(t, client.Config{Port: tcpAddr.(*net.TCPAddr).Port})
			uptimeOnce(t, client.Config{Path: activated})
			banner := fmt.Sprintf("  IPC TCP:         tcp://%s\n  IPC Unix socket: %s\n", tcpAddr, activated)
			if !strings.Contains(d.stderr.String(), banner) {
				t.Errorf("the banner lacks %q:\n%s", banner, d.stderr)
			}
			if _, err := os.Lstat(configuredSock); !samePath && !os.IsNotExist(err) {
				t.Errorf("the configured socket was created too: %v", err)
			}
			if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", configuredPort)); err == nil {
				c.Close()
				t.Errorf("the configured port was bound too")
			}

			d.cmd.Process.Signal(syscall.SIGTERM)
			expectState(t, c, d, "STOPPING", "")
			if code := d.wait(t, 10*time.Second); code != 0 {
				t.Fatalf("exit %d\n%s", code, d.stderr)
			}
			fi, err := os.Lstat(activated)
			if err != nil {
				t.Fatalf("the activated socket file was removed: %v", err)
			}
			if fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != 0o604 {
				t.Errorf("the activated socket file is now %v, want a socket with mode 0604 as it was", fi.Mode())
			}
		})
	}
}

// TestSocketActivationErrors: descriptors nipc cannot use stop it at start
// with exit code 78 and a message naming the descriptor and its name.
func TestSocketActivationErrors(t *testing.T) {
	udp := func(t *testing.T) *os.File {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		f, err := c.(*net.UDPConn).File()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	tcp := func(t *testing.T) *os.File { f, _ := listenerFile(t, "tcp", "127.0.0.1:0"); return f }
	for _, tc := range []struct {
		name   string
		verb   string
		names  string
		files  []func(*testing.T) *os.File
		stderr string
	}{
		{"udp socket", "node", "rpc", []func(*testing.T) *os.File{udp}, `fd 3 named "rpc": a datagram socket`},
		{"unknown name", "node", "ipc-tcp:http", []func(*testing.T) *os.File{tcp, tcp}, `fd 4 named "http": unknown name`},
		{"names and count differ", "node", "ipc-tcp", []func(*testing.T) *os.File{tcp, tcp}, `LISTEN_FDNAMES="ipc-tcp" names 1 sockets but LISTEN_FDS=2`},
		{"IPC socket for the gateway", "gateway", "ipc-tcp", []func(*testing.T) *os.File{tcp}, `fd 3 named "ipc-tcp": not used by this command, which takes rpc, websocket`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tempDir(t)
			var files []*os.File
			for _, f := range tc.files {
				files = append(files, f(t))
			}
			d := startManaged(t, []string{"LISTEN_FDS=" + strconv.Itoa(len(files)), "LISTEN_FDNAMES=" + tc.names}, files,
				tc.verb, "--data_path", dir, "--config", fmt.Sprintf("node.ipc.tcp.port=%d", testenv.FreePort(t)),
				"--config", "node.ipc.local.path="+filepath.Join(dir, "s"), "--rpcconfig", fmt.Sprintf("port=%d", testenv.FreePort(t)),
				"--config", fmt.Sprintf("node.websocket.port=%d", testenv.FreePort(t)))
			if code := d.wait(t, 10*time.Second); code != exitConfig || !strings.Contains(d.stderr.String(), tc.stderr) {
				t.Fatalf("exit %d, want %d and output containing %q:\n%s", code, exitConfig, tc.stderr, d.stderr)
			}
		})
	}
}

// TestGatewaySystemd: nipc gateway serves HTTP on the socket passed as
// "rpc" and tells an abstract-namespace NOTIFY_SOCKET when it is ready,
// reloading and stopping.
func TestGatewaySystemd(t *testing.T) {
	node := startNode(t)
	dir := tempDir(t)
	notifyName := fmt.Sprintf("@nipc-test-%d-%d", os.Getpid(), time.Now().UnixNano())
	c := notifySocket(t, notifyName)
	httpFile, httpAddr := listenerFile(t, "tcp", "127.0.0.1:0")
	d := startManaged(t, []string{"NOTIFY_SOCKET=" + notifyName, "LISTEN_FDS=1", "LISTEN_FDNAMES=rpc"}, []*os.File{httpFile},
		"gateway", "--data_path", dir, "--rpcconfig", "process.ipc_path="+node.sock, "--rpcconfig", fmt.Sprintf("port=%d", testenv.FreePort(t)),
		"--config", "node.websocket.enable=false")
	httpFile.Close()

	expectState(t, c, d, "READY", fmt.Sprintf("HTTP on %s; WebSocket on (off); node at unix %s", httpAddr, node.sock))
	if body := postOnce(t, "http://"+httpAddr.String()+"/", `{"action": "uptime"}`); !strings.Contains(body, "seconds") {
		t.Fatalf("uptime through the gateway: %s", body)
	}
	d.cmd.Process.Signal(syscall.SIGHUP)
	expectState(t, c, d, "RELOADING", "")
	expectState(t, c, d, "READY", "reloaded; HTTP on "+httpAddr.String())
	d.cmd.Process.Signal(syscall.SIGTERM)
	expectState(t, c, d, "STOPPING", "shutting down")
	if code := d.wait(t, 10*time.Second); code != 0 {
		t.Fatalf("exit %d\n%s", code, d.stderr)
	}
}

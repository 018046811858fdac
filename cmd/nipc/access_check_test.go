package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nipc/nipc/internal/testenv"
)

// cliSecret writes a secret file with mode into a new directory.
func cliSecret(t *testing.T, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(tempDir(t), "ipc_secret")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func checkFlags(file string) []string {
	return []string{"--config", "node.ipc.access_check.enable=true", "--config", "node.ipc.access_check.file=" + file}
}

func TestAccessCheckCLI(t *testing.T) {
	good := cliSecret(t, "cli-secret\n", 0o400)
	wrong := cliSecret(t, "another secret", 0o400)
	open := cliSecret(t, "cli-secret", 0o644)
	d := startNode(t, checkFlags(good)...)
	plain := startNode(t)
	sock := "NIPC_IPC_PATH=" + d.sock
	port := fmt.Sprint(d.port)
	for _, tc := range []struct {
		name     string
		env      []string
		args     []string
		code     int
		inStderr string
	}{
		{"env over the socket", []string{sock, "NIPC_IPC_ACCESS_FILE=" + good}, []string{"rpc", "uptime"}, exitOK, ""},
		{"env over TCP", []string{"NIPC_IPC_ACCESS_FILE=" + good}, []string{"rpc", "-P", port, "uptime"}, exitOK, ""},
		{"flag", []string{sock}, []string{"rpc", "-access-file", good, "uptime"}, exitOK, ""},
		{"flag beats env", []string{sock, "NIPC_IPC_ACCESS_FILE=" + wrong}, []string{"rpc", "-access-file", good, "uptime"}, exitOK, ""},
		{"v2 call", []string{sock, "NIPC_IPC_ACCESS_FILE=" + good}, []string{"call", "IsAlive"}, exitOK, ""},
		{"ping", []string{sock, "NIPC_IPC_ACCESS_FILE=" + good}, []string{"ping"}, exitOK, ""},
		{"wrong secret", []string{sock, "NIPC_IPC_ACCESS_FILE=" + wrong}, []string{"rpc", "uptime"}, exitNoPerm, "rejected the access check: the secret in " + wrong},
		{"wrong secret over TCP", []string{"NIPC_IPC_ACCESS_FILE=" + wrong}, []string{"rpc", "-P", port, "uptime"}, exitNoPerm, "rejected the access check"},
		{"no secret", []string{sock}, []string{"rpc", "uptime"}, exitNoPerm, "requires the access check: set NIPC_IPC_ACCESS_FILE"},
		{"no secret, v2 call", []string{sock}, []string{"call", "IsAlive"}, exitNoPerm, "set NIPC_IPC_ACCESS_FILE"},
		{"no secret, v2 JSON call", []string{sock}, []string{"call", "-encoding", "json", "IsAlive"}, exitNoPerm, "set NIPC_IPC_ACCESS_FILE"},
		{"secret file open to others", []string{sock, "NIPC_IPC_ACCESS_FILE=" + open}, []string{"rpc", "uptime"}, exitConfig,
			"has mode 0644: it must not be readable by others; run: chmod 600 " + open},
		{"missing secret file", []string{sock}, []string{"rpc", "-access-file", "/nonexistent/secret", "uptime"}, exitConfig, "/nonexistent/secret"},
		{"node without the check", []string{"NIPC_IPC_PATH=" + plain.sock, "NIPC_IPC_ACCESS_FILE=" + good}, []string{"rpc", "uptime"}, exitNoPerm,
			"NIPC_IPC_ACCESS_FILE is set but the node at unix:" + plain.sock + " does not use an access check (unset NIPC_IPC_ACCESS_FILE or enable [node.ipc.access_check])"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := nipc(t, tc.env, "", tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.inStderr) {
				t.Fatalf("exit %d (want %d)\nstdout %s\nstderr %s\nwant in stderr: %s", code, tc.code, out, errOut, tc.inStderr)
			}
			if tc.code == exitOK && !strings.HasPrefix(strings.TrimSpace(out), "{") {
				t.Fatalf("stdout %q is not a JSON reply", out)
			}
		})
	}
}

func TestAccessCheckTwoNodesSideBySide(t *testing.T) {
	secretA := cliSecret(t, "secret-of-a", 0o400)
	secretB := cliSecret(t, "secret-of-b", 0o440)
	a := startNode(t, checkFlags(secretA)...)
	b := startNode(t, checkFlags(secretB)...)
	for _, tc := range []struct {
		name   string
		node   *daemon
		secret string
		code   int
	}{
		{"a with a's secret", a, secretA, exitOK},
		{"b with b's secret", b, secretB, exitOK},
		{"a with b's secret", a, secretB, exitNoPerm},
		{"b with a's secret", b, secretA, exitNoPerm},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, where := range [][]string{{"-S", tc.node.sock}, {"-P", fmt.Sprint(tc.node.port)}} {
				args := append(append([]string{"rpc"}, where...), "uptime")
				out, errOut, code := nipc(t, []string{"NIPC_IPC_ACCESS_FILE=" + tc.secret}, "", args...)
				if code != tc.code {
					t.Fatalf("%v: exit %d (want %d)\nstdout %s\nstderr %s", where, code, tc.code, out, errOut)
				}
			}
		})
	}
}

func TestNodeRefusesOpenSecretFile(t *testing.T) {
	open := cliSecret(t, "s3cr3t", 0o644)
	dir := tempDir(t)
	args := append([]string{"node", "--data_path", dir,
		"--config", fmt.Sprintf("node.ipc.tcp.port=%d", testenv.FreePort(t)),
		"--config", "node.ipc.local.path=" + filepath.Join(dir, "ipc.sock")}, checkFlags(open)...)
	_, errOut, code := nipc(t, nil, "", args...)
	want := "secret file " + open + " has mode 0644: it must not be readable by others; run: chmod 600 " + open
	if code != exitConfig || !strings.Contains(errOut, want) {
		t.Fatalf("exit %d (want %d)\nstderr %s\nwant in stderr: %s", code, exitConfig, errOut, want)
	}
}

package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/nipc/nipc/internal/testenv"
)

// TestScripts runs testdata/script/*.txtar: terminal sessions of the real
// binary (the one TestMain built, also on the scripts' PATH as nipc for
// exec ... &). Besides testscript's own commands they have:
//
//	nipc ARGS...          run the binary; the exit code is kept for status
//	status N              the last nipc exited with N
//	nipc-node [FLAGS...]  start `nipc node --port-base <free> FLAGS...` in the
//	                      background, wait for its banner, and set DATA,
//	                      NIPC_IPC_PATH, NIPC_IPC_PORT, HTTP_PORT, WS_PORT,
//	                      METRICS_PORT, WALLET, NODE_OUT, NODE_ERR, NODE_PID and
//	                      PORT_BASE (the --port-base it chose, for a gateway);
//	                      the node is stopped (SIGTERM) when the script ends
//	freeports VAR...      set each VAR (at most four) to one of consecutive
//	                      ports that were free a moment ago, for explicit
//	                      --config/--rpcconfig port overrides
//	sleep DURATION        wait (for a background subscriber to subscribe)
//	selfcert DIR          write a self-signed test.crt and test.key to DIR
//	jsonfield FIELD VAR   set VAR to the string FIELD of the JSON on stdout
//	wsframes URL MSG N    open the WebSocket at URL, send MSG, print the next
//	                      N frames
//
// and, for exec, nats-server (the real server's command line, embedded)
// and nats (a few natscli commands), both this test binary
// (script_nats_test.go).
//
// HOME is $WORK/home, so ~/.nipc in a script is a fresh data directory;
// REPO is the repository's root (for its testdata).
func TestScripts(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("curl is not installed (apt-get install -y curl): the scripts run the docs' curl examples")
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(e *testscript.Env) error {
			home := filepath.Join(e.WorkDir, "home")
			e.Setenv("HOME", home)
			repo, err := filepath.Abs("../..")
			if err != nil {
				return err
			}
			e.Setenv("REPO", repo)
			e.Setenv("PATH", filepath.Dir(nipcBin)+string(os.PathListSeparator)+os.Getenv("PATH"))
			return os.MkdirAll(home, 0o755)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"nipc":      cmdNipc,
			"status":    cmdStatus,
			"nipc-node": cmdNipcNode,
			"freeports": cmdFreePorts,
			"sleep":     cmdSleep,
			"selfcert":  cmdSelfcert,
			"jsonfield": cmdJSONField,
			"wsframes":  cmdWSFrames,
		},
	})
}

// exitCodes is the CLI's exit-code table (README, "Exit codes"): a code
// outside it (a crash, a signal) fails the script whatever it expected.
var exitCodes = map[int]bool{0: true, 1: true, 2: true, 69: true, 75: true, 76: true, 77: true, 78: true}

func cmdNipc(ts *testscript.TestScript, neg bool, args []string) {
	err := ts.Exec(nipcBin, args...)
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		ts.Fatalf("nipc: %v", err)
	}
	ts.Setenv("STATUS", strconv.Itoa(code))
	stderr := ts.ReadFile("stderr")
	if !exitCodes[code] || strings.Contains(stderr, "panic:") || strings.Contains(stderr, "DATA RACE") {
		ts.Fatalf("nipc crashed: exit %d", code)
	}
	if neg && code == 0 {
		ts.Fatalf("nipc succeeded unexpectedly")
	}
	if !neg && code != 0 {
		ts.Fatalf("nipc failed: exit %d", code)
	}
}

func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: status N")
	}
	if got := ts.Getenv("STATUS"); got != args[0] {
		ts.Fatalf("nipc exited %s, want %s", got, args[0])
	}
}

func cmdFreePorts(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 || len(args) > 4 {
		ts.Fatalf("usage: freeports VAR... (one to four)")
	}
	base := scriptPortBase(ts)
	for i, v := range args {
		ts.Setenv(v, strconv.Itoa(base+i))
	}
}

func cmdSleep(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sleep DURATION")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	time.Sleep(d)
}

func cmdSelfcert(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: selfcert DIR")
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ts.Check(err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost", "www.example.com"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	ts.Check(err)
	kder, err := x509.MarshalECPrivateKey(key)
	ts.Check(err)
	dir := ts.MkAbs(args[0])
	ts.Check(os.WriteFile(filepath.Join(dir, "test.crt"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	ts.Check(os.WriteFile(filepath.Join(dir, "test.key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600))
}

// jsonField matches a "field": "string" pair of a reply.
func cmdJSONField(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: jsonfield FIELD VAR")
	}
	re := regexp.MustCompile(`"` + regexp.QuoteMeta(args[0]) + `"\s*:\s*"([^"]*)"`)
	m := re.FindStringSubmatch(ts.ReadFile("stdout"))
	if m == nil {
		ts.Fatalf("no string field %q on stdout", args[0])
	}
	ts.Setenv(args[1], m[1])
}

// bannerLine is a listener line of nipc node's banner.
var bannerLine = regexp.MustCompile(`(?m)^  (IPC TCP|IPC Unix socket|HTTP RPC|WebSocket|metrics):\s+(\S+)$`)

// genesisLine is the banner's genesis wallet line (first start or later).
var genesisLine = regexp.MustCompile(`(?m)^(?:created wallet|genesis wallet) ([0-9A-F]{64}) hold`)

func cmdNipcNode(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("nipc-node does not take !: run ! nipc node ... for a node that must not start")
	}
	n := 0
	for ts.Getenv(fmt.Sprintf("NODE%d", n)) != "" {
		n++
	}
	ts.Setenv(fmt.Sprintf("NODE%d", n), "started")
	data := ts.MkAbs(fmt.Sprintf("data%d", n))
	for i, a := range args {
		if a == "--data_path" && i+1 < len(args) {
			data = ts.MkAbs(args[i+1])
		}
	}
	base := scriptPortBase(ts)
	argv := append([]string{"node", "--data_path", data, "--port-base", strconv.Itoa(base)}, args...)
	outFile, errFile := ts.MkAbs(fmt.Sprintf("node%d.out", n)), ts.MkAbs(fmt.Sprintf("node%d.err", n))
	stdout, err := os.Create(outFile)
	ts.Check(err)
	stderr, err := os.Create(errFile)
	ts.Check(err)
	cmd := exec.Command(nipcBin, argv...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = os.Environ()[:0]
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NIPC_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	ts.Check(cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	ts.Defer(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		stdout.Close()
		stderr.Close()
	})
	deadline := time.Now().Add(30 * time.Second)
	var banner string
	for {
		b, _ := os.ReadFile(outFile)
		banner = string(b)
		if strings.Contains(banner, "dev genesis account") {
			break
		}
		select {
		case err := <-done:
			done <- err
			e, _ := os.ReadFile(errFile)
			ts.Fatalf("nipc node exited: %v\n%s", err, e)
		default:
		}
		if time.Now().After(deadline) {
			e, _ := os.ReadFile(errFile)
			ts.Fatalf("nipc node did not print its banner within 30s\n%s", e)
		}
		time.Sleep(20 * time.Millisecond)
	}
	ts.Logf("[nipc node]\n%s", banner)
	ts.Setenv("DATA", data)
	ts.Setenv("NODE_OUT", outFile)
	ts.Setenv("NODE_ERR", errFile)
	ts.Setenv("NODE_PID", strconv.Itoa(cmd.Process.Pid))
	ts.Setenv("PORT_BASE", strconv.Itoa(base))
	for _, k := range []string{"NIPC_IPC_PATH", "NIPC_IPC_PORT", "HTTP_PORT", "WS_PORT", "METRICS_PORT", "WALLET"} {
		ts.Setenv(k, "")
	}
	for _, m := range bannerLine.FindAllStringSubmatch(banner, -1) {
		switch m[1] {
		case "IPC TCP":
			ts.Setenv("NIPC_IPC_PORT", portOf(ts, m[2]))
		case "IPC Unix socket":
			ts.Setenv("NIPC_IPC_PATH", m[2])
		case "HTTP RPC":
			ts.Setenv("HTTP_PORT", portOf(ts, m[2]))
		case "WebSocket":
			ts.Setenv("WS_PORT", portOf(ts, m[2]))
		case "metrics":
			ts.Setenv("METRICS_PORT", portOf(ts, m[2]))
		}
	}
	if m := genesisLine.FindStringSubmatch(banner); m != nil {
		ts.Setenv("WALLET", m[1])
	}
}

// portOf is the port of a banner address (tcp://h:p, http://h:p/, ws://h:p).
func portOf(ts *testscript.TestScript, addr string) string {
	if i := strings.Index(addr, "://"); i >= 0 {
		addr = addr[i+3:]
	}
	_, port, err := net.SplitHostPort(strings.TrimSuffix(strings.TrimSuffix(addr, "/metrics"), "/"))
	ts.Check(err)
	return port
}

// scriptPortBase is freePortBase for a script: N such that N..N+3 were
// free a moment ago.
func scriptPortBase(ts *testscript.TestScript) int {
	base, err := testenv.FreePortBase()
	ts.Check(err)
	return base
}

package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/testenv"
)

// plainBin is nipc built without the race detector, for the tests that
// measure resident memory: the race detector's shadow memory grows with
// every heap byte ever touched and is never given back, so a race-built
// node's resident size says nothing about what nipc holds. Built once, on
// first use, beside nipcBin.
func plainBin(t *testing.T) string {
	t.Helper()
	plainOnce.Do(func() {
		plainPath = filepath.Join(filepath.Dir(nipcBin), "nipc-plain")
		if out, err := exec.Command("go", "build", "-o", plainPath, ".").CombinedOutput(); err != nil {
			plainErr = fmt.Errorf("building nipc without -race: %v\n%s", err, out)
		}
	})
	if plainErr != nil {
		t.Fatal(plainErr)
	}
	return plainPath
}

var (
	plainOnce sync.Once
	plainPath string
	plainErr  error
)

// startPlainNode is startNode with plainBin.
func startPlainNode(t *testing.T, extra ...string) *daemon {
	t.Helper()
	dir := tempDir(t)
	port := testenv.FreePort(t)
	sock := filepath.Join(dir, "ipc.sock")
	args := append([]string{"node", "--data_path", dir,
		"--config", fmt.Sprintf("node.ipc.tcp.port=%d", port),
		"--config", "node.ipc.local.path=" + sock,
		"--config", "rpc.enable=false", "--config", "node.websocket.enable=false"}, extra...)
	d := launchBin(t, plainBin(t), nil, sock, args...)
	d.dir, d.port = dir, port
	return d
}

// vmRSS is the resident memory of process pid in bytes, from
// /proc/PID/status.
func vmRSS(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS line")
	return 0
}

// TestStalledFramesResidentMemory: the campaign's attack on the real
// binary. Three waves of 100 connections each declare a 32 MiB frame, send
// one byte and stall (4E 01 00 00 02 00 00 00 7B); the node used to
// reserve every declared frame (+2.1 GB resident). Now it grows a frame's
// buffer as bytes arrive and holds at most node.ipc.max_request_bytes_in_flight
// for declared frames, so resident memory grows by far less than one
// budget (256 MiB).
func TestStalledFramesResidentMemory(t *testing.T) {
	d := startPlainNode(t)
	pid := d.cmd.Process.Pid
	before := vmRSS(t, pid)
	stall := []byte{0x4E, 0x01, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x7B}
	var peak int64
	for range 3 { // waves
		conns := make([]net.Conn, 0, 100)
		for i := range 100 {
			c, _ := d.dialAlternating(t, i)
			if _, err := c.Write(stall); err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
		}
		time.Sleep(300 * time.Millisecond) // the node reads the declared lengths
		peak = max(peak, vmRSS(t, pid))
		for _, c := range conns {
			c.Close()
		}
	}
	grew := peak - before
	t.Logf("resident %d MiB before, peak %d MiB (+%d MiB) over 3 waves of 100 stalled 32 MiB frames", before>>20, peak>>20, grew>>20)
	if grew > 128<<20 {
		t.Fatalf("resident memory grew by %d MiB, want well under the 256 MiB budget (it reserved declared frames)", grew>>20)
	}
	// The node still answers.
	if _, err := campaignRequest(mustDial(t, d), nil); err != nil {
		t.Fatal(err)
	}
}

func mustDial(t *testing.T, d *daemon) net.Conn {
	t.Helper()
	c, err := net.Dial("unix", d.sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

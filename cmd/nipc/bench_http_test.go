package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

// TestBenchHTTP: nipc bench -url drives the node's HTTP gateway with the
// legacy request and prints the same report as over IPC.
func TestBenchHTTP(t *testing.T) {
	port := testenv.FreePort(t)
	startNode(t, "--config", "rpc.enable=true", "--rpcconfig", "port="+strconv.Itoa(port))
	addr := "127.0.0.1:" + strconv.Itoa(port)
	// The node opens its IPC socket before the gateway's.
	waitFor(t, func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	gw := "http://" + addr + "/"
	weight := `{"action":"account_weight","account":"` + nano.DevGenesisAccount + `"}`
	out, errOut, code := nipc(t, nil, "", "bench", "-url", gw, "-req", weight, "-c", "4", "-n", "200", "-warm", "5")
	m := decode(t, out)
	perSecond, _ := m["calls_per_s"].(float64)
	p50, _ := m["p50_us"].(float64)
	if code != 0 || m["requests"] != float64(200) || m["errors"] != float64(0) || perSecond <= 0 || p50 <= 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	// A request the gateway refuses is not benchmarked as a success.
	_, errOut, code = nipc(t, nil, "", "bench", "-url", gw, "-action", "bogus", "-n", "10")
	if code != exitServerError || !strings.Contains(errOut, "Unknown command") {
		t.Fatalf("bench of an unknown action: exit %d, %s", code, errOut)
	}
}

// TestBenchHTTPErrors: a status other than 200 fails the check before the
// run, or counts as an error during it; usage and reachability errors have
// their exit codes.
func TestBenchHTTPErrors(t *testing.T) {
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "broken", http.StatusInternalServerError)
	}))
	defer broken.Close()
	// flaky answers the check before the run, then fails every request.
	var served atomic.Int64
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if served.Add(1) > 1 {
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"seconds": "1"}`)
	}))
	defer flaky.Close()

	tests := []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"status 500", []string{"-url", broken.URL + "/", "-n", "10"}, exitServerError, "HTTP 500 Internal Server Error: broken"},
		{"unreachable", []string{"-url", "http://127.0.0.1:" + strconv.Itoa(testenv.FreePort(t)) + "/", "-n", "10"}, exitUnreachable, "no HTTP server answers"},
		{"not a URL", []string{"-url", "127.0.0.1:7076", "-n", "10"}, exitUsage, "-url must be"},
		{"IPC flags", []string{"-url", broken.URL, "-S", "/tmp/nano", "-encoding", "unsafe"}, exitUsage, "-S, --encoding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := nipc(t, nil, "", append([]string{"bench"}, tt.args...)...)
			if code != tt.code || !strings.Contains(errOut, tt.inStderr) {
				t.Fatalf("exit %d (want %d)\nstdout %s\nstderr %s (want it to contain %q)", code, tt.code, out, errOut, tt.inStderr)
			}
		})
	}

	t.Run("failures during the run", func(t *testing.T) {
		out, errOut, code := nipc(t, nil, "", "bench", "-url", flaky.URL+"/", "-c", "2", "-n", "20", "-warm", "0")
		m := decode(t, out)
		if code != 0 || m["errors"] != float64(20) || m["requests"] != float64(0) {
			t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
		}
	})
}

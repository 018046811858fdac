package gateway_test

import (
	"net/http"
	"runtime"
	"strings"
	"testing"
)

// TestLargeRequestHeapOverHTTP: the campaign's 31 MiB legacy request
// {"action":"block_count","x":[1,1,...]} took +2.0 GB over HTTP. Through the
// in-process gateway (client and server in this process) the whole process
// now allocates at most 4 times the body while the gateway reads, parses
// and answers it.
func TestLargeRequestHeapOverHTTP(t *testing.T) {
	const size = 31 << 20
	head, tail := `{"action":"block_count","x":[`, `1]}`
	body := head + strings.Repeat("1,", (size-len(head)-len(tail))/2) + tail
	e := startEnv(t, modes[0], envOptions{})
	e.post("/", `{"action":"block_count"}`, nil) // warm: pools, connection
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	status, _, reply := e.do(http.MethodPost, "/", body, nil)
	runtime.ReadMemStats(&after)
	grew := after.TotalAlloc - before.TotalAlloc
	ratio := float64(grew) / float64(len(body))
	t.Logf("%d bytes: status %d, allocated %d (%.2fx): %.60q", len(body), status, grew, ratio, reply)
	if !strings.Contains(reply, "Unable to parse JSON") {
		t.Errorf("reply %q, want Unable to parse JSON (more values than the cap)", reply)
	}
	if ratio > 4 {
		t.Errorf("allocated %.2fx the request, want <= 4x", ratio)
	}
}

package gateway_test

import (
	"net/http"
	"runtime"
	"strings"
	"testing"
)

// TestLargeV2RequestHeapOverHTTP: POST /api/v2 envelopes through the
// in-process gateway (client and server in this process). A 31 MiB
// TopicConfirmation of one-byte accounts is over the decoding bounds and
// refused after a scan (code 1, as a buffer the verifier rejects), also
// from a foreign page, whose envelope the gateway scans first; a 31 MiB
// envelope the caller may not send is denied after a scan; 4 MiB of real
// accounts is admitted and built (then refused by the handler: a
// subscription needs an IPC connection). Each must allocate at most 4 times the
// body while the gateway reads, checks and answers it (3.73x for the
// admitted one; under the race detector, whose sync.Pool drops pooled
// checksum digests, that bound is not checked for it).
func TestLargeV2RequestHeapOverHTTP(t *testing.T) {
	const size, campaign = 4 << 20, 31 << 20
	const topic = `{"message_type": "TopicConfirmation", `
	account := `"nano_1111111111111111111111111111111111111111111111111111hifc8npp",`
	evil := map[string]string{"Origin": "http://evil.example"}
	tests := []struct {
		name     string
		body     string
		header   map[string]string
		reply    string
		admitted bool // built: nano's pooled checksums run (see raceEnabled)
	}{
		{"tiny accounts", bodyOf(topic+`"message": {"options": {"accounts": [`, `"a",`, `"a"]}}}`, campaign), nil, "did not pass verifier", false},
		{"tiny accounts, foreign page", bodyOf(topic+`"credentials": "counter", "message": {"options": {"accounts": [`, `"a",`, `"a"]}}}`, campaign), evil, "did not pass verifier", false},
		{"unknown field, denied", bodyOf(topic+`"credentials": "nobody", "message": {"x": [`, `"a",`, `"a"]}}`, campaign), nil, "Access denied", false},
		{"accounts", bodyOf(topic+`"message": {"options": {"accounts": [`, account, `"a"]}}}`, size), nil, "Subscriptions need a persistent IPC connection", true},
	}
	e := startEnv(t, modes[0], envOptions{})
	e.post("/api/v2", `{"message_type": "IsAlive", "message": {}}`, nil) // warm: pools, connection
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			status, _, reply := e.do(http.MethodPost, "/api/v2", tt.body, tt.header)
			runtime.ReadMemStats(&after)
			grew := after.TotalAlloc - before.TotalAlloc
			ratio := float64(grew) / float64(len(tt.body))
			t.Logf("%d bytes: status %d, allocated %d (%.2fx): %.80q", len(tt.body), status, grew, ratio, reply)
			if !strings.Contains(reply, tt.reply) {
				t.Errorf("reply %q, want %s in it", reply, tt.reply)
			}
			if ratio > 4 && !(tt.admitted && raceEnabled) {
				t.Errorf("allocated %.2fx the request, want <= 4x", ratio)
			}
		})
	}
}

// bodyOf is head, then unit repeated, then tail: about size bytes.
func bodyOf(head, unit, tail string, size int) string {
	return head + strings.Repeat(unit, (size-len(head)-len(tail))/len(unit)) + tail
}

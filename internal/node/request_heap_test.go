package node_test

import (
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
)

// requestOf builds a legacy request of about size bytes: head, then unit
// repeated, then tail.
func requestOf(head, unit, tail string, size int) []byte {
	n := (size - len(head) - len(tail)) / len(unit)
	return []byte(head + strings.Repeat(unit, n) + tail)
}

// TestLargeRequestHeap sends legacy requests built to make the parser
// amplify memory through the real IPC socket and checks that the whole
// process allocated at most 4 times the request while the node read, parsed
// and answered it (issue 11: a dense 31 MiB array took +1.74 GB). The
// campaign's own request is 31 MiB; the other shapes are 4 MiB, the same
// ratio at an eighth of the time (the race detector scans at ~2 MB/s).
func TestLargeRequestHeap(t *testing.T) {
	const size, campaign = 4 << 20, 31 << 20
	const badHash = `"ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ",`
	tests := []struct {
		name  string
		req   []byte
		reply string
	}{
		{"dense array, unknown key",
			requestOf(`{"action":"block_count","x":[`, "1,", `1]}`, campaign), "Unable to parse JSON"},
		{"dense array, read key",
			requestOf(`{"action":"accounts_balances","accounts":[`, "1,", `1]}`, size), "Unable to parse JSON"},
		{"wide object",
			requestOf(`{"action":"block_count",`, `"k":1,`, `"k":1}`, size), "Unable to parse JSON"},
		{"deep and wide object",
			requestOf(`{"action":"block_count","x":`+strings.Repeat(`{"a":[`, 200), `{},`,
				`{}`+strings.Repeat(`]}`, 200)+`}`, size), "Unable to parse JSON"},
		{"hashes under the value cap, read",
			requestOf(`{"action":"blocks","hashes":[`, badHash, `""]}`, size), "Bad hash number"},
		{"hashes under the value cap, unread",
			requestOf(`{"action":"block_count","x":[`, badHash, `""]}`, size), `"count"`},
	}
	// A 31 MiB frame under -race on a loaded machine may take longer to
	// read than the test nodes' 2 s io_timeout.
	n := testenv.Start(t, testenv.Options{Node: func(c *config.Node) { c.Node.IPC.Local.IOTimeout = 60 }})
	network, addr := testenv.Network(testenv.Transports[1].Config(n)) // unix
	c, err := net.Dial(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	reply := make([]byte, 0, 4096)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, grew := allocatedByRequest(t, c, ipc.EncodingJSON, tt.req, reply[:0])
			ratio := float64(grew) / float64(len(tt.req))
			t.Logf("%d bytes: allocated %d (%.2fx): %.60q", len(tt.req), grew, ratio, out)
			if !strings.Contains(string(out), tt.reply) {
				t.Errorf("reply %q, want %q in it", out, tt.reply)
			}
			if ratio > 4 {
				t.Errorf("allocated %.2fx the request, want <= 4x", ratio)
			}
		})
	}
}

// allocatedByRequest sends one request on c and returns its reply and the
// bytes the whole process allocated from the write to the reply (the
// node's reading, parsing and answering; the client only writes a frame
// built beforehand and reads into reply).
func allocatedByRequest(t *testing.T, c net.Conn, enc ipc.Encoding, payload, reply []byte) ([]byte, uint64) {
	t.Helper()
	frame := ipc.AppendRequest(nil, enc, payload)
	c.SetDeadline(time.Now().Add(60 * time.Second))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if _, err := c.Write(frame); err != nil {
		t.Fatal(err)
	}
	out, err := ipc.ReadFrame(c, 1<<20, reply)
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	return out, after.TotalAlloc - before.TotalAlloc
}

package interop_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"go.uber.org/goleak"

	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// target is how nanoipc_calls.js names a transport of n.
func target(n *testenv.Node, transport string) string {
	if transport == "unix" {
		return "unix:" + n.UnixPath()
	}
	return "tcp:" + n.TCPAddr()
}

// TestNanoIPCClient: the npm nano-ipc@2.0.0 client calls version and uptime
// over both transports and reads the node's replies.
func TestNanoIPCClient(t *testing.T) {
	requireNodeModules(t)
	n := testenv.Start(t, testenv.Options{})
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			raw := runNode(t, "nanoipc_calls.js", target(n, tr.Name),
				`{"action":"version"}`, `{"action":"uptime"}`, `{"action":"bogus"}`)
			var replies []map[string]string
			if err := json.Unmarshal(raw, &replies); err != nil || len(replies) != 3 {
				t.Fatalf("replies %s: %v", raw, err)
			}
			if v := replies[0]; v["rpc_version"] != "1" || v["network"] != "dev" || v["network_identifier"] != nano.DevGenesisHashHex {
				t.Errorf("version = %v", v)
			}
			if _, err := strconv.Atoi(replies[1]["seconds"]); err != nil {
				t.Errorf("uptime = %v", replies[1])
			}
			if replies[2]["error"] != "Unknown command" {
				t.Errorf("bogus = %v", replies[2])
			}
		})
	}
}

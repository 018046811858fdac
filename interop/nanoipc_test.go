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

// TestNanoIPCClient: the npm nano-ipc@2.0.0 client calls version, uptime,
// account_weight, account_balance, block_count and account_info over both
// transports and reads the node's replies.
func TestNanoIPCClient(t *testing.T) {
	requireNodeModules(t)
	n := testenv.Start(t, testenv.Options{})
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			g := nano.DevGenesisAccount
			raw := runNode(t, "nanoipc_calls.js", target(n, tr.Name),
				`{"action":"version"}`, `{"action":"uptime"}`, `{"action":"bogus"}`,
				`{"action":"account_weight","account":"`+g+`"}`,
				`{"action":"account_balance","account":"`+g+`"}`,
				`{"action":"block_count"}`,
				`{"action":"account_info","account":"`+g+`","representative":"true"}`)
			var replies []map[string]string
			if err := json.Unmarshal(raw, &replies); err != nil || len(replies) != 7 {
				t.Fatalf("replies %s: %v", raw, err)
			}
			supply := nano.GenesisAmount.String()
			if w := replies[3]["weight"]; w != supply {
				t.Errorf("account_weight = %v", replies[3])
			}
			if b := replies[4]; b["balance"] != supply || b["receivable"] != "0" {
				t.Errorf("account_balance = %v", b)
			}
			if c := replies[5]; c["count"] != "1" || c["cemented"] != "1" || c["unchecked"] != "0" {
				t.Errorf("block_count = %v", c)
			}
			if i := replies[6]; i["frontier"] != nano.DevGenesisHashHex || i["representative"] != g || i["block_count"] != "1" {
				t.Errorf("account_info = %v", i)
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

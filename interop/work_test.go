package interop_test

import (
	"encoding/json"
	"testing"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

// TestWorkValidatesWithNanocurrency: work the node generates through the npm
// nano-ipc client at the live network's thresholds validates with the npm
// nanocurrency client's validateWork, at that threshold and not at a much
// higher one. The thresholds are live epoch 1 (ffffffc000000000, 2^26
// hashes) and epoch-2 receive (fffffe0000000000, 2^23): the live send
// threshold (2^29) takes seconds to tens of seconds on two shared cores, too
// long for every test run; docs/PERFORMANCE.md measures it.
func TestWorkValidatesWithNanocurrency(t *testing.T) {
	requireNodeModules(t)
	n := testenv.Start(t, testenv.Options{RPC: func(r *config.RPC) { r.EnableControl = true }})
	live := nano.LiveThresholds()
	type validateCase struct {
		BlockHash string `json:"blockHash"`
		Work      string `json:"work"`
		Threshold string `json:"threshold"`
	}
	var cases []validateCase
	for i, thr := range []uint64{live.Epoch1, live.Epoch2Receive} {
		root := nano.Hash{byte(i + 1), 0x5e, 0x0d}
		raw := runNode(t, "nanoipc_calls.js", target(n, "unix"),
			`{"action":"work_generate","hash":"`+root.String()+`","difficulty":"`+nano.FormatWork(thr)+`"}`)
		var replies []map[string]string
		if err := json.Unmarshal(raw, &replies); err != nil || len(replies) != 1 || replies[0]["work"] == "" {
			t.Fatalf("work_generate at %x: %s (%v)", thr, raw, err)
		}
		cases = append(cases,
			validateCase{root.String(), replies[0]["work"], nano.FormatWork(thr)},
			validateCase{root.String(), replies[0]["work"], "ffffffffffffff00"}) // 2^-56: not this work
	}
	arg, _ := json.Marshal(cases)
	raw := runNode(t, "work_validate.js", string(arg))
	var valid []bool
	if err := json.Unmarshal(raw, &valid); err != nil || len(valid) != len(cases) {
		t.Fatalf("validateWork: %s (%v)", raw, err)
	}
	for i, c := range cases {
		if want := i%2 == 0; valid[i] != want {
			t.Errorf("validateWork(%+v) = %v, want %v", c, valid[i], want)
		}
	}
}

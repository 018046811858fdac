package interop_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

// TestNanocurrencyEpoch2Blocks: after epoch_upgrade to epoch 2, a send
// from the genesis and the open of its destination, built and signed by
// the npm nanocurrency client's createBlock with work at the epoch-2
// thresholds, are accepted by process with the hashes the client computed,
// and the account opened from an epoch-2 send is at epoch 2 (a send of its
// with only epoch-1 work is refused).
func TestNanocurrencyEpoch2Blocks(t *testing.T) {
	requireNodeModules(t)
	n := testenv.Start(t, testenv.Options{RPC: func(r *config.RPC) { r.EnableControl = true }})
	cl := testenv.Dial(t, n, testenv.Transports[1])
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	call := func(action string, params map[string]any) map[string]any {
		t.Helper()
		raw, err := cl.Legacy(ctx, action, params)
		if se, ok := errors.AsType[*client.ServerError](err); ok {
			return map[string]any{"error": se.Text}
		}
		if err != nil {
			t.Fatalf("%s: %v", action, err)
		}
		var out map[string]any
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s: %s", action, raw)
		}
		return out
	}
	upgrade(t, call, "1", "2")
	upgrade(t, call, "2", "3")

	genesis := nano.DevGenesisBlock().Account
	dest := nano.DeriveKey(nano.Seed{7}, 0)
	info := call("account_info", map[string]any{"account": genesis.Account(), "representative": "true"})
	frontier, _ := nano.ParseHash(info["frontier"].(string))
	balance, _ := nano.ParseAmount(info["balance"].(string))
	th := nano.DevThresholds()
	work := func(root nano.Hash, threshold uint64) string {
		w, err := nano.Generate(ctx, root, threshold)
		if err != nil {
			t.Fatal(err)
		}
		return nano.FormatWork(w)
	}
	rest, _ := balance.Sub(nano.NewAmount(1000))
	type input struct {
		SecretKey      string  `json:"secretKey"`
		Previous       *string `json:"previous"`
		Representative string  `json:"representative"`
		Balance        string  `json:"balance"`
		Link           string  `json:"link"`
		Work           string  `json:"work"`
	}
	prev := frontier.String()
	sendIn := input{nano.DevGenesisPrivateKeyHex, &prev, genesis.Account(), rest.String(), dest.PublicKey().Account(), work(frontier, th.Epoch2)}
	type built struct {
		Hash  string          `json:"hash"`
		Block json.RawMessage `json:"block"`
	}
	build := func(in input) built {
		arg, _ := json.Marshal([]input{in})
		var out []built
		if err := json.Unmarshal(runNode(t, "epoch_blocks.js", string(arg)), &out); err != nil || len(out) != 1 {
			t.Fatalf("createBlock: %v", err)
		}
		return out[0]
	}
	process := func(b built) map[string]any {
		var blk map[string]any
		json.Unmarshal(b.Block, &blk)
		return call("process", map[string]any{"json_block": "true", "block": blk})
	}
	send := build(sendIn)
	if got := process(send); !strings.EqualFold(str(got["hash"]), send.Hash) {
		t.Fatalf("process(send) = %v, nanocurrency's hash %s", got, send.Hash)
	}
	open := build(input{dest.Hex(), nil, dest.PublicKey().Account(), "1000", send.Hash, work(nano.Hash(dest.PublicKey()), th.Epoch2Receive)})
	if got := process(open); !strings.EqualFold(str(got["hash"]), open.Hash) {
		t.Fatalf("process(open) = %v, nanocurrency's hash %s", got, open.Hash)
	}

	// The new account is at epoch 2: its send needs epoch-2 work.
	openHash, _ := nano.ParseHash(open.Hash)
	var low uint64
	for low = 0; nano.Difficulty(openHash, low) < th.Epoch1 || nano.Difficulty(openHash, low) >= th.Epoch2; low++ {
	}
	weak := build(input{dest.Hex(), &open.Hash, dest.PublicKey().Account(), "999", genesis.Account(), nano.FormatWork(low)})
	if got := process(weak); got["error"] != "Block work is insufficient" {
		t.Errorf("process(epoch-2 send with epoch-1 work) = %v", got)
	}
	strong := build(input{dest.Hex(), &open.Hash, dest.PublicKey().Account(), "999", genesis.Account(), work(openHash, th.Epoch2)})
	if got := process(strong); !strings.EqualFold(str(got["hash"]), strong.Hash) {
		t.Errorf("process(epoch-2 send) = %v, nanocurrency's hash %s", got, strong.Hash)
	}
}

// upgrade runs epoch_upgrade to epoch and waits for the block count.
func upgrade(t *testing.T, call func(string, map[string]any) map[string]any, epoch, blocks string) {
	t.Helper()
	if got := call("epoch_upgrade", map[string]any{"epoch": epoch, "key": nano.DevGenesisPrivateKeyHex}); got["started"] != "1" {
		t.Fatalf("epoch_upgrade %s = %v", epoch, got)
	}
	for i := 0; call("block_count", nil)["count"] != blocks; i++ {
		if i > 1000 {
			t.Fatalf("epoch_upgrade %s did not finish", epoch)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func str(v any) string { s, _ := v.(string); return s }

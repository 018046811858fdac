package node_test

import (
	"testing"
	"time"

	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

// TestWalletFlowsAtEpoch2: over a real Unix socket, epoch_upgrade brings
// every account to epoch 2 (the genesis and a wallet account with a
// balance), then the wallets' send, receive (an open, too) and
// account_representative_set build blocks at the epoch-2 thresholds
// (send and change 0xffc0..., receive 0xf000...) that the ledger accepts;
// account_info shows account_version 2 for the upgraded and the newly
// opened account alike.
func TestWalletFlowsAtEpoch2(t *testing.T) {
	n := testenv.Start(t, testenv.Options{RPC: walletControlOn})
	cl := testenv.Dial(t, n, testenv.Transports[1])
	gw := n.GenesisWallet.String()
	w := walletString(t, walletCall(t, cl, "wallet_create", nil), "wallet")
	a := walletString(t, walletCall(t, cl, "account_create", map[string]any{"wallet": w}), "account")
	b := walletString(t, walletCall(t, cl, "account_create", map[string]any{"wallet": w}), "account")
	fund := walletString(t, walletCall(t, cl, "send", map[string]any{"wallet": gw, "source": nano.DevGenesisAccount, "destination": a, "amount": "1000"}), "block")
	walletCall(t, cl, "receive", map[string]any{"wallet": w, "account": a, "block": fund})

	// epoch_upgrade answers "started": "0" while an upgrade still runs:
	// each epoch starts once the one before has finished.
	version := func(acct string) string {
		return walletString(t, walletCall(t, cl, "account_info", map[string]any{"account": acct}), "account_version")
	}
	deadline := time.Now().Add(30 * time.Second)
	for _, epoch := range []string{"1", "2"} {
		for walletString(t, walletCall(t, cl, "epoch_upgrade", map[string]any{"epoch": epoch, "key": nano.DevGenesisPrivateKeyHex}), "started") != "1" {
			if time.Now().After(deadline) {
				t.Fatalf("epoch_upgrade %s never started", epoch)
			}
			time.Sleep(10 * time.Millisecond)
		}
		for version(a) != epoch || version(nano.DevGenesisAccount) != epoch {
			if time.Now().After(deadline) {
				t.Fatalf("epoch_upgrade %s did not finish", epoch)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	for _, acct := range []string{nano.DevGenesisAccount, a} {
		walletWant(t, cl, "account_info", map[string]any{"account": acct}, "account_version", "2")
	}

	th := nano.DevThresholds()
	difficulty := func(hash string) uint64 {
		t.Helper()
		bi := walletCall(t, cl, "block_info", map[string]any{"hash": hash, "json_block": "true"})
		blk := bi["contents"].(map[string]any)
		var root nano.Hash
		var err error
		if blk["previous"] == "0000000000000000000000000000000000000000000000000000000000000000" {
			var pub nano.PublicKey
			pub, err = nano.ParseAccount(blk["account"].(string))
			root = nano.Hash(pub)
		} else {
			root, err = nano.ParseHash(blk["previous"].(string))
		}
		work, werr := nano.ParseWork(blk["work"].(string))
		if err != nil || werr != nil {
			t.Fatalf("block %s: %v %v", hash, err, werr)
		}
		return nano.Difficulty(root, work)
	}
	send := walletString(t, walletCall(t, cl, "send", map[string]any{"wallet": w, "source": a, "destination": b, "amount": "10"}), "block")
	if d := difficulty(send); d < th.Epoch2 {
		t.Errorf("epoch-2 send's work %x is below %x", d, th.Epoch2)
	}
	open := walletString(t, walletCall(t, cl, "receive", map[string]any{"wallet": w, "account": b, "block": send}), "block")
	if d := difficulty(open); d < th.Epoch2Receive {
		t.Errorf("open of an epoch-2 send: work %x is below %x", d, th.Epoch2Receive)
	}
	walletWant(t, cl, "account_info", map[string]any{"account": b}, "account_version", "2")
	change := walletString(t, walletCall(t, cl, "account_representative_set", map[string]any{"wallet": w, "account": a, "representative": b}), "block")
	if d := difficulty(change); d < th.Epoch2 {
		t.Errorf("epoch-2 change's work %x is below %x", d, th.Epoch2)
	}
	walletWant(t, cl, "account_balance", map[string]any{"account": b}, "balance", "10")
	walletWant(t, cl, "account_balance", map[string]any{"account": a}, "balance", "990")
}

package interop_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

// TestNanoWalletJS: the npm nano-wallet-js client (a wallet SDK written
// against the Nano node's HTTP RPC) sends from the dev genesis account to
// a new account and opens it with a receive, building and signing both
// blocks itself, through the node's own HTTP gateway; the npm ws client
// subscribed to the new account sees both confirmations on the WebSocket.
// The ledger then holds exactly those blocks with the library's hashes.
func TestNanoWalletJS(t *testing.T) {
	requireNodeModules(t)
	n, httpURL, wsURLs := startInProcessGateway(t, "")
	warmFeed(t, n, "")
	cl := testenv.Dial(t, n, testenv.Transports[1])
	ctx := context.Background()

	var info struct{ Frontier, Balance, Representative string }
	raw, err := cl.Legacy(ctx, "account_info", map[string]any{"account": nano.DevGenesisAccount, "representative": "true"})
	if err != nil || json.Unmarshal(raw, &info) != nil || info.Frontier == "" {
		t.Fatalf("account_info: %s %v", raw, err)
	}
	frontier, err := nano.ParseHash(info.Frontier)
	if err != nil {
		t.Fatal(err)
	}
	// nano-wallet-js's state API: work for the frontier, generated at the
	// dev threshold this ledger asks (the library would ask nipc for the
	// live send threshold, 2^29 hashes).
	work, err := nano.Generate(ctx, frontier, nano.DevThresholds().Epoch1)
	if err != nil {
		t.Fatal(err)
	}
	state, _ := json.Marshal(map[string]any{
		"balance": info.Balance, "receivable": "0", "receivableBlocks": []any{},
		"frontier": info.Frontier, "representative": info.Representative,
		"work": map[string]string{"hash": info.Frontier, "threshold": "fffffff800000000", "work": nano.FormatWork(work)},
	})
	genesisKey := nano.DevGenesisKey()
	recipientKey := nano.DeriveKey(nano.Seed{0x4e, 0x57}, 0)
	const amount = "1000000000000000000000000000" // 0.001 nano
	raw = runNode(t, "nano_wallet.js", httpURL, wsURLs[0],
		strings.ToUpper(hex.EncodeToString(genesisKey[:])), string(state),
		strings.ToUpper(hex.EncodeToString(recipientKey[:])), amount)
	var r struct {
		Send, Receive                       string
		RecipientBalance, RecipientFrontier string
		Confirmations                       []struct{ Hash, Subtype string }
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("result %s: %v", raw, err)
	}
	if r.RecipientBalance != amount || r.RecipientFrontier != r.Receive {
		t.Errorf("recipient after receive: balance %s frontier %s, want %s %s", r.RecipientBalance, r.RecipientFrontier, amount, r.Receive)
	}
	if len(r.Confirmations) != 2 || r.Confirmations[0].Subtype != "send" || r.Confirmations[1].Subtype != "receive" {
		t.Errorf("WebSocket confirmations %+v, want the send then the receive", r.Confirmations)
	}
	for hash, subtype := range map[string]string{r.Send: "send", r.Receive: "receive"} {
		raw, err := cl.Legacy(ctx, "block_info", map[string]any{"hash": hash, "json_block": "true"})
		var bi struct {
			Subtype   string
			Confirmed string
		}
		if err != nil || json.Unmarshal(raw, &bi) != nil || bi.Subtype != subtype || bi.Confirmed != "true" {
			t.Errorf("block_info %s: %s %v; want a confirmed %s", hash, raw, err, subtype)
		}
	}
	var acct struct{ Balance string }
	raw, err = cl.Legacy(ctx, "account_info", map[string]any{"account": recipientKey.PublicKey().Account()})
	if err != nil || json.Unmarshal(raw, &acct) != nil || acct.Balance != amount {
		t.Errorf("recipient account_info: %s %v", raw, err)
	}
}

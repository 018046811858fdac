package node_test

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
	"github.com/nipc/nipc/nano"
)

// TestNoWalletKeyWithoutControl walks every registered legacy action with
// the default configuration (enable_control off) and proves that none signs
// with a wallet's key, reveals one, or changes the ledger: each action is
// called in both legacy encodings with every parameter that names a wallet,
// an account, a block or a hash, as the block and string forms. A reply may
// hold no wallet key or seed, and no signature that verifies under a wallet
// account's key for any hash in the request or the reply.
//
// The C++ node fails this: its sign action takes wallet and account and
// signs any block with that key (nipc makes it a control action).
func TestNoWalletKeyWithoutControl(t *testing.T) {
	dir := testenv.TempDir(t)
	seed := nano.Seed{1, 2, 3, 4, 5, 6, 7, 8}
	extra := nano.DeriveKey(nano.Seed{9, 9, 9}, 7) // added with wallet_add
	var wallet, genesisWallet string

	t.Run("set up with control", func(t *testing.T) {
		n := testenv.Start(t, testenv.Options{DataDir: dir, RPC: walletControlOn})
		cl := testenv.Dial(t, n, testenv.Transports[0])
		genesisWallet = n.GenesisWallet.String()
		wallet = walletString(t, walletCall(t, cl, "wallet_create", map[string]any{"seed": seed.Hex()}), "wallet")
		walletCall(t, cl, "account_create", map[string]any{"wallet": wallet})
		walletCall(t, cl, "wallet_add", map[string]any{"wallet": wallet, "key": extra.Hex()})
	})

	genesisKey, err := nano.ParsePrivateKey(nano.DevGenesisPrivateKeyHex)
	if err != nil {
		t.Fatal(err)
	}
	keys := []nano.PrivateKey{genesisKey, nano.DeriveKey(seed, 0), nano.DeriveKey(seed, 1), extra}
	secrets := []string{seed.Hex()}
	for _, k := range keys {
		secrets = append(secrets, k.Hex())
	}

	n := testenv.Start(t, testenv.Options{DataDir: dir}) // the defaults: enable_control off
	names := n.LegacyActions()
	if len(names) < 50 {
		t.Fatalf("only %d legacy actions registered: %v", len(names), names)
	}
	cl := testenv.Dial(t, n, testenv.Transports[0])
	countBefore := walletCall(t, cl, "block_count", nil)["count"]

	type target struct {
		wallet string
		key    nano.PrivateKey
	}
	targets := []target{{genesisWallet, genesisKey}, {wallet, nano.DeriveKey(seed, 0)}, {wallet, extra}}
	for _, name := range names {
		if name == "stop" {
			continue // control: refused like the rest, but a mistake would end the test's node
		}
		for _, tg := range targets {
			account := tg.key.PublicKey().Account()
			blk := &nano.Block{Type: nano.BlockTypeState, Account: tg.key.PublicKey(), Representative: tg.key.PublicKey(), Link: nano.Hash(tg.key.PublicKey())}
			blockJSON, err := json.Marshal(blk)
			if err != nil {
				t.Fatal(err)
			}
			common := map[string]any{
				"wallet": tg.wallet, "account": account, "source": account, "destination": nano.DevGenesisAccount,
				"representative": account, "amount": "1", "count": "1", "hash": blk.Hash().String(),
				"previous": blk.Previous.String(), "balance": "0", "link": blk.Link.String(), "type": "state",
				"accounts": []string{account}, "hashes": []string{blk.Hash().String()},
			}
			forms := []map[string]any{
				with(common, map[string]any{"block": json.RawMessage(blockJSON), "json_block": "true"}),
				with(common, map[string]any{"block": string(blockJSON)}),
			}
			for _, params := range forms {
				for _, enc := range []ipc.Encoding{ipc.EncodingJSON, ipc.EncodingJSONUnsafe} {
					raw, err := cl.LegacyEncoding(ctx(t), enc, name, params)
					if _, isServerErr := errors.AsType[*client.ServerError](err); err != nil && !isServerErr {
						t.Fatalf("%s: %v", name, err)
					}
					checkNoWalletKey(t, name, string(raw), secrets, keys, blk.Hash())
				}
			}
		}
	}
	if after := walletCall(t, cl, "block_count", nil)["count"]; after != countBefore {
		t.Errorf("block count %v -> %v: an action changed the ledger without enable_control", countBefore, after)
	}
}

// with returns base with extra's members added.
func with(base, extra map[string]any) map[string]any {
	m := make(map[string]any, len(base)+len(extra))
	for k, v := range base {
		m[k] = v
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

var (
	hex128 = regexp.MustCompile(`[0-9A-Fa-f]{128}`)
	hex64  = regexp.MustCompile(`[0-9A-Fa-f]{64}`)
)

// checkNoWalletKey fails the test if reply holds a secret or a signature by
// one of keys over blockHash or over any 64-hex string in the reply.
func checkNoWalletKey(t *testing.T, action, reply string, secrets []string, keys []nano.PrivateKey, blockHash nano.Hash) {
	t.Helper()
	upper := strings.ToUpper(reply)
	for _, s := range secrets {
		if strings.Contains(upper, s) {
			t.Errorf("%s without enable_control revealed a wallet secret: %s", action, reply)
		}
	}
	hashes := []nano.Hash{blockHash}
	for _, h := range hex64.FindAllString(reply, -1) {
		if hh, err := nano.ParseHash(h); err == nil {
			hashes = append(hashes, hh)
		}
	}
	for _, s := range hex128.FindAllString(reply, -1) {
		sig, err := nano.ParseSignature(s)
		if err != nil {
			continue
		}
		for _, k := range keys {
			for _, h := range hashes {
				if nano.Verify(k.PublicKey(), h[:], sig) {
					t.Errorf("%s without enable_control signed %s with a wallet key: %s", action, h, reply)
				}
			}
		}
	}
}

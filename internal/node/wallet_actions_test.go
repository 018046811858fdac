package node_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
	"github.com/nipc/nipc/nano"
)

// walletCall calls a legacy action over cl (encoding 1) and decodes the
// reply; an error reply fails the test.
func walletCall(t *testing.T, cl *client.Client, action string, params map[string]any) map[string]any {
	t.Helper()
	raw, err := cl.Legacy(ctx(t), action, params)
	if err != nil {
		t.Fatalf("%s %v: %v", action, params, err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: reply %q: %v", action, raw, err)
	}
	return m
}

// walletError calls an action that must fail and returns the error text.
func walletError(t *testing.T, cl *client.Client, enc ipc.Encoding, action string, params map[string]any) string {
	t.Helper()
	raw, err := cl.LegacyEncoding(ctx(t), enc, action, params)
	se, ok := errors.AsType[*client.ServerError](err)
	if !ok {
		t.Fatalf("%s %v: got %q, %v; want an error reply", action, params, raw, err)
	}
	return se.Text
}

func walletString(t *testing.T, m map[string]any, key string) string {
	t.Helper()
	s, ok := m[key].(string)
	if !ok {
		t.Fatalf("reply has no string %q: %v", key, m)
	}
	return s
}

func walletControlOn(r *config.RPC) { r.EnableControl = true }

// walletGenesisBalance is the genesis account's balance from wallet_balances.
func walletGenesisBalance(t *testing.T, n *testenv.Node, cl *client.Client) string {
	t.Helper()
	m := walletCall(t, cl, "wallet_balances", map[string]any{"wallet": n.GenesisWallet.String()})
	return m["balances"].(map[string]any)[nano.DevGenesisAccount].(map[string]any)["balance"].(string)
}

func walletMinus(t *testing.T, raw uint64) string {
	t.Helper()
	a, ok := nano.GenesisAmount.Sub(nano.NewAmount(raw))
	if !ok {
		t.Fatal("underflow")
	}
	return a.String()
}

// TestWalletSendReceiveOverSockets: with the genesis wallet, send 1000 raw
// to a new wallet's account, receive it, check the balances, send back and
// receive that — over each transport.
func TestWalletSendReceiveOverSockets(t *testing.T) {
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			n := testenv.Start(t, testenv.Options{RPC: walletControlOn})
			cl := testenv.Dial(t, n, tr)
			g := n.GenesisWallet.String()
			w := walletString(t, walletCall(t, cl, "wallet_create", nil), "wallet")
			acct := walletString(t, walletCall(t, cl, "account_create", map[string]any{"wallet": w}), "account")

			send := walletString(t, walletCall(t, cl, "send", map[string]any{"wallet": g, "source": nano.DevGenesisAccount, "destination": acct, "amount": "1000"}), "block")
			bal := walletCall(t, cl, "wallet_balances", map[string]any{"wallet": w})["balances"].(map[string]any)[acct].(map[string]any)
			if bal["balance"] != "0" || bal["receivable"] != "1000" || bal["pending"] != "1000" {
				t.Fatalf("before receive: %v", bal)
			}
			open := walletString(t, walletCall(t, cl, "receive", map[string]any{"wallet": w, "account": acct, "block": send}), "block")
			info := walletCall(t, cl, "wallet_info", map[string]any{"wallet": w})
			want := map[string]string{"balance": "1000", "pending": "0", "receivable": "0", "accounts_count": "1", "accounts_block_count": "1", "accounts_cemented_block_count": "1", "deterministic_count": "1", "adhoc_count": "0", "deterministic_index": "1"}
			for k, v := range want {
				if info[k] != v {
					t.Errorf("wallet_info %s = %v, want %s", k, info[k], v)
				}
			}
			if fr := walletCall(t, cl, "wallet_frontiers", map[string]any{"wallet": w})["frontiers"].(map[string]any); fr[acct] != open {
				t.Errorf("frontier %v, want %s", fr[acct], open)
			}
			if got := walletGenesisBalance(t, n, cl); got != walletMinus(t, 1000) {
				t.Errorf("genesis balance %s after the send", got)
			}

			back := walletString(t, walletCall(t, cl, "send", map[string]any{"wallet": w, "source": acct, "destination": nano.DevGenesisAccount, "amount": "1000"}), "block")
			walletCall(t, cl, "receive", map[string]any{"wallet": g, "account": nano.DevGenesisAccount, "block": back})
			if got := walletGenesisBalance(t, n, cl); got != nano.GenesisAmount.String() {
				t.Errorf("genesis balance %s after the round trip", got)
			}
			info = walletCall(t, cl, "wallet_info", map[string]any{"wallet": w})
			if info["balance"] != "0" || info["accounts_block_count"] != "2" {
				t.Errorf("wallet_info after sending back: %v", info)
			}
			if e := walletError(t, cl, ipc.EncodingJSON, "send", map[string]any{"wallet": w, "source": acct, "destination": nano.DevGenesisAccount, "amount": "1"}); e != "Insufficient balance" {
				t.Errorf("overdraft: %q", e)
			}
		})
	}
}

// TestWalletSendIdempotent: the same id twice returns the first block and
// sends once; another id sends again.
func TestWalletSendIdempotent(t *testing.T) {
	n := testenv.Start(t, testenv.Options{RPC: walletControlOn})
	for i, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			cl := testenv.Dial(t, n, tr)
			p := map[string]any{"wallet": n.GenesisWallet.String(), "source": nano.DevGenesisAccount, "destination": nano.DevGenesisAccount, "amount": "7", "id": "order-" + tr.Name}
			first := walletString(t, walletCall(t, cl, "send", p), "block")
			second := walletString(t, walletCall(t, cl, "send", p), "block")
			if first != second {
				t.Fatalf("the same id sent twice: %s, %s", first, second)
			}
			// A send to oneself leaves 7 raw receivable per id.
			bal := walletCall(t, cl, "wallet_balances", map[string]any{"wallet": n.GenesisWallet.String()})["balances"].(map[string]any)[nano.DevGenesisAccount].(map[string]any)
			if want := strconv.Itoa(7 * (i + 1)); bal["receivable"] != want {
				t.Fatalf("receivable %v, want %s", bal["receivable"], want)
			}
			p["id"] = "other-" + tr.Name
			if third := walletString(t, walletCall(t, cl, "send", p), "block"); third == first {
				t.Fatal("a new id did not send")
			}
			walletCall(t, cl, "receive", map[string]any{"wallet": n.GenesisWallet.String(), "account": nano.DevGenesisAccount, "block": first})
		})
	}
}

// TestWalletConcurrentSendsOverSockets: 8 clients × 3 sends from the
// genesis account at once all succeed, and the final balance is exact.
func TestWalletConcurrentSendsOverSockets(t *testing.T) {
	n := testenv.Start(t, testenv.Options{RPC: walletControlOn})
	g := n.GenesisWallet.String()
	dest := nano.DeriveKey(nano.Seed{}, 0).PublicKey().Account()
	const clients, each = 8, 3
	var wg sync.WaitGroup
	errs := make(chan error, clients*each)
	var total uint64
	for i := range clients {
		tr := testenv.Transports[i%len(testenv.Transports)]
		cl := testenv.Dial(t, n, tr)
		for j := range each {
			total += uint64(1 + i*each + j)
		}
		wg.Go(func() {
			for j := range each {
				amount := strconv.Itoa(1 + i*each + j)
				if _, err := cl.Legacy(ctx(t), "send", map[string]any{"wallet": g, "source": nano.DevGenesisAccount, "destination": dest, "amount": amount}); err != nil {
					errs <- fmt.Errorf("client %d (%s) send %d: %w", i, tr.Name, j, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	cl := testenv.Dial(t, n, testenv.Transports[0])
	if got := walletGenesisBalance(t, n, cl); got != walletMinus(t, total) {
		t.Fatalf("genesis balance %s, want %s", got, walletMinus(t, total))
	}
	w := walletString(t, walletCall(t, cl, "wallet_create", map[string]any{"seed": "0"}), "wallet")
	bal := walletCall(t, cl, "wallet_balances", map[string]any{"wallet": w})["balances"].(map[string]any)[dest].(map[string]any)
	if bal["receivable"] != strconv.FormatUint(total, 10) {
		t.Fatalf("destination receivable %v, want %d", bal["receivable"], total)
	}
}

// TestWalletSeedUnsafe: spec §11.3 test 10. wallet_seed is refused over
// encoding 1, and over encoding 2 on a transport without allow_unsafe; it
// answers over encoding 2 where allow_unsafe is set (here the Unix socket).
func TestWalletSeedUnsafe(t *testing.T) {
	n := testenv.Start(t, testenv.Options{
		Node: func(c *config.Node) { c.Node.IPC.Local.AllowUnsafe = true },
		RPC:  walletControlOn,
	})
	tcp := testenv.Dial(t, n, testenv.Transports[0])
	unix := testenv.Dial(t, n, testenv.Transports[1])
	const seed = "0000000000000000000000000000000000000000000000000000000000000001"
	w := walletString(t, walletCall(t, unix, "wallet_create", map[string]any{"seed": seed}), "wallet")
	p := map[string]any{"wallet": w}
	if e := walletError(t, unix, ipc.EncodingJSON, "wallet_seed", p); e != "Unsafe RPC not allowed" {
		t.Errorf("encoding 1 on an allow_unsafe transport: %q", e)
	}
	if e := walletError(t, tcp, ipc.EncodingJSONUnsafe, "wallet_seed", p); e != "Unsafe RPC not allowed" {
		t.Errorf("encoding 2 on a transport without allow_unsafe: %q", e)
	}
	raw, err := unix.LegacyEncoding(ctx(t), ipc.EncodingJSONUnsafe, "wallet_seed", p)
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != "{\n    \"seed\": \""+seed+"\"\n}\n" {
		t.Fatalf("wallet_seed replied %q", raw)
	}
}

// TestWalletControlDisabled: every wallet action that changes state is
// refused while enable_control is off, on both transports and encodings.
func TestWalletControlDisabled(t *testing.T) {
	n := testenv.Start(t, testenv.Options{Node: func(c *config.Node) { c.Node.IPC.Local.AllowUnsafe = true }})
	g := n.GenesisWallet.String()
	calls := map[string]map[string]any{
		"wallet_create":             nil,
		"wallet_add":                {"wallet": g, "key": nano.DevGenesisPrivateKeyHex},
		"wallet_destroy":            {"wallet": g},
		"account_create":            {"wallet": g},
		"accounts_create":           {"wallet": g, "count": "1"},
		"wallet_representative_set": {"wallet": g, "representative": nano.DevGenesisAccount},
		"send":                      {"wallet": g, "source": nano.DevGenesisAccount, "destination": nano.DevGenesisAccount, "amount": "1"},
		"receive":                   {"wallet": g, "account": nano.DevGenesisAccount, "block": nano.DevGenesisHashHex},
		"wallet_seed":               {"wallet": g},
	}
	for _, tr := range testenv.Transports {
		cl := testenv.Dial(t, n, tr)
		for _, enc := range []ipc.Encoding{ipc.EncodingJSON, ipc.EncodingJSONUnsafe} {
			for action, p := range calls {
				if e := walletError(t, cl, enc, action, p); e != "RPC control is disabled" {
					t.Errorf("%s over %s/%s: %q", action, tr.Name, enc, e)
				}
			}
		}
		// Read-only actions still answer.
		if walletCall(t, cl, "wallet_contains", map[string]any{"wallet": g, "account": nano.DevGenesisAccount})["exists"] != "1" {
			t.Error("wallet_contains does not find the genesis account")
		}
	}
	// Nothing was changed.
	cl := testenv.Dial(t, n, testenv.Transports[0])
	if got := walletGenesisBalance(t, n, cl); got != nano.GenesisAmount.String() {
		t.Fatalf("genesis balance %s", got)
	}
}

// TestWalletsSurviveRestart: wallets, their accounts (deterministic and
// ad hoc), representative and send ids are on disk: a node started on the
// same data directory finds them and can sign with them.
func TestWalletsSurviveRestart(t *testing.T) {
	dir := testenv.TempDir(t)
	start := func(t *testing.T) (*testenv.Node, *client.Client) {
		n := testenv.Start(t, testenv.Options{DataDir: dir, RPC: walletControlOn})
		return n, testenv.Dial(t, n, testenv.Transports[1])
	}
	var w, genesisWallet, acct, adhoc, sendBlock string
	adhocKey := nano.DeriveKey(nano.Seed{1}, 0)
	rep := nano.DeriveKey(nano.Seed{2}, 0).PublicKey().Account()
	t.Run("first", func(t *testing.T) {
		n, cl := start(t)
		genesisWallet = n.GenesisWallet.String()
		w = walletString(t, walletCall(t, cl, "wallet_create", map[string]any{"seed": "0"}), "wallet")
		acct = walletString(t, walletCall(t, cl, "account_create", map[string]any{"wallet": w}), "account")
		adhoc = walletString(t, walletCall(t, cl, "wallet_add", map[string]any{"wallet": w, "key": adhocKey.Hex()}), "account")
		walletCall(t, cl, "wallet_representative_set", map[string]any{"wallet": w, "representative": rep})
		sendBlock = walletString(t, walletCall(t, cl, "send", map[string]any{"wallet": genesisWallet, "source": nano.DevGenesisAccount, "destination": acct, "amount": "50", "id": "persist"}), "block")
		walletCall(t, cl, "receive", map[string]any{"wallet": w, "account": acct, "block": sendBlock})
	})
	t.Run("second", func(t *testing.T) {
		n, cl := start(t)
		if n.GenesisWallet != nil {
			t.Fatal("a new genesis wallet was created on restart")
		}
		accounts := walletCall(t, cl, "account_list", map[string]any{"wallet": w})["accounts"].([]any)
		if len(accounts) != 3 {
			t.Fatalf("accounts after restart: %v", accounts)
		}
		for _, a := range []string{acct, adhoc, nano.DeriveKey(nano.Seed{}, 0).PublicKey().Account()} {
			if walletCall(t, cl, "wallet_contains", map[string]any{"wallet": w, "account": a})["exists"] != "1" {
				t.Errorf("%s lost on restart", a)
			}
		}
		if got := walletCall(t, cl, "wallet_representative", map[string]any{"wallet": w})["representative"]; got != rep {
			t.Errorf("representative after restart %v", got)
		}
		info := walletCall(t, cl, "wallet_info", map[string]any{"wallet": w})
		if info["balance"] != "50" || info["deterministic_index"] != "2" || info["adhoc_count"] != "1" {
			t.Errorf("wallet_info after restart %v", info)
		}
		// The send id still answers with the first block.
		again := walletString(t, walletCall(t, cl, "send", map[string]any{"wallet": genesisWallet, "source": nano.DevGenesisAccount, "destination": acct, "amount": "50", "id": "persist"}), "block")
		if again != sendBlock {
			t.Errorf("send id after restart gave %s, want %s", again, sendBlock)
		}
		// The keys still sign: send from the restored account to the ad-hoc one
		// and receive there (opening it with the wallet's representative).
		b := walletString(t, walletCall(t, cl, "send", map[string]any{"wallet": w, "source": acct, "destination": adhoc, "amount": "20"}), "block")
		walletCall(t, cl, "receive", map[string]any{"wallet": w, "account": adhoc, "block": b})
		bal := walletCall(t, cl, "wallet_balances", map[string]any{"wallet": w})["balances"].(map[string]any)
		if bal[acct].(map[string]any)["balance"] != "30" || bal[adhoc].(map[string]any)["balance"] != "20" {
			t.Errorf("balances after restart %v", bal)
		}
	})
}

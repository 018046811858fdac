package node_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

// The zero seed's accounts 0 and 1 (Nano documentation's key vectors).
const (
	zeroSeed      = "0000000000000000000000000000000000000000000000000000000000000000"
	zeroSeedAcct0 = "nano_3i1aq1cchnmbn9x5rsbap8b15akfh7wj7pwskuzi7ahz8oq6cobd99d4r3b7"
	zeroSeedAcct1 = "nano_3rrf6cus8pye6o1kzi5n6wwjof8bjb7ff4xcgesi3njxid6x64pms6onw1f9"
)

// TestWalletPasswordAcrossRestart: a wallet with a password is locked
// after a restart, refuses to sign with the node's error, and signs again
// once the password is entered; a wrong password answers valid 0.
func TestWalletPasswordAcrossRestart(t *testing.T) {
	dir := testenv.TempDir(t)
	var w, acct string
	t.Run("set a password", func(t *testing.T) {
		n := testenv.Start(t, testenv.Options{DataDir: dir, RPC: walletControlOn})
		cl := testenv.Dial(t, n, testenv.Transports[0])
		w = walletString(t, walletCall(t, cl, "wallet_create", nil), "wallet")
		acct = walletString(t, walletCall(t, cl, "account_create", map[string]any{"wallet": w}), "account")
		walletWant(t, cl, "password_change", map[string]any{"wallet": w, "password": "hunter2"}, "changed", "1")
		walletWant(t, cl, "wallet_locked", map[string]any{"wallet": w}, "locked", "0")
		walletWant(t, cl, "wallet_lock", map[string]any{"wallet": w}, "locked", "1")
		walletWant(t, cl, "password_valid", map[string]any{"wallet": w}, "valid", "0")
		walletWant(t, cl, "password_change", map[string]any{"wallet": w, "password": "x"}, "error", "Wallet is locked")
	}) // the node stops with the subtest
	n := testenv.Start(t, testenv.Options{DataDir: dir, RPC: walletControlOn})
	cl := testenv.Dial(t, n, testenv.Transports[1])
	walletWant(t, cl, "wallet_locked", map[string]any{"wallet": w}, "locked", "1")
	walletWant(t, cl, "account_list", map[string]any{"wallet": w}, "accounts", []any{acct})
	signs := []struct {
		action string
		params map[string]any
		want   string
	}{
		{"account_create", map[string]any{"wallet": w}, "Wallet is locked"},
		{"wallet_change_seed", map[string]any{"wallet": w, "seed": zeroSeed}, "Wallet is locked"},
		{"account_remove", map[string]any{"wallet": w, "account": acct}, "Wallet is locked"},
		{"wallet_add_watch", map[string]any{"wallet": w, "accounts": []string{nano.DevGenesisAccount}}, "Wallet is locked"},
		{"send", map[string]any{"wallet": w, "source": acct, "destination": acct, "amount": "1"}, "Wallet is locked"},
	}
	for _, s := range signs {
		walletWant(t, cl, s.action, s.params, "error", s.want)
	}
	walletWant(t, cl, "password_enter", map[string]any{"wallet": w, "password": "wrong"}, "valid", "0")
	walletWant(t, cl, "wallet_locked", map[string]any{"wallet": w}, "locked", "1")
	walletWant(t, cl, "password_enter", map[string]any{"wallet": w, "password": "hunter2"}, "valid", "1")
	walletWant(t, cl, "wallet_locked", map[string]any{"wallet": w}, "locked", "0")
	walletString(t, walletCall(t, cl, "account_create", map[string]any{"wallet": w}), "account")
}

// TestWalletSeedWatchMoveWork: change seed then the documented
// deterministic accounts; watch-only accounts listed and never signed
// for; move and remove; a work_set work used for the account's next block.
func TestWalletSeedWatchMoveWork(t *testing.T) {
	n := testenv.Start(t, testenv.Options{RPC: walletControlOn})
	cl := testenv.Dial(t, n, testenv.Transports[0])
	w := walletString(t, walletCall(t, cl, "wallet_create", nil), "wallet")
	walletCall(t, cl, "accounts_create", map[string]any{"wallet": w, "count": "3"})
	got := walletCall(t, cl, "wallet_change_seed", map[string]any{"wallet": w, "seed": zeroSeed})
	if got["success"] != "" || got["last_restored_account"] != zeroSeedAcct0 || got["restored_count"] != "1" {
		t.Fatalf("wallet_change_seed: %v", got)
	}
	walletWant(t, cl, "account_list", map[string]any{"wallet": w}, "accounts", []any{zeroSeedAcct0})
	got = walletCall(t, cl, "wallet_change_seed", map[string]any{"wallet": w, "seed": zeroSeed, "count": "1"})
	if got["last_restored_account"] != zeroSeedAcct1 || got["restored_count"] != "2" {
		t.Fatalf("wallet_change_seed count 1: %v", got)
	}

	// Watch-only: listed, work 0, never signed for.
	walletWant(t, cl, "wallet_add_watch", map[string]any{"wallet": w, "accounts": []string{nano.DevGenesisAccount}}, "success", "")
	walletWant(t, cl, "wallet_contains", map[string]any{"wallet": w, "account": nano.DevGenesisAccount}, "exists", "1")
	walletWant(t, cl, "send", map[string]any{"wallet": w, "source": nano.DevGenesisAccount, "destination": zeroSeedAcct0, "amount": "1"},
		"error", "Error generating block")
	walletWant(t, cl, "account_representative_set", map[string]any{"wallet": w, "account": nano.DevGenesisAccount, "representative": zeroSeedAcct0},
		"error", "Error generating block")
	walletWant(t, cl, "wallet_add_watch", map[string]any{"wallet": w, "accounts": []string{"nano_1bad"}}, "error", "Bad account number")

	// Move the two seed accounts to another wallet; the watch-only one does not move.
	w2 := walletString(t, walletCall(t, cl, "wallet_create", nil), "wallet")
	walletWant(t, cl, "account_move", map[string]any{"wallet": w2, "source": w, "accounts": []string{zeroSeedAcct0, zeroSeedAcct1}}, "moved", "1")
	walletWant(t, cl, "account_list", map[string]any{"wallet": w2}, "accounts", []any{zeroSeedAcct0, zeroSeedAcct1})
	walletWant(t, cl, "account_move", map[string]any{"wallet": w2, "source": w, "accounts": []string{nano.DevGenesisAccount}}, "moved", "0")
	walletWant(t, cl, "account_move", map[string]any{"wallet": w2, "source": "ZZ", "accounts": []string{}}, "error", "Bad source")
	walletWant(t, cl, "account_move", map[string]any{"wallet": w2, "source": "01", "accounts": []string{}}, "error", "Source not found")
	walletWant(t, cl, "account_remove", map[string]any{"wallet": w2, "account": zeroSeedAcct1}, "removed", "1")
	walletWant(t, cl, "account_remove", map[string]any{"wallet": w2, "account": zeroSeedAcct1}, "error", "Account not found in wallet")

	// The genesis wallet's work cache: work_set, then the send uses it.
	gw := n.GenesisWallet.String()
	info := walletCall(t, cl, "account_info", map[string]any{"account": nano.DevGenesisAccount})
	gen := walletCall(t, cl, "work_generate", map[string]any{"hash": info["frontier"]})
	work := walletString(t, gen, "work")
	walletWant(t, cl, "work_set", map[string]any{"wallet": gw, "account": nano.DevGenesisAccount, "work": work}, "success", "")
	walletWant(t, cl, "work_get", map[string]any{"wallet": gw, "account": nano.DevGenesisAccount}, "work", work)
	walletWant(t, cl, "wallet_work_get", map[string]any{"wallet": gw}, "works", map[string]any{nano.DevGenesisAccount: work})
	send := walletString(t, walletCall(t, cl, "send", map[string]any{"wallet": gw, "source": nano.DevGenesisAccount, "destination": zeroSeedAcct0, "amount": "5"}), "block")
	bi := walletCall(t, cl, "block_info", map[string]any{"hash": send, "json_block": true})
	if got := bi["contents"].(map[string]any)["work"]; got != work {
		t.Errorf("send's work %v, want the cached %s", got, work)
	}
	walletWant(t, cl, "work_get", map[string]any{"wallet": gw, "account": nano.DevGenesisAccount}, "work", "0000000000000000")
}

// TestWalletAutoReceive: a send to a wallet account is received without
// any client call, at or above receive_minimum, and the receive is
// confirmed on the WebSocket; below the minimum, the send waits until
// search_receivable with a lower minimum.
func TestWalletAutoReceive(t *testing.T) {
	wsPort := testenv.FreePort(t)
	n := testenv.Start(t, testenv.Options{RPC: walletControlOn, Node: func(c *config.Node) {
		c.Node.Wallets.AutoReceive = true
		c.Node.WebSocket.Enable = true
		c.Node.WebSocket.Port = wsPort
	}})
	cl := testenv.Dial(t, n, testenv.Transports[0])
	w := walletString(t, walletCall(t, cl, "wallet_create", nil), "wallet")
	acct := walletString(t, walletCall(t, cl, "account_create", map[string]any{"wallet": w}), "account")
	walletWant(t, cl, "receive_minimum", nil, "amount", "1000000000000000000000000")

	wctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(wctx, "ws://127.0.0.1:"+strconv.Itoa(wsPort), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	sub, _ := json.Marshal(map[string]any{"action": "subscribe", "topic": "confirmation", "ack": true, "options": map[string]any{"accounts": []string{acct}}})
	if err := ws.Write(wctx, websocket.MessageText, sub); err != nil {
		t.Fatal(err)
	}
	if _, ack, err := ws.Read(wctx); err != nil {
		t.Fatalf("subscribe ack: %s %v", ack, err)
	}

	gw := n.GenesisWallet.String()
	send := walletString(t, walletCall(t, cl, "send", map[string]any{"wallet": gw, "source": nano.DevGenesisAccount, "destination": acct, "amount": "1000000000000000000000000"}), "block")
	walletWaitBalance(t, cl, acct, "1000000000000000000000000")
	// On the WebSocket: the send, then the receive nobody asked for.
	var got []string
	for len(got) < 2 {
		_, raw, err := ws.Read(wctx)
		if err != nil {
			t.Fatalf("WebSocket after %v: %v", got, err)
		}
		var m struct {
			Topic   string
			Message struct {
				Account, Hash string
				Block         struct{ Subtype, Link string }
			}
		}
		if err := json.Unmarshal(raw, &m); err != nil || m.Topic != "confirmation" {
			t.Fatalf("WebSocket message %s: %v", raw, err)
		}
		got = append(got, m.Message.Block.Subtype)
		if m.Message.Block.Subtype == "receive" && (m.Message.Account != acct || m.Message.Block.Link != send) {
			t.Errorf("receive confirmation %s: want account %s receiving %s", raw, acct, send)
		}
	}
	if got[0] != "send" || got[1] != "receive" {
		t.Errorf("WebSocket confirmations %v, want [send receive]", got)
	}

	walletWant(t, cl, "send", map[string]any{"wallet": gw, "source": nano.DevGenesisAccount, "destination": acct, "amount": "7"}, "block", nil)
	time.Sleep(300 * time.Millisecond)
	walletWant(t, cl, "account_balance", map[string]any{"account": acct}, "receivable", "7")
	walletWant(t, cl, "receive_minimum_set", map[string]any{"amount": "7"}, "success", "")
	walletWant(t, cl, "search_receivable", map[string]any{"wallet": w}, "started", "1")
	walletWaitBalance(t, cl, acct, "1000000000000000000000007")
}

// walletWaitBalance polls account_balance until it is want.
func walletWaitBalance(t *testing.T, cl *client.Client, acct, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := walletCall(t, cl, "account_balance", map[string]any{"account": acct})
		if got["balance"] == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("balance of %s: %v, want %s", acct, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// walletWant calls an action and checks one member of its reply (with key
// "error", the error text); want nil only checks the member is there.
func walletWant(t *testing.T, cl *client.Client, action string, params map[string]any, key string, want any) {
	t.Helper()
	raw, err := cl.Legacy(ctx(t), action, params)
	if se, ok := errors.AsType[*client.ServerError](err); ok {
		if key != "error" || se.Text != want {
			t.Fatalf("%s %v: error %q; want %s %v", action, params, se.Text, key, want)
		}
		return
	} else if err != nil {
		t.Fatalf("%s %v: %v", action, params, err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: reply %q: %v", action, raw, err)
	}
	got, ok := m[key]
	if !ok || (want != nil && !reflect.DeepEqual(got, want)) {
		t.Fatalf("%s %v: reply %s; want %s %v", action, params, raw, key, want)
	}
}

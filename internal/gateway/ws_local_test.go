package gateway_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/nano"
)

// key is the private key of account(i).
func key(i byte) nano.PrivateKey { return nano.DeriveKey(nano.Seed{i, 42}, 0) }

// processAs creates, signs and works a state block of priv's account with
// block_create, processes it, both through the gateway's legacy API, and
// returns its hash. link is a hash (a receive) or an account (a send).
func (e *env) processAs(priv nano.PrivateKey, previous, balance, link string) string {
	e.t.Helper()
	req, _ := json.Marshal(map[string]string{
		"action": "block_create", "json_block": "true", "type": "state", "key": priv.Hex(),
		"previous": previous, "representative": nano.DevGenesisAccount, "balance": balance, "link": link,
	})
	reply := e.post("/", string(req), nil)
	var created struct {
		Hash  string          `json:"hash"`
		Block json.RawMessage `json:"block"`
	}
	if err := json.Unmarshal([]byte(reply), &created); err != nil || created.Hash == "" {
		e.t.Fatalf("block_create: %s", reply)
	}
	reply = e.post("/", `{"action": "process", "json_block": "true", "block": `+string(created.Block)+`}`, nil)
	if !strings.Contains(reply, created.Hash) {
		e.t.Fatalf("process: %s", reply)
	}
	return created.Hash
}

// expectHash reads the next message, which must be the confirmation of
// hash.
func (w *wsClient) expectHash(hash string) {
	w.t.Helper()
	if got := decodeWS(w.t, w.next()).Message.Hash; got != hash {
		w.t.Fatalf("confirmation of %s, want %s", got, hash)
	}
}

// TestWebSocketAllLocalAccounts: all_local_accounts passes the blocks of
// the wallets' accounts (the genesis account's sends) and not those of
// other accounts, in every mode: inside the node the gateway asks the
// wallets; a separate gateway relays the node's all_local_accounts
// subscription. With "accounts" as well, a block both filters pass arrives
// once.
func TestWebSocketAllLocalAccounts(t *testing.T) {
	for i, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, m, envOptions{enableControl: true, events: true})
			ws := e.dialWS(t, e.wsURL, nil)
			ws.send(`{"action": "subscribe", "topic": "confirmation", "ack": true, "options": {"all_local_accounts": "true"}}`)
			ws.expect(`"ack": "subscribe"`)

			// x is in no wallet; each mode has its own.
			x := key(30 + byte(i))
			xAccount := x.PublicKey().Account()
			fund := e.sendOne(xAccount) // the genesis account's: local
			ws.expectHash(fund)
			open := e.processAs(x, "0", "1", fund) // x's, receiving: not local
			last := e.sendOne(account(40))
			ws.expectHash(last) // the open was left out
			ws.quiet()

			// all_local_accounts with accounts: x's blocks come from the
			// accounts filter, the genesis account's from the local one,
			// a send from genesis to x (both) once.
			ws.send(`{"action": "subscribe", "topic": "confirmation", "ack": true, "options": {"all_local_accounts": "true", "accounts": ["` + xAccount + `"]}}`)
			ws.expect(`"ack": "subscribe"`)
			both := e.sendOne(xAccount)
			ws.expectHash(both)
			spend := e.processAs(x, open, "0", account(41)) // x's send: in accounts
			ws.expectHash(spend)
			last = e.sendOne(account(42))
			ws.expectHash(last)
			ws.quiet()

			// Back to every confirmation: x's blocks pass again.
			ws.send(`{"action": "subscribe", "topic": "confirmation", "ack": true}`)
			ws.expect(`"ack": "subscribe"`)
			recv := e.processAs(x, spend, "1", both)
			ws.expectHash(recv)
			ws.quiet()
		})
	}
}

// TestWebSocketAllLocalAccountsNodeRestart: a separate gateway subscribes
// to the node's local-accounts stream again after the node restarts.
func TestWebSocketAllLocalAccountsNodeRestart(t *testing.T) {
	e := startEnv(t, modes[2], envOptions{enableControl: true, events: true})
	ws := e.dialWS(t, e.wsURL, nil)
	ws.send(`{"action": "subscribe", "topic": "confirmation", "ack": true, "options": {"all_local_accounts": "true"}}`)
	ws.expect(`"ack": "subscribe"`)
	ws.expectHash(e.sendOne(account(43)))

	e.node.RequestStop()
	err := <-e.node.Stopped
	e.node.Stopped <- err
	e.node = testenvRestart(t, e)
	e.awaitNode(t)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ws.maybe(e.sendOne(account(44)), 500*time.Millisecond) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no local event after the node restarted")
		}
	}
}

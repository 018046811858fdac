package rpc

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/internal/wallet"
	"github.com/nipc/nipc/ipc"
	"github.com/nipc/nipc/nano"
)

// walletEnv is a ledger and a wallet store in a temporary directory, with a
// wallet holding the genesis key, behind a Legacy with enable_control on.
type walletEnv struct {
	t       *testing.T
	w       *walletActions
	legacy  *Legacy
	led     *ledger.Ledger
	wallets *wallet.Store
	genesis wallet.ID
}

// Account 0 of the zero seed (the Nano documentation's deterministic_key example).
const seed0Account0 = "nano_3i1aq1cchnmbn9x5rsbap8b15akfh7wj7pwskuzi7ahz8oq6cobd99d4r3b7"

func newWalletEnv(t *testing.T) *walletEnv {
	t.Helper()
	dir := t.TempDir()
	led, err := ledger.Open(filepath.Join(dir, "ledger.db"), ledger.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := wallet.Open(filepath.Join(dir, "wallets.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close(); led.Close() })
	gpub := nano.DevGenesisKey().PublicKey()
	gid, err := ws.Create(nil, gpub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.AddKey(gid, nano.DevGenesisKey()); err != nil {
		t.Fatal(err)
	}
	b := &Backend{Ledger: led, Wallets: ws, Thresholds: nano.DevThresholds()}
	w := newWalletActions(b)
	reg := NewRegistry()
	w.register(reg)
	return &walletEnv{t: t, w: w, legacy: &Legacy{Registry: reg, EnableControl: true}, led: led, wallets: ws, genesis: gid}
}

// raw sends a request (a JSON object) and returns the rendered reply.
func (e *walletEnv) raw(body string) string {
	e.t.Helper()
	ctx := peer.With(context.Background(), &peer.Peer{Transport: peer.Unix, AllowUnsafe: true})
	return string(e.legacy.Handle(ctx, ipc.EncodingJSONUnsafe, []byte(body), nil))
}

// call sends an action with parameters and decodes the reply into a map.
func (e *walletEnv) call(action string, params ...string) map[string]any {
	e.t.Helper()
	req := map[string]string{"action": action}
	for i := 0; i+1 < len(params); i += 2 {
		req[params[i]] = params[i+1]
	}
	body, _ := json.Marshal(req)
	out := e.raw(string(body))
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		e.t.Fatalf("%s: reply %q: %v", body, out, err)
	}
	return m
}

// ok is call that fails the test on an error reply.
func (e *walletEnv) ok(action string, params ...string) map[string]any {
	e.t.Helper()
	m := e.call(action, params...)
	if msg, bad := m["error"]; bad {
		e.t.Fatalf("%s %v: error %v", action, params, msg)
	}
	return m
}

func (e *walletEnv) str(m map[string]any, key string) string {
	e.t.Helper()
	s, ok := m[key].(string)
	if !ok {
		e.t.Fatalf("reply has no string %q: %v", key, m)
	}
	return s
}

func (e *walletEnv) balance(account string) nano.Amount {
	e.t.Helper()
	pub, err := nano.ParseAccount(account)
	if err != nil {
		e.t.Fatal(err)
	}
	ai, err := e.led.AccountInfo(pub)
	if err != nil {
		return nano.Amount{}
	}
	return ai.Balance
}

func wantError(t *testing.T, e *walletEnv, body, want string) {
	t.Helper()
	got := e.raw(body)
	if w := "{\n    \"error\": \"" + want + "\"\n}\n"; got != w {
		t.Errorf("%s\ngot  %q\nwant %q", body, got, w)
	}
}

// TestWalletParamOrder: with several faults, the node's answer, which
// follows the order it reads parameters in.
func TestWalletParamOrder(t *testing.T) {
	e := newWalletEnv(t)
	g := e.genesis.String()
	unknown := strings.Repeat("0", 63) + "1"
	tests := []struct{ body, want string }{
		// A wallet id is decoded like a hash: short hex is right-aligned.
		{`{"action":"account_list","wallet":"1"}`, "Wallet not found"},
		{`{"action":"account_list","wallet":"xyz"}`, "Bad wallet number"},
		{`{"action":"account_list"}`, "Unable to parse JSON"},
		// wallet_contains reads the account first.
		{`{"action":"wallet_contains","account":"nope"}`, "Bad account number"},
		{`{"action":"wallet_contains","wallet":"xyz"}`, "Unable to parse JSON"},
		// send reads wallet, source and destination unconditionally.
		{`{"action":"send","wallet":"xyz","source":"a"}`, "Unable to parse JSON"},
		{`{"action":"send","wallet":"xyz","source":"a","destination":"b"}`, "Bad wallet number"},
		{`{"action":"send","wallet":"` + unknown + `","source":"a","destination":"b"}`, "Wallet not found"},
		{`{"action":"send","wallet":"` + g + `","source":"a","destination":"b"}`, "Unable to parse JSON"},
		{`{"action":"send","wallet":"` + g + `","source":"a","destination":"b","amount":"x"}`, "Invalid amount number"},
		{`{"action":"send","wallet":"` + g + `","source":"a","destination":"b","amount":"0"}`, "Invalid amount number"},
		{`{"action":"send","wallet":"` + g + `","source":"a","destination":"b","amount":"1"}`, "Bad source"},
		{`{"action":"send","wallet":"` + g + `","source":"` + nano.DevGenesisAccount + `","destination":"b","amount":"1"}`, "Bad destination account"},
		{`{"action":"send","wallet":"` + g + `","source":"` + nano.DevGenesisAccount + `","destination":"` + seed0Account0 + `","amount":"1","work":"zz"}`, "Bad work"},
		{`{"action":"send","wallet":"` + g + `","source":"` + seed0Account0 + `","destination":"` + seed0Account0 + `","amount":"1"}`, "Account not found in wallet"},
		{`{"action":"send","wallet":"` + g + `","source":"` + nano.DevGenesisAccount + `","destination":"` + seed0Account0 + `","amount":"1","work":"1"}`, "Invalid work"},
		// receive reads account and block only while there is no error.
		{`{"action":"receive","wallet":"xyz"}`, "Bad wallet number"},
		{`{"action":"receive","wallet":"` + g + `"}`, "Unable to parse JSON"},
		{`{"action":"receive","wallet":"` + g + `","account":"x"}`, "Bad account number"},
		{`{"action":"receive","wallet":"` + g + `","account":"` + seed0Account0 + `","block":"x"}`, "Invalid block hash"},
		{`{"action":"receive","wallet":"` + g + `","account":"` + seed0Account0 + `","block":"1"}`, "Account not found in wallet"},
		{`{"action":"receive","wallet":"` + g + `","account":"` + nano.DevGenesisAccount + `","block":"1"}`, "Block not found"},
		{`{"action":"receive","wallet":"` + g + `","account":"` + nano.DevGenesisAccount + `","block":"` + nano.DevGenesisHashHex + `"}`, "Unreceivable"},
		// wallet_representative_set reads the representative unconditionally.
		{`{"action":"wallet_representative_set","wallet":"xyz"}`, "Unable to parse JSON"},
		{`{"action":"wallet_representative_set","wallet":"xyz","representative":"x"}`, "Bad wallet number"},
		{`{"action":"wallet_representative_set","wallet":"` + g + `","representative":"x"}`, "Bad representative number"},
		{`{"action":"wallet_balances","wallet":"xyz","threshold":"x"}`, "Bad wallet number"},
		{`{"action":"wallet_balances","wallet":"` + g + `","threshold":"x"}`, "Bad threshold number"},
		{`{"action":"accounts_create","wallet":"xyz"}`, "Bad wallet number"},
		{`{"action":"accounts_create","wallet":"` + g + `"}`, "Unable to parse JSON"},
		{`{"action":"accounts_create","wallet":"` + g + `","count":"0"}`, "Invalid count"},
		{`{"action":"accounts_create","wallet":"` + g + `","count":"-1"}`, "Invalid count"},
		{`{"action":"accounts_create","wallet":"` + g + `","count":"10001"}`, "Invalid count"},
		{`{"action":"account_create","wallet":"` + g + `","index":"4294967296"}`, "Invalid index"},
		{`{"action":"account_create","wallet":"` + g + `","index":"x"}`, "Invalid index"},
		{`{"action":"wallet_add","wallet":"` + g + `","key":"x"}`, "Bad private key"},
		{`{"action":"wallet_create","seed":"x"}`, "Bad seed"},
		{`{"action":"wallet_destroy","wallet":"` + unknown + `"}`, "Wallet not found"},
	}
	for _, tt := range tests {
		wantError(t, e, tt.body, tt.want)
	}
	// An unopened source: the node's account_info_impl.
	id := e.str(e.ok("wallet_create", "seed", "0"), "wallet")
	wantError(t, e, `{"action":"send","wallet":"`+id+`","source":"`+seed0Account0+`","destination":"`+seed0Account0+`","amount":"1"}`, "Account not found")
}

// TestWalletDecodeUnsigned: the wallet actions' counts and indexes, read
// by decodeUnsigned.
func TestWalletDecodeUnsigned(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0", 0, true}, {"42", 42, true}, {" 7", 7, true}, {"+3", 3, true},
		{"-1", 1<<64 - 1, true}, {"", 0, false}, {"1x", 0, false}, {"x", 0, false},
		{"18446744073709551616", 0, false}, {"- 1", 0, false}, {"1 ", 0, false},
	}
	for _, tt := range tests {
		got, ok := decodeUnsigned(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("decodeUnsigned(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestWalletSendReceive: a send from the genesis wallet to a new wallet's
// account, its receive (which opens the account with the wallet's
// representative), and the balances on both sides.
func TestWalletSendReceive(t *testing.T) {
	e := newWalletEnv(t)
	g := e.genesis.String()
	id := e.str(e.ok("wallet_create", "seed", strings.Repeat("0", 64)), "wallet")
	acct := seed0Account0

	hash := e.str(e.ok("send", "wallet", g, "source", nano.DevGenesisAccount, "destination", acct, "amount", "1000"), "block")
	// The block is the state send the node would build.
	gpub := nano.DevGenesisKey().PublicKey()
	dest, _ := nano.ParseAccount(acct)
	rest, _ := nano.GenesisAmount.Sub(nano.NewAmount(1000))
	genesisHash, _ := nano.ParseHash(nano.DevGenesisHashHex)
	want := nano.Block{Type: nano.BlockTypeState, Account: gpub, Previous: genesisHash, Representative: gpub, Balance: rest, Link: nano.Hash(dest)}
	if hash != want.Hash().String() {
		t.Fatalf("send block %s, want %s", hash, want.Hash())
	}
	bal := e.ok("wallet_balances", "wallet", id)["balances"].(map[string]any)[acct].(map[string]any)
	if bal["balance"] != "0" || bal["pending"] != "1000" || bal["receivable"] != "1000" {
		t.Fatalf("balances before receive: %v", bal)
	}
	// A send is received once.
	recv := e.str(e.ok("receive", "wallet", id, "account", acct, "block", hash), "block")
	wantError(t, e, `{"action":"receive","wallet":"`+id+`","account":"`+acct+`","block":"`+hash+`"}`, "Unreceivable")
	if b := e.balance(acct); b != nano.NewAmount(1000) {
		t.Fatalf("balance after receive %s", b)
	}
	sb, err := e.led.Block(mustHash(t, recv))
	if err != nil {
		t.Fatal(err)
	}
	if sb.Block.Representative != gpub || sb.Height != 1 || !sb.Block.Previous.IsZero() {
		t.Fatalf("open block: %+v", sb)
	}
	info := e.ok("wallet_info", "wallet", id)
	for k, v := range map[string]string{"balance": "1000", "pending": "0", "receivable": "0", "accounts_count": "1", "accounts_block_count": "1", "accounts_cemented_block_count": "1", "deterministic_count": "1", "adhoc_count": "0", "deterministic_index": "1"} {
		if info[k] != v {
			t.Errorf("wallet_info %s = %v, want %s", k, info[k], v)
		}
	}
	// Send back; a second receive into the opened account.
	back := e.str(e.ok("send", "wallet", id, "source", acct, "destination", nano.DevGenesisAccount, "amount", "400"), "block")
	e.ok("receive", "wallet", g, "account", nano.DevGenesisAccount, "block", back)
	wantError(t, e, `{"action":"send","wallet":"`+id+`","source":"`+acct+`","destination":"`+nano.DevGenesisAccount+`","amount":"601"}`, "Insufficient balance")
	if b := e.balance(acct); b != nano.NewAmount(600) {
		t.Fatalf("balance after sending back %s", b)
	}
	if b, _ := nano.GenesisAmount.Sub(nano.NewAmount(600)); e.balance(nano.DevGenesisAccount) != b {
		t.Fatalf("genesis balance %s", e.balance(nano.DevGenesisAccount))
	}
	fr := e.ok("wallet_frontiers", "wallet", id)["frontiers"].(map[string]any)
	if fr[acct] != back {
		t.Fatalf("frontiers %v, want %s", fr, back)
	}
}

func mustHash(t *testing.T, s string) nano.Hash {
	t.Helper()
	h, err := nano.ParseHash(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestWalletSendID: a repeated id returns the first block and sends nothing;
// a record whose block never reached the ledger (a crash between recording
// and processing) does not stop the send.
func TestWalletSendID(t *testing.T) {
	e := newWalletEnv(t)
	g := e.genesis.String()
	args := []string{"wallet", g, "source", nano.DevGenesisAccount, "destination", seed0Account0, "amount", "5", "id", "pay-1"}
	first := e.str(e.ok("send", args...), "block")
	again := e.str(e.ok("send", args...), "block")
	if first != again {
		t.Fatalf("repeated id sent again: %s then %s", first, again)
	}
	if n, _ := e.led.BlockCount(); n != 2 {
		t.Fatal("a repeated id stored another block")
	}
	other := e.str(e.ok("send", append(args[:len(args)-1:len(args)-1], "pay-2")...), "block")
	if other == first {
		t.Fatal("a new id did not send")
	}
	if err := e.wallets.RecordSend(e.genesis, "pay-3", nano.Hash{1}); err != nil {
		t.Fatal(err)
	}
	third := e.str(e.ok("send", append(args[:len(args)-1:len(args)-1], "pay-3")...), "block")
	if third == (nano.Hash{1}).String() {
		t.Fatal("a stale id record was answered without sending")
	}
	pub, _ := nano.ParseAccount(seed0Account0)
	r, _ := e.led.Receivable(pub, nano.Amount{}, 0)
	if len(r) != 3 {
		t.Fatalf("%d receivable, want 3", len(r))
	}
}

// TestWalletConcurrentSends: sends from one account in parallel each build
// on their own frontier, and receives of one block race to one success.
func TestWalletConcurrentSends(t *testing.T) {
	e := newWalletEnv(t)
	g := e.genesis.String()
	const workers, each = 8, 3
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for i := range workers {
		wg.Go(func() {
			for j := range each {
				m := e.call("send", "wallet", g, "source", nano.DevGenesisAccount, "destination", seed0Account0, "amount", fmt.Sprint(1+i*each+j))
				if m["error"] != nil {
					errs <- fmt.Errorf("send %d/%d: %v", i, j, m["error"])
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	total := uint64(workers * each * (workers*each + 1) / 2)
	want, _ := nano.GenesisAmount.Sub(nano.NewAmount(total))
	if got := e.balance(nano.DevGenesisAccount); got != want {
		t.Fatalf("genesis balance %s, want %s", got, want)
	}

	// Everyone receives the same block: one open, the rest Unreceivable.
	id := e.str(e.ok("wallet_create", "seed", "0"), "wallet")
	pub, _ := nano.ParseAccount(seed0Account0)
	r, _ := e.led.Receivable(pub, nano.Amount{}, 1)
	var mu sync.Mutex
	results := map[string]int{}
	for range workers {
		wg.Go(func() {
			m := e.call("receive", "wallet", id, "account", seed0Account0, "block", r[0].Hash.String())
			mu.Lock()
			defer mu.Unlock()
			if m["error"] != nil {
				results[m["error"].(string)]++
			} else {
				results["ok"]++
			}
		})
	}
	wg.Wait()
	if results["ok"] != 1 || results["Unreceivable"] != workers-1 {
		t.Fatalf("concurrent receives: %v", results)
	}
}

// TestWalletForkRetry: when another writer moves the frontier between
// building a block and processing it, the block is rebuilt, and the reply
// names the block that is in the ledger.
func TestWalletForkRetry(t *testing.T) {
	e := newWalletEnv(t)
	g := e.genesis.String()
	priv := nano.DevGenesisKey()
	interfere := 1
	e.w.build.BeforeProcess = func(b *nano.Block) {
		if interfere == 0 {
			return
		}
		interfere--
		// A change block on the same frontier, processed first.
		ai, _ := e.led.AccountInfo(priv.PublicKey())
		c := wallet.StateBlock(priv, ai.Frontier, nano.PublicKey{7}, ai.Balance, nano.Hash{})
		c.Work, _ = nano.Generate(context.Background(), c.Root(), nano.DevThresholds().Epoch1)
		if r, err := e.led.Process(context.Background(), c); r != ledger.Progress || err != nil {
			t.Errorf("interfering block: %v %v", r, err)
		}
	}
	hash := e.str(e.ok("send", "wallet", g, "source", nano.DevGenesisAccount, "destination", seed0Account0, "amount", "9"), "block")
	sb, err := e.led.Block(mustHash(t, hash))
	if err != nil {
		t.Fatalf("the reply names a block the ledger does not hold: %v", err)
	}
	if sb.Height != 3 || sb.Block.Representative != (nano.PublicKey{7}) {
		t.Fatalf("send was not rebuilt on the new frontier: %+v", sb)
	}

	// A writer that always wins: the send fails loudly.
	interfere = 1 << 30
	wantError(t, e, `{"action":"send","wallet":"`+g+`","source":"`+nano.DevGenesisAccount+`","destination":"`+seed0Account0+`","amount":"9"}`, "Error generating block")
}

// TestWalletCreateRestores: wallet_create with a seed restores every
// account up to the last one the ledger knows (a block or a receivable).
func TestWalletCreateRestores(t *testing.T) {
	e := newWalletEnv(t)
	g := e.genesis.String()
	var seed nano.Seed
	seed[31] = 9
	acct5 := nano.DeriveKey(seed, 5).PublicKey().Account()
	e.ok("send", "wallet", g, "source", nano.DevGenesisAccount, "destination", acct5, "amount", "1")
	m := e.ok("wallet_create", "seed", seed.Hex())
	if m["last_restored_account"] != acct5 || m["restored_count"] != "6" {
		t.Fatalf("wallet_create restored %v", m)
	}
	id := e.str(m, "wallet")
	if n := len(e.ok("account_list", "wallet", id)["accounts"].([]any)); n != 6 {
		t.Fatalf("%d accounts, want 6", n)
	}
	// Without ledger activity, only index 0.
	m = e.ok("wallet_create", "seed", "0")
	if m["last_restored_account"] != seed0Account0 || m["restored_count"] != "1" {
		t.Fatalf("wallet_create of an unused seed: %v", m)
	}
	// Without a seed, no account and no restore members.
	m = e.ok("wallet_create")
	if len(m) != 1 {
		t.Fatalf("wallet_create without a seed: %v", m)
	}
}

// TestWalletAccounts: account_create (next index, or a given one that does
// not move the next index), accounts_create, wallet_add, and the counts of
// wallet_info.
func TestWalletAccounts(t *testing.T) {
	e := newWalletEnv(t)
	id := e.str(e.ok("wallet_create", "seed", "0"), "wallet")
	var zero nano.Seed
	acct := func(i uint32) string { return nano.DeriveKey(zero, i).PublicKey().Account() }
	if got := e.str(e.ok("account_create", "wallet", id), "account"); got != acct(1) {
		t.Fatalf("account_create gave %s, want index 1 %s", got, acct(1))
	}
	if got := e.str(e.ok("account_create", "wallet", id, "index", "10"), "account"); got != acct(10) {
		t.Fatalf("account_create index 10 gave %s", got)
	}
	got := e.ok("accounts_create", "wallet", id, "count", "2")["accounts"].([]any)
	if len(got) != 2 || got[0] != acct(2) || got[1] != acct(3) {
		t.Fatalf("accounts_create gave %v", got)
	}
	e.ok("wallet_add", "wallet", id, "key", nano.DevGenesisPrivateKeyHex)
	info := e.ok("wallet_info", "wallet", id)
	if info["accounts_count"] != "6" || info["deterministic_count"] != "5" || info["adhoc_count"] != "1" || info["deterministic_index"] != "4" {
		t.Fatalf("wallet_info %v", info)
	}
	if info["balance"] != nano.GenesisAmount.String() || info["accounts_block_count"] != "1" {
		t.Fatalf("wallet_info sums %v", info)
	}
	// wallet_balances with a threshold leaves out smaller balances.
	bal := e.ok("wallet_balances", "wallet", id, "threshold", "1")["balances"].(map[string]any)
	if len(bal) != 1 || bal[nano.DevGenesisAccount] == nil {
		t.Fatalf("wallet_balances threshold 1: %v", bal)
	}
	if e.ok("wallet_contains", "wallet", id, "account", acct(10))["exists"] != "1" ||
		e.ok("wallet_contains", "wallet", id, "account", acct(11))["exists"] != "0" {
		t.Fatal("wallet_contains")
	}
	e.ok("wallet_destroy", "wallet", id)
	wantError(t, e, `{"action":"account_list","wallet":"`+id+`"}`, "Wallet not found")
}

// TestWalletRepresentativeSet: the new representative opens accounts, and
// update_existing_accounts moves the opened ones with change blocks.
func TestWalletRepresentativeSet(t *testing.T) {
	e := newWalletEnv(t)
	g := e.genesis.String()
	rep := nano.DeriveKey(nano.Seed{}, 77).PublicKey()
	e.ok("wallet_representative_set", "wallet", g, "representative", rep.Account())
	if e.ok("wallet_representative", "wallet", g)["representative"] != rep.Account() {
		t.Fatal("wallet_representative did not change")
	}
	gpub := nano.DevGenesisKey().PublicKey()
	if ai, _ := e.led.AccountInfo(gpub); ai.Representative != gpub {
		t.Fatal("an account changed representative without update_existing_accounts")
	}
	m := e.ok("wallet_representative_set", "wallet", g, "representative", rep.Account(), "update_existing_accounts", "true")
	if len(m) != 1 || m["set"] != "1" {
		t.Fatalf("reply %v", m)
	}
	if ai, _ := e.led.AccountInfo(gpub); ai.Representative != rep || ai.BlockCount != 2 {
		t.Fatalf("genesis after update: rep %s, %d blocks", ai.Representative.Account(), ai.BlockCount)
	}
	// Nothing to change the second time.
	e.ok("wallet_representative_set", "wallet", g, "representative", rep.Account(), "update_existing_accounts", "true")
	if ai, _ := e.led.AccountInfo(gpub); ai.BlockCount != 2 {
		t.Fatal("a change block for an account that already had the representative")
	}
	// The deprecated account form is flagged as the node flags it.
	dep := "nano-" + strings.TrimPrefix(rep.Account(), "nano_")
	if got := e.raw(`{"action":"wallet_representative_set","wallet":"` + g + `","representative":"` + dep + `"}`); got != "{\n    \"deprecated_account_format\": \"1\",\n    \"set\": \"1\"\n}\n" {
		t.Fatalf("deprecated form: %q", got)
	}
}

func TestWalletSeed(t *testing.T) {
	e := newWalletEnv(t)
	id := e.str(e.ok("wallet_create", "seed", "ABC"), "wallet")
	if got := e.str(e.ok("wallet_seed", "wallet", id), "seed"); got != strings.Repeat("0", 61)+"ABC" {
		t.Fatalf("wallet_seed %s", got)
	}
}

// TestWalletCallerWork: work given by the caller is checked against the
// frontier and used as is.
func TestWalletCallerWork(t *testing.T) {
	e := newWalletEnv(t)
	g := e.genesis.String()
	frontier := mustHash(t, nano.DevGenesisHashHex)
	work, err := nano.Generate(context.Background(), frontier, nano.DevThresholds().Epoch1)
	if err != nil {
		t.Fatal(err)
	}
	hash := e.str(e.ok("send", "wallet", g, "source", nano.DevGenesisAccount, "destination", seed0Account0, "amount", "1", "work", nano.FormatWork(work)), "block")
	sb, err := e.led.Block(mustHash(t, hash))
	if err != nil || sb.Block.Work != work {
		t.Fatalf("stored block %+v, %v; want work %x", sb.Block, err, work)
	}
	// Work for the old frontier that does not fit the new one is refused.
	for nano.Difficulty(mustHash(t, hash), work) >= nano.DevThresholds().Epoch1 {
		if work, err = nano.Generate(context.Background(), frontier, nano.DevThresholds().Epoch1); err != nil {
			t.Fatal(err)
		}
	}
	wantError(t, e, `{"action":"send","wallet":"`+g+`","source":"`+nano.DevGenesisAccount+`","destination":"`+seed0Account0+`","amount":"1","work":"`+nano.FormatWork(work)+`"}`, "Invalid work")
}

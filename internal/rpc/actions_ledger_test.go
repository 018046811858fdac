package rpc

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/ipc"
	"github.com/nipc/nipc/nano"
)

// ledgerEnv is a genesis-only ledger in a temporary directory behind the
// ledger actions, with a fixed clock (so replies are exact) and
// enable_control on.
type ledgerEnv struct {
	t      *testing.T
	led    *ledger.Ledger
	b      *Backend
	legacy *Legacy
}

// ledgerTestTime is the ledger's clock in these tests: every block is
// stored at this second.
var ledgerTestTime = time.Unix(1700000000, 0).UTC()

func newLedgerEnv(t *testing.T) *ledgerEnv {
	t.Helper()
	led, err := ledger.Open(filepath.Join(t.TempDir(), "ledger.db"), ledger.Options{
		NoSync: true,
		Now:    func() time.Time { return ledgerTestTime },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { led.Close() })
	b := &Backend{Ledger: led, Thresholds: nano.DevThresholds()}
	reg := NewRegistry()
	RegisterLedgerActions(reg, b)
	return &ledgerEnv{t: t, led: led, b: b, legacy: &Legacy{Registry: reg, EnableControl: true}}
}

func ledgerTestCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// raw answers one request body.
func (e *ledgerEnv) raw(body string) string {
	e.t.Helper()
	return string(e.legacy.Handle(context.Background(), ipc.EncodingJSON, []byte(body), nil))
}

// want checks a reply byte for byte against a tree.
func (e *ledgerEnv) want(body string, want *ptree.Tree) {
	e.t.Helper()
	if got, w := e.raw(body), string(ptree.AppendPretty(nil, want)); got != w {
		e.t.Errorf("%s\ngot  %s\nwant %s", body, got, w)
	}
}

func (e *ledgerEnv) wantErr(body, text string) {
	e.t.Helper()
	e.want(body, ptree.New().Put("error", text))
}

// build makes a block with BuildStateBlock and processes it.
func (e *ledgerEnv) build(priv nano.PrivateKey, kind string, p StateBlockParams) nano.Hash {
	e.t.Helper()
	b, err := e.b.BuildStateBlock(ledgerTestCtx(e.t), priv, kind, p)
	if err != nil {
		e.t.Fatalf("BuildStateBlock %s: %v", kind, err)
	}
	res, err := e.led.Process(ledgerTestCtx(e.t), b)
	if err != nil || res != ledger.Progress {
		e.t.Fatalf("process %s: %v %v", kind, res, err)
	}
	return b.Hash()
}

// ledgerTestKey is key i of the zero seed.
func ledgerTestKey(i uint32) nano.PrivateKey { return nano.DeriveKey(nano.Seed{}, i) }

func TestLedgerDecodeUnsigned(t *testing.T) {
	for _, c := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0", 0, true}, {"10", 10, true}, {" \t7", 7, true}, {"+5", 5, true},
		{"-1", 1<<64 - 1, true}, {"18446744073709551615", 1<<64 - 1, true},
		{"18446744073709551616", 0, false}, {"", 0, false}, {"-", 0, false},
		{"1x", 0, false}, {"1 ", 0, false}, {"0x10", 0, false}, {"1.0", 0, false},
	} {
		got, ok := decodeUnsigned(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("decodeUnsigned(%q) = %d, %v; want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestLedgerMulDiv(t *testing.T) {
	if got := mulDiv(nano.MaxAmount, 67, 100).String(); got != "227989185837028770520460986979284701674" {
		t.Errorf("max × 67 / 100 = %s", got)
	}
	if got := mulDiv(nano.NewAmount(100), 67, 100).String(); got != "67" {
		t.Errorf("100 × 67 / 100 = %s", got)
	}
	if got := mulDiv(nano.MaxAmount, 2, 1); got != nano.MaxAmount {
		t.Errorf("saturation: %s", got)
	}
}

func TestLedgerBuildStateBlock(t *testing.T) {
	e := newLedgerEnv(t)
	g := nano.DevGenesisKey()
	d, r := ledgerTestKey(1), ledgerTestKey(2)
	ctx := ledgerTestCtx(t)
	buildErr := func(priv nano.PrivateKey, kind string, p StateBlockParams, want string) {
		t.Helper()
		_, err := e.b.BuildStateBlock(ctx, priv, kind, p)
		var rerr *Error
		if !errors.As(err, &rerr) || rerr.Text != want {
			t.Errorf("%s: err %v, want %q", kind, err, want)
		}
	}
	amount := nano.RawPerNano
	s1 := e.build(g, "send", StateBlockParams{Destination: d.PublicKey(), Amount: amount})
	sb, err := e.led.Block(s1)
	if err != nil || sb.Subtype != ledger.SubtypeSend || sb.Amount != amount || sb.Block.Representative != g.PublicKey() {
		t.Fatalf("send: %+v %v", sb, err)
	}
	buildErr(d, "send", StateBlockParams{Destination: g.PublicKey(), Amount: amount}, "Account not found")
	buildErr(d, "change", StateBlockParams{Representative: r.PublicKey()}, "Account not found")
	buildErr(d, "receive", StateBlockParams{Source: s1}, "Representative account and source hash required")
	buildErr(r, "receive", StateBlockParams{Source: s1, Representative: r.PublicKey()}, "Unreceivable")
	buildErr(d, "receive", StateBlockParams{Source: nano.Hash{1}, Representative: r.PublicKey()}, "Block not found")
	buildErr(g, "send", StateBlockParams{Destination: d.PublicKey()}, "Invalid amount number")
	buildErr(g, "send", StateBlockParams{Destination: d.PublicKey(), Amount: nano.MaxAmount}, "Insufficient balance")
	buildErr(g, "change", StateBlockParams{}, "Representative account and previous hash required")
	buildErr(g, "epoch", StateBlockParams{}, "Invalid block type")

	o1 := e.build(d, "open", StateBlockParams{Source: s1, Representative: r.PublicKey()})
	buildErr(d, "receive", StateBlockParams{Source: s1}, "Unreceivable")
	ai, err := e.led.AccountInfo(d.PublicKey())
	if err != nil || ai.OpenBlock != o1 || ai.Balance != amount || ai.Representative != r.PublicKey() {
		t.Fatalf("open: %+v %v", ai, err)
	}
	s2 := e.build(g, "send", StateBlockParams{Destination: d.PublicKey(), Amount: nano.NewAmount(5)})
	r2 := e.build(d, "receive", StateBlockParams{Source: s2})
	c1 := e.build(d, "change", StateBlockParams{Representative: g.PublicKey()})
	ai, _ = e.led.AccountInfo(d.PublicKey())
	want, _ := amount.Add(nano.NewAmount(5))
	if ai.Frontier != c1 || ai.Balance != want || ai.Representative != g.PublicKey() || ai.BlockCount != 3 {
		t.Fatalf("after receive %s and change %s: %+v", r2, c1, ai)
	}
	// Given work is kept.
	b, err := e.b.BuildStateBlock(ctx, g, "send", StateBlockParams{Destination: d.PublicKey(), Amount: nano.NewAmount(1), Work: 1})
	if err != nil || b.Work != 1 || !b.VerifySignature(g.PublicKey()) {
		t.Fatalf("with work: %+v %v", b, err)
	}
	// An ended context stops work generation.
	done, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := e.b.BuildStateBlock(done, g, "send", StateBlockParams{Destination: d.PublicKey(), Amount: nano.NewAmount(1)}); err == nil {
		t.Fatal("work generated with a cancelled context")
	}
}

// TestLedgerReceivableShapes pins receivable's modes on three sends of
// different amounts: hashes in key order, offset before threshold, sorting
// after the threshold, accounts_receivable's count before sorting.
func TestLedgerReceivableShapes(t *testing.T) {
	e := newLedgerEnv(t)
	g := nano.DevGenesisKey()
	d := ledgerTestKey(1)
	dest := d.PublicKey().Account()
	var hashes []nano.Hash
	for _, a := range []uint64{5, 700, 60} {
		hashes = append(hashes, e.build(g, "send", StateBlockParams{Destination: d.PublicKey(), Amount: nano.NewAmount(a)}))
	}
	amounts := map[nano.Hash]string{hashes[0]: "5", hashes[1]: "700", hashes[2]: "60"}
	// Key order is hash order.
	sorted := slices.SortedFunc(slices.Values(hashes), func(a, b nano.Hash) int { return strings.Compare(a.String(), b.String()) })
	list := ptree.New()
	for _, h := range sorted {
		list.PushValue(h.String())
	}
	e.want(`{"action": "receivable", "account": "`+dest+`"}`, ptree.New().PutChild("blocks", list))

	// Offset 1 skips the first entry whatever its amount, then the
	// threshold drops small ones.
	want := ptree.New()
	for _, h := range sorted[1:] {
		if amounts[h] != "5" {
			want.Put(h.String(), amounts[h])
		}
	}
	e.want(`{"action": "receivable", "account": "`+dest+`", "offset": 1, "threshold": "6"}`, ptree.New().PutChild("blocks", want))

	// Sorting: largest first, then offset and count.
	e.want(`{"action": "receivable", "account": "`+dest+`", "sorting": true, "offset": 1, "count": 1}`,
		ptree.New().PutChild("blocks", ptree.New().Put(hashes[2].String(), "60")))
	withSource := ptree.New().PutChild(hashes[1].String(), ptree.New().Put("amount", "700").Put("source", nano.DevGenesisAccount))
	e.want(`{"action": "receivable", "account": "`+dest+`", "sorting": true, "source": true, "count": 1}`, ptree.New().PutChild("blocks", withSource))
	minVersion := ptree.New().PutChild(hashes[1].String(), ptree.New().Put("amount", "700").Put("min_version", "0"))
	e.want(`{"action": "receivable", "account": "`+dest+`", "sorting": true, "min_version": true, "count": 1}`, ptree.New().PutChild("blocks", minVersion))

	// accounts_receivable takes count entries in key order, then sorts them.
	first2 := []nano.Hash{sorted[0], sorted[1]}
	slices.SortFunc(first2, func(a, b nano.Hash) int {
		x, _ := nano.ParseAmount(amounts[a])
		y, _ := nano.ParseAmount(amounts[b])
		return y.Cmp(x)
	})
	peers := ptree.New().Put(first2[0].String(), amounts[first2[0]]).Put(first2[1].String(), amounts[first2[1]])
	e.want(`{"action": "accounts_receivable", "accounts": ["`+dest+`", "`+nano.DevGenesisAccount+`"], "count": 2, "sorting": true}`,
		ptree.New().PutChild("blocks", ptree.New().PutChild(dest, peers)))
}

// TestLedgerRepresentativesOrder: unsorted is account order capped at
// count (no off-by-one); sorted is by weight.
func TestLedgerRepresentativesOrder(t *testing.T) {
	e := newLedgerEnv(t)
	g := nano.DevGenesisKey()
	var reps []nano.PublicKey
	for i := uint32(1); i <= 3; i++ {
		k := ledgerTestKey(i)
		s := e.build(g, "send", StateBlockParams{Destination: k.PublicKey(), Amount: nano.NewAmount(uint64(i) * 10)})
		e.build(k, "open", StateBlockParams{Source: s, Representative: k.PublicKey()})
		reps = append(reps, k.PublicKey())
	}
	weights, err := e.led.Representatives()
	if err != nil || len(weights) != 4 {
		t.Fatalf("%v %v", weights, err)
	}
	all := append([]nano.PublicKey{g.PublicKey()}, reps...)
	slices.SortFunc(all, func(a, b nano.PublicKey) int { return strings.Compare(a.String(), b.String()) }) // account order
	want := ptree.New()
	for _, k := range all[:2] {
		want.Put(k.Account(), weights[k].String())
	}
	e.want(`{"action": "representatives", "count": 2}`, ptree.New().PutChild("representatives", want))
	sorted := ptree.New().
		Put(nano.DevGenesisAccount, weights[g.PublicKey()].String()).
		Put(reps[2].Account(), "30").
		Put(reps[1].Account(), "20")
	e.want(`{"action": "representatives", "count": 3, "sorting": true}`, ptree.New().PutChild("representatives", sorted))
	// confirmation_quorum: only the genesis representative is online.
	gw := weights[g.PublicKey()]
	e.want(`{"action": "confirmation_quorum"}`, ptree.New().
		Put("quorum_delta", mulDiv(gw, 67, 100).String()).
		Put("online_weight_quorum_percent", "67").
		Put("online_weight_minimum", "60000000000000000000000000000000000000").
		Put("online_stake_total", gw.String()).
		Put("trended_stake_total", gw.String()).
		Put("peers_stake_total", "0"))
	// available_supply: what left the genesis.
	e.want(`{"action": "available_supply"}`, ptree.New().Put("available", "60"))
}

// TestLedgerAccountsDuplicates: a repeated account is one entry (boost
// put), and the deprecated flag comes first.
func TestLedgerAccountsDuplicates(t *testing.T) {
	e := newLedgerEnv(t)
	g := nano.DevGenesisAccount
	dash := "nano-" + g[5:]
	bal := ptree.New().Put("balance", nano.MaxAmount.String()).Put("pending", "0").Put("receivable", "0")
	e.want(`{"action": "accounts_balances", "accounts": ["`+g+`", "`+dash+`", "`+g+`"]}`,
		ptree.New().Put("deprecated_account_format", "1").PutChild("balances", ptree.New().PutChild(g, bal).PutChild(dash, bal)))
}

// TestLedgerHistoryPaging walks a chain longer than one ledger batch.
func TestLedgerHistoryPaging(t *testing.T) {
	e := newLedgerEnv(t)
	g := nano.DevGenesisKey()
	d := ledgerTestKey(1).PublicKey()
	n := historyBatch + 10
	hashes := []nano.Hash{genesisHash}
	for range n {
		b := &nano.Block{Type: nano.BlockTypeState, Account: g.PublicKey(), Previous: hashes[len(hashes)-1], Representative: g.PublicKey(), Link: nano.Hash(d)}
		prev, _ := e.led.AccountInfo(g.PublicKey())
		b.Balance, _ = prev.Balance.Sub(nano.NewAmount(1))
		b.Sign(g)
		b.Work = 1
		for b.Difficulty() < e.b.Thresholds.Epoch1 {
			b.Work++
		}
		if res, err := e.led.Process(ledgerTestCtx(t), b); err != nil || res != ledger.Progress {
			t.Fatalf("%v %v", res, err)
		}
		hashes = append(hashes, b.Hash())
	}
	// From the frontier, count n: every send, then "previous" is the genesis.
	out := e.raw(`{"action": "account_history", "account": "` + nano.DevGenesisAccount + `", "count": ` + strconv.Itoa(n) + `}`)
	if !strings.HasSuffix(out, "\"previous\": \""+genesisHash.String()+"\"\n}\n") || strings.Count(out, `"type": "send"`) != n {
		t.Errorf("history of %d sends: %.300s ... %s", n, out, out[max(0, len(out)-200):])
	}
	// Reverse from the open block, offset past the first batch.
	out = e.raw(`{"action": "account_history", "account": "` + nano.DevGenesisAccount + `", "count": 2, "reverse": true, "offset": ` + strconv.Itoa(historyBatch) + `}`)
	if !strings.Contains(out, hashes[historyBatch].String()) || !strings.Contains(out, `"next": "`+hashes[historyBatch+2].String()) {
		t.Errorf("reverse page: %s", out)
	}
}

// TestLedgerLegacyHistory: account_history and block_info for the legacy
// block types, raw and not.
func TestLedgerLegacyHistory(t *testing.T) {
	e := newLedgerEnv(t)
	g, d, x := nano.DevGenesisKey(), ledgerTestKey(1), ledgerTestKey(2)
	G, D, X := g.PublicKey(), d.PublicKey(), x.PublicKey()
	put := func(priv nano.PrivateKey, b *nano.Block) *nano.Block {
		t.Helper()
		b.Sign(priv)
		w, err := nano.Generate(ledgerTestCtx(t), b.Root(), e.b.Thresholds.Epoch1)
		if err != nil {
			t.Fatal(err)
		}
		b.Work = w
		if res, err := e.led.Process(ledgerTestCtx(t), b); err != nil || res != ledger.Progress {
			t.Fatalf("%s: %v %v", b.Type, res, err)
		}
		return b
	}
	bal1, _ := nano.MaxAmount.Sub(nano.NewAmount(100))
	bal2, _ := bal1.Sub(nano.NewAmount(50))
	send1 := put(g, &nano.Block{Type: nano.BlockTypeSend, Previous: genesisHash, Destination: D, Balance: bal1})
	open := put(d, &nano.Block{Type: nano.BlockTypeOpen, Source: send1.Hash(), Representative: D, Account: D})
	change := put(g, &nano.Block{Type: nano.BlockTypeChange, Previous: send1.Hash(), Representative: X})
	send2 := put(g, &nano.Block{Type: nano.BlockTypeSend, Previous: change.Hash(), Destination: D, Balance: bal2})
	recv := put(d, &nano.Block{Type: nano.BlockTypeReceive, Previous: open.Hash(), Source: send2.Hash()})

	const ts = "1700000000"
	tail := func(t *ptree.Tree, b *nano.Block, height string, raw bool) *ptree.Tree {
		t.Put("local_timestamp", ts).Put("height", height).Put("hash", b.Hash().String()).Put("confirmed", "true")
		if raw {
			t.Put("work", nano.FormatWork(b.Work)).Put("signature", b.Signature.String())
		}
		return t
	}
	genesis := nano.DevGenesisBlock()
	hist := func(acct nano.PublicKey, entries ...*ptree.Tree) *ptree.Tree {
		l := ptree.New()
		for _, en := range entries {
			l.Push(en)
		}
		return ptree.New().Put("account", acct.Account()).PutChild("history", l)
	}
	e.want(`{"action": "account_history", "account": "`+G.Account()+`", "count": 10}`, hist(G,
		tail(ptree.New().Put("type", "send").Put("account", D.Account()).Put("amount", "50"), send2, "4", false),
		tail(ptree.New().Put("type", "send").Put("account", D.Account()).Put("amount", "100"), send1, "2", false),
		tail(ptree.New().Put("type", "receive").Put("account", G.Account()).Put("amount", nano.MaxAmount.String()), genesis, "1", false)))
	e.want(`{"action": "account_history", "account": "`+G.Account()+`", "count": 10, "raw": true}`, hist(G,
		tail(ptree.New().Put("type", "send").Put("account", D.Account()).Put("amount", "50").
			Put("destination", D.Account()).Put("balance", bal2.String()).Put("previous", change.Hash().String()), send2, "4", true),
		tail(ptree.New().Put("type", "change").Put("representative", X.Account()).Put("previous", send1.Hash().String()), change, "3", true),
		tail(ptree.New().Put("type", "send").Put("account", D.Account()).Put("amount", "100").
			Put("destination", D.Account()).Put("balance", bal1.String()).Put("previous", genesisHash.String()), send1, "2", true),
		tail(ptree.New().Put("type", "open").Put("representative", G.Account()).Put("source", G.String()).Put("opened", G.Account()).
			Put("account", G.Account()).Put("amount", nano.MaxAmount.String()), genesis, "1", true)))
	e.want(`{"action": "account_history", "account": "`+D.Account()+`", "count": 10, "raw": true}`, hist(D,
		tail(ptree.New().Put("type", "receive").Put("account", G.Account()).Put("amount", "50").
			Put("source", send2.Hash().String()).Put("previous", open.Hash().String()), recv, "2", true),
		tail(ptree.New().Put("type", "open").Put("representative", D.Account()).Put("source", send1.Hash().String()).Put("opened", D.Account()).
			Put("account", G.Account()).Put("amount", "100"), open, "1", true)))
	// A filter drops the sends to other accounts; raw changes go too.
	e.want(`{"action": "account_history", "account": "`+G.Account()+`", "count": 2, "raw": true, "account_filter": ["`+X.Account()+`"]}`,
		hist(G, tail(ptree.New().Put("type", "open").Put("representative", G.Account()).Put("source", G.String()).Put("opened", G.Account()).
			Put("account", G.Account()).Put("amount", nano.MaxAmount.String()), genesis, "1", true)))
	// block_info of a legacy block has no subtype; blocks_info source and
	// receive_hash for legacy receives.
	j, _ := recv.MarshalJSON()
	tree, _ := ptree.Parse(j)
	e.want(`{"action": "block_info", "hash": "`+recv.Hash().String()+`", "json_block": true, "include_linked_account": true}`,
		ptree.New().Put("block_account", D.Account()).Put("linked_account", G.Account()).Put("amount", "50").Put("balance", "150").
			Put("height", "2").Put("local_timestamp", ts).Put("successor", nano.Hash{}.String()).Put("confirmed", "true").PutChild("contents", tree))
	out := e.raw(`{"action": "blocks_info", "hashes": ["` + send2.Hash().String() + `", "` + recv.Hash().String() + `"], "receive_hash": true, "source": true}`)
	if !strings.Contains(out, `"receive_hash": "`+recv.Hash().String()+`",`) || !strings.Contains(out, `"source_account": "`+G.Account()+`"`) {
		t.Errorf("blocks_info: %s", out)
	}
	e.want(`{"action": "delegators", "account": "`+X.Account()+`"}`, ptree.New().PutChild("delegators", ptree.New().Put(G.Account(), bal2.String())))
}

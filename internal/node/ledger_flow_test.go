package node_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
	"github.com/nipc/nipc/nano"
)

// ledgerClient sends legacy requests to a test node over one transport
// and compares replies byte for byte.
type ledgerClient struct {
	t  *testing.T
	cl *client.Client
}

func newLedgerClient(t *testing.T, n *testenv.Node, tr testenv.Transport) *ledgerClient {
	return &ledgerClient{t: t, cl: testenv.Dial(t, n, tr)}
}

// req is a legacy request: action and parameters.
type req map[string]any

// raw sends r (encoding 1) and returns the reply text.
func (c *ledgerClient) raw(r req) string {
	c.t.Helper()
	body, err := json.Marshal(r)
	if err != nil {
		c.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := c.cl.Do(ctx, ipc.EncodingJSON, body)
	if err != nil {
		c.t.Fatalf("%s: %v", body, err)
	}
	return string(out)
}

// want checks the reply to r against want, rendered as the node renders.
func (c *ledgerClient) want(r req, want *ptree.Tree) {
	c.t.Helper()
	if got, w := c.raw(r), string(ptree.AppendPretty(nil, want)); got != w {
		c.t.Errorf("%v\ngot  %s\nwant %s", r, got, w)
	}
}

func (c *ledgerClient) wantErr(r req, text string) {
	c.t.Helper()
	c.want(r, ptree.New().Put("error", text))
}

// get decodes a reply that must not be an error.
func (c *ledgerClient) get(r req) map[string]any {
	c.t.Helper()
	out := c.raw(r)
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		c.t.Fatalf("%v: %v\n%s", r, err, out)
	}
	if e, bad := m["error"]; bad {
		c.t.Fatalf("%v: error %v", r, e)
	}
	return m
}

// process submits b as a JSON object and checks the hash it answers.
func (c *ledgerClient) process(b *nano.Block) nano.Hash {
	c.t.Helper()
	c.want(req{"action": "process", "json_block": true, "block": b}, ptree.New().Put("hash", b.Hash().String()))
	return b.Hash()
}

// timestamp is a block's local_timestamp, from block_info.
func (c *ledgerClient) timestamp(h nano.Hash) string {
	c.t.Helper()
	return c.get(req{"action": "block_info", "hash": h.String()})["local_timestamp"].(string)
}

// stateBlock returns a state block signed by priv with work at the dev
// ledger's threshold.
func stateBlock(t *testing.T, priv nano.PrivateKey, previous nano.Hash, rep nano.PublicKey, balance nano.Amount, link nano.Hash) *nano.Block {
	t.Helper()
	b := &nano.Block{Type: nano.BlockTypeState, Account: priv.PublicKey(), Previous: previous, Representative: rep, Balance: balance, Link: link}
	b.Sign(priv)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	w, err := nano.Generate(ctx, b.Root(), nano.DevThresholds().Epoch1)
	if err != nil {
		t.Fatal(err)
	}
	b.Work = w
	return b
}

func add(t *testing.T, a, b nano.Amount) nano.Amount {
	t.Helper()
	s, ok := a.Add(b)
	if !ok {
		t.Fatal("overflow")
	}
	return s
}

func sub(t *testing.T, a, b nano.Amount) nano.Amount {
	t.Helper()
	s, ok := a.Sub(b)
	if !ok {
		t.Fatal("underflow")
	}
	return s
}

// contents is a block as block_info's default "contents": its pretty JSON.
func contents(t *testing.T, b *nano.Block) string {
	t.Helper()
	j, err := b.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	tree, err := ptree.Parse(j)
	if err != nil {
		t.Fatal(err)
	}
	return string(ptree.AppendPretty(nil, tree))
}

func list(items ...string) *ptree.Tree {
	t := ptree.New()
	for _, s := range items {
		t.PushValue(s)
	}
	return t
}

// testKey is key i of the zero seed.
func testKey(i uint32) nano.PrivateKey { return nano.DeriveKey(nano.Seed{}, i) }

var genesisHash = nano.DevGenesisBlock().Hash()

// TestLedgerFlow processes two sends from the genesis, the open and the
// receive of the destination and a representative change, and checks the
// ledger actions' whole replies along the way, over each transport.
func TestLedgerFlow(t *testing.T) {
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) { testLedgerFlow(t, tr) })
	}
}

func testLedgerFlow(t *testing.T, tr testenv.Transport) {
	n := testenv.Start(t, testenv.Options{})
	c := newLedgerClient(t, n, tr)
	g, d, r, x := nano.DevGenesisKey(), testKey(1), testKey(2), testKey(3)
	G, D, R, X := g.PublicKey(), d.PublicKey(), r.PublicKey(), x.PublicKey()
	a1, a2 := nano.RawPerNano, nano.NewAmount(5)
	bal1 := sub(t, nano.MaxAmount, a1)
	bal2 := sub(t, bal1, a2)
	dBal := add(t, a1, a2)
	zero := nano.Hash{}

	// Send 1: genesis → D.
	s1b := stateBlock(t, g, genesisHash, G, bal1, nano.Hash(D))
	s1 := c.process(s1b)
	c.want(req{"action": "receivable", "account": D.Account()}, ptree.New().PutChild("blocks", list(s1.String())))
	c.want(req{"action": "receivable_exists", "hash": s1.String()}, ptree.New().Put("exists", "1"))
	c.want(req{"action": "account_balance", "account": D.Account()}, ptree.New().Put("balance", "0").Put("pending", a1.String()).Put("receivable", a1.String()))
	c.wantErr(req{"action": "account_info", "account": D.Account()}, "Account not found")

	// Send 2: genesis → D, a smaller amount.
	s2b := stateBlock(t, g, s1, G, bal2, nano.Hash(D))
	s2 := c.process(s2b)
	c.want(req{"action": "receivable", "account": D.Account(), "sorting": true},
		ptree.New().PutChild("blocks", ptree.New().Put(s1.String(), a1.String()).Put(s2.String(), a2.String())))
	c.want(req{"action": "receivable", "account": D.Account(), "threshold": "6", "source": true},
		ptree.New().PutChild("blocks", ptree.New().PutChild(s1.String(), ptree.New().Put("amount", a1.String()).Put("source", G.Account()))))
	c.want(req{"action": "accounts_receivable", "accounts": []string{D.Account(), G.Account()}, "threshold": "1", "sorting": true},
		ptree.New().PutChild("blocks", ptree.New().PutChild(D.Account(), ptree.New().Put(s1.String(), a1.String()).Put(s2.String(), a2.String()))))
	c.want(req{"action": "account_balance", "account": D.Account()}, ptree.New().Put("balance", "0").Put("pending", dBal.String()).Put("receivable", dBal.String()))

	// D opens with R receiving send 1, receives send 2, changes to X.
	o1b := stateBlock(t, d, zero, R, a1, s1)
	o1 := c.process(o1b)
	c.want(req{"action": "receivable_exists", "hash": s1.String()}, ptree.New().Put("exists", "0"))
	c.want(req{"action": "delegators", "account": R.Account()}, ptree.New().PutChild("delegators", ptree.New().Put(D.Account(), a1.String())))
	r2b := stateBlock(t, d, o1, R, dBal, s2)
	r2 := c.process(r2b)
	c1b := stateBlock(t, d, r2, X, dBal, zero)
	c1 := c.process(c1b)
	c.want(req{"action": "receivable", "account": D.Account()}, ptree.New().PutChild("blocks", ptree.New()))
	c.want(req{"action": "pending_exists", "hash": s2.String()}, ptree.New().Put("deprecated", "1").Put("exists", "0"))

	ts := map[nano.Hash]string{}
	for _, h := range []nano.Hash{genesisHash, s1, s2, o1, r2, c1} {
		ts[h] = c.timestamp(h)
	}

	// account_info, every flag.
	c.want(req{"action": "account_info", "account": D.Account(), "representative": true, "weight": true, "receivable": true},
		ptree.New().Put("frontier", c1.String()).Put("open_block", o1.String()).Put("representative_block", c1.String()).
			Put("balance", dBal.String()).Put("modified_timestamp", ts[c1]).Put("block_count", "3").Put("account_version", "0").
			Put("confirmation_height", "3").Put("confirmation_height_frontier", c1.String()).
			Put("representative", X.Account()).Put("weight", "0").Put("pending", "0").Put("receivable", "0"))
	c.want(req{"action": "account_info", "account": G.Account(), "include_confirmed": true, "representative": true, "pending": true},
		ptree.New().Put("frontier", s2.String()).Put("open_block", genesisHash.String()).Put("representative_block", s2.String()).
			Put("balance", bal2.String()).Put("confirmed_balance", bal2.String()).Put("modified_timestamp", ts[s2]).Put("block_count", "3").
			Put("account_version", "0").Put("confirmed_height", "3").Put("confirmed_frontier", s2.String()).
			Put("representative", G.Account()).Put("confirmed_representative", G.Account()).
			Put("pending", "0").Put("receivable", "0").Put("confirmed_pending", "0").Put("confirmed_receivable", "0"))

	// account_history, both directions, offset, raw, head.
	entry := func(h nano.Hash, typ string, acct nano.PublicKey, amount nano.Amount, height string) *ptree.Tree {
		return ptree.New().Put("type", typ).Put("account", acct.Account()).Put("amount", amount.String()).
			Put("local_timestamp", ts[h]).Put("height", height).Put("hash", h.String()).Put("confirmed", "true")
	}
	hist := func(acct nano.PublicKey, entries ...*ptree.Tree) *ptree.Tree {
		l := ptree.New()
		for _, e := range entries {
			l.Push(e)
		}
		return ptree.New().Put("account", acct.Account()).PutChild("history", l)
	}
	c.want(req{"action": "account_history", "account": D.Account(), "count": 10},
		hist(D, entry(r2, "receive", G, a2, "2"), entry(o1, "receive", G, a1, "1")))
	c.want(req{"action": "account_history", "account": D.Account(), "count": 1},
		hist(D, entry(r2, "receive", G, a2, "2")).Put("previous", o1.String()))
	c.want(req{"action": "account_history", "account": D.Account(), "count": 1, "reverse": true},
		hist(D, entry(o1, "receive", G, a1, "1")).Put("next", r2.String()))
	c.want(req{"action": "account_history", "account": D.Account(), "count": 1, "offset": 1},
		hist(D, entry(r2, "receive", G, a2, "2")).Put("previous", o1.String()))
	c.want(req{"action": "account_history", "account": D.Account(), "count": "1", "offset": "1", "reverse": true},
		hist(D, entry(r2, "receive", G, a2, "2")).Put("next", c1.String()))
	raw := func(b *nano.Block, subtype string, acct *nano.PublicKey, amount nano.Amount, height string) *ptree.Tree {
		h := b.Hash()
		e := ptree.New().Put("type", "state").Put("representative", b.Representative.Account()).Put("link", b.Link.String()).
			Put("balance", b.Balance.String()).Put("previous", b.Previous.String()).Put("subtype", subtype)
		if acct != nil {
			e.Put("account", acct.Account()).Put("amount", amount.String())
		}
		return e.Put("local_timestamp", ts[h]).Put("height", height).Put("hash", h.String()).Put("confirmed", "true").
			Put("work", nano.FormatWork(b.Work)).Put("signature", b.Signature.String())
	}
	c.want(req{"action": "account_history", "account": D.Account(), "count": 10, "raw": true},
		hist(D, raw(c1b, "change", nil, nano.Amount{}, "3"), raw(r2b, "receive", &G, a2, "2"), raw(o1b, "receive", &G, a1, "1")))
	genesisEntry := entry(genesisHash, "receive", G, nano.MaxAmount, "1")
	c.want(req{"action": "account_history", "account": G.Account(), "count": 10},
		hist(G, entry(s2, "send", D, a2, "3"), entry(s1, "send", D, a1, "2"), genesisEntry))
	c.want(req{"action": "account_history", "account": G.Account(), "count": 10, "account_filter": []string{X.Account()}}, hist(G, genesisEntry))
	c.want(req{"action": "account_history", "head": s1.String(), "count": 1},
		hist(G, entry(s1, "send", D, a1, "2")).Put("previous", genesisHash.String()))
	c.want(req{"action": "history", "hash": s1.String(), "count": 1},
		ptree.New().Put("deprecated", "1").Put("account", G.Account()).
			PutChild("history", ptree.New().PutChild("", entry(s1, "send", D, a1, "2"))).Put("previous", genesisHash.String()))

	// chain and successors.
	c.want(req{"action": "chain", "block": s2.String(), "count": 10}, ptree.New().PutChild("blocks", list(s2.String(), s1.String(), genesisHash.String())))
	c.want(req{"action": "chain", "block": s2.String(), "count": 10, "offset": 1}, ptree.New().PutChild("blocks", list(s1.String(), genesisHash.String())))
	c.want(req{"action": "successors", "block": genesisHash.String(), "count": 2}, ptree.New().PutChild("blocks", list(genesisHash.String(), s1.String())))
	c.want(req{"action": "successors", "block": s1.String(), "count": 5, "reverse": true}, ptree.New().PutChild("blocks", list(s1.String(), genesisHash.String())))
	c.want(req{"action": "chain", "block": o1.String(), "count": 5, "reverse": "true"}, ptree.New().PutChild("blocks", list(o1.String(), r2.String(), c1.String())))

	// delegators and representatives.
	c.want(req{"action": "delegators", "account": G.Account()}, ptree.New().PutChild("delegators", ptree.New().Put(G.Account(), bal2.String())))
	c.want(req{"action": "delegators", "account": X.Account()}, ptree.New().PutChild("delegators", ptree.New().Put(D.Account(), dBal.String())))
	c.want(req{"action": "delegators", "account": R.Account()}, ptree.New().PutChild("delegators", ptree.New()))
	c.want(req{"action": "delegators", "account": X.Account(), "threshold": add(t, dBal, nano.NewAmount(1)).String()}, ptree.New().PutChild("delegators", ptree.New()))
	c.want(req{"action": "delegators_count", "account": X.Account()}, ptree.New().Put("count", "1"))
	c.want(req{"action": "delegators_count", "account": R.Account()}, ptree.New().Put("count", "0"))
	byAccount := []nano.PublicKey{G, X}
	slices.SortFunc(byAccount, func(a, b nano.PublicKey) int { return bytes.Compare(a[:], b[:]) })
	weights := map[nano.PublicKey]nano.Amount{G: bal2, X: dBal}
	reps := ptree.New()
	for _, k := range byAccount {
		reps.Put(k.Account(), weights[k].String())
	}
	c.want(req{"action": "representatives"}, ptree.New().PutChild("representatives", reps))
	c.want(req{"action": "representatives", "sorting": true},
		ptree.New().PutChild("representatives", ptree.New().Put(G.Account(), bal2.String()).Put(X.Account(), dBal.String())))
	c.want(req{"action": "representatives_online", "weight": true},
		ptree.New().PutChild("representatives", ptree.New().PutChild(G.Account(), ptree.New().Put("weight", bal2.String()))))
	c.want(req{"action": "account_weight", "account": X.Account()}, ptree.New().Put("weight", dBal.String()))
	c.want(req{"action": "account_representative", "account": D.Account()}, ptree.New().Put("representative", X.Account()))

	// Balances, frontiers, representatives of several accounts.
	c.want(req{"action": "accounts_balances", "accounts": []string{G.Account(), D.Account(), X.Account()}},
		ptree.New().PutChild("balances", ptree.New().
			PutChild(G.Account(), ptree.New().Put("balance", bal2.String()).Put("pending", "0").Put("receivable", "0")).
			PutChild(D.Account(), ptree.New().Put("balance", dBal.String()).Put("pending", "0").Put("receivable", "0")).
			PutChild(X.Account(), ptree.New().Put("balance", "0").Put("pending", "0").Put("receivable", "0"))))
	c.want(req{"action": "accounts_frontiers", "accounts": []string{G.Account(), D.Account(), X.Account()}},
		ptree.New().PutChild("frontiers", ptree.New().Put(G.Account(), s2.String()).Put(D.Account(), c1.String())).
			PutChild("errors", ptree.New().Put(X.Account(), "Account not found")))
	c.want(req{"action": "accounts_representatives", "accounts": []string{D.Account(), G.Account()}},
		ptree.New().PutChild("representatives", ptree.New().Put(D.Account(), X.Account()).Put(G.Account(), G.Account())))
	byAccount = []nano.PublicKey{G, D}
	slices.SortFunc(byAccount, func(a, b nano.PublicKey) int { return bytes.Compare(a[:], b[:]) })
	heads := map[nano.PublicKey]nano.Hash{G: s2, D: c1}
	fr := ptree.New()
	for _, k := range byAccount {
		fr.Put(k.Account(), heads[k].String())
	}
	c.want(req{"action": "frontiers", "account": nano.PublicKey{}.Account(), "count": 10}, ptree.New().PutChild("frontiers", fr))
	c.want(req{"action": "frontier_count"}, ptree.New().Put("count", "2"))
	c.want(req{"action": "block_count"}, ptree.New().Put("count", "6").Put("unchecked", "0").Put("cemented", "6"))
	c.want(req{"action": "available_supply"}, ptree.New().Put("available", dBal.String()))
	delta := new(big.Int).SetBytes(func() []byte { b := bal2.Bytes(); return b[:] }())
	delta.Mul(delta, big.NewInt(67)).Quo(delta, big.NewInt(100))
	c.want(req{"action": "confirmation_quorum"}, ptree.New().Put("quorum_delta", delta.String()).Put("online_weight_quorum_percent", "67").
		Put("online_weight_minimum", "60000000000000000000000000000000000000").Put("online_stake_total", bal2.String()).
		Put("trended_stake_total", bal2.String()).Put("peers_stake_total", "0"))

	// block_info and blocks_info.
	c.want(req{"action": "block_info", "hash": c1.String()},
		ptree.New().Put("block_account", D.Account()).Put("amount", "0").Put("balance", dBal.String()).Put("height", "3").
			Put("local_timestamp", ts[c1]).Put("successor", zero.String()).Put("confirmed", "true").
			Put("contents", contents(t, c1b)).Put("subtype", "change"))
	info := func(b *nano.Block, acct nano.PublicKey, amount, balance nano.Amount, height string, successor nano.Hash, subtype string) *ptree.Tree {
		return ptree.New().Put("block_account", acct.Account()).Put("amount", amount.String()).Put("balance", balance.String()).
			Put("height", height).Put("local_timestamp", ts[b.Hash()]).Put("successor", successor.String()).Put("confirmed", "true").
			Put("contents", contents(t, b)).Put("subtype", subtype)
	}
	c.want(req{"action": "blocks_info", "hashes": []string{s1.String(), o1.String()}, "receivable": true, "receive_hash": true, "source": true},
		ptree.New().PutChild("blocks", ptree.New().
			PutChild(s1.String(), info(s1b, G, a1, bal1, "2", s2, "send").Put("pending", "0").Put("receivable", "0").
				Put("receive_hash", o1.String()).Put("source_account", "0")).
			PutChild(o1.String(), info(o1b, D, a1, a1, "1", r2, "receive").Put("pending", "0").Put("receivable", "0").
				Put("receive_hash", zero.String()).Put("source_account", G.Account()))))
	c.want(req{"action": "blocks_info", "hashes": []string{s2.String(), "F" + s2.String()[1:]}, "include_not_found": true, "include_linked_account": true},
		ptree.New().PutChild("blocks", ptree.New().
			PutChild(s2.String(), ptree.New().Put("block_account", G.Account()).Put("linked_account", D.Account()).Put("amount", a2.String()).
				Put("balance", bal2.String()).Put("height", "3").Put("local_timestamp", ts[s2]).Put("successor", zero.String()).
				Put("confirmed", "true").Put("contents", contents(t, s2b)).Put("subtype", "send"))).
			PutChild("blocks_not_found", list("F"+s2.String()[1:])))
	c.want(req{"action": "blocks", "hashes": []string{r2.String()}}, ptree.New().PutChild("blocks", ptree.New().Put(r2.String(), contents(t, r2b))))
	c.want(req{"action": "block_account", "hash": r2.String()}, ptree.New().Put("account", D.Account()))
}

package node_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

// TestLedgerProcessErrors: process answers each ledger result with the
// node's text, accepts a block given as a string (json_block false), runs
// the subtype check, and processes what block_create and sign produce.
func TestLedgerProcessErrors(t *testing.T) {
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) { testLedgerProcessErrors(t, tr) })
	}
}

func testLedgerProcessErrors(t *testing.T, tr testenv.Transport) {
	n := testenv.Start(t, testenv.Options{
		RPC:  func(r *config.RPC) { r.EnableControl = true },
		Node: func(c *config.Node) { c.RPC.EnableSignHash = true },
	})
	c := newLedgerClient(t, n, tr)
	g, d, x := nano.DevGenesisKey(), testKey(1), testKey(2)
	G, D := g.PublicKey(), d.PublicKey()
	ten, twenty := nano.NewAmount(10), nano.NewAmount(20)
	unknown := nano.Hash{0xAA}
	processErr := func(b *nano.Block, text string) {
		t.Helper()
		c.wantErr(req{"action": "process", "json_block": true, "block": b}, text)
	}

	processErr(nano.DevGenesisBlock(), "Old block")

	// json_block false: the block is a string holding its JSON.
	s1b := stateBlock(t, g, genesisHash, G, sub(t, nano.MaxAmount, ten), nano.Hash(D))
	j, err := s1b.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	c.want(req{"action": "process", "json_block": "false", "block": string(j)}, ptree.New().Put("hash", s1b.Hash().String()))
	s1 := s1b.Hash()
	processErr(s1b, "Old block")

	// A second block on the same previous.
	fork := stateBlock(t, g, genesisHash, G, sub(t, nano.MaxAmount, twenty), nano.Hash(D))
	processErr(fork, "Fork")
	// force cannot undo a cemented block.
	c.wantErr(req{"action": "process", "json_block": true, "force": true, "block": fork}, "Fork")

	processErr(stateBlock(t, g, unknown, G, sub(t, nano.MaxAmount, twenty), nano.Hash(D)), "Gap previous block")

	bad := stateBlock(t, g, s1, G, sub(t, nano.MaxAmount, twenty), nano.Hash(D))
	bad.Signature = nano.Sign(d, s1[:])
	processErr(bad, "Bad signature")

	// Work between the entry threshold and the ledger's: the ledger says so.
	weak := stateBlock(t, g, s1, G, sub(t, nano.MaxAmount, twenty), nano.Hash(D))
	th := nano.DevThresholds()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for weak.Difficulty() >= th.Epoch1 {
		if weak.Work, err = nano.Generate(ctx, weak.Root(), th.Entry()); err != nil {
			t.Fatal(err)
		}
	}
	processErr(weak, "Block work is insufficient")
	// Below the entry threshold, process refuses it before the ledger.
	weak.Work = 0
	for weak.Difficulty() >= th.Entry() {
		weak.Work++
	}
	processErr(weak, "Block work is less than threshold")

	// Receiving a send made to someone else, or a block that is not there.
	processErr(stateBlock(t, x, nano.Hash{}, x.PublicKey(), ten, s1), "Unreceivable")
	processErr(stateBlock(t, d, nano.Hash{}, D, ten, unknown), "Gap source block")
	processErr(stateBlock(t, d, nano.Hash{}, D, nano.NewAmount(11), s1), "Balance and amount delta do not match")

	// The subtype check, then the open goes in.
	o1b := stateBlock(t, d, nano.Hash{}, D, ten, s1)
	c.wantErr(req{"action": "process", "json_block": true, "subtype": "send", "block": o1b}, "Invalid block balance for given subtype")
	c.want(req{"action": "process", "json_block": true, "subtype": "open", "block": o1b}, ptree.New().Put("hash", o1b.Hash().String()))
	o1 := o1b.Hash()
	// s1 is received: receiving it again is unreceivable.
	processErr(stateBlock(t, d, o1, D, twenty, s1), "Unreceivable")
	// A change (zero link) may not raise the balance.
	processErr(stateBlock(t, d, o1, G, nano.NewAmount(11), nano.Hash{}), "Balance and amount delta do not match")

	// async: started, and the block is in.
	s2b := stateBlock(t, g, s1, G, sub(t, nano.MaxAmount, twenty), nano.Hash(D))
	c.want(req{"action": "process", "json_block": true, "async": true, "subtype": "send", "block": s2b}, ptree.New().Put("started", "1"))
	c.want(req{"action": "block_account", "hash": s2b.Hash().String()}, ptree.New().Put("account", G.Account()))

	// block_create (work generated) then process: the same hash.
	created := c.get(req{"action": "block_create", "type": "state", "key": d.Hex(), "representative": G.Account(),
		"previous": o1.String(), "balance": twenty.String(), "link": s2b.Hash().String(), "json_block": true})
	cb, err := json.Marshal(created["block"])
	if err != nil {
		t.Fatal(err)
	}
	blk, err := nano.ParseBlockJSON(cb)
	if err != nil || blk.Difficulty() < th.Epoch1 {
		t.Fatalf("block_create gave %s (%v)", cb, err)
	}
	if created["difficulty"] != nano.FormatWork(blk.Difficulty()) {
		t.Errorf("difficulty %v, block's %s", created["difficulty"], nano.FormatWork(blk.Difficulty()))
	}
	c.want(req{"action": "process", "json_block": true, "block": blk}, ptree.New().Put("hash", created["hash"].(string)))

	// sign: an unsigned block signed through the RPC is accepted; signing the
	// bare hash (enable_sign_hash on) gives the same signature.
	s3b := stateBlock(t, g, s2b.Hash(), G, sub(t, nano.MaxAmount, nano.NewAmount(30)), nano.Hash(D))
	want := s3b.Signature
	s3b.Signature = nano.Signature{}
	signed := c.get(req{"action": "sign", "key": g.Hex(), "json_block": true, "block": s3b})
	if signed["signature"] != want.String() {
		t.Fatalf("sign: %v, want %s", signed, want)
	}
	h := s3b.Hash()
	c.want(req{"action": "sign", "key": g.Hex(), "hash": h.String()}, ptree.New().Put("signature", want.String()))
	// The same with the genesis wallet the node created (wallet + account).
	if n.GenesisWallet == nil {
		t.Fatal("no genesis wallet")
	}
	wid := n.GenesisWallet.String()
	c.want(req{"action": "sign", "wallet": wid, "account": G.Account(), "hash": h.String()}, ptree.New().Put("signature", want.String()))
	c.wantErr(req{"action": "sign", "wallet": wid, "account": D.Account(), "hash": h.String()}, "Account not found in wallet")
	fromWallet := c.get(req{"action": "block_create", "type": "state", "wallet": wid, "account": G.Account(), "representative": G.Account(),
		"previous": s2b.Hash().String(), "balance": sub(t, nano.MaxAmount, nano.NewAmount(30)).String(), "link": D.Account(), "work": nano.FormatWork(s3b.Work)})
	if fromWallet["hash"] != h.String() {
		t.Errorf("block_create from the wallet: %v, want hash %s", fromWallet, h)
	}
	s3b.Signature = want
	c.process(s3b)
}

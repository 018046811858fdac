package node_test

import (
	"testing"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

// TestUncheckedFlow, over the Unix socket of a running node with a bound of
// two unchecked blocks: a receive processed before its send is answered
// "Gap source block", kept and listed, and applied when the send arrives;
// a third kept block evicts the oldest; unchecked_clear empties the store.
func TestUncheckedFlow(t *testing.T) {
	n := testenv.Start(t, testenv.Options{
		Node: func(c *config.Node) { c.Node.Ledger.MaxUncheckedBlocks = 2 },
		RPC:  func(r *config.RPC) { r.EnableControl = true },
	})
	c := newLedgerClient(t, n, testenv.Transports[1])
	g, d := nano.DevGenesisKey(), testKey(1)
	G, D := g.PublicKey(), d.PublicKey()
	amount := nano.NewAmount(9)
	send := stateBlock(t, g, genesisHash, G, sub(t, nano.MaxAmount, amount), nano.Hash(D))
	open := stateBlock(t, d, nano.Hash{}, D, amount, send.Hash())

	c.wantErr(req{"action": "process", "json_block": true, "block": open}, "Gap source block")
	got := c.get(req{"action": "unchecked_keys", "key": send.Hash().String()})
	if list, _ := got["unchecked"].([]any); len(list) != 1 || list[0].(map[string]any)["hash"] != open.Hash().String() {
		t.Fatalf("unchecked_keys = %v", got)
	}
	c.process(send)
	c.want(req{"action": "account_balance", "account": D.Account()},
		ptree.New().Put("balance", "9").Put("pending", "0").Put("receivable", "0"))
	c.want(req{"action": "unchecked"}, ptree.New().PutChild("blocks", ptree.New()))

	// Three blocks waiting for unknown previous blocks: the first is evicted.
	var gaps []*nano.Block
	for i := range 3 {
		b := stateBlock(t, d, nano.Hash{byte(i + 1)}, D, amount, nano.Hash{})
		c.wantErr(req{"action": "process", "json_block": true, "block": b}, "Gap previous block")
		gaps = append(gaps, b)
	}
	c.wantErr(req{"action": "unchecked_get", "hash": gaps[0].Hash().String()}, "Block not found")
	for _, b := range gaps[1:] {
		if got := c.get(req{"action": "unchecked_get", "hash": b.Hash().String()}); got["contents"] == nil {
			t.Errorf("unchecked_get(%s) = %v", b.Hash(), got)
		}
	}
	c.want(req{"action": "unchecked_clear"}, ptree.New().Put("success", ""))
	c.want(req{"action": "unchecked"}, ptree.New().PutChild("blocks", ptree.New()))
}

package rpc

import (
	"context"
	"strings"
	"testing"

	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/nano"
)

// TestUncheckedActions processes a receive before its send through
// "process": it answers "Gap source block", is listed by unchecked,
// unchecked_get and unchecked_keys, and is applied when the send arrives;
// unchecked_clear forgets a kept block.
func TestUncheckedActions(t *testing.T) {
	e := epochEnv(t)
	genesis, a := nano.DevGenesisKey(), ledgerTestKey(1)
	gi, _ := e.led.AccountInfo(genesis.PublicKey())
	send := &nano.Block{Type: nano.BlockTypeState, Account: genesis.PublicKey(), Previous: gi.Frontier,
		Representative: gi.Representative, Link: nano.Hash(a.PublicKey())}
	send.Balance, _ = gi.Balance.Sub(nano.NewAmount(5))
	open := &nano.Block{Type: nano.BlockTypeState, Account: a.PublicKey(), Representative: a.PublicKey(),
		Balance: nano.NewAmount(5), Link: send.Hash()}
	for _, pk := range []struct {
		b   *nano.Block
		key nano.PrivateKey
	}{{send, genesis}, {open, a}} {
		pk.b.Sign(pk.key)
		w, err := nano.Generate(context.Background(), pk.b.Root(), nano.DevThresholds().Epoch1)
		if err != nil {
			t.Fatal(err)
		}
		pk.b.Work = w
	}
	process := func(b *nano.Block) string {
		js, _ := b.MarshalJSON()
		return e.raw(`{"action":"process","json_block":"true","block":` + string(js) + `}`)
	}
	openJS, _ := open.MarshalJSON()
	openTree, _ := ptree.Parse(openJS)

	e.wantErr(`{"action":"process","json_block":"true","block":`+string(openJS)+`}`, "Gap source block")
	e.want(`{"action":"unchecked","json_block":"true"}`, ptree.New().PutChild("blocks", ptree.New().PutChild(open.Hash().String(), openTree)))
	e.want(`{"action":"unchecked","count":"0"}`, ptree.New().PutChild("blocks", ptree.New()))
	e.want(`{"action":"unchecked_get","json_block":"true","hash":"`+open.Hash().String()+`"}`,
		ptree.New().Put("modified_timestamp", "1700000000").PutChild("contents", openTree))
	e.wantErr(`{"action":"unchecked_get","hash":"`+send.Hash().String()+`"}`, "Block not found")
	e.wantErr(`{"action":"unchecked_get","hash":"xyz"}`, "Invalid block hash")
	entry := ptree.New().Put("key", send.Hash().String()).Put("hash", open.Hash().String()).
		Put("modified_timestamp", "1700000000").PutChild("contents", openTree)
	e.want(`{"action":"unchecked_keys","json_block":"true","key":"`+send.Hash().String()+`"}`,
		ptree.New().PutChild("unchecked", ptree.New().PutChild("", entry)))
	e.wantErr(`{"action":"unchecked_keys","key":"xyz"}`, "Bad key")
	if got := e.raw(`{"action":"block_count"}`); !strings.Contains(got, `"unchecked": "1"`) {
		t.Errorf("block_count with a kept block: %s", got)
	}
	if got := e.raw(`{"action":"unchecked"}`); !strings.Contains(got, `\"type\": \"state\"`) {
		t.Errorf("unchecked without json_block: %s", got) // the block as a string
	}

	if got := process(send); !strings.Contains(got, send.Hash().String()) {
		t.Fatalf("process(send) = %s", got)
	}
	if ai, err := e.led.AccountInfo(a.PublicKey()); err != nil || ai.Frontier != open.Hash() {
		t.Fatalf("the receive was not applied: %+v, %v", ai, err)
	}
	e.want(`{"action":"unchecked"}`, ptree.New().PutChild("blocks", ptree.New()))

	// A kept block, cleared.
	gap := &nano.Block{Type: nano.BlockTypeState, Account: a.PublicKey(), Previous: nano.Hash{1}, Representative: a.PublicKey(), Link: nano.Hash{2}}
	gap.Sign(a)
	gap.Work, _ = nano.Generate(context.Background(), gap.Root(), nano.DevThresholds().Epoch1)
	if got := process(gap); !strings.Contains(got, "Gap previous block") {
		t.Fatalf("process(gap) = %s", got)
	}
	e.want(`{"action":"unchecked_clear"}`, ptree.New().Put("success", ""))
	e.want(`{"action":"unchecked_keys"}`, ptree.New().PutChild("unchecked", ptree.New()))
}

func TestUncheckedClearIsControl(t *testing.T) {
	if !IsControl("unchecked_clear", ptree.New()) || !IsControl("epoch_upgrade", ptree.New()) {
		t.Error("unchecked_clear and epoch_upgrade need enable_control")
	}
	if IsControl("unchecked", ptree.New()) || IsControl("unchecked_get", ptree.New()) || IsControl("unchecked_keys", ptree.New()) {
		t.Error("the unchecked queries do not need enable_control")
	}
}

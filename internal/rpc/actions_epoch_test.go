package rpc

import (
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/nano"
)

// epochEnv is a ledger env with the epoch and unchecked actions too.
func epochEnv(t *testing.T) *ledgerEnv {
	e := newLedgerEnv(t)
	RegisterEpochActions(e.legacy.Registry, e.b)
	RegisterUncheckedActions(e.legacy.Registry, e.b)
	return e
}

func TestEpochUpgradeErrors(t *testing.T) {
	e := epochEnv(t)
	genesis := nano.DevGenesisPrivateKeyHex
	other := ledgerTestKey(1).Hex()
	for _, tt := range []struct{ body, text string }{
		{`{"action":"epoch_upgrade","epoch":"3","key":"` + genesis + `"}`, "Invalid epoch number"},
		{`{"action":"epoch_upgrade","epoch":"0","key":"` + genesis + `"}`, "Invalid epoch number"},
		{`{"action":"epoch_upgrade","epoch":"255","key":"` + genesis + `"}`, "Invalid epoch number"},
		{`{"action":"epoch_upgrade","epoch":"x","key":"` + genesis + `"}`, "Unable to parse JSON"},
		{`{"action":"epoch_upgrade","epoch":"256","key":"` + genesis + `"}`, "Unable to parse JSON"},
		{`{"action":"epoch_upgrade","epoch":"-1","key":"` + genesis + `"}`, "Unable to parse JSON"},
		{`{"action":"epoch_upgrade","epoch":"1.0","key":"` + genesis + `"}`, "Unable to parse JSON"},
		{`{"action":"epoch_upgrade","epoch":" 1 ","key":"` + other + `"}`, "Incorrect epoch signer"}, // read as 1
		{`{"action":"epoch_upgrade","epoch":"+2","key":"` + other + `"}`, "Incorrect epoch signer"},  // read as 2
		{`{"action":"epoch_upgrade","epoch":"2","key":"` + genesis + `","count":"x"}`, "Invalid count"},
		{`{"action":"epoch_upgrade","epoch":"2","key":"` + genesis + `","threads":"x"}`, "Invalid threads count"},
		{`{"action":"epoch_upgrade","epoch":"2","key":"zz"}`, "Bad private key"},
		{`{"action":"epoch_upgrade","epoch":"1","key":"` + other + `"}`, "Incorrect epoch signer"},
	} {
		e.wantErr(tt.body, tt.text)
	}
	if got := e.raw(`{"action":"epoch_upgrade","key":"` + genesis + `"}`); !strings.Contains(got, `"error"`) {
		t.Errorf("no epoch: %s", got)
	}
}

// waitEpochs waits until every account is at epoch.
func waitEpochs(t *testing.T, e *ledgerEnv, accounts int, epoch nano.Epoch) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		infos, err := e.led.Accounts(nano.PublicKey{}, 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ai := range infos {
			if ai.Epoch == epoch {
				n++
			}
		}
		if n == accounts && len(infos) == accounts {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d accounts at epoch %d", n, len(infos), epoch)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestEpochUpgradeEveryAccount upgrades every account, opened or only
// sent to, to epoch 1 and then 2; afterwards sends and receives are built
// and accepted at the epoch-2 thresholds, and a send with epoch-1 work is
// refused.
func TestEpochUpgradeEveryAccount(t *testing.T) {
	e := epochEnv(t)
	genesis := nano.DevGenesisKey()
	a, b := ledgerTestKey(1), ledgerTestKey(2)
	s1 := e.build(genesis, "send", StateBlockParams{Destination: a.PublicKey(), Amount: nano.NewAmount(1000)})
	e.build(a, "open", StateBlockParams{Source: s1, Representative: a.PublicKey()})
	e.build(genesis, "send", StateBlockParams{Destination: b.PublicKey(), Amount: nano.NewAmount(50)}) // b stays unopened

	e.want(`{"action":"epoch_upgrade","epoch":"1","key":"`+nano.DevGenesisPrivateKeyHex+`"}`, ptree.New().Put("started", "1"))
	waitEpochs(t, e, 3, nano.Epoch1)
	e.want(`{"action":"epoch_upgrade","epoch":"2","key":"`+nano.DevGenesisPrivateKeyHex+`"}`, ptree.New().Put("started", "1"))
	waitEpochs(t, e, 3, nano.Epoch2)
	waitIdle(t, e) // the upgrader has returned

	bi, err := e.led.AccountInfo(b.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	if got := e.raw(`{"action":"block_info","hash":"` + bi.Frontier.String() + `"}`); !strings.Contains(got, `"subtype": "epoch"`) {
		t.Errorf("block_info of an epoch block: %s", got)
	}
	if got := e.raw(`{"action":"account_info","account":"` + b.PublicKey().Account() + `"}`); !strings.Contains(got, `"account_version": "2"`) {
		t.Errorf("account_info of an epoch-2 account: %s", got)
	}

	// Epoch-2 sends and receives, built with the backend's thresholds.
	th := nano.DevThresholds()
	s2 := e.build(a, "send", StateBlockParams{Destination: b.PublicKey(), Amount: nano.NewAmount(10)})
	if d := mustBlock(t, e, s2).Difficulty(); d < th.Epoch2 {
		t.Errorf("epoch-2 send difficulty %x below %x", d, th.Epoch2)
	}
	e.build(b, "receive", StateBlockParams{Source: s2, Representative: b.PublicKey()})
	pending, err := e.led.Receivable(b.PublicKey(), nano.Amount{}, 0)
	if err != nil || len(pending) != 1 { // the 50 raw from genesis
		t.Fatalf("receivable of b: %+v, %v", pending, err)
	}
	e.build(b, "receive", StateBlockParams{Source: pending[0].Hash})

	// A send with only epoch-1 work is refused.
	ai, _ := e.led.AccountInfo(a.PublicKey())
	low := &nano.Block{Type: nano.BlockTypeState, Account: a.PublicKey(), Previous: ai.Frontier,
		Representative: ai.Representative, Link: nano.Hash(b.PublicKey())}
	low.Balance, _ = ai.Balance.Sub(nano.NewAmount(1))
	low.Sign(a)
	for low.Work = 0; low.Difficulty() < th.Epoch1 || low.Difficulty() >= th.Epoch2; low.Work++ {
	}
	js, _ := low.MarshalJSON()
	e.wantErr(`{"action":"process","json_block":"true","block":`+string(js)+`}`, "Block work is insufficient")
}

func waitIdle(t *testing.T, e *ledgerEnv) {
	t.Helper()
	for i := 0; ; i++ {
		got := e.raw(`{"action":"epoch_upgrade","epoch":"2","key":"` + nano.DevGenesisPrivateKeyHex + `","count":"0"}`)
		if strings.Contains(got, `"started": "1"`) {
			return
		}
		if i > 2000 {
			t.Fatalf("the upgrader still runs: %s", got)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func mustBlock(t *testing.T, e *ledgerEnv, h nano.Hash) *nano.Block {
	t.Helper()
	sb, err := e.led.Block(h)
	if err != nil {
		t.Fatal(err)
	}
	return sb.Block
}

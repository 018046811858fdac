package ledger

import (
	"testing"

	"github.com/nipc/nipc/nano"
)

// TestWorkThreshold: the threshold a block is generated at is the one
// Process checks it against: by epoch, send or change against receive or
// epoch block; a block the ledger cannot place (not on the account's
// frontier, an open of nothing waiting) gets the base, as the node's
// work_generate without details.
func TestWorkThreshold(t *testing.T) {
	l := openTest(t, Options{})
	bd := builder{t, l}
	th := nano.DevThresholds()
	dest, e2 := testKey(1), testKey(2)
	send := bd.send(genesisKey, dest.PublicKey(), amt(10))
	mustProcess(t, l, send, Progress)
	// An epoch-2 account with a send waiting for dest.
	fund := bd.send(genesisKey, e2.PublicKey(), amt(50))
	mustProcess(t, l, fund, Progress)
	mustProcess(t, l, bd.receive(e2, fund.Hash()), Progress)
	bd.upgrade(t, e2.PublicKey(), nano.Epoch2)
	send2 := bd.send(e2, dest.PublicKey(), amt(5))
	send2.Work = 0
	send2 = workIn(t, send2, th.Epoch2, ^uint64(0))
	mustProcess(t, l, send2, Progress)

	unknownPrev := *bd.send(genesisKey, dest.PublicKey(), amt(1))
	unknownPrev.Previous = nano.Hash{0xee}
	strayOpen := *bd.receive(dest, send.Hash())
	strayOpen.Link = nano.Hash{0xee}
	epochBlock := bd.epochOf(genesisKey, genesisPub, nano.Epoch1)
	tests := []struct {
		name string
		b    *nano.Block
		want uint64
	}{
		{"epoch 0 send", bd.send(genesisKey, dest.PublicKey(), amt(1)), th.Threshold(nano.Epoch0, false)},
		{"epoch 0 change", bd.change(genesisKey, dest.PublicKey()), th.Threshold(nano.Epoch0, false)},
		{"epoch 0 open of an epoch 0 send", bd.receive(dest, send.Hash()), th.Threshold(nano.Epoch0, true)},
		{"epoch 1 block", epochBlock, th.Threshold(nano.Epoch1, true)},
		{"epoch 2 send", bd.send(e2, dest.PublicKey(), amt(1)), th.Epoch2},
		{"epoch 2 change", bd.change(e2, dest.PublicKey()), th.Epoch2},
		{"open of an epoch 2 send", bd.receive(dest, send2.Hash()), th.Epoch2Receive},
		{"unknown previous", &unknownPrev, th.Base()},
		{"open of nothing waiting", &strayOpen, th.Base()},
		{"legacy", &nano.Block{Type: nano.BlockTypeChange, Previous: genesisH}, th.Epoch1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := l.WorkThreshold(tt.b)
			if err != nil || got != tt.want {
				t.Fatalf("WorkThreshold = %x, %v; want %x", got, err, tt.want)
			}
		})
	}
}

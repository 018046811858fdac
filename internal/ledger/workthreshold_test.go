package ledger

import (
	"testing"

	"github.com/nipc/nipc/nano"
)

// TestWorkThreshold: the threshold work_generate uses for a block is the
// ledger's for what the block is (epoch 0: Epoch1 for a send, a receive
// and an open of a waiting send); a block the ledger knows nothing about
// (unknown previous, a link that is no send waiting for it) gets the base.
func TestWorkThreshold(t *testing.T) {
	l := openTest(t, Options{})
	bd := builder{t, l}
	dest := testKey(1)
	send := bd.send(genesisKey, dest.PublicKey(), amt(10))
	mustProcess(t, l, send, Progress)
	th := nano.DevThresholds()
	unknownPrev := *bd.send(genesisKey, dest.PublicKey(), amt(1))
	unknownPrev.Previous = nano.Hash{0xee}
	strayOpen := *bd.receive(dest, send.Hash())
	strayOpen.Link = nano.Hash{0xee}
	tests := []struct {
		name string
		b    *nano.Block
		want uint64
	}{
		{"send", bd.send(genesisKey, dest.PublicKey(), amt(1)), th.Threshold(nano.Epoch0, false)},
		{"change", bd.change(genesisKey, dest.PublicKey()), th.Threshold(nano.Epoch0, false)},
		{"open of a waiting send", bd.receive(dest, send.Hash()), th.Threshold(nano.Epoch0, true)},
		{"unknown previous", &unknownPrev, th.Base()},
		{"open of nothing waiting", &strayOpen, th.Base()},
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

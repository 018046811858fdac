package ledger

import (
	"context"
	"sync"
	"testing"

	"github.com/nipc/nipc/nano"
)

// genesisSends returns n state sends of 1 raw each from genesis to pubA,
// chained, built without the ledger (so they can be processed out of
// order).
func genesisSends(t *testing.T, n int) []*nano.Block {
	t.Helper()
	out := make([]*nano.Block, n)
	prev := genesisH
	for i := range out {
		out[i] = stateBlock(t, genesisKey, prev, genesisPub, maxMinus(uint64(i+1)), nano.Hash(pubA))
		prev = out[i].Hash()
	}
	return out
}

func uncheckedHashes(l *Ledger) []nano.Hash {
	var out []nano.Hash
	for _, e := range l.Unchecked(0) {
		out = append(out, e.Hash)
	}
	return out
}

func TestUncheckedReceiveBeforeSend(t *testing.T) {
	l := openTest(t, Options{NoSync: true})
	send := stateBlock(t, genesisKey, genesisH, genesisPub, maxMinus(100), nano.Hash(pubA))
	open := stateBlock(t, keyA, nano.Hash{}, pubA, amt(100), send.Hash())

	mustProcess(t, l, open, GapSource)
	e, ok := l.UncheckedGet(open.Hash())
	if !ok || e.Key != send.Hash() || e.Block.Hash() != open.Hash() || !e.Modified.Equal(fixedNow) {
		t.Fatalf("UncheckedGet = %+v, %v", e, ok)
	}
	if n, _ := l.UncheckedCount(); n != 1 {
		t.Fatalf("UncheckedCount = %d", n)
	}
	mustProcess(t, l, open, GapSource) // kept once
	if n, _ := l.UncheckedCount(); n != 1 {
		t.Fatalf("UncheckedCount after a second gap = %d", n)
	}

	mustProcess(t, l, send, Progress)
	ai, err := l.AccountInfo(pubA)
	if err != nil || ai.Frontier != open.Hash() || ai.Balance != amt(100) {
		t.Fatalf("the receive was not applied: %+v, %v", ai, err)
	}
	if n, _ := l.UncheckedCount(); n != 0 {
		t.Errorf("UncheckedCount after the send = %d", n)
	}
	if err := l.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestUncheckedCascade processes a chain backwards and a receive of its
// last send first: the first block applies all of them.
func TestUncheckedCascade(t *testing.T) {
	l := openTest(t, Options{NoSync: true})
	sends := genesisSends(t, 4)
	open := stateBlock(t, keyA, nano.Hash{}, pubA, amt(1), sends[3].Hash())
	mustProcess(t, l, open, GapSource)
	for i := len(sends) - 1; i >= 1; i-- {
		mustProcess(t, l, sends[i], GapPrevious)
	}
	keys := l.UncheckedKeys(nano.Hash{}, 0)
	if len(keys) != 4 {
		t.Fatalf("UncheckedKeys = %d entries", len(keys))
	}
	for i := 1; i < len(keys); i++ {
		if string(keys[i-1].Key[:]) > string(keys[i].Key[:]) {
			t.Errorf("UncheckedKeys not in key order")
		}
	}
	start := keys[2].Key
	if got := l.UncheckedKeys(start, 0); len(got) != 2 || got[0].Key != start {
		t.Errorf("UncheckedKeys(third key) = %+v", got)
	}
	if got := l.UncheckedKeys(start, 1); len(got) != 1 || got[0].Key != start {
		t.Errorf("UncheckedKeys(third key, 1) = %+v", got)
	}

	mustProcess(t, l, sends[0], Progress)
	if n, _ := l.BlockCount(); n != 1+4+1 {
		t.Errorf("BlockCount = %d, want 6", n)
	}
	if got := uncheckedHashes(l); len(got) != 0 {
		t.Errorf("still unchecked: %v", got)
	}
	if err := l.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestUncheckedEpochOpenPending(t *testing.T) {
	l := openTest(t, Options{NoSync: true})
	bd := builder{t, l}
	open := bd.epochOf(genesisKey, pubA, nano.Epoch2)
	mustProcess(t, l, open, GapEpochOpenPending)
	if e, ok := l.UncheckedGet(open.Hash()); !ok || e.Key != nano.Hash(pubA) {
		t.Fatalf("UncheckedGet = %+v, %v", e, ok)
	}
	process(t, l, bd.send(genesisKey, pubA, amt(3)))
	ai, err := l.AccountInfo(pubA)
	if err != nil || ai.OpenBlock != open.Hash() || ai.Epoch != nano.Epoch2 {
		t.Fatalf("the epoch open was not applied: %+v, %v", ai, err)
	}
}

func TestUncheckedBound(t *testing.T) {
	tests := []struct {
		name    string
		max     int
		gaps    int
		kept    int
		evicted uint64
	}{
		{"under the bound", 5, 3, 3, 0},
		{"at the bound", 3, 3, 3, 0},
		{"over the bound", 3, 5, 3, 2},
		{"bound of one", 1, 4, 1, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := openTest(t, Options{NoSync: true, MaxUnchecked: tt.max})
			sends := genesisSends(t, tt.gaps+1)
			for _, b := range sends[1:] { // each waits for the one before
				mustProcess(t, l, b, GapPrevious)
			}
			kept, evicted := l.UncheckedCount()
			if kept != tt.kept || evicted != tt.evicted {
				t.Fatalf("UncheckedCount = %d, %d; want %d, %d", kept, evicted, tt.kept, tt.evicted)
			}
			got := uncheckedHashes(l)
			for i, h := range got { // the newest are kept, oldest first
				if want := sends[1+tt.gaps-tt.kept+i].Hash(); h != want {
					t.Errorf("kept[%d] = %s, want %s", i, h, want)
				}
			}
			if got := l.Unchecked(1); len(got) != 1 {
				t.Errorf("Unchecked(1) = %d entries", len(got))
			}
			// An evicted block is forgotten: the first send applies only
			// itself unless nothing was evicted.
			mustProcess(t, l, sends[0], Progress)
			want := uint64(2 + tt.gaps)
			if tt.evicted > 0 {
				want = 2
			}
			if n, _ := l.BlockCount(); n != want {
				t.Errorf("BlockCount = %d, want %d", n, want)
			}
		})
	}
}

func TestUncheckedClear(t *testing.T) {
	l := openTest(t, Options{NoSync: true})
	sends := genesisSends(t, 3)
	mustProcess(t, l, sends[2], GapPrevious)
	mustProcess(t, l, sends[1], GapPrevious)
	l.UncheckedClear()
	if n, _ := l.UncheckedCount(); n != 0 || len(l.Unchecked(0)) != 0 || len(l.UncheckedKeys(nano.Hash{}, 0)) != 0 {
		t.Fatalf("after UncheckedClear: %d kept", n)
	}
	if _, ok := l.UncheckedGet(sends[1].Hash()); ok {
		t.Error("UncheckedGet finds a cleared block")
	}
	mustProcess(t, l, sends[0], Progress)
	if n, _ := l.BlockCount(); n != 2 {
		t.Errorf("cleared blocks were applied: BlockCount = %d", n)
	}
}

// TestUncheckedConcurrent processes sends and their receives in parallel,
// each receive racing its send: every one must end up applied, none left
// waiting (a receive kept just after its send committed is looked at
// again).
func TestUncheckedConcurrent(t *testing.T) {
	l := openTest(t, Options{NoSync: true})
	const n = 24
	keys := make([]nano.PrivateKey, n)
	sends := make([]*nano.Block, n)
	opens := make([]*nano.Block, n)
	prev := genesisH
	for i := range n {
		keys[i] = testKey(uint32(200 + i))
		sends[i] = stateBlock(t, genesisKey, prev, genesisPub, maxMinus(uint64(10*(i+1))), nano.Hash(keys[i].PublicKey()))
		prev = sends[i].Hash()
		opens[i] = stateBlock(t, keys[i], nano.Hash{}, keys[i].PublicKey(), amt(10), prev)
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { l.Process(context.Background(), opens[i]) })
		wg.Go(func() { l.Process(context.Background(), sends[n-1-i]) })
	}
	wg.Wait()
	if got, _ := l.BlockCount(); got != 1+2*n {
		t.Errorf("BlockCount = %d, want %d; unchecked %v", got, 1+2*n, uncheckedHashes(l))
	}
	if err := l.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
}

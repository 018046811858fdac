package wallet

import (
	"context"
	"testing"

	"github.com/nipc/nipc/nano"
)

// TestCachedWorkUsedAndCleared: work cached with SetWork in some of the
// wallets holding an account builds its next block (the Builder cannot
// generate any), and afterwards no wallet caches work for it; the cache is
// read in one transaction whatever the number of wallets, and written only
// when it holds something.
func TestCachedWorkUsedAndCleared(t *testing.T) {
	tests := []struct {
		name    string
		wallets int   // wallets holding the genesis key, besides the env's
		cached  []int // indexes (0: the env's wallet) that cache the work
	}{
		{"one wallet", 0, []int{0}},
		{"the last of five", 4, []int{4}},
		{"three of five", 4, []int{1, 2, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newBuildEnv(t)
			ctx := context.Background()
			s := e.bd.Store
			ids := []ID{e.id}
			for range tt.wallets {
				id, err := s.Create(nil, e.gen.PublicKey())
				if err != nil {
					t.Fatal(err)
				}
				if _, err := s.AddKey(id, e.gen); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			genesisHash := nano.DevGenesisBlock().Hash()
			work, err := nano.Generate(ctx, genesisHash, nano.DevThresholds().Base())
			if err != nil {
				t.Fatal(err)
			}
			for _, i := range tt.cached {
				if err := s.SetWork(ids[i], e.gen.PublicKey(), work); err != nil {
					t.Fatal(err)
				}
			}

			before := s.db.Stats()
			if got := s.cachedWork(e.gen.PublicKey()); got != work {
				t.Fatalf("cachedWork = %d, want %d", got, work)
			}
			if after := s.db.Stats(); after.Sub(&before).TxN != 1 {
				t.Errorf("cachedWork over %d wallets took %d read transactions, want 1", len(ids), after.Sub(&before).TxN)
			}

			e.bd.Work = failWork{}
			sent, err := e.bd.Send(ctx, e.id, e.gen, e.other.PublicKey(), nano.NewAmount(1), 0, "", false)
			if err != nil {
				t.Fatalf("send with the cached work: %v", err)
			}
			if sb := e.stored(t, sent); sb.Block.Work != work {
				t.Errorf("send's work = %d, want the cached %d", sb.Block.Work, work)
			}
			for i, id := range ids {
				if w, err := s.Work(id, e.gen.PublicKey()); err != nil || w != 0 {
					t.Errorf("wallet %d still caches %d (%v)", i, w, err)
				}
			}

			before = s.db.Stats()
			s.clearWork(e.gen.PublicKey())
			after := s.db.Stats()
			if d := after.Sub(&before); d.TxN != 1 || d.TxStats.GetWrite() != 0 {
				t.Errorf("clearWork with nothing cached: %d read transactions, %d page writes; want 1, 0",
					d.TxN, d.TxStats.GetWrite())
			}
		})
	}
}

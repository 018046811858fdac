package ledger

import (
	"context"
	"sync"
	"testing"

	"github.com/nipc/nipc/nano"
)

// benchBlocks is a prefix-valid stream on a fresh ledger: genesis sends to
// account i, account i opens with it, for i = 0, 1, ... It grows on demand
// and is shared by the benchmarks, since building it (work and signatures)
// is what takes time.
var benchBlocks struct {
	sync.Mutex
	blocks  []*nano.Block
	balance nano.Amount
}

func benchStream(b *testing.B, n int) []*nano.Block {
	bs := &benchBlocks
	bs.Lock()
	defer bs.Unlock()
	if len(bs.blocks) == 0 {
		bs.balance = nano.GenesisAmount
	}
	for len(bs.blocks) < n {
		i := uint32(len(bs.blocks) / 2)
		key := nano.DeriveKey(nano.Seed{9}, i)
		prev := genesisH
		if len(bs.blocks) > 0 {
			prev = bs.blocks[len(bs.blocks)-2].Hash()
		}
		bs.balance, _ = bs.balance.Sub(amt(1000))
		send := stateBlock(b, genesisKey, prev, genesisPub, bs.balance, nano.Hash(key.PublicKey()))
		open := stateBlock(b, key, nano.Hash{}, key.PublicKey(), amt(1000), send.Hash())
		bs.blocks = append(bs.blocks, send, open)
	}
	return bs.blocks[:n]
}

func benchProcess(b *testing.B, noSync bool) {
	blocks := benchStream(b, b.N)
	l := openTest(b, Options{NoSync: noSync})
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if r, err := l.Process(ctx, blocks[i]); r != Progress || err != nil {
			b.Fatalf("block %d: %v %v", i, r, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "blocks/s")
}

// BenchmarkProcess measures Process on sends and opens, each one fsynced
// transaction.
func BenchmarkProcess(b *testing.B) { benchProcess(b, false) }

// BenchmarkProcessNoSync is the same without fsync: the ledger's own cost.
func BenchmarkProcessNoSync(b *testing.B) { benchProcess(b, true) }

// parallelChains are the blocks of the concurrent benchmarks: setup opens
// one account per submitter with a send from genesis (setup[:2n] serves n
// submitters); chains[g] is a run of sends from account g, independent of
// the other chains.
var parallelChains struct {
	sync.Mutex
	setup  []*nano.Block
	chains [][]*nano.Block
}

const maxSubmitters = 64

func parallelStream(b *testing.B, submitters, perChain int) ([]*nano.Block, [][]*nano.Block) {
	pc := &parallelChains
	pc.Lock()
	defer pc.Unlock()
	const funds = 1 << 40
	if pc.setup == nil {
		prev, balance := genesisH, nano.GenesisAmount
		for g := range uint32(maxSubmitters) {
			key := nano.DeriveKey(nano.Seed{8}, g)
			balance, _ = balance.Sub(amt(funds))
			send := stateBlock(b, genesisKey, prev, genesisPub, balance, nano.Hash(key.PublicKey()))
			prev = send.Hash()
			open := stateBlock(b, key, nano.Hash{}, key.PublicKey(), amt(funds), send.Hash())
			pc.setup = append(pc.setup, send, open)
			pc.chains = append(pc.chains, []*nano.Block{open})
		}
	}
	for g := range submitters {
		key := nano.DeriveKey(nano.Seed{8}, uint32(g))
		for len(pc.chains[g]) < perChain+1 {
			prev := pc.chains[g][len(pc.chains[g])-1]
			send := stateBlock(b, key, prev.Hash(), key.PublicKey(), amt(funds-uint64(len(pc.chains[g]))), nano.Hash(genesisPub))
			pc.chains[g] = append(pc.chains[g], send)
		}
	}
	chains := make([][]*nano.Block, submitters)
	for g := range chains {
		chains[g] = pc.chains[g][1 : perChain+1]
	}
	return pc.setup[:2*submitters], chains
}

// benchConcurrent submits pre-built independent account chains from
// several goroutines at once, as many IPC clients would: signature checks
// overlap the batch being applied, and blocks queued meanwhile share the
// next commit. It reports blocks/s and the mean blocks per commit.
func benchConcurrent(b *testing.B, submitters int, noSync bool) {
	perChain := (b.N + submitters - 1) / submitters
	setup, chains := parallelStream(b, submitters, perChain)
	l := openTest(b, Options{NoSync: noSync})
	for _, blk := range setup {
		mustProcess(b, l, blk, Progress)
	}
	commits := l.stats.commits.Load()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	for _, chain := range chains {
		wg.Go(func() {
			for _, blk := range chain {
				if r, err := l.Process(ctx, blk); r != Progress || err != nil {
					b.Errorf("%v %v", r, err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	n := perChain * submitters
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "blocks/s")
	b.ReportMetric(float64(n)/float64(l.stats.commits.Load()-commits), "blocks/commit")
}

// BenchmarkProcessParallel: 4 submitters without fsync.
func BenchmarkProcessParallel(b *testing.B) { benchConcurrent(b, 4, true) }

// BenchmarkProcessConcurrent: 16 submitters, each commit fsynced; the
// target of group commit.
func BenchmarkProcessConcurrent(b *testing.B) { benchConcurrent(b, 16, false) }

// BenchmarkProcessConcurrentNoSync: 16 submitters without fsync.
func BenchmarkProcessConcurrentNoSync(b *testing.B) { benchConcurrent(b, 16, true) }

// BenchmarkProcessConcurrent64: 64 submitters with fsync. Each submitter
// waits for its block before sending the next, so about half of them are
// queued when a batch starts: commits grow with the number of clients.
func BenchmarkProcessConcurrent64(b *testing.B) { benchConcurrent(b, 64, false) }

func BenchmarkWeight(b *testing.B) {
	l := openTest(b, Options{NoSync: true})
	for _, blk := range benchStream(b, 200) {
		mustProcess(b, l, blk, Progress)
	}
	rep := nano.DeriveKey(nano.Seed{9}, 50).PublicKey()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if w, err := l.Weight(rep); err != nil || w != amt(1000) {
			b.Fatalf("Weight = %s, %v", w, err)
		}
	}
}

package ledger

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nipc/nipc/nano"
)

// queuedCount returns how many blocks wait in the queue.
func queuedCount(l *Ledger) int {
	l.qmu.Lock()
	defer l.qmu.Unlock()
	n := 0
	for _, r := range l.queue {
		if r.state == queued {
			n++
		}
	}
	return n
}

// waitQueued waits until n blocks wait in the queue.
func waitQueued(t *testing.T, l *Ledger, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for queuedCount(l) != n {
		if time.Now().After(deadline) {
			t.Fatalf("queue holds %d blocks, want %d", queuedCount(l), n)
		}
		time.Sleep(time.Millisecond)
	}
}

type outcome struct {
	r   Result
	err error
}

// submitInOrder holds the writer slot, queues blocks in order (each Process
// in its own goroutine, started once the previous one is queued), then
// releases the slot so that one leader takes them all as one batch. It
// returns each block's outcome.
func submitInOrder(t *testing.T, l *Ledger, blocks []*nano.Block) []outcome {
	t.Helper()
	out := make([]outcome, len(blocks))
	var wg sync.WaitGroup
	l.writer <- struct{}{}
	for i, b := range blocks {
		wg.Go(func() {
			r, err := l.Process(context.Background(), b)
			out[i] = outcome{r, err}
		})
		waitQueued(t, l, i+1)
	}
	l.release()
	wg.Wait()
	return out
}

// hashes returns the hashes of blocks.
func hashes(blocks ...*nano.Block) []nano.Hash {
	out := make([]nano.Hash, len(blocks))
	for i, b := range blocks {
		out[i] = b.Hash()
	}
	return out
}

// drain returns the hashes of the events sub recorded since the last
// drain.
func drain(sub *recorder) []nano.Hash {
	var out []nano.Hash
	for _, ev := range sub.take() {
		out = append(out, ev.Hash)
	}
	return out
}

// batchBlocks is one batch mixing dependent valid blocks (a send and its
// receive, twice) with rejected ones in between.
func batchBlocks(t *testing.T) (blocks []*nano.Block, want []Result) {
	toA := maxMinus(100)
	s1 := stateBlock(t, genesisKey, genesisH, genesisPub, toA, nano.Hash(pubA))
	openA := stateBlock(t, keyA, nano.Hash{}, pubA, amt(100), s1.Hash())
	fork := stateBlock(t, genesisKey, genesisH, genesisPub, maxMinus(5), nano.Hash(pubB))
	sA := stateBlock(t, keyA, openA.Hash(), pubA, amt(90), nano.Hash(pubB))
	badSig := stateBlock(t, keyA, sA.Hash(), pubA, amt(80), nano.Hash(pubB))
	badSig.Sign(keyB)
	openB := stateBlock(t, keyB, nano.Hash{}, pubB, amt(10), sA.Hash())
	return []*nano.Block{s1, openA, fork, sA, badSig, openB, s1},
		[]Result{Progress, Progress, Fork, Progress, BadSignature, Progress, Old}
}

// TestBatchRejectedInMiddle runs one batch in which rejected blocks sit
// between accepted ones that depend on each other, and checks that the
// rejected ones leave no trace while the others are stored, in one commit,
// with their events in order.
func TestBatchRejectedInMiddle(t *testing.T) {
	for _, writeOnReject := range []bool{false, true} {
		t.Run(fmt.Sprintf("writeOnReject=%v", writeOnReject), func(t *testing.T) {
			l := openTest(t, Options{NoSync: true})
			if writeOnReject {
				// Simulate a validation that writes before rejecting: the
				// batch must be rolled back and rerun without that block.
				l.testAfterRun = func(w *writeTx, p *proc, r Result) error {
					if r != Progress {
						return w.put(w.meta, []byte("junk-"+p.hash.String()), []byte{1})
					}
					return nil
				}
			}
			sub := record(l)
			blocks, want := batchBlocks(t)
			batches, commits := l.stats.batches.Load(), l.stats.commits.Load()

			got := submitInOrder(t, l, blocks)

			var accepted []*nano.Block
			for i, o := range got {
				if o.err != nil || o.r != want[i] {
					t.Errorf("block %d: %v %v, want %v", i, o.r, o.err, want[i])
				}
				ok, err := l.BlockExists(blocks[i].Hash())
				if err != nil {
					t.Fatal(err)
				}
				if o.r == Progress {
					accepted = append(accepted, blocks[i])
					if !ok {
						t.Errorf("accepted block %d missing", i)
					}
				} else if ok && o.r != Old {
					t.Errorf("rejected block %d stored", i)
				}
			}
			if n := l.stats.batches.Load() - batches; n != 1 {
				t.Errorf("%d batches, want 1", n)
			}
			if n := l.stats.commits.Load() - commits; n != 1 {
				t.Errorf("%d commits, want 1", n)
			}
			wantReruns := uint64(0)
			if writeOnReject {
				wantReruns = 3
			}
			if n := l.stats.reruns.Load(); n != wantReruns {
				t.Errorf("%d reruns, want %d", n, wantReruns)
			}
			for k := range snapshot(t, l) {
				if strings.Contains(k, "junk") {
					t.Errorf("rejected block's write %q committed", k)
				}
			}
			if n, c := l.BlockCount(); n != 5 || c != 5 {
				t.Errorf("BlockCount = %d, %d; want 5", n, c)
			}
			if n := l.AccountCount(); n != 3 {
				t.Errorf("AccountCount = %d; want 3", n)
			}
			if ev := drain(sub); fmt.Sprint(ev) != fmt.Sprint(hashes(accepted...)) {
				t.Errorf("events %v\nwant %v", ev, hashes(accepted...))
			}
			if err := l.Check(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestBatchAllRejected checks that a batch with no accepted block commits
// nothing and publishes nothing.
func TestBatchAllRejected(t *testing.T) {
	l := openTest(t, Options{NoSync: true})
	sub := record(l)
	bad := stateBlock(t, genesisKey, nano.Hash{9}, genesisPub, maxMinus(5), nano.Hash(pubA))
	bad2 := bd(t, l).send(genesisKey, pubA, amt(1))
	bad2.Sign(keyA)
	before := snapshot(t, l)
	got := submitInOrder(t, l, []*nano.Block{bad, bad2})
	if got[0] != (outcome{GapPrevious, nil}) || got[1] != (outcome{BadSignature, nil}) {
		t.Errorf("outcomes %v", got)
	}
	if !sameSnapshot(before, snapshot(t, l)) || l.stats.commits.Load() != 0 || len(drain(sub)) != 0 {
		t.Error("a batch of rejected blocks changed the ledger")
	}
}

func bd(t *testing.T, l *Ledger) builder { return builder{t, l} }

// TestProcessConcurrentChains has many goroutines submit, at once, each a
// chain of valid blocks for its own account with invalid ones (wrong
// signature, fork) in between, and checks the outcome against the ledger
// and the event stream.
func TestProcessConcurrentChains(t *testing.T) {
	const (
		goroutines = 8
		chainLen   = 12
	)
	l := openTest(t, Options{}) // fsync on: slow commits make batches
	b := bd(t, l)
	type planned struct {
		block *nano.Block
		want  Result
	}
	plans := make([][]planned, goroutines)
	for g := range goroutines {
		key := testKey(200 + uint32(g))
		pub := key.PublicKey()
		send := process(t, l, b.send(genesisKey, pub, amt(1_000_000)))
		prev, balance := nano.Hash{}, amt(0)
		var old nano.Hash // a block two below the frontier, to fork from
		link := send
		for i := range chainLen {
			nextBal := amt(1_000_000 - uint64(i))
			if i > 0 {
				link = nano.Hash(genesisPub)
			}
			if i == 0 {
				nextBal = amt(1_000_000)
			}
			blk := stateBlock(t, key, prev, pub, nextBal, link)
			if i%3 == 1 {
				forged := stateBlock(t, key, prev, pub, nextBal, link)
				forged.Balance = amt(1) // same root, other contents, signed by a stranger
				forged = finish(t, forged, testKey(999))
				plans[g] = append(plans[g], planned{forged, BadSignature})
			}
			plans[g] = append(plans[g], planned{blk, Progress})
			if i%4 == 3 {
				fork := stateBlock(t, key, old, testKey(998).PublicKey(), balance, nano.Hash{})
				plans[g] = append(plans[g], planned{fork, Fork})
			}
			old, prev, balance = prev, blk.Hash(), nextBal
		}
	}
	sub := record(l)
	batches := l.stats.batches.Load()

	got := make([][]outcome, goroutines)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := range goroutines {
		wg.Go(func() {
			<-start
			for _, p := range plans[g] {
				r, err := l.Process(context.Background(), p.block)
				got[g] = append(got[g], outcome{r, err})
			}
		})
	}
	close(start)
	wg.Wait()

	accepted := map[nano.Hash]bool{}
	for g := range goroutines {
		for i, p := range plans[g] {
			o := got[g][i]
			if o.err != nil || o.r != p.want {
				t.Errorf("goroutine %d block %d: %v %v, want %v", g, i, o.r, o.err, p.want)
			}
			ok, err := l.BlockExists(p.block.Hash())
			if err != nil {
				t.Fatal(err)
			}
			if o.r == Progress {
				accepted[p.block.Hash()] = true
				if !ok {
					t.Errorf("goroutine %d block %d: accepted but missing", g, i)
				}
			} else if ok {
				t.Errorf("goroutine %d block %d: rejected (%v) but stored", g, i, o.r)
			}
		}
	}
	if len(accepted) != goroutines*chainLen {
		t.Errorf("%d blocks accepted, want %d", len(accepted), goroutines*chainLen)
	}

	// Events: exactly the accepted blocks, each account's in chain order.
	heights := map[nano.PublicKey]uint64{}
	seen := map[nano.Hash]bool{}
	events := sub.take()
	if len(events) < len(accepted) {
		t.Fatalf("%d events for %d accepted blocks", len(events), len(accepted))
	}
	for i, ev := range events[:len(accepted)] {
		if want := events[0].Sequence + uint64(i); ev.Sequence != want {
			t.Errorf("event %d has sequence %d, want %d", i, ev.Sequence, want)
		}
		if !accepted[ev.Hash] || seen[ev.Hash] {
			t.Errorf("unexpected event %s", ev.Hash)
		}
		seen[ev.Hash] = true
		if ev.Height != heights[ev.Account]+1 {
			t.Errorf("event %s at height %d after %d", ev.Hash, ev.Height, heights[ev.Account])
		}
		heights[ev.Account] = ev.Height
	}
	if extra := events[len(accepted):]; len(extra) != 0 {
		t.Errorf("%d extra events", len(extra))
	} else if last := events[len(events)-1].Sequence; last != l.ConfirmationSequence() {
		t.Errorf("last event has sequence %d, ConfirmationSequence %d", last, l.ConfirmationSequence())
	}
	if err := l.Check(context.Background()); err != nil {
		t.Error(err)
	}
	if n := l.stats.reruns.Load(); n != 0 {
		t.Errorf("%d reruns", n)
	}
	total := 0
	for _, p := range plans {
		total += len(p)
	}
	t.Logf("%d blocks submitted in %d batches", total, l.stats.batches.Load()-batches)
}

// TestProcessCtxEndsWhileQueued: a caller whose ctx ends while its block is
// queued gets ctx.Err() and the block is not applied.
func TestProcessCtxEndsWhileQueued(t *testing.T) {
	l := openTest(t, Options{NoSync: true})
	blk := bd(t, l).send(genesisKey, pubA, amt(1))
	l.writer <- struct{}{}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := l.Process(ctx, blk)
		errc <- err
	}()
	waitQueued(t, l, 1)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("Process = %v, want context.Canceled", err)
	}
	l.release()
	if ok, _ := l.BlockExists(blk.Hash()); ok {
		t.Error("withdrawn block applied")
	}
	mustProcess(t, l, blk, Progress)

	// A leader drops a queued block whose ctx has ended and answers it.
	blk2 := bd(t, l).send(genesisKey, pubA, amt(1))
	r := &request{ctx: ctx, p: &proc{b: blk2, hash: blk2.Hash()}, done: make(chan struct{})}
	l.qmu.Lock()
	l.queue = append(l.queue, r)
	l.qmu.Unlock()
	if batch := l.take(maxBatch); len(batch) != 0 {
		t.Errorf("take returned %d requests", len(batch))
	}
	if !r.answered() || !errors.Is(r.err, context.Canceled) {
		t.Errorf("expired request answered %v, %v", r.answered(), r.err)
	}
}

// TestCloseWithQueuedBlocks closes the ledger while blocks wait: each gets
// Progress (and is on disk) or ErrClosed (and is not).
func TestCloseWithQueuedBlocks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	l, err := Open(path, Options{NoSync: true, Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	var blocks []*nano.Block
	prev, bal := genesisH, nano.GenesisAmount
	for range 4 {
		bal, _ = bal.Sub(amt(1))
		s := stateBlock(t, genesisKey, prev, genesisPub, bal, nano.Hash(pubA))
		blocks = append(blocks, s)
		prev = s.Hash()
	}

	l.writer <- struct{}{}
	closed := make(chan error, 1)
	go func() { closed <- l.Close() }()
	time.Sleep(20 * time.Millisecond) // Close now most likely waits for the slot first
	out := make([]outcome, len(blocks))
	var wg sync.WaitGroup
	for i, b := range blocks {
		wg.Go(func() {
			r, err := l.Process(context.Background(), b)
			out[i] = outcome{r, err}
		})
		waitQueued(t, l, i+1)
	}
	l.release()
	wg.Wait()
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := l.Process(context.Background(), blocks[0]); !errors.Is(err, ErrClosed) {
		t.Errorf("Process after Close = %v", err)
	}

	l, err = Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	nClosed := 0
	for i, o := range out {
		ok, err := l.BlockExists(blocks[i].Hash())
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case o.err == nil && o.r == Progress:
			if !ok {
				t.Errorf("block %d acknowledged but missing", i)
			}
		case errors.Is(o.err, ErrClosed):
			nClosed++
			if ok {
				t.Errorf("block %d failed with ErrClosed but stored", i)
			}
		default:
			t.Errorf("block %d: %v %v", i, o.r, o.err)
		}
	}
	if err := l.Check(context.Background()); err != nil {
		t.Error(err)
	}
	t.Logf("%d of %d queued blocks failed with ErrClosed", nClosed, len(blocks))
}

// TestBatchStorageErrorFailsAll: an error inside the transaction fails
// every block of the batch, acknowledges none and stores none.
func TestBatchStorageErrorFailsAll(t *testing.T) {
	l := openTest(t, Options{NoSync: true})
	blocks, _ := batchBlocks(t)
	blocks = blocks[:4] // s1, openA, fork, sA: the error comes at sA
	boom := errors.New("boom")
	l.testAfterRun = func(w *writeTx, p *proc, r Result) error {
		if p.hash == blocks[3].Hash() {
			return boom
		}
		return nil
	}
	sub := record(l)
	before := snapshot(t, l)
	for i, o := range submitInOrder(t, l, blocks) {
		if !errors.Is(o.err, boom) || o.r != 0 {
			t.Errorf("block %d: %v %v, want boom", i, o.r, o.err)
		}
	}
	if !sameSnapshot(before, snapshot(t, l)) || len(drain(sub)) != 0 || l.stats.commits.Load() != 0 {
		t.Error("a failed batch changed the ledger or published events")
	}
	if n, _ := l.BlockCount(); n != 1 || l.AccountCount() != 1 {
		t.Errorf("BlockCount = %d, AccountCount = %d", n, l.AccountCount())
	}
	l.testAfterRun = nil
	mustProcess(t, l, blocks[0], Progress)
}

// TestBatchPanicAnswersEveryone: if the leader panics inside a batch, the
// panic goes on in the leader, the other callers of the batch get an error,
// nothing is stored and the writer slot is free again.
func TestBatchPanicAnswersEveryone(t *testing.T) {
	l := openTest(t, Options{NoSync: true})
	blocks, _ := batchBlocks(t)
	blocks = blocks[:4]
	l.testAfterRun = func(w *writeTx, p *proc, r Result) error {
		if p.hash == blocks[2].Hash() {
			panic("boom")
		}
		return nil
	}
	before := snapshot(t, l)
	var panics sync.Map
	out := make([]outcome, len(blocks))
	var wg sync.WaitGroup
	l.writer <- struct{}{}
	for i, b := range blocks {
		wg.Go(func() {
			defer func() {
				if v := recover(); v != nil {
					panics.Store(i, v)
				}
			}()
			r, err := l.Process(context.Background(), b)
			out[i] = outcome{r, err}
		})
		waitQueued(t, l, i+1)
	}
	l.release()
	wg.Wait()
	n := 0
	for i, o := range out {
		if _, ok := panics.Load(i); ok {
			n++
		} else if !errors.Is(o.err, errBatchAborted) {
			t.Errorf("block %d: %v %v, want errBatchAborted", i, o.r, o.err)
		}
	}
	if n != 1 {
		t.Errorf("%d callers panicked, want 1", n)
	}
	if !sameSnapshot(before, snapshot(t, l)) {
		t.Error("an aborted batch changed the ledger")
	}
	l.testAfterRun = nil
	mustProcess(t, l, blocks[0], Progress)
}

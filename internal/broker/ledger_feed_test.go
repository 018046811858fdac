package broker

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/nano"
)

// seqConn is an EventWriter that records the confirmation sequences it is
// given, or, with block set, never takes one (a consumer that stalls).
type seqConn struct {
	*fakeConn
	mu   sync.Mutex
	seqs []uint64
}

func (c *seqConn) Dropped(error) { c.Close() }

func (c *seqConn) Deliver(ev *Event, _ *Options) error {
	if err := c.stall(); err != nil {
		return err
	}
	c.mu.Lock()
	c.seqs = append(c.seqs, ev.conf.Sequence)
	c.mu.Unlock()
	return nil
}

func (c *seqConn) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.seqs)
}

// cheapThresholds make any work pass (difficulty is at least 1), so that
// the test pays for signatures and storage, not for proof of work.
var cheapThresholds = nano.Thresholds{Epoch1: 1, Epoch2: 1, Epoch2Receive: 1}

// feedLedger opens a ledger whose OnConfirm hook is b's.
func feedLedger(t *testing.T, b *Broker) *ledger.Ledger {
	t.Helper()
	l, err := ledger.Open(filepath.Join(t.TempDir(), "ledger.db"), ledger.Options{
		NoSync: true, Thresholds: cheapThresholds, OnConfirm: b.PublishConfirmations,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// chains funds n accounts from the genesis (2n blocks, processed) and
// returns, per account, perAccount signed sends from it (not processed).
func chains(t *testing.T, l *ledger.Ledger, n, perAccount int) [][]*nano.Block {
	t.Helper()
	gk := nano.DevGenesisKey()
	genesis := nano.DevGenesisBlock()
	prev, bal := genesis.Hash(), nano.GenesisAmount
	sign := func(b *nano.Block, k nano.PrivateKey) *nano.Block {
		b.Sign(k)
		return b
	}
	process := func(b *nano.Block) {
		if r, err := l.Process(context.Background(), b); err != nil || r != ledger.Progress {
			t.Fatalf("Process: %v %v", r, err)
		}
	}
	out := make([][]*nano.Block, n)
	var wg sync.WaitGroup
	for i := range n {
		k := nano.DeriveKey(nano.Seed{7}, uint32(i))
		fund := nano.NewAmount(uint64(perAccount))
		bal, _ = bal.Sub(fund)
		send := sign(&nano.Block{Type: nano.BlockTypeState, Account: gk.PublicKey(), Previous: prev,
			Representative: gk.PublicKey(), Balance: bal, Link: nano.Hash(k.PublicKey())}, gk)
		process(send)
		prev = send.Hash()
		open := sign(&nano.Block{Type: nano.BlockTypeState, Account: k.PublicKey(),
			Representative: gk.PublicKey(), Balance: fund, Link: send.Hash()}, k)
		process(open)
		// Signing is the costly part of preparing: one goroutine per chain.
		wg.Go(func() {
			p, b := open.Hash(), fund
			for range perAccount {
				b, _ = b.Sub(nano.NewAmount(1))
				s := sign(&nano.Block{Type: nano.BlockTypeState, Account: k.PublicKey(), Previous: p,
					Representative: gk.PublicKey(), Balance: b, Link: nano.Hash(gk.PublicKey())}, k)
				out[i] = append(out[i], s)
				p = s.Hash()
			}
		})
	}
	wg.Wait()
	return out
}

// submit processes every chain on its own goroutine, concurrently.
func submit(t *testing.T, l *ledger.Ledger, blocks [][]*nano.Block) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(blocks))
	for _, chain := range blocks {
		wg.Go(func() {
			for _, b := range chain {
				r, err := l.Process(context.Background(), b)
				if err == nil && r != ledger.Progress {
					err = fmt.Errorf("block %s: %v", b.Hash(), r)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Process: %v", err)
	}
}

// TestNoGapUnderLoad: 16 submitters process 100,000 blocks (8,000 under
// the race detector, see loadBlocks; NIPC_NOGAP_BLOCKS sets the count, and
// .ci/run runs the 100,000 under the race detector too); a subscriber that
// keeps up receives every confirmation, in sequence order, without a gap,
// while two that never read (one taking envelopes, one taking Events) are
// dropped as slow consumers.
func TestNoGapUnderLoad(t *testing.T) {
	const submitters = 16
	blocksTotal := loadBlocks
	if v := os.Getenv("NIPC_NOGAP_BLOCKS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 2*DefaultQueueSize {
			t.Fatalf("NIPC_NOGAP_BLOCKS=%q: want a number of blocks above %d, so that the stalled subscribers' queues overflow", v, 2*DefaultQueueSize)
		}
		blocksTotal = n
	}
	perSubmitter := blocksTotal / submitters
	if testing.Short() {
		t.Skip("many blocks")
	}
	b := New(nil, nil, 0)
	l := feedLedger(t, b)
	blocks := chains(t, l, submitters, perSubmitter)
	first := l.ConfirmationSequence() + 1

	fast := &seqConn{fakeConn: newConn(0)}
	stalledPush := newConn(0)
	stalledPush.block = make(chan struct{})
	stalledWriter := &seqConn{fakeConn: newConn(0)}
	stalledWriter.block = make(chan struct{})
	for _, c := range []interface {
		peer.Conn
		replied()
	}{fast, stalledPush, stalledWriter} {
		subscribeHeld(b, c, Options{})
		c.replied()
	}
	defer fast.Close()

	start := time.Now()
	submit(t, l, blocks)
	t.Logf("%d blocks by %d submitters in %v", submitters*perSubmitter, submitters, time.Since(start))

	last := l.ConfirmationSequence()
	if want := first + uint64(submitters*perSubmitter) - 1; last != want {
		t.Fatalf("ConfirmationSequence = %d, want %d", last, want)
	}
	want := int(last - first + 1)
	deadline := time.Now().Add(20 * time.Second)
	for fast.count() < want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	fast.mu.Lock()
	seqs := fast.seqs
	fast.mu.Unlock()
	if len(seqs) != want {
		t.Fatalf("the subscriber that keeps up got %d confirmations, want %d", len(seqs), want)
	}
	for i, s := range seqs {
		if s != first+uint64(i) {
			t.Fatalf("confirmation %d has sequence %d, want %d (a gap or a reordering)", i, s, first+uint64(i))
		}
	}
	for name, done := range map[string]<-chan struct{}{"push": stalledPush.Done(), "writer": stalledWriter.Done()} {
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Errorf("the stalled %s subscriber was not dropped", name)
		}
	}
	if n := b.Dropped(); n != 2 {
		t.Errorf("Dropped = %d, want 2", n)
	}
	if b.Subscribers() != 1 {
		t.Errorf("%d subscribers left, want the one that keeps up", b.Subscribers())
	}
}

// TestHookNeverBlocksCommit: with a subscriber that never reads, commits
// go on (each Process returns) and the stalled subscriber is dropped once
// its queue is full.
func TestHookNeverBlocksCommit(t *testing.T) {
	b := New(nil, nil, 8)
	l := feedLedger(t, b)
	blocks := chains(t, l, 2, 50)
	stalled := &seqConn{fakeConn: newConn(0)}
	stalled.block = make(chan struct{})
	subscribeHeld(b, stalled, Options{})
	stalled.replied()

	done := make(chan struct{})
	go func() { defer close(done); submit(t, l, blocks) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("commits stalled behind a subscriber that never reads")
	}
	select {
	case <-stalled.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the stalled subscriber was not dropped")
	}
	if b.Dropped() != 1 || stalled.count() != 0 {
		t.Errorf("Dropped = %d, the stalled subscriber took %d", b.Dropped(), stalled.count())
	}
}

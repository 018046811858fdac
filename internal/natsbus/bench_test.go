package natsbus_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/apiconv"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/gateway"
	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/natsbus"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

// fakeLedger is a Source of n confirmations held in memory, so that the
// benchmark measures publishing, not reading the ledger file.
type fakeLedger []ledger.Confirmation

func (f fakeLedger) ConfirmationSequence() uint64 { return uint64(len(f)) }

func (f fakeLedger) ConfirmationsFrom(seq uint64, limit int) ([]ledger.Confirmation, error) {
	seq = max(seq, 1)
	if seq > uint64(len(f)) {
		return nil, nil
	}
	return f[seq-1 : min(uint64(len(f)), seq-1+uint64(limit))], nil
}

func newFakeLedger(n int) fakeLedger {
	blk := nano.DevGenesisBlock()
	acct := nano.DeriveKey(nano.Seed{1}, 0).PublicKey()
	f := make(fakeLedger, n)
	now := time.Now()
	for i := range f {
		var h nano.Hash
		binary.BigEndian.PutUint64(h[:], uint64(i+1))
		f[i] = ledger.Confirmation{Sequence: uint64(i + 1), Account: blk.Account, Counterpart: acct, Hash: h, Block: blk,
			Subtype: ledger.SubtypeSend, Height: uint64(i + 1), ConfirmationType: "active_quorum",
			Election: ledger.ElectionInfo{Time: now, RequestCount: 1, BlockCount: 1, VoterCount: 1}}
	}
	return f
}

// render is the node's payload (internal/node's renderConfirmation).
func render(c *ledger.Confirmation) []byte {
	return gateway.RenderConfirmation(apiconv.ConfirmationEvent(c, true, true), c.Election.Time, c.Sequence,
		gateway.Sideband{Height: c.Height, LocalTimestamp: uint64(c.Election.Time.Unix())})
}

// BenchmarkCatchUp publishes 20,000 confirmations that piled up while NATS
// was away, from the mark to the end, into a file-storage stream of an
// embedded server; each iteration into a fresh stream. source=memory reads
// them from memory (the publishing path alone); source=ledger from a real
// ledger file (ConfirmationsFrom's bbolt reads included), as the node does.
func BenchmarkCatchUp(b *testing.B) {
	const n = 20000
	for _, w := range []int{256, 2048} {
		b.Run(fmt.Sprintf("source=memory/window=%d", w), func(b *testing.B) { benchCatchUp(b, newFakeLedger(n), n, w) })
	}
	b.Run("source=ledger/window=256", func(b *testing.B) { benchCatchUp(b, ledgerOf(b, n), n, 256) })
}

// ledgerOf is a ledger file holding the genesis and n-1 sends from it
// (cheap work thresholds, no fsync: only the reading is measured).
func ledgerOf(b *testing.B, n int) *ledger.Ledger {
	b.Helper()
	l, err := ledger.Open(filepath.Join(b.TempDir(), "ledger.db"), ledger.Options{
		NoSync: true, Thresholds: nano.Thresholds{Epoch1: 1, Epoch2: 1, Epoch2Receive: 1},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	gk := nano.DevGenesisKey()
	to := nano.DeriveKey(nano.Seed{1}, 0).PublicKey()
	prev, bal := nano.DevGenesisBlock().Hash(), nano.GenesisAmount
	for range n - 1 {
		bal, _ = bal.Sub(nano.NewAmount(1))
		blk := &nano.Block{Type: nano.BlockTypeState, Account: gk.PublicKey(), Previous: prev, Representative: gk.PublicKey(), Balance: bal, Link: nano.Hash(to)}
		blk.Sign(gk)
		if r, err := l.Process(context.Background(), blk); err != nil || r != ledger.Progress {
			b.Fatalf("Process: %v %v", r, err)
		}
		prev = blk.Hash()
	}
	return l
}

func benchCatchUp(b *testing.B, src natsbus.Source, n uint64, window int) {
	s := testenv.NATS(b, b.TempDir(), 0)
	iter := 0
	var total time.Duration
	for b.Loop() {
		iter++
		c := config.DefaultNodeNATS()
		c.Servers = []string{s.ClientURL()}
		c.PublishWindow = window
		c.SubjectPrefix, c.Stream = fmt.Sprintf("b%d.dev", iter), fmt.Sprintf("B%d", iter)
		nc, js, err := natsbus.Connect(context.Background(), c.NATS, "bench", slog.New(slog.DiscardHandler))
		if err != nil {
			b.Fatal(err)
		}
		ob, err := natsbus.NewOutbox(natsbus.OutboxConfig{Conn: nc, JS: js, NATS: c, Source: src, Render: render,
			MarkPath: filepath.Join(b.TempDir(), natsbus.MarkFile)})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		start := time.Now()
		go func() { defer close(done); ob.Run(ctx) }()
		for ob.Acked() < n {
			time.Sleep(time.Millisecond)
		}
		total += time.Since(start)
		cancel()
		<-done
		nc.Close()
	}
	b.ReportMetric(float64(n)*float64(iter)/total.Seconds(), "confirmations/s")
}

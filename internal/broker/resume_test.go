package broker

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/nano"
)

// resumer records the sequences it is given; its first Deliver waits
// until gate is closed (a subscriber stalled during its replay).
type resumer struct {
	gate chan struct{}
	mu   sync.Mutex
	seqs []uint64
	err  error
}

func (r *resumer) Deliver(ev *Event, _ *Options) error {
	if r.gate != nil {
		<-r.gate
	}
	r.mu.Lock()
	r.seqs = append(r.seqs, ev.Sequence())
	r.mu.Unlock()
	return nil
}

func (r *resumer) Dropped(err error) {
	r.mu.Lock()
	r.err = err
	r.mu.Unlock()
}

func (r *resumer) snapshot() ([]uint64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]uint64(nil), r.seqs...), r.err
}

// TestResumeNoGapNoDuplicate: subscribers resume after a point in the
// ledger; some stall in their replay while 8 submitters commit far more
// than their queues (64 events) hold, so those overflow and replay again;
// then more is committed live: at the end each holds every confirmation
// after its point that passes its filter, exactly once, in order, and none
// was dropped.
func TestResumeNoGapNoDuplicate(t *testing.T) {
	const submitters, perSubmitter = 8, 44
	b := New(nil, nil, 64)
	l := feedLedger(t, b)
	b.SetHistory(l)
	blocks := chains(t, l, submitters, perSubmitter)
	var half, rest, tail [][]*nano.Block
	for _, c := range blocks {
		half = append(half, c[:20])
		rest = append(rest, c[20:40])
		tail = append(tail, c[40:])
	}
	submit(t, l, half)
	mid := l.ConfirmationSequence()
	filtered := blocks[3][0].Account

	gate := make(chan struct{})
	tests := []struct {
		name  string
		after uint64
		opts  Options
		gate  chan struct{}
	}{
		{"all, stalled", 1, Options{}, gate},
		{"all from the middle", mid - 10, Options{}, nil},
		{"one account, stalled", 2, Options{Accounts: map[nano.PublicKey]bool{filtered: true}}, gate},
	}
	subs := make([]*resumer, len(tests))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i, tt := range tests {
		subs[i] = &resumer{gate: tt.gate}
		sub, err := b.Resume(ctx, tt.opts, subs[i], tt.after)
		if err != nil {
			t.Fatal(err)
		}
		sub.Start()
	}
	submit(t, l, rest)
	close(gate)
	time.Sleep(200 * time.Millisecond) // caught up: live
	submit(t, l, tail)
	last := l.ConfirmationSequence()

	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all, err := l.ConfirmationsFrom(tt.after+1, int(last))
			if err != nil {
				t.Fatal(err)
			}
			var want []uint64
			for _, c := range all {
				if tt.opts.Accounts == nil || tt.opts.Accounts[c.Block.Account] || tt.opts.Accounts[nano.PublicKey(c.Block.Link)] {
					want = append(want, c.Sequence)
				}
			}
			var got []uint64
			deadline := time.Now().Add(20 * time.Second)
			for {
				got, err = subs[i].snapshot()
				if err != nil {
					t.Fatalf("dropped: %v", err)
				}
				if len(got) >= len(want) || time.Now().After(deadline) {
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			if len(got) != len(want) {
				t.Fatalf("got %d confirmations, want %d", len(got), len(want))
			}
			for j := range want {
				if got[j] != want[j] {
					t.Fatalf("confirmation %d has sequence %d, want %d", j, got[j], want[j])
				}
			}
		})
	}
}

// TestResumeBeyondHighest: a resume point above the ledger's highest
// sequence is refused with the valid range; without a history, resuming
// is refused.
func TestResumeBeyondHighest(t *testing.T) {
	b := New(nil, nil, 0)
	r := &resumer{}
	if _, err := b.Resume(context.Background(), Options{}, r, 5); !errors.Is(err, ErrNoHistory) {
		t.Fatalf("without a history: %v", err)
	}
	l := feedLedger(t, b)
	b.SetHistory(l)
	top := l.ConfirmationSequence()
	_, err := b.Resume(context.Background(), Options{}, r, top+1)
	var ae *api.Error
	if !errors.As(err, &ae) || !strings.Contains(ae.Message, "beyond the highest confirmation sequence") {
		t.Fatalf("Resume(top+1) = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	sub, err := b.Resume(ctx, Options{}, r, top)
	if err != nil {
		t.Fatalf("Resume(top) = %v", err)
	}
	sub.Start()
	cancel()
}

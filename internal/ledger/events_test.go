package ledger

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/nipc/nipc/nano"
)

// recorder is an OnConfirm hook that keeps what it is given.
type recorder struct {
	mu    sync.Mutex
	evs   []Confirmation
	calls int
}

func (r *recorder) hook(cs []Confirmation) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.evs = append(r.evs, cs...)
	r.calls++
}

// take returns the confirmations recorded since the last take.
func (r *recorder) take() []Confirmation {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.evs
	r.evs = nil
	return out
}

// record sets a recorder as l's hook; no Process may run meanwhile.
func record(l *Ledger) *recorder {
	r := &recorder{}
	l.onConfirm = r.hook
	return r
}

func TestConfirmationPerBlockInOrder(t *testing.T) {
	rec := &recorder{}
	l := openTest(t, Options{NoSync: true, OnConfirm: rec.hook})
	bd := builder{t, l}

	var want []*nano.Block
	add := func(b *nano.Block) {
		mustProcess(t, l, b, Progress)
		want = append(want, b)
	}
	s := bd.send(genesisKey, pubA, amt(100))
	add(s)
	mustProcess(t, l, s, Old) // rejected: no event
	add(bd.receive(keyA, s.Hash()))
	add(bd.change(keyA, pubB))
	add(bd.send(keyA, pubB, amt(1)))

	got := rec.take()
	if len(got) != len(want) || rec.calls != len(want) {
		t.Fatalf("%d events in %d calls, want %d", len(got), rec.calls, len(want))
	}
	subtypes := []Subtype{SubtypeSend, SubtypeReceive, SubtypeChange, SubtypeSend}
	amounts := []nano.Amount{amt(100), amt(100), {}, amt(1)}
	for i, b := range want {
		ev := got[i]
		if ev.Hash != b.Hash() || *ev.Block != *b || ev.Subtype != subtypes[i] || ev.Amount != amounts[i] {
			t.Errorf("event %d = %s %s %s, want %s %s %s", i, ev.Hash, ev.Subtype, ev.Amount, b.Hash(), subtypes[i], amounts[i])
		}
		if ev.Sequence != uint64(i)+2 { // the genesis is 1
			t.Errorf("event %d has sequence %d, want %d", i, ev.Sequence, i+2)
		}
		if ev.ConfirmationType != "active_quorum" || ev.Election.BlockCount != 1 || ev.Election.VoterCount != 1 || ev.Election.RequestCount != 1 {
			t.Errorf("event %d election = %+v %q", i, ev.Election, ev.ConfirmationType)
		}
		if !ev.Election.Time.Equal(fixedNow) || ev.Election.Tally.IsZero() {
			t.Errorf("event %d time %v tally %s", i, ev.Election.Time, ev.Election.Tally)
		}
	}
	if n := l.ConfirmationSequence(); n != 5 {
		t.Errorf("ConfirmationSequence = %d, want 5", n)
	}
}

// TestHookAfterClose: no call after Close, and Process fails.
func TestHookAfterClose(t *testing.T) {
	rec := &recorder{}
	l := openTest(t, Options{NoSync: true, OnConfirm: rec.hook})
	next := builder{t, l}.send(genesisKey, pubA, amt(1))
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Process(context.Background(), next); !errors.Is(err, ErrClosed) {
		t.Errorf("Process after Close = %v", err)
	}
	if _, err := l.ConfirmationsFrom(1, 1); !errors.Is(err, ErrClosed) {
		t.Errorf("ConfirmationsFrom after Close = %v", err)
	}
	if rec.calls != 0 {
		t.Errorf("%d hook calls", rec.calls)
	}
}

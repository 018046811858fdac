package ledger

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/nipc/nipc/nano"
)

func TestConfirmationPerBlockInOrder(t *testing.T) {
	l := openTest(t, Options{NoSync: true})
	bd := builder{t, l}
	sub := l.Subscribe(64)
	defer sub.Close()

	// A concurrent reader drains a second subscription while blocks commit.
	other := l.Subscribe(64)
	var wg sync.WaitGroup
	var seen []nano.Hash
	wg.Go(func() {
		for ev := range other.C() {
			seen = append(seen, ev.Hash)
		}
	})

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
	other.Close()
	wg.Wait()

	subtypes := []Subtype{SubtypeSend, SubtypeReceive, SubtypeChange, SubtypeSend}
	amounts := []nano.Amount{amt(100), amt(100), {}, amt(1)}
	for i, b := range want {
		ev := <-sub.C()
		if ev.Hash != b.Hash() || *ev.Block != *b || ev.Subtype != subtypes[i] || ev.Amount != amounts[i] {
			t.Errorf("event %d = %s %s %s, want %s %s %s", i, ev.Hash, ev.Subtype, ev.Amount, b.Hash(), subtypes[i], amounts[i])
		}
		if ev.ConfirmationType != "active_quorum" || ev.Election.BlockCount != 1 || ev.Election.VoterCount != 1 || ev.Election.RequestCount != 1 {
			t.Errorf("event %d election = %+v %q", i, ev.Election, ev.ConfirmationType)
		}
		if !ev.Election.Time.Equal(fixedNow) || ev.Election.Tally.IsZero() {
			t.Errorf("event %d time %v tally %s", i, ev.Election.Time, ev.Election.Tally)
		}
	}
	if len(seen) != len(want) || seen[0] != want[0].Hash() {
		t.Errorf("concurrent subscriber saw %d events, want %d", len(seen), len(want))
	}
	select {
	case ev := <-sub.C():
		t.Errorf("extra event %s", ev.Hash)
	default:
	}
	if n := l.SlowSubscribers(); n != 0 {
		t.Errorf("SlowSubscribers = %d", n)
	}
}

func TestSlowSubscriberIsDropped(t *testing.T) {
	l := openTest(t, Options{NoSync: true})
	bd := builder{t, l}
	slow := l.Subscribe(1)
	fast := l.Subscribe(8)
	defer fast.Close()
	for range 3 {
		// Process must not block although nobody reads slow.
		mustProcess(t, l, bd.send(genesisKey, pubA, amt(1)), Progress)
	}
	if _, ok := <-slow.C(); !ok {
		t.Fatal("buffered event lost")
	}
	if _, ok := <-slow.C(); ok {
		t.Fatal("slow subscriber still open")
	}
	if err := slow.Err(); !errors.Is(err, ErrSlowSubscriber) {
		t.Errorf("Err = %v", err)
	}
	if n := l.SlowSubscribers(); n != 1 {
		t.Errorf("SlowSubscribers = %d", n)
	}
	if len(fast.C()) != 3 || fast.Err() != nil {
		t.Errorf("fast subscriber has %d events, err %v", len(fast.C()), fast.Err())
	}
	slow.Close() // after the drop: no effect
	if err := slow.Err(); !errors.Is(err, ErrSlowSubscriber) {
		t.Errorf("Err after Close = %v", err)
	}
}

func TestSubscriptionClose(t *testing.T) {
	l := openTest(t, Options{NoSync: true})
	bd := builder{t, l}
	sub := l.Subscribe(4)
	if sub.Err() != nil {
		t.Fatal(sub.Err())
	}
	sub.Close()
	sub.Close()
	mustProcess(t, l, bd.send(genesisKey, pubA, amt(1)), Progress)
	if _, ok := <-sub.C(); ok {
		t.Error("event after Close")
	}
	if err := sub.Err(); !errors.Is(err, ErrSubscriptionClosed) {
		t.Errorf("Err = %v", err)
	}
	l.subMu.Lock()
	n := len(l.subs)
	l.subMu.Unlock()
	if n != 0 {
		t.Errorf("%d subscriptions registered after Close", n)
	}

	live := l.Subscribe(4)
	next := bd.send(genesisKey, pubA, amt(1))
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-live.C(); ok || !errors.Is(live.Err(), ErrClosed) {
		t.Errorf("subscription after ledger Close: err %v", live.Err())
	}
	late := l.Subscribe(4)
	if _, ok := <-late.C(); ok || !errors.Is(late.Err(), ErrClosed) {
		t.Errorf("Subscribe after Close: err %v", late.Err())
	}
	if _, err := l.Process(context.Background(), next); !errors.Is(err, ErrClosed) {
		t.Errorf("Process after Close = %v", err)
	}
}

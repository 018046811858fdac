package ledger

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/nipc/nipc/nano"
)

// machine drives a ledger with random valid and invalid blocks over the
// genesis and four test accounts, and checks the invariants after each.
type machine struct {
	l        *Ledger
	keys     []nano.PrivateKey
	dests    map[nano.PublicKey]bool // every account ever sent to
	received []nano.Hash             // sends already received
	stored   []*nano.Block           // every accepted block
}

func TestLedgerProperties(t *testing.T) {
	dir := t.TempDir()
	run := 0
	rapid.Check(t, func(rt *rapid.T) {
		run++
		l, err := Open(filepath.Join(dir, fmt.Sprintf("%d.db", run)), Options{NoSync: true, Now: func() time.Time { return fixedNow }})
		if err != nil {
			rt.Fatal(err)
		}
		defer l.Close()
		m := &machine{l: l, keys: []nano.PrivateKey{genesisKey}, dests: map[nano.PublicKey]bool{}}
		for i := range uint32(4) {
			m.keys = append(m.keys, testKey(10+i))
		}
		rt.Repeat(map[string]func(*rapid.T){
			"send":        m.send,
			"legacy send": m.legacySend,
			"receive":     m.receive,
			"change":      m.change,
			"invalid":     m.invalid,
			"":            m.check,
		})
	})
}

func (m *machine) accept(rt *rapid.T, b *nano.Block) {
	rt.Helper()
	mustProcess(rt, m.l, b, Progress)
	m.stored = append(m.stored, b)
	switch b.Type {
	case nano.BlockTypeState:
		sb, _ := m.l.Block(b.Hash())
		if sb.Subtype == SubtypeSend {
			m.dests[sb.Counterpart] = true
		} else if sb.Subtype == SubtypeReceive {
			m.received = append(m.received, b.Link)
		}
	case nano.BlockTypeSend:
		m.dests[b.Destination] = true
	}
}

// opened draws an opened account's key and record.
func (m *machine) opened(rt *rapid.T) (nano.PrivateKey, AccountInfo) {
	var open []nano.PrivateKey
	for _, k := range m.keys {
		if _, err := m.l.AccountInfo(k.PublicKey()); err == nil {
			open = append(open, k)
		}
	}
	k := rapid.SampledFrom(open).Draw(rt, "account")
	ai, _ := m.l.AccountInfo(k.PublicKey())
	return k, ai
}

// amount draws an amount from 1 to the balance (capped at 2^40 raw).
func amount(rt *rapid.T, balance nano.Amount) nano.Amount {
	limit := uint64(1 << 40)
	if b, ok := balance.Uint64(); ok && b < limit {
		limit = b
	}
	if limit == 0 {
		rt.Skip("empty account")
	}
	return amt(rapid.Uint64Range(1, limit).Draw(rt, "amount"))
}

func (m *machine) destination(rt *rapid.T) nano.PublicKey {
	if rapid.IntRange(0, 5).Draw(rt, "stranger") == 0 {
		return testKey(1000 + rapid.Uint32Range(0, 3).Draw(rt, "n")).PublicKey()
	}
	return rapid.SampledFrom(m.keys).Draw(rt, "to").PublicKey()
}

func (m *machine) send(rt *rapid.T) {
	k, ai := m.opened(rt)
	bal, _ := ai.Balance.Sub(amount(rt, ai.Balance))
	m.accept(rt, stateBlock(rt, k, ai.Frontier, ai.Representative, bal, nano.Hash(m.destination(rt))))
}

func (m *machine) legacySend(rt *rapid.T) {
	k, ai := m.opened(rt)
	if sb, _ := m.l.Block(ai.Frontier); sb.Block.Type == nano.BlockTypeState {
		rt.Skip("legacy blocks cannot follow state blocks")
	}
	bal, _ := ai.Balance.Sub(amount(rt, ai.Balance))
	m.accept(rt, legacy(rt, k, nano.Block{Type: nano.BlockTypeSend, Previous: ai.Frontier, Destination: m.destination(rt), Balance: bal}))
}

// pending draws a key and one of its receivable entries.
func (m *machine) pending(rt *rapid.T) (nano.PrivateKey, ReceivableEntry) {
	k := rapid.SampledFrom(m.keys).Draw(rt, "receiver")
	entries, err := m.l.Receivable(k.PublicKey(), nano.Amount{}, 0)
	if err != nil {
		rt.Fatal(err)
	}
	if len(entries) == 0 {
		rt.Skip("nothing receivable")
	}
	return k, rapid.SampledFrom(entries).Draw(rt, "entry")
}

func (m *machine) receive(rt *rapid.T) {
	k, e := m.pending(rt)
	bd := builder{rt, m.l}
	if ai, ok := bd.info(k.PublicKey()); ok && rapid.Bool().Draw(rt, "legacy") {
		if sb, _ := m.l.Block(ai.Frontier); sb.Block.Type != nano.BlockTypeState {
			m.accept(rt, legacy(rt, k, nano.Block{Type: nano.BlockTypeReceive, Previous: ai.Frontier, Source: e.Hash}))
			return
		}
	}
	m.accept(rt, bd.receive(k, e.Hash))
}

func (m *machine) change(rt *rapid.T) {
	k, ai := m.opened(rt)
	rep := rapid.SampledFrom(m.keys).Draw(rt, "rep").PublicKey()
	m.accept(rt, stateBlock(rt, k, ai.Frontier, rep, ai.Balance, nano.Hash{}))
}

// invalid submits a block that must be rejected and checks that it
// changed nothing.
func (m *machine) invalid(rt *rapid.T) {
	k, ai := m.opened(rt)
	other := m.keys[(indexOf(m.keys, k)+1)%len(m.keys)]
	lower, _ := ai.Balance.Sub(amt(1))
	send := func() *nano.Block {
		if ai.Balance.IsZero() {
			rt.Skip("empty account")
		}
		return stateBlock(rt, k, ai.Frontier, ai.Representative, lower, nano.Hash(other.PublicKey()))
	}
	var b *nano.Block
	var want Result
	switch kind := rapid.IntRange(0, 8).Draw(rt, "kind"); kind {
	case 0:
		b, want = send(), BadSignature
		b.Sign(other)
	case 1:
		b, want = insufficientWork(send()), InsufficientWork
	case 2:
		b, want = stateBlock(rt, k, nano.Hash{0xee, byte(len(m.stored))}, ai.Representative, ai.Balance, nano.Hash{}), GapPrevious
	case 3:
		if ai.BlockCount < 2 {
			rt.Skip("no older block")
		}
		n := len(m.stored)
		b, want = stateBlock(rt, k, ai.OpenBlock, ai.Representative, ai.Balance, nano.Hash{0xf0, byte(n), byte(n >> 8)}), Fork
	case 4:
		if len(m.stored) == 0 {
			rt.Skip("nothing stored")
		}
		b, want = rapid.SampledFrom(m.stored).Draw(rt, "old"), Old
	case 5:
		rk, e := m.pending(rt)
		bd := builder{rt, m.l}
		b, want = bd.receive(rk, e.Hash), BalanceMismatch
		var ok bool
		if b.Balance, ok = b.Balance.Add(amt(1)); !ok {
			rt.Skip("balance would overflow")
		}
		b = finish(rt, b, rk)
	case 6:
		if len(m.received) == 0 {
			rt.Skip("nothing received")
		}
		src := rapid.SampledFrom(m.received).Draw(rt, "received")
		sb, _ := m.l.Block(src)
		rk := keyOf(m.keys, sb.Counterpart)
		rai, _ := m.l.AccountInfo(sb.Counterpart)
		bal, ok := rai.Balance.Add(sb.Amount)
		if !ok {
			rt.Skip("balance would overflow")
		}
		b, want = stateBlock(rt, rk, rai.Frontier, rai.Representative, bal, src), Unreceivable
	case 7:
		more, ok := ai.Balance.Add(amt(1))
		if !ok {
			rt.Skip("balance at the maximum")
		}
		b, want = stateBlock(rt, k, ai.Frontier, ai.Representative, more, nano.Hash{}), BalanceMismatch
	case 8:
		if sb, _ := m.l.Block(ai.Frontier); sb.Block.Type == nano.BlockTypeState {
			b, want = legacy(rt, k, nano.Block{Type: nano.BlockTypeChange, Previous: ai.Frontier, Representative: ai.Representative}), BlockPosition
		} else {
			more, ok := ai.Balance.Add(amt(1))
			if !ok {
				rt.Skip("balance at the maximum")
			}
			b, want = legacy(rt, k, nano.Block{Type: nano.BlockTypeSend, Previous: ai.Frontier, Destination: other.PublicKey(), Balance: more}), NegativeSpend
		}
	}
	before := snapshot(rt, m.l)
	mustProcess(rt, m.l, b, want)
	if !sameSnapshot(before, snapshot(rt, m.l)) {
		rt.Fatalf("rejected block (%v) changed the ledger", want)
	}
}

func indexOf(keys []nano.PrivateKey, k nano.PrivateKey) int {
	for i, x := range keys {
		if x == k {
			return i
		}
	}
	return -1
}

func keyOf(keys []nano.PrivateKey, pub nano.PublicKey) nano.PrivateKey {
	for _, k := range keys {
		if k.PublicKey() == pub {
			return k
		}
	}
	panic("no key for " + pub.Account())
}

// check recomputes the invariants from the public API, then runs Check,
// which recomputes them from the buckets.
func (m *machine) check(rt *rapid.T) {
	accounts, err := m.l.Accounts(nano.PublicKey{}, 0)
	if err != nil {
		rt.Fatal(err)
	}
	var total nano.Amount
	var blocks uint64
	weights := map[nano.PublicKey]nano.Amount{}
	for _, ai := range accounts {
		total, _ = total.Add(ai.Balance)
		weights[ai.Representative], _ = weights[ai.Representative].Add(ai.Balance)
		blocks += ai.BlockCount
	}
	for dest := range m.dests {
		entries, err := m.l.Receivable(dest, nano.Amount{}, 0)
		if err != nil {
			rt.Fatal(err)
		}
		for _, e := range entries {
			total, _ = total.Add(e.Amount)
		}
	}
	if total != nano.GenesisAmount {
		rt.Fatalf("balances + receivable = %s, want %s", total, nano.GenesisAmount)
	}
	reps, err := m.l.Representatives()
	if err != nil {
		rt.Fatal(err)
	}
	for rep, w := range weights {
		if got, _ := m.l.Weight(rep); got != w || (!w.IsZero() && reps[rep] != w) {
			rt.Fatalf("weight of %s = %s, recomputed %s", rep.Account(), got, w)
		}
	}
	for rep, w := range reps {
		if weights[rep] != w {
			rt.Fatalf("representative %s has %s, recomputed %s", rep.Account(), w, weights[rep])
		}
	}
	if n, c := m.l.BlockCount(); n != blocks || c != n || uint64(len(m.stored))+1 != n {
		rt.Fatalf("BlockCount = %d, %d; chains hold %d, accepted %d", n, c, blocks, len(m.stored)+1)
	}
	if err := m.l.Check(context.Background()); err != nil {
		rt.Fatal(err)
	}
}

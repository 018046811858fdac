package ledger

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/nipc/nipc/nano"
)

// queryLedger builds: genesis sends s1 100, s2 200, s4 50 to A and s3 300
// to B; A opens with s1 (h1), receives s2 (h2), changes to rep B (h3) and
// sends s5 of 10 to B (h4). B stays unopened.
type queryLedger struct {
	l                  *Ledger
	s1, s2, s3, s4, s5 nano.Hash
	h1, h2, h3, h4     nano.Hash
}

func newQueryLedger(t *testing.T) *queryLedger {
	l := openTest(t, Options{NoSync: true})
	bd := builder{t, l}
	q := &queryLedger{l: l}
	q.s1 = process(t, l, bd.send(genesisKey, pubA, amt(100)))
	q.s2 = process(t, l, bd.send(genesisKey, pubA, amt(200)))
	q.s3 = process(t, l, bd.send(genesisKey, pubB, amt(300)))
	q.s4 = process(t, l, bd.send(genesisKey, pubA, amt(50)))
	q.h1 = process(t, l, bd.receive(keyA, q.s1))
	q.h2 = process(t, l, bd.receive(keyA, q.s2))
	q.h3 = process(t, l, bd.change(keyA, pubB))
	q.h4 = process(t, l, bd.send(keyA, pubB, amt(10)))
	q.s5 = q.h4
	return q
}

func hashesOf(entries []StoredBlock) []nano.Hash {
	var out []nano.Hash
	for _, e := range entries {
		out = append(out, e.Hash)
	}
	return out
}

func TestHistory(t *testing.T) {
	q := newQueryLedger(t)
	tests := []struct {
		name  string
		query HistoryQuery
		want  []nano.Hash
		next  nano.Hash
	}{
		{"all", HistoryQuery{Account: pubA}, []nano.Hash{q.h4, q.h2, q.h1}, nano.Hash{}},
		{"raw", HistoryQuery{Account: pubA, Raw: true}, []nano.Hash{q.h4, q.h3, q.h2, q.h1}, nano.Hash{}},
		{"count skips changes", HistoryQuery{Account: pubA, Count: 2}, []nano.Hash{q.h4, q.h2}, q.h1},
		{"offset counts changes", HistoryQuery{Account: pubA, Offset: 2}, []nano.Hash{q.h2, q.h1}, nano.Hash{}},
		{"offset past the end", HistoryQuery{Account: pubA, Offset: 9}, nil, nano.Hash{}},
		{"reverse", HistoryQuery{Account: pubA, Reverse: true}, []nano.Hash{q.h1, q.h2, q.h4}, nano.Hash{}},
		{"reverse page", HistoryQuery{Account: pubA, Reverse: true, Count: 1}, []nano.Hash{q.h1}, q.h2},
		{"reverse offset", HistoryQuery{Account: pubA, Reverse: true, Offset: 1, Count: 1, Raw: true}, []nano.Hash{q.h2}, q.h3},
		{"head", HistoryQuery{Head: q.h2}, []nano.Hash{q.h2, q.h1}, nano.Hash{}},
		{"head reverse", HistoryQuery{Head: q.h2, Reverse: true, Raw: true}, []nano.Hash{q.h2, q.h3, q.h4}, nano.Hash{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := q.l.History(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			if got := hashesOf(page.Entries); !slices.Equal(got, tt.want) || page.Next != tt.next || page.Account != pubA {
				t.Errorf("History = %v next %s account %s\nwant %v next %s", got, page.Next, page.Account.Account(), tt.want, tt.next)
			}
		})
	}

	page, _ := q.l.History(HistoryQuery{Account: pubA, Raw: true})
	e := page.Entries
	if e[0].Subtype != SubtypeSend || e[0].Counterpart != pubB || e[0].Amount != amt(10) || e[0].Height != 4 || e[0].Balance != amt(290) {
		t.Errorf("send entry = %+v", e[0])
	}
	if e[1].Subtype != SubtypeChange || !e[1].Counterpart.IsZero() || !e[1].Amount.IsZero() {
		t.Errorf("change entry = %+v", e[1])
	}
	if e[2].Subtype != SubtypeReceive || e[2].Counterpart != genesisPub || e[2].Amount != amt(200) {
		t.Errorf("receive entry = %+v", e[2])
	}
	if e[3].Subtype != SubtypeReceive || e[3].Height != 1 || e[3].Amount != amt(100) || !e[3].Confirmed {
		t.Errorf("open entry = %+v", e[3])
	}

	if _, err := q.l.History(HistoryQuery{Account: pubB}); !errors.Is(err, ErrAccountNotFound) {
		t.Errorf("History(unopened) = %v", err)
	}
	if _, err := q.l.History(HistoryQuery{Head: nano.Hash{1}}); !errors.Is(err, ErrBlockNotFound) {
		t.Errorf("History(unknown head) = %v", err)
	}
}

func TestChainAndSuccessor(t *testing.T) {
	q := newQueryLedger(t)
	if got, _ := q.l.Chain(q.h4, 0, 0, false); !slices.Equal(got, []nano.Hash{q.h4, q.h3, q.h2, q.h1}) {
		t.Errorf("Chain down = %v", got)
	}
	if got, _ := q.l.Chain(q.h1, 1, 2, true); !slices.Equal(got, []nano.Hash{q.h2, q.h3}) {
		t.Errorf("Chain up = %v", got)
	}
	if got, _ := q.l.Chain(q.h1, 5, 0, true); len(got) != 0 {
		t.Errorf("Chain past the end = %v", got)
	}
	if _, err := q.l.Chain(nano.Hash{1}, 0, 1, true); !errors.Is(err, ErrBlockNotFound) {
		t.Errorf("Chain(unknown) = %v", err)
	}
	if s, _ := q.l.Successor(q.h1); s != q.h2 {
		t.Errorf("Successor(h1) = %s", s)
	}
	if s, err := q.l.Successor(q.h4); err != nil || !s.IsZero() {
		t.Errorf("Successor(frontier) = %s, %v", s, err)
	}
	if s, _ := q.l.Successor(genesisH); s != q.s1 {
		t.Errorf("Successor(genesis) = %s", s)
	}
}

func TestReceivable(t *testing.T) {
	q := newQueryLedger(t)
	got, err := q.l.Receivable(pubA, nano.Amount{}, 0)
	if err != nil || len(got) != 1 || got[0] != (ReceivableEntry{Hash: q.s4, Source: genesisPub, Amount: amt(50)}) {
		t.Errorf("Receivable(A) = %+v, %v", got, err)
	}
	got, _ = q.l.Receivable(pubB, nano.Amount{}, 0)
	if len(got) != 2 || bytes.Compare(got[0].Hash[:], got[1].Hash[:]) >= 0 {
		t.Errorf("Receivable(B) = %+v, want 2 in hash order", got)
	}
	got, _ = q.l.Receivable(pubB, amt(100), 0)
	if len(got) != 1 || got[0].Hash != q.s3 || got[0].Amount != amt(300) {
		t.Errorf("Receivable(B, 100) = %+v", got)
	}
	got, _ = q.l.Receivable(pubB, nano.Amount{}, 1)
	if len(got) != 1 {
		t.Errorf("Receivable(B, count 1) = %+v", got)
	}
	if got, _ := q.l.Receivable(genesisPub, nano.Amount{}, 0); len(got) != 0 {
		t.Errorf("Receivable(genesis) = %+v", got)
	}
	for _, tt := range []struct {
		hash nano.Hash
		want bool
	}{{q.s3, true}, {q.s5, true}, {q.s1, false}, {genesisH, false}, {q.h3, false}} {
		if ok, err := q.l.ReceivableExists(tt.hash); ok != tt.want || err != nil {
			t.Errorf("ReceivableExists(%s) = %v, %v", tt.hash, ok, err)
		}
	}
	if _, err := q.l.ReceivableExists(nano.Hash{1}); !errors.Is(err, ErrBlockNotFound) {
		t.Errorf("ReceivableExists(unknown) = %v", err)
	}
}

func TestWeightsAndDelegators(t *testing.T) {
	q := newQueryLedger(t)
	genesisLeft, _ := nano.GenesisAmount.Sub(amt(650))
	reps, err := q.l.Representatives()
	if err != nil || len(reps) != 2 || reps[genesisPub] != genesisLeft || reps[pubB] != amt(290) {
		t.Errorf("Representatives = %v, %v", reps, err)
	}
	if w, _ := q.l.Weight(pubA); !w.IsZero() {
		t.Errorf("Weight(A) = %s after A changed to B", w)
	}
	if n, _ := q.l.DelegatorsCount(pubB); n != 1 {
		t.Errorf("DelegatorsCount(B) = %d", n)
	}
	if n, _ := q.l.DelegatorsCount(pubA); n != 0 {
		t.Errorf("DelegatorsCount(A) = %d", n)
	}
	if d, _ := q.l.Delegators(pubB, nano.PublicKey{}, nano.Amount{}, 0); len(d) != 1 || d[0] != (Delegator{pubA, amt(290)}) {
		t.Errorf("Delegators(B) = %+v", d)
	}
	if d, _ := q.l.Delegators(pubB, nano.PublicKey{}, amt(291), 0); len(d) != 0 {
		t.Errorf("Delegators(B, threshold) = %+v", d)
	}
	if d, _ := q.l.Delegators(genesisPub, genesisPub, nano.Amount{}, 0); len(d) != 0 {
		t.Errorf("Delegators(genesis, start genesis) = %+v: start is exclusive", d)
	}

	f, err := q.l.Frontiers(nano.PublicKey{}, 0)
	if err != nil || len(f) != 2 || bytes.Compare(f[0].Account[:], f[1].Account[:]) >= 0 {
		t.Fatalf("Frontiers = %+v, %v", f, err)
	}
	heads := map[nano.PublicKey]nano.Hash{pubA: q.h4, genesisPub: q.s4}
	for _, fr := range f {
		if heads[fr.Account] != fr.Hash {
			t.Errorf("frontier of %s = %s", fr.Account.Account(), fr.Hash)
		}
	}
	if f2, _ := q.l.Frontiers(f[1].Account, 0); len(f2) != 1 || f2[0] != f[1] {
		t.Errorf("Frontiers from the second = %+v", f2)
	}
	if a, _ := q.l.Accounts(nano.PublicKey{}, 1); len(a) != 1 || a[0].Account != f[0].Account {
		t.Errorf("Accounts(count 1) = %+v", a)
	}
	ai, _ := q.l.AccountInfo(pubA)
	if ai.Representative != pubB || ai.RepresentativeBlock != q.h4 || ai.OpenBlock != q.h1 || ai.BlockCount != 4 || ai.ConfirmationHeight != 4 {
		t.Errorf("AccountInfo(A) = %+v", ai)
	}
}

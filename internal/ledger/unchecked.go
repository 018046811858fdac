package ledger

import (
	"bytes"
	"cmp"
	"container/list"
	"slices"
	"sync"
	"time"

	"github.com/nipc/nipc/nano"
)

// DefaultMaxUnchecked is the unchecked store's bound when
// Options.MaxUnchecked is zero: the node's max_unchecked_blocks default.
const DefaultMaxUnchecked = 65536

// UncheckedEntry is a block kept until what it depends on arrives: the
// node's unchecked_key (dependency, hash) and unchecked_info.
type UncheckedEntry struct {
	// Key is the dependency: the missing previous block, the missing
	// source (a legacy source or a state link), or, for an epoch open
	// waiting for a send to its account (GapEpochOpenPending), the account.
	Key      nano.Hash
	Hash     nano.Hash
	Block    *nano.Block // shared: callers must not modify it
	Modified time.Time   // when it was kept, whole seconds, UTC
}

// unchecked is a bounded, in-memory store of entries in arrival order,
// indexed by dependency; as the node's unchecked_map, it does not survive a
// restart. Safe for concurrent use.
type unchecked struct {
	mu      sync.Mutex
	max     int
	seq     uint64                                    // arrival number of the last entry
	order   list.List                                 // of *uncheckedItem, oldest first
	byKey   map[nano.Hash]map[nano.Hash]*list.Element // dependency -> block hash -> element
	evicted uint64
}

// uncheckedItem is an entry and its arrival number.
type uncheckedItem struct {
	UncheckedEntry
	seq uint64
}

func newUnchecked(max int) *unchecked {
	return &unchecked{max: max, byKey: make(map[nano.Hash]map[nano.Hash]*list.Element)}
}

// put keeps e unless an entry with its key and hash is kept already, and
// evicts the oldest entries beyond the bound.
func (u *unchecked) put(e UncheckedEntry) {
	u.mu.Lock()
	defer u.mu.Unlock()
	m := u.byKey[e.Key]
	if m == nil {
		m = make(map[nano.Hash]*list.Element)
		u.byKey[e.Key] = m
	}
	if _, ok := m[e.Hash]; ok {
		return
	}
	u.seq++
	m[e.Hash] = u.order.PushBack(&uncheckedItem{e, u.seq})
	for u.order.Len() > u.max {
		u.remove(u.order.Front())
		u.evicted++
	}
}

// remove drops el; the caller holds mu.
func (u *unchecked) remove(el *list.Element) {
	e := u.order.Remove(el).(*uncheckedItem)
	m := u.byKey[e.Key]
	delete(m, e.Hash)
	if len(m) == 0 {
		delete(u.byKey, e.Key)
	}
}

// take removes and returns the entries waiting for key, oldest first.
func (u *unchecked) take(key nano.Hash) []UncheckedEntry {
	u.mu.Lock()
	m := u.byKey[key]
	items := make([]*uncheckedItem, 0, len(m))
	for _, el := range m {
		items = append(items, el.Value.(*uncheckedItem))
	}
	for _, el := range m {
		u.remove(el)
	}
	u.mu.Unlock()
	slices.SortFunc(items, func(a, b *uncheckedItem) int { return cmp.Compare(a.seq, b.seq) })
	out := make([]UncheckedEntry, len(items))
	for i, it := range items {
		out[i] = it.UncheckedEntry
	}
	return out
}

// Unchecked returns up to count kept blocks (count <= 0: all), oldest
// first, as the node's unchecked action lists them.
func (l *Ledger) Unchecked(count int) []UncheckedEntry {
	u := l.unchecked
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []UncheckedEntry
	for el := u.order.Front(); el != nil && (count <= 0 || len(out) < count); el = el.Next() {
		out = append(out, el.Value.(*uncheckedItem).UncheckedEntry)
	}
	return out
}

// UncheckedGet returns the kept entry of block hash (the oldest, should it
// wait under two keys), or false.
func (l *Ledger) UncheckedGet(hash nano.Hash) (UncheckedEntry, bool) {
	u := l.unchecked
	u.mu.Lock()
	defer u.mu.Unlock()
	for el := u.order.Front(); el != nil; el = el.Next() {
		if e := &el.Value.(*uncheckedItem).UncheckedEntry; e.Hash == hash {
			return *e, true
		}
	}
	return UncheckedEntry{}, false
}

// UncheckedKeys returns up to count entries (count <= 0: all) whose key is
// at least start, in (key, hash) order.
func (l *Ledger) UncheckedKeys(start nano.Hash, count int) []UncheckedEntry {
	u := l.unchecked
	u.mu.Lock()
	var out []UncheckedEntry
	for el := u.order.Front(); el != nil; el = el.Next() {
		if e := &el.Value.(*uncheckedItem).UncheckedEntry; bytes.Compare(e.Key[:], start[:]) >= 0 {
			out = append(out, *e)
		}
	}
	u.mu.Unlock()
	slices.SortFunc(out, func(a, b UncheckedEntry) int {
		if c := bytes.Compare(a.Key[:], b.Key[:]); c != 0 {
			return c
		}
		return bytes.Compare(a.Hash[:], b.Hash[:])
	})
	if count > 0 && len(out) > count {
		out = out[:count]
	}
	return out
}

// UncheckedClear forgets every kept block (the node's unchecked_clear).
func (l *Ledger) UncheckedClear() {
	u := l.unchecked
	u.mu.Lock()
	defer u.mu.Unlock()
	u.order.Init()
	clear(u.byKey)
}

// UncheckedCount returns how many blocks are kept, and how many were
// evicted, oldest first, to keep within the bound since Open.
func (l *Ledger) UncheckedCount() (kept int, evicted uint64) {
	u := l.unchecked
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.order.Len(), u.evicted
}

// dependency returns what a block that got r waits for, or false when r
// is no gap.
func dependency(b *nano.Block, r Result) (nano.Hash, bool) {
	switch r {
	case GapPrevious:
		return b.Previous, true
	case GapSource:
		if b.Type == nano.BlockTypeState {
			return b.Link, true
		}
		return b.Source, true
	case GapEpochOpenPending:
		return nano.Hash(b.Account), true
	}
	return nano.Hash{}, false
}

// satisfied reports whether the dependency key of a block that got r is
// now in the ledger: the block, or for an epoch open a send to the account.
func (l *Ledger) satisfied(key nano.Hash, r Result) bool {
	if r == GapEpochOpenPending {
		rs, err := l.Receivable(nano.PublicKey(key), nano.Amount{}, 1)
		return err == nil && len(rs) > 0
	}
	ok, err := l.BlockExists(key)
	return err == nil && ok
}

// triggers returns the keys an accepted block may satisfy: its hash, and
// for a send its destination account (an epoch open waiting for it). The
// node skips the latter for a send of the last epoch; here every send
// triggers, so no epoch open is left waiting for a send that came.
func triggers(p *proc) []nano.Hash {
	keys := []nano.Hash{p.hash}
	if p.stored.Subtype == SubtypeSend {
		keys = append(keys, nano.Hash(p.stored.Counterpart))
	}
	return keys
}

// settle is the node's block processor around a block just processed
// with result r: a gap keeps the block in the unchecked store under its
// dependency, and an accepted block applies the blocks waiting for it,
// and those waiting for them in turn (cascading), each through Process's
// queue with its own result. It runs on the caller's goroutine, after the
// caller's block has committed, not bounded by ctx.
//
// A kept block whose dependency arrived between its judgement and its
// keeping would wait for ever; so after keeping it, settle looks again and
// applies it at once if the dependency is there. A block taken back from
// key that waits for key again (a new account's first block whose previous
// is some other account's) is kept without looking again, so this ends.
func (l *Ledger) settle(p *proc, r Result) {
	var work []nano.Hash
	keep := func(p *proc, r Result, from *nano.Hash) {
		key, ok := dependency(p.b, r)
		if !ok {
			return
		}
		l.unchecked.put(UncheckedEntry{Key: key, Hash: p.hash, Block: p.b, Modified: l.opts.Now().Truncate(time.Second).UTC()})
		if (from == nil || *from != key) && l.satisfied(key, r) {
			work = append(work, key)
		}
	}
	if r == Progress {
		work = triggers(p)
	} else {
		keep(p, r, nil)
	}
	for len(work) > 0 {
		key := work[0]
		work = work[1:]
		for _, e := range l.unchecked.take(key) {
			q, r, err := l.processOne(e.Block)
			if err != nil {
				// Not judged (the ledger closed, the file failed): keep it.
				l.unchecked.put(e)
				continue
			}
			if r == Progress {
				work = append(work, triggers(q)...)
			} else {
				keep(q, r, &key)
			}
		}
	}
}

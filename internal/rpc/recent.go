package rpc

import (
	"sync"
	"time"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/nano"
)

// DefaultRecentElections is how many finished elections Recent keeps: the
// node's default confirmation_history_size.
const DefaultRecentElections = 2048

// Election is one finished election as confirmation_history reports it:
// the winner and the summary the node keeps in its recently cemented cache
// (election_status).
type Election struct {
	Hash         nano.Hash
	Duration     time.Duration
	End          time.Time // when the election ended (the commit)
	Tally        nano.Amount
	FinalTally   nano.Amount
	BlockCount   uint32
	VoterCount   uint32
	RequestCount uint32
}

// ElectionOf is the election that confirmed c: its live election info, and
// as the final tally the whole tally (on a single node the node's own final
// vote is all there is).
func ElectionOf(c *ledger.Confirmation) Election {
	e := c.Election
	return Election{Hash: c.Hash, Duration: e.Duration, End: e.Time, Tally: e.Tally, FinalTally: e.Tally,
		BlockCount: e.BlockCount, VoterCount: e.VoterCount, RequestCount: e.RequestCount}
}

// Recent is the node's recently cemented cache: the last elections that
// ended, oldest first, at most its size (older ones are forgotten). It is
// fed with every confirmation the ledger publishes (Confirmed, from the
// ledger's OnConfirm hook, so it never blocks for long) and with
// block_confirm's records, and is empty after a restart, as the node's.
// It is safe for concurrent use.
type Recent struct {
	mu    sync.Mutex
	ring  []Election // len is the size
	start int        // index of the oldest
	n     int        // how many are kept
}

// NewRecent returns an empty cache of size elections (size < 1: the
// default).
func NewRecent(size int) *Recent {
	if size < 1 {
		size = DefaultRecentElections
	}
	return &Recent{ring: make([]Election, size)}
}

// Confirmed records the elections of confirmations, in order: the
// ledger's OnConfirm hook.
func (r *Recent) Confirmed(cs []ledger.Confirmation) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range cs {
		r.put(ElectionOf(&cs[i]))
	}
}

// Put records one election.
func (r *Recent) Put(e Election) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.put(e)
}

func (r *Recent) put(e Election) {
	if r.n < len(r.ring) {
		r.ring[(r.start+r.n)%len(r.ring)] = e
		r.n++
		return
	}
	r.ring[r.start] = e
	r.start = (r.start + 1) % len(r.ring)
}

// List returns the kept elections, oldest first.
func (r *Recent) List() []Election {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Election, r.n)
	for i := range out {
		out[i] = r.ring[(r.start+i)%len(r.ring)]
	}
	return out
}

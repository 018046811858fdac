package rpc

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/nipc/nipc/internal/observe"
	"github.com/nipc/nipc/ipc"
)

// Stats keeps the counters the stats action reports, since the node started
// or the last stats_clear: requests per legacy action and per v2 message
// (as an Observer, passing each observation on to Next), and the blocks the
// ledger stored and confirmed (read from its counters).
type Stats struct {
	// Next, if set, is told of every request too (the metrics).
	Next observe.Observer
	// Blocks reads the ledger's block and cemented counts.
	Blocks func() (count, cemented uint64)

	mu       sync.Mutex
	since    time.Time
	requests map[statKey]uint64
	blocks   uint64 // Blocks' counts at since
	cemented uint64
}

// statKey is a counter's type and detail, as the node names them.
type statKey struct{ typ, detail string }

// StatEntry is one counter of the stats action.
type StatEntry struct {
	Type, Detail, Dir string
	Value             uint64
}

// NewStats returns counters starting now.
func NewStats(blocks func() (count, cemented uint64), next observe.Observer) *Stats {
	s := &Stats{Next: next, Blocks: blocks}
	s.Clear()
	return s
}

// Observe counts a request: type "rpc" with the legacy action as detail,
// or type "ipc" with the v2 message as detail.
func (s *Stats) Observe(ctx context.Context, api, name string, enc ipc.Encoding, outcome observe.Outcome, took time.Duration) {
	typ := "rpc"
	if api != "legacy" {
		typ = "ipc"
	}
	s.mu.Lock()
	s.requests[statKey{typ, name}]++
	s.mu.Unlock()
	if s.Next != nil {
		s.Next.Observe(ctx, api, name, enc, outcome, took)
	}
}

// Clear restarts every counter from zero, now.
func (s *Stats) Clear() {
	count, cemented := s.Blocks()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.since = time.Now()
	s.requests = make(map[statKey]uint64)
	s.blocks, s.cemented = count, cemented
}

// Counters returns the counters that are not zero, sorted by type and
// detail, and the time they have been counting for.
func (s *Stats) Counters() ([]StatEntry, time.Duration) {
	count, cemented := s.Blocks()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []StatEntry
	for k, v := range s.requests {
		out = append(out, StatEntry{Type: k.typ, Detail: k.detail, Dir: "in", Value: v})
	}
	if n := count - s.blocks; n > 0 {
		out = append(out, StatEntry{Type: "ledger", Detail: "all", Dir: "in", Value: n})
	}
	if n := cemented - s.cemented; n > 0 {
		out = append(out, StatEntry{Type: "confirmation_height", Detail: "blocks_confirmed", Dir: "in", Value: n})
	}
	slices.SortFunc(out, func(a, b StatEntry) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Detail, b.Detail))
	})
	return out, time.Since(s.since)
}

// Kinds is how many request counters exist (the stats objects reply).
func (s *Stats) Kinds() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

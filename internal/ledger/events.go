package ledger

import (
	"time"

	"github.com/nipc/nipc/nano"
)

// Confirmation is the event published for each stored block: the fields of
// the node's websocket "confirmation" topic.
type Confirmation struct {
	Account nano.PublicKey
	Amount  nano.Amount
	Hash    nano.Hash
	// Block is shared by every subscriber: read it, do not modify it.
	Block   *nano.Block
	Subtype Subtype
	Height  uint64
	// ConfirmationType is always "active_quorum": the node's own vote
	// confirms the block at once.
	ConfirmationType string
	Election         ElectionInfo
}

// ElectionInfo describes the (trivial) election that confirmed a block.
type ElectionInfo struct {
	Duration time.Duration // from Process being called to the commit
	Time     time.Time     // when the block was committed
	// Tally is the weight of the single voter, the genesis representative
	// the dev node votes with, after the block.
	Tally        nano.Amount
	RequestCount uint32 // always 1
	BlockCount   uint32 // always 1
	VoterCount   uint32 // always 1
}

// Subscription receives a Confirmation for every block committed after it
// was created, in commit order, until it is closed or falls behind.
type Subscription struct {
	l   *Ledger
	ch  chan Confirmation
	err error // guarded by l.subMu; set when ch is closed
}

// Subscribe returns a subscription whose channel buffers up to buffer events
// (at least 1). Publishing never waits: if the buffer is full when an event
// comes, the subscription is dropped, its channel closed and Err set to
// ErrSlowSubscriber. On a closed ledger the subscription starts closed with
// Err ErrClosed.
func (l *Ledger) Subscribe(buffer int) *Subscription {
	s := &Subscription{l: l, ch: make(chan Confirmation, max(buffer, 1))}
	l.subMu.Lock()
	defer l.subMu.Unlock()
	if l.closed.Load() {
		s.err = ErrClosed
		close(s.ch)
		return s
	}
	l.subs[s] = struct{}{}
	return s
}

// C returns the channel of events. It is closed when the subscription ends.
func (s *Subscription) C() <-chan Confirmation { return s.ch }

// Err returns nil while the subscription is live, then why it ended:
// ErrSubscriptionClosed, ErrSlowSubscriber or ErrClosed.
func (s *Subscription) Err() error {
	s.l.subMu.Lock()
	defer s.l.subMu.Unlock()
	return s.err
}

// Close ends the subscription; events still buffered stay readable. It is
// safe to call more than once and after the subscription has ended.
func (s *Subscription) Close() {
	s.l.subMu.Lock()
	defer s.l.subMu.Unlock()
	s.end(ErrSubscriptionClosed)
}

// end closes the channel with reason err unless it ended already; the caller
// holds l.subMu.
func (s *Subscription) end(err error) {
	if s.err != nil {
		return
	}
	s.err = err
	delete(s.l.subs, s)
	close(s.ch)
}

// SlowSubscribers returns how many subscriptions were dropped for being
// full.
func (l *Ledger) SlowSubscribers() uint64 { return l.slow.Load() }

// publish hands evs, in order, to every subscriber without waiting. A
// batch's leader calls it after the commit, holding the writer slot, so
// events keep commit order within and across batches.
func (l *Ledger) publish(evs ...Confirmation) {
	l.subMu.Lock()
	defer l.subMu.Unlock()
	for s := range l.subs {
		for _, ev := range evs {
			select {
			case s.ch <- ev:
				continue
			default:
				s.end(ErrSlowSubscriber)
				l.slow.Add(1)
				l.opts.Log.Warn("ledger: dropped slow subscriber", "buffer", cap(s.ch))
			}
			break
		}
	}
}

// closeSubscriptions ends every subscription with err.
func (l *Ledger) closeSubscriptions(err error) {
	l.subMu.Lock()
	defer l.subMu.Unlock()
	for s := range l.subs {
		s.end(err)
	}
}

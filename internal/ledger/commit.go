package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// Group commit, leader/follower, without a goroutine of its own.
//
// Process puts its block on l.queue and then waits for one of three
// things: its answer, the writer slot, or the end of its ctx. Whoever gets
// the writer slot is the leader: it takes every block queued at that moment
// (up to maxBatch, without waiting for more), validates and applies them in
// queue order in one bbolt Update, adding any block queued while it was
// doing so, commits once (one fsync), then hands their events to the
// OnConfirm hook, answers their callers, and releases the slot. A leader whose own block
// was not in its batch (the queue was longer than maxBatch) waits again.
// A lone caller is its own leader at once: it pays no more than before.
//
// Holding the slot from taking the batch until its callers are answered
// keeps one batch at a time, so events leave in ledger order across
// batches. Close takes the slot too, so it never runs beside a batch.

// maxBatch caps the blocks of one transaction, bounding the work a leader
// does for others and the size of the commit.
const maxBatch = 256

// reqState says who owns a queued request; it is guarded by l.qmu.
type reqState uint8

const (
	// queued: on l.queue; its caller may still withdraw it.
	queued reqState = iota
	// taken: a leader or Close has it and will answer it.
	taken
	// withdrawn: its caller's ctx ended while it was queued; never applied.
	withdrawn
)

// request is one Process call waiting for, or in, a batch.
type request struct {
	ctx   context.Context
	p     *proc
	start time.Time // when Process was called, for ElectionInfo.Duration
	state reqState  // guarded by l.qmu

	// done is closed once result and err are set.
	done   chan struct{}
	result Result
	err    error

	skip bool // the batch runner's: rejected after writing, left out of a rerun
}

func (r *request) answer(result Result, err error) {
	r.result, r.err = result, err
	close(r.done)
}

func (r *request) answered() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// submit queues r and waits for its answer, leading batches whenever it
// holds the writer slot. See Process for the meaning of ctx.
func (l *Ledger) submit(r *request) (Result, error) {
	l.qmu.Lock()
	if l.closed.Load() {
		l.qmu.Unlock()
		return 0, ErrClosed
	}
	l.queue = append(l.queue, r)
	l.qmu.Unlock()

	for {
		select {
		case <-r.done:
			return r.result, r.err
		case l.writer <- struct{}{}:
			l.lead(r)
		case <-r.ctx.Done():
			if l.withdraw(r) {
				return 0, r.ctx.Err()
			}
			// Already in a batch: the block is being applied, wait for its
			// outcome (as the transaction was never bounded by ctx).
			<-r.done
			return r.result, r.err
		}
	}
}

// withdraw takes r off the queue if no leader has taken it yet.
func (l *Ledger) withdraw(r *request) bool {
	l.qmu.Lock()
	defer l.qmu.Unlock()
	if r.state != queued {
		return false
	}
	r.state = withdrawn
	return true
}

// lead runs one batch while holding the writer slot (taken by the caller),
// unless r was answered meanwhile, and releases the slot.
func (l *Ledger) lead(r *request) {
	defer l.release()
	if r.answered() {
		return
	}
	if batch := l.take(maxBatch); len(batch) > 0 {
		l.runBatch(batch)
	}
}

func (l *Ledger) release() { <-l.writer }

// take removes up to limit requests from the head of the queue and marks
// them taken. Withdrawn requests are dropped; requests whose ctx has ended
// are answered with ctx.Err() instead, their blocks not applied.
func (l *Ledger) take(limit int) []*request {
	var batch, expired []*request
	l.qmu.Lock()
	i := 0
	for ; i < len(l.queue) && len(batch) < limit; i++ {
		r := l.queue[i]
		l.queue[i] = nil
		if r.state != queued {
			continue
		}
		r.state = taken
		if r.ctx.Err() != nil {
			expired = append(expired, r)
			continue
		}
		batch = append(batch, r)
	}
	n := copy(l.queue, l.queue[i:])
	clear(l.queue[n:])
	l.queue = l.queue[:n]
	l.qmu.Unlock()
	for _, r := range expired {
		r.answer(0, r.ctx.Err())
	}
	return batch
}

// failQueued empties the queue and returns the requests still queued,
// marked taken, for the caller to answer; the caller holds qmu.
func (l *Ledger) failQueued() []*request {
	var failed []*request
	for _, r := range l.queue {
		if r.state == queued {
			r.state = taken
			failed = append(failed, r)
		}
	}
	clear(l.queue)
	l.queue = l.queue[:0]
	return failed
}

var (
	// errNothingAccepted rolls back a batch in which every block was
	// rejected: there is nothing to commit or fsync.
	errNothingAccepted = errors.New("ledger: no block accepted")
	// errRerun rolls back a batch to run it again without a block that
	// wrote before it was rejected.
	errRerun = errors.New("ledger: rerun batch")
	// errBatchAborted answers the callers of a batch whose runner panicked.
	errBatchAborted = errors.New("ledger: batch aborted")
)

// runBatch validates and applies the batch's blocks in order in one write
// transaction, each seeing the effects of those before it, commits it, and
// then updates the counters, hands the accepted blocks' events in order
// to the OnConfirm hook and answers every caller. The caller holds the writer slot.
//
// Each block is atomic. Validation reads only and rejects before its first
// write, so a rejected block leaves nothing behind while its neighbours'
// writes stand. The write counter guards that rule: should a rejected block
// have written, the transaction is rolled back and the batch run again
// without it (stats.reruns counts this; it is a bug if it ever happens).
// A storage or corruption error fails the whole batch: the transaction is
// rolled back and every caller gets the error, none a Progress.
func (l *Ledger) runBatch(batch []*request) {
	finished := false
	defer func() {
		if !finished { // a panic: answer everyone, then let it go on
			for _, r := range batch {
				if !r.answered() {
					r.answer(0, errBatchAborted)
				}
			}
		}
	}()
	l.stats.batches.Add(1)

	var (
		failed     *request // the block whose error failed the batch
		accepted   int
		opened     uint64
		newWeights map[nano.PublicKey]nano.Amount
	)
	var err error
	for {
		failed, accepted, opened, newWeights = nil, 0, 0, nil
		err = l.db.Update(func(tx *bolt.Tx) error {
			w := newWriteTx(tx)
			defer func() { newWeights = w.newWeights }()
			now := l.opts.Now().Truncate(time.Second)
			for i := 0; ; i++ {
				if i == len(batch) {
					// Blocks queued while this batch was being applied
					// join it: no waiting, just no second commit for them.
					more := l.take(maxBatch - len(batch))
					if len(more) == 0 {
						break
					}
					batch = append(batch, more...)
				}
				r := batch[i]
				if r.skip {
					continue
				}
				p := r.p
				p.w, p.now = w, now
				before := w.writes
				res, err := p.run()
				if err == nil && l.testAfterRun != nil {
					err = l.testAfterRun(w, p, res)
				}
				if err != nil {
					failed = r
					return err
				}
				r.result = res
				if res != Progress {
					if w.writes != before {
						r.skip = true
						return errRerun
					}
					continue
				}
				accepted++
				if p.opened {
					opened++
				}
			}
			if accepted == 0 {
				return errNothingAccepted
			}
			return nil
		})
		if !errors.Is(err, errRerun) {
			break
		}
		l.stats.reruns.Add(1)
		l.opts.Log.Error("ledger: rejected block wrote; batch rerun without it")
	}
	for _, r := range batch {
		r.p.w = nil
	}

	switch {
	case errors.Is(err, errNothingAccepted):
		err = nil
	case err != nil:
		if failed == nil {
			// No block failed: the commit did, writing the file.
			l.writeErrors.Add(1)
			l.opts.Log.Error("ledger write failed", "blocks", len(batch), "err", err)
			err = &WriteError{Err: err}
		}
		for _, r := range batch {
			switch {
			case r == failed:
				r.err = fmt.Errorf("process block %s: %w", r.p.hash, err)
			case failed != nil:
				r.err = fmt.Errorf("process block %s: batch failed at block %s: %w", r.p.hash, failed.p.hash, err)
			default:
				r.err = fmt.Errorf("process block %s: %w", r.p.hash, err)
			}
		}
		finished = true
		for _, r := range batch {
			r.answer(0, r.err)
		}
		return
	default:
		l.stats.commits.Add(1)
		l.blocks.Add(uint64(accepted))
		l.accounts.Add(opened)
		l.applyWeights(newWeights)
	}

	if accepted > 0 {
		l.seq.Store(l.seq.Load() + uint64(accepted))
		if l.onConfirm != nil {
			l.onConfirm(l.confirmations(batch, accepted))
		}
	}
	finished = true
	for _, r := range batch {
		r.answer(r.result, nil)
	}
}

// confirmations are the events of a committed batch's accepted blocks, in
// batch order, which is sequence order.
func (l *Ledger) confirmations(batch []*request, accepted int) []Confirmation {
	done := l.opts.Now()
	events := make([]Confirmation, 0, accepted)
	for _, r := range batch {
		if r.skip || r.result != Progress {
			continue
		}
		events = append(events, confirmationOf(&r.p.stored, ElectionInfo{
			Duration: done.Sub(r.start),
			Time:     done,
			Tally:    r.p.tally,
		}))
	}
	return events
}

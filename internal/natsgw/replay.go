package natsgw

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/natsbus"
)

func errNoStream(name string) *api.Error {
	return &api.Error{Code: api.CodeGeneric, Message: "Confirmations are not available yet: stream " + name + " cannot be read"}
}

// ErrResumeTooOld is a resume point whose next confirmation the stream no
// longer keeps.
func ErrResumeTooOld(after, oldest uint64) *api.Error {
	return &api.Error{Code: api.CodeGeneric, Message: fmt.Sprintf(
		"resume_after %d is older than the oldest confirmation the stream keeps, %d: resume from %d or later", after, oldest, oldest-1)}
}

// replayer reads one resuming client's history from the stream.
type replayer struct {
	f      *feed
	st     jetstream.Stream
	offset int64  // stream sequence - confirmation sequence
	newest uint64 // the stream's newest confirmation when the client came

	mu   sync.Mutex
	it   jetstream.MessagesContext
	next uint64 // the confirmation sequence it delivers next
}

// replayer checks that after is within what the stream keeps and maps
// confirmation sequences to stream sequences.
func (f *feed) replayer(ctx context.Context, after uint64) (*replayer, error) {
	ctx, cancel := context.WithTimeout(ctx, f.s.opts.Timeout)
	defer cancel()
	st, err := f.s.opts.JS.Stream(ctx, f.s.subj.Stream)
	if err != nil {
		return nil, errNoStream(f.s.subj.Stream)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return nil, errNoStream(f.s.subj.Stream)
	}
	if info.State.Msgs == 0 {
		return nil, broker.ErrResumeAhead(after, 0)
	}
	last, err := st.GetMsg(ctx, info.State.LastSeq)
	if err != nil {
		return nil, errNoStream(f.s.subj.Stream)
	}
	newest, err := strconv.ParseUint(last.Header.Get(natsbus.HeaderSequence), 10, 64)
	if err != nil || newest < info.State.LastSeq-info.State.FirstSeq+1 {
		return nil, fmt.Errorf("natsgw: stream %s: message %d has no valid %s header", f.s.subj.Stream, info.State.LastSeq, natsbus.HeaderSequence)
	}
	offset := int64(info.State.LastSeq) - int64(newest)
	oldest := uint64(int64(info.State.FirstSeq) - offset)
	switch {
	case after > newest:
		return nil, broker.ErrResumeAhead(after, newest)
	case after+1 < oldest:
		return nil, ErrResumeTooOld(after, oldest)
	}
	return &replayer{f: f, st: st, offset: offset, newest: newest}, nil
}

// replayNext bounds the wait for one page the stream is known to hold.
const replayNext = 10 * time.Second

// replay is the client's broker.Replay: the confirmations after after, up
// to limit, until the newest the feed had seen (or the stream held when
// the client came), whichever is higher; everything later is in the
// client's queue.
func (r *replayer) replay(ctx context.Context, after uint64, limit int) ([]*broker.Event, error) {
	target := max(r.f.last.Load(), r.newest)
	if after >= target {
		return nil, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.it == nil || r.next != after+1 {
		if r.it != nil {
			r.it.Stop()
		}
		cons, err := r.st.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
			DeliverPolicy: jetstream.DeliverByStartSequencePolicy,
			OptStartSeq:   uint64(int64(after+1) + r.offset),
		})
		if err != nil {
			return nil, fmt.Errorf("natsgw: replay: %w", err)
		}
		if r.it, err = cons.Messages(); err != nil {
			return nil, fmt.Errorf("natsgw: replay: %w", err)
		}
		r.next = after + 1
	}
	nctx, cancel := context.WithTimeout(ctx, replayNext)
	defer cancel()
	var out []*broker.Event
	for len(out) < limit && r.next <= target {
		m, err := r.it.Next(jetstream.NextContext(nctx))
		if err != nil {
			r.it.Stop()
			r.it = nil
			return nil, fmt.Errorf("natsgw: replay after %d: %w", r.next-1, err)
		}
		c, err := natsbus.ParseConfirmation(m.Data())
		if err != nil {
			r.f.s.opts.Log.Warn("skipping a stream message that is not a confirmation", "err", err)
			continue
		}
		if c.Event.Sequence < r.next {
			continue
		}
		r.next = c.Event.Sequence + 1
		out = append(out, c.BrokerEvent())
	}
	return out, nil
}

func (r *replayer) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.it != nil {
		r.it.Stop()
		r.it = nil
	}
}

package natsbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/ledger"
)

// Source is the outbox: the ledger's confirmations by sequence.
type Source interface {
	ConfirmationSequence() uint64
	ConfirmationsFrom(seq uint64, limit int) ([]ledger.Confirmation, error)
}

// OutboxConfig configures an Outbox.
type OutboxConfig struct {
	Conn   *nats.Conn
	JS     jetstream.JetStream
	NATS   config.NodeNATS // stream and its limits, subjects, publish_window
	Source Source
	// Render is a confirmation's message payload.
	Render func(*ledger.Confirmation) []byte
	// MarkPath is the acknowledged mark's file (MarkFile in the data
	// directory).
	MarkPath string
	Log      *slog.Logger
}

// Outbox publishes the ledger's confirmations to the stream: every one
// once, in sequence order, without a gap, from the acknowledged mark on
// (see the package documentation).
type Outbox struct {
	cfg  OutboxConfig
	subj Subjects
	wake chan struct{}

	acked   atomic.Uint64 // the acknowledged mark
	saved   uint64        // the mark last written to MarkPath (Run's goroutine)
	savedAt time.Time
	lastErr string // Run's goroutine: the last error logged
	synced  bool   // Run's goroutine: the stream was read since the last error
	last    uint64 // Run's goroutine: the stream's last sequence, while synced
}

// markEvery is how often the mark is written while publishing; it is
// also written when a round ends and when Run returns.
const markEvery = time.Second

// batchRead is the most confirmations read from the ledger at once.
const batchRead = 512

// NewOutbox returns an outbox starting from the mark at cfg.MarkPath.
func NewOutbox(cfg OutboxConfig) (*Outbox, error) {
	mark, err := ReadMark(cfg.MarkPath)
	if err != nil {
		return nil, err
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	o := &Outbox{cfg: cfg, subj: SubjectsOf(cfg.NATS.NATS), wake: make(chan struct{}, 1), saved: mark}
	o.acked.Store(mark)
	return o, nil
}

// Notify wakes the publisher: the ledger has new confirmations. It never
// blocks (the ledger's OnConfirm hook calls it).
func (o *Outbox) Notify() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Acked is the acknowledged mark: the stream holds every confirmation up
// to it.
func (o *Outbox) Acked() uint64 { return o.acked.Load() }

// Lag is the ledger's confirmation sequence minus the acknowledged mark.
func (o *Outbox) Lag() uint64 {
	top, acked := o.cfg.Source.ConfirmationSequence(), o.acked.Load()
	if acked >= top {
		return 0
	}
	return top - acked
}

// Connected reports whether the connection is up now.
func (o *Outbox) Connected() bool { return o.cfg.Conn.IsConnected() }

// Run publishes until ctx ends: at once, on each Notify, and every second
// (a missed wake-up costs at most that). A round that fails (NATS away, a
// refused message) is retried with backoff, starting again from the
// acknowledged mark. The mark is written before Run returns.
func (o *Outbox) Run(ctx context.Context) {
	defer o.saveMark()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	backoff := reconnectMin
	for {
		err := o.round(ctx)
		o.saveMark()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			o.synced = false
			if msg := err.Error(); msg != o.lastErr {
				o.cfg.Log.Warn("nats: publishing confirmations paused; retrying", "acked", o.acked.Load(), "err", err)
				o.lastErr = msg
			}
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
				return
			}
			backoff = min(2*backoff, time.Second)
			continue
		}
		if o.lastErr != "" {
			o.cfg.Log.Info("nats: publishing confirmations again", "acked", o.acked.Load())
			o.lastErr = ""
		}
		backoff = reconnectMin
		select {
		case <-o.wake:
		case <-tick.C:
		case <-ctx.Done():
			return
		}
	}
}

// errNotConnected ends a round while the connection is away.
var errNotConnected = errors.New("not connected to NATS")

// syncTimeout bounds the stream requests that begin a round.
const syncTimeout = 5 * time.Second

// inflight is one published confirmation waiting for its acknowledgement.
type inflight struct {
	seq uint64
	fut jetstream.PubAckFuture
}

// round publishes from the mark to the ledger's end, with publish_window
// messages in flight, and returns once all are acknowledged or one
// failed. The first round, and the first after a failed one, reads the
// stream first (sync); the others go on from where the last one left it,
// which Nats-Expected-Last-Sequence checks.
func (o *Outbox) round(ctx context.Context) error {
	if o.cfg.Conn.Status() != nats.CONNECTED {
		return errNotConnected
	}
	if o.cfg.Source.ConfirmationSequence() <= o.acked.Load() && o.synced {
		return nil
	}
	if !o.synced {
		streamLast, err := o.sync(ctx)
		if err != nil {
			return err
		}
		o.last, o.synced = streamLast, true
	}
	window := o.cfg.NATS.PublishWindow
	queue := make([]inflight, 0, window)
	next, expect := o.acked.Load()+1, o.last
	for {
		top := o.cfg.Source.ConfirmationSequence()
		if len(queue) == 0 && next > top {
			o.last = expect // every message published is acknowledged
			return nil
		}
		for next <= top && len(queue) < window {
			cs, err := o.cfg.Source.ConfirmationsFrom(next, min(window-len(queue), batchRead))
			if err != nil {
				return err
			}
			if len(cs) == 0 {
				break
			}
			for i := range cs {
				c := &cs[i]
				fut, err := o.cfg.JS.PublishMsgAsync(o.message(c, expect))
				if err != nil {
					return err
				}
				queue = append(queue, inflight{seq: c.Sequence, fut: fut})
				expect++
				next = c.Sequence + 1
			}
		}
		if len(queue) == 0 {
			continue
		}
		select {
		case <-queue[0].fut.Ok():
			o.acked.Store(queue[0].seq)
			queue = queue[1:]
			if time.Since(o.savedAt) >= markEvery {
				o.saveMark()
			}
		case err := <-queue[0].fut.Err():
			return fmt.Errorf("confirmation %d: %w", queue[0].seq, err)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// message is confirmation c for the stream, refused unless the stream's
// last message is number expect.
func (o *Outbox) message(c *ledger.Confirmation, expect uint64) *nats.Msg {
	m := nats.NewMsg(o.subj.Confirmation(c))
	m.Data = o.cfg.Render(c)
	m.Header.Set(HeaderMsgID, c.Hash.String())
	m.Header.Set(HeaderSequence, strconv.FormatUint(c.Sequence, 10))
	m.Header.Set(HeaderExpectedLastSeq, strconv.FormatUint(expect, 10))
	return m
}

// sync makes sure the stream exists with the configured limits and
// returns its last stream sequence. When the stream's last message is
// still there, its Nano-Sequence becomes the mark: the stream, not the
// mark file, says what it holds (the file may lag it by up to markEvery
// after a crash).
func (o *Outbox) sync(ctx context.Context) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	st, err := EnsureStream(ctx, o.cfg.JS, o.cfg.NATS)
	if err != nil {
		return 0, err
	}
	last := st.CachedInfo().State.LastSeq
	if last == 0 {
		return 0, nil
	}
	m, err := st.GetMsg(ctx, last)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return last, nil // expired or purged: the mark file says
	}
	if err != nil {
		return 0, fmt.Errorf("nats: stream %s: read message %d: %w", o.subj.Stream, last, err)
	}
	seq, err := strconv.ParseUint(m.Header.Get(HeaderSequence), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("nats: stream %s: message %d has no %s header: only nipc may publish to %s", o.subj.Stream, last, HeaderSequence, o.subj.Confirmations())
	}
	if top := o.cfg.Source.ConfirmationSequence(); seq > top {
		return 0, fmt.Errorf("nats: stream %s holds confirmation %d, past this ledger's %d: it belongs to another ledger; give this node its own stream", o.subj.Stream, seq, top)
	}
	o.acked.Store(seq)
	return last, nil
}

// saveMark writes the mark if it moved.
func (o *Outbox) saveMark() {
	o.savedAt = time.Now()
	n := o.acked.Load()
	if n == o.saved {
		return
	}
	if err := WriteMark(o.cfg.MarkPath, n); err != nil {
		o.cfg.Log.Error("nats: the acknowledged mark was not saved (publishing goes on; duplicates are refused by the stream)", "err", err)
		return
	}
	o.saved = n
}

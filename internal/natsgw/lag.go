package natsgw

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/nipc/nipc/internal/natsbus"
)

// pollEvery is how often the feed reads the stream's last sequence, so
// that Lag sees confirmations the consumer has not delivered yet.
const pollEvery = time.Second

// position is where the feed is in the stream, and where the stream ends:
// the confirmation sequence and stream sequence of the last message
// offered (at start, of the stream's last message), and the stream's last
// confirmation sequence as last seen.
type position struct {
	mu           sync.Mutex
	conf, stream uint64 // the last offered
	streamLast   uint64 // the stream's last confirmation sequence
}

// start sets the position to the stream's end, where the feed starts: the
// Nano-Sequence of its last message, if any.
func (p *position) start(ctx context.Context, st jetstream.Stream, info *jetstream.StreamInfo) error {
	var conf uint64
	if info.State.Msgs > 0 {
		m, err := st.GetMsg(ctx, info.State.LastSeq)
		if err != nil {
			return err
		}
		conf, _ = strconv.ParseUint(m.Header.Get(natsbus.HeaderSequence), 10, 64)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conf, p.stream = conf, info.State.LastSeq
	p.streamLast = max(p.streamLast, conf)
	return nil
}

// offered records confirmation conf, the message at stream sequence
// stream with pending more after it in the stream.
func (p *position) offered(conf, stream, pending uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conf, p.stream = conf, stream
	p.streamLast = max(p.streamLast, conf+pending)
}

// polled records the stream's last stream sequence: stream sequences
// follow confirmation sequences one for one.
func (p *position) polled(lastSeq uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if lastSeq > p.stream {
		p.streamLast = max(p.streamLast, p.conf+(lastSeq-p.stream))
	}
}

// lag is the stream's last confirmation sequence minus the last offered.
func (p *position) lag() (streamLast, offered, lag uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.streamLast > p.conf {
		lag = p.streamLast - p.conf
	}
	return p.streamLast, p.conf, lag
}

// pollStream reads the stream's end every pollEvery until ctx ends.
func (f *feed) pollStream(ctx context.Context, st jetstream.Stream) {
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ictx, cancel := context.WithTimeout(ctx, pollEvery)
		info, err := st.Info(ictx)
		cancel()
		if err == nil {
			f.pos.polled(info.State.LastSeq)
		}
	}
}

// Lag is how far the gateway is behind the stream: the stream's last
// confirmation sequence (as last read, at most pollEvery ago, or as the
// last delivered message said) minus the last one the feed offered to its
// WebSocket clients.
func (s *Service) Lag() uint64 { _, _, lag := s.feed.pos.lag(); return lag }

// StreamSequence is the stream's last confirmation sequence, as Lag reads
// it.
func (s *Service) StreamSequence() uint64 { last, _, _ := s.feed.pos.lag(); return last }

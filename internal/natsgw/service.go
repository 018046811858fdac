package natsgw

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/gateway"
	"github.com/nipc/nipc/internal/natsbus"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/internal/service"
)

// DefaultTimeout bounds one request to the node.
const DefaultTimeout = 30 * time.Second

// Options configure a Service.
type Options struct {
	Conn    *nats.Conn
	JS      jetstream.JetStream
	NATS    config.NATS   // subject prefix and stream
	Timeout time.Duration // 0: DefaultTimeout
	// QueueSize is each WebSocket client's event queue (0: the broker's
	// default).
	QueueSize int
	Log       *slog.Logger
}

// Service is service.Service over NATS.
type Service struct {
	opts Options
	subj natsbus.Subjects
	feed *feed

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

var _ service.Service = (*Service)(nil)

// New starts the service's feed of the stream (it waits for the stream
// to exist, retrying in the background) and returns at once. Close stops
// it.
func New(o Options) *Service {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	s := &Service{opts: o, subj: natsbus.SubjectsOf(o.NATS)}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.feed = newFeed(s)
	s.wg.Go(func() { s.feed.run(s.ctx) })
	return s
}

// Close stops the feed and ends every subscription.
func (s *Service) Close() {
	s.cancel()
	s.wg.Wait()
	s.feed.closeAll()
}

// Handle implements service.Service: a legacy request to P.api.legacy (a
// parsed tree without its body is rendered compact), anything else, an
// encoding-4 envelope, to P.api.v2.
func (s *Service) Handle(ctx context.Context, req service.Request, dst []byte) ([]byte, error) {
	subject, body := s.subj.APIV2(), req.Body
	if req.Legacy() {
		subject = s.subj.APILegacy()
		if body == nil && req.Tree != nil {
			body = ptree.AppendCompact(nil, req.Tree)
		}
	}
	reply, err := s.request(ctx, subject, body)
	if err != nil {
		return dst, err
	}
	return append(dst, reply...), nil
}

func (s *Service) request(ctx context.Context, subject string, body []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	m, err := s.opts.Conn.RequestWithContext(ctx, subject, body)
	if err != nil {
		s.opts.Log.Warn("request to the node over NATS failed", "subject", subject, "err", err)
		text := gateway.TextConnectionFailed
		if errors.Is(err, nats.ErrNoResponders) || errors.Is(err, nats.ErrConnectionClosed) || !s.opts.Conn.IsConnected() {
			text = gateway.TextUnreachable
		}
		return nil, &gateway.NodeError{Text: text, Err: err,
			Hint: fmt.Sprintf("no nipc node answers on %s (nats.servers %v, nats.subject_prefix %q)", subject, s.opts.NATS.Servers, s.subj.Prefix)}
	}
	return m.Data, nil
}

// EnforcesControl implements service.Service: the node applies its own
// enable_control; the HTTP layer applies the gateway's.
func (s *Service) EnforcesControl() bool { return false }

// Subscribe implements service.Service: the node decides whether the
// credentials may; the client is then fed from the gateway's consumer,
// after a replay from the stream if it asked to resume.
func (s *Service) Subscribe(ctx context.Context, req service.SubscribeRequest, sub broker.Subscriber) (service.Subscription, error) {
	if req.Options.AllLocalAccounts {
		return nil, service.ErrNoWallets
	}
	if err := s.authorize(ctx, req.Credentials); err != nil {
		return nil, err
	}
	return s.feed.subscribe(ctx, req, sub)
}

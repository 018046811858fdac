package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/fbjson"
	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/internal/service"
	"github.com/nipc/nipc/ipc"
)

// IPCOptions configure the IPC backend.
type IPCOptions struct {
	// Client says where the node is: Path (Unix socket) or Addr:Port, the
	// pool size and the access-check file. See ClientConfig.
	Client client.Config
	// Timeout bounds one request to the node (default 60 s, nano_rpc's).
	Timeout time.Duration
	Log     *slog.Logger
}

// ClientConfig is how a gateway process reaches the node, from
// config-rpc.toml's [process] table: the Unix socket ipc_path when set, else
// TCP ipc_address:ipc_port; num_ipc_connections pooled connections; the
// access-check secret access_check_file.
func ClientConfig(r config.RPC) client.Config {
	p := r.Process
	return client.Config{
		Path:       p.IPCPath,
		Addr:       p.IPCAddress,
		Port:       p.IPCPort,
		PoolSize:   p.NumIPCConnections,
		AccessFile: p.AccessCheckFile,
	}
}

// IPC is the service of a gateway in its own process: a pool of IPC
// connections to the node (legacy over encoding 1, v2 over encoding 4), and
// a relay of the node's confirmations for the WebSocket. The node may be
// down when the gateway starts and may restart while it runs: requests fail
// with the node's texts meanwhile and succeed again once it is back.
type IPC struct {
	opts  IPCOptions
	log   *slog.Logger
	relay *relay

	mu sync.Mutex
	cl *client.Client // nil until the node was first reached
}

var _ service.Service = (*IPC)(nil)

// NewIPC returns an IPC backend. Nothing is dialled until the first request.
func NewIPC(opts IPCOptions) *IPC {
	if opts.Timeout <= 0 {
		opts.Timeout = 60 * time.Second
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	b := &IPC{opts: opts, log: opts.Log}
	b.relay = newRelay(opts.Client, opts.Log)
	return b
}

// Close closes the pooled connections and ends the relayed subscriptions.
func (b *IPC) Close() error {
	b.relay.close()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cl != nil {
		b.cl.Close()
		b.cl = nil
	}
	return nil
}

// Check dials the node once, so that a gateway can say at start whether the
// node is reachable (the connection joins the pool). The error is a
// *NodeError wrapping the client's (an *client.AccessFileError is a
// configuration mistake; anything else may pass once the node is up).
func (b *IPC) Check(ctx context.Context) error {
	_, err := b.client(ctx)
	return err
}

func (b *IPC) client(ctx context.Context) (*client.Client, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cl != nil {
		return b.cl, nil
	}
	cl, err := client.Dial(ctx, b.opts.Client)
	if err != nil {
		err = nodeError(err, b.opts.Client)
		b.log.Warn("cannot reach the node", "err", err)
		return nil, err
	}
	b.cl = cl
	return cl, nil
}

// Handle implements service.Service: legacy requests over encoding 1 (a
// parsed tree without its body is rendered compact), v2 over encoding 4.
// Subscription messages (TopicConfirmation, TopicServiceStop,
// ServiceRegister) go over a connection of their own that is closed after
// the reply: on a pooled connection the node would push events that later
// requests would take for their replies. A request named by
// /api/v2/<Name> is told apart by its name alone: only an exact name of
// the registry is trusted; anything else (a union id such as "8" names a
// message too) has its envelope parsed (stateful).
func (b *IPC) Handle(ctx context.Context, req service.Request, dst []byte) ([]byte, error) {
	var out []byte
	var err error
	switch {
	case req.Legacy():
		body := req.Body
		if body == nil && req.Tree != nil {
			body = ptree.AppendCompact(nil, req.Tree)
		}
		out, err = b.do(ctx, ipc.EncodingJSON, body)
	case b.named(req.Name) || !b.stateful(req.Body):
		out, err = b.do(ctx, ipc.EncodingFlatbuffersJSON, req.Body)
	default:
		out, err = b.oneShot(ctx, req.Body)
	}
	if err != nil {
		return dst, err
	}
	return append(dst, out...), nil
}

// Subscribe implements service.Service: the relay subscribes to the node
// with req's credentials (the node decides whether they may) and matches
// the node's events with req's options.
func (b *IPC) Subscribe(ctx context.Context, req service.SubscribeRequest, s broker.Subscriber) (service.Subscription, error) {
	if req.Options.Topic != broker.TopicConfirmation {
		return nil, service.ErrTopicNotRelayed(req.Options.Topic)
	}
	return b.relay.subscribe(ctx, req, s)
}

// EnforcesControl implements service.Service: the node applies its own
// enable_control, not the gateway's, so the HTTP layer applies the
// gateway's.
func (b *IPC) EnforcesControl() bool { return false }

// named reports whether name is a message of the registry that is not a
// subscription.
func (b *IPC) named(name string) bool {
	if name == "" {
		return false
	}
	info, ok := api.LookupMessageName(name)
	return ok && !isStateful(info.Type)
}

// stateful reports whether an envelope must go over a connection of its
// own. It fails closed: an envelope it cannot parse might still be one the
// node accepts (its parser's options or version may differ), so it goes
// alone too, and the node answers it there. Unknown fields are skipped, so
// that only what no parser would take is in doubt.
func (b *IPC) stateful(envelope []byte) bool {
	env, err := fbjson.ParseEnvelope(envelope, fbjson.Options{})
	if err != nil {
		return true
	}
	return env.Message != nil && isStateful(env.Message.Type)
}

// isStateful: the messages that make the node push on their connection.
func isStateful(t fb.Message) bool {
	switch t {
	case fb.MessageTopicConfirmation, fb.MessageTopicServiceStop, fb.MessageServiceRegister:
		return true
	}
	return false
}

func (b *IPC) oneShot(ctx context.Context, envelope []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, b.opts.Timeout)
	defer cancel()
	cfg := b.opts.Client
	cfg.PoolSize = 1
	cl, err := client.Dial(ctx, cfg)
	if err != nil {
		return nil, nodeError(err, b.opts.Client)
	}
	defer cl.Close()
	reply, err := cl.Do(ctx, ipc.EncodingFlatbuffersJSON, envelope)
	if err != nil {
		return nil, nodeError(err, b.opts.Client)
	}
	return reply, nil
}

// do sends a request through the pool. A pooled connection that the node
// closed (it restarted, say) fails on first use; the client retries once
// on a fresh connection, and do keeps draining dead connections until the
// pool has been renewed or the node cannot be reached.
func (b *IPC) do(ctx context.Context, enc ipc.Encoding, payload []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, b.opts.Timeout)
	defer cancel()
	cl, err := b.client(ctx)
	if err != nil {
		return nil, err
	}
	tries := cl.Config().PoolSize + 1
	for i := 0; ; i++ {
		reply, err := cl.Do(ctx, enc, payload)
		if err == nil {
			return reply, nil
		}
		if i+1 >= tries || ctx.Err() != nil || !client.IsBroken(err) {
			b.log.Warn("request to the node failed", "err", err)
			return nil, nodeError(err, b.opts.Client)
		}
	}
}

// nodeError maps a client error to the text nano_rpc would answer, with a
// hint naming the [process] key that says where the node is.
func nodeError(err error, cfg client.Config) error {
	if _, ok := errors.AsType[*client.UnreachableError](err); ok {
		return &NodeError{Text: TextUnreachable, Err: err, Hint: UnreachableHint(cfg)}
	}
	return &NodeError{Text: TextConnectionFailed, Err: err}
}

// UnreachableHint says where the gateway looked for the node, by the
// config-rpc.toml key that set it: process.ipc_path for a Unix socket,
// process.ipc_address and process.ipc_port for TCP.
func UnreachableHint(cfg client.Config) string {
	network, addr := cfg.Network()
	if network == "unix" {
		return fmt.Sprintf("no node answers on the Unix socket %s (process.ipc_path in config-rpc.toml): is the node running with node.ipc.local.path = %q?", addr, addr)
	}
	host, port, _ := net.SplitHostPort(addr)
	return fmt.Sprintf("no node answers on tcp %s (process.ipc_address and process.ipc_port in config-rpc.toml): is the node running with node.ipc.tcp.enable = true and node.ipc.tcp.port = %s on %s?", addr, port, host)
}

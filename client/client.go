package client

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/nipc/nipc/ipc"
)

// Client is a pool of connections to one daemon.
type Client struct {
	cfg    Config
	secret []byte        // the access check's secret (Config.AccessFile); nil: no check
	slots  chan struct{} // one token per connection that may be in use
	idle   chan *conn    // connections ready for a request

	mu     sync.Mutex
	closed bool
}

// conn is one persistent connection.
type conn struct {
	nc  net.Conn
	br  *bufio.Reader
	buf []byte // request and reply buffer
}

// Dial returns a client for the daemon cfg describes, after making one
// connection to check that it is reachable. ctx bounds that first connection.
// With cfg.AccessFile set, the secret is read first (an *AccessFileError if
// the file cannot be used) and every connection the client opens passes the
// access check (an *AccessError if it does not; see access.go).
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	cfg = cfg.withDefaults()
	secret, err := readSecret(cfg)
	if err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, secret: secret, slots: make(chan struct{}, cfg.PoolSize), idle: make(chan *conn, cfg.PoolSize)}
	start := time.Now()
	cn, err := c.dial(ctx)
	if err != nil {
		return nil, c.timeoutError(err, start)
	}
	c.idle <- cn
	return c, nil
}

// Config returns the client's configuration (with defaults filled in).
func (c *Client) Config() Config { return c.cfg }

func (c *Client) dial(ctx context.Context) (*conn, error) {
	network, addr := c.cfg.Network()
	d := net.Dialer{Timeout: c.cfg.DialTimeout}
	nc, err := d.DialContext(ctx, network, addr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &UnreachableError{Network: network, Address: addr, Origin: c.cfg.Origin.of(network), Err: err}
	}
	if c.secret != nil {
		if err := c.handshake(ctx, nc); err != nil {
			nc.Close()
			return nil, err
		}
	}
	return &conn{nc: nc, br: bufio.NewReader(nc)}, nil
}

// Do sends one request payload in encoding enc and returns the reply payload.
// A node that requires the access check from a client without
// Config.AccessFile answers "Access check required": that is returned as an
// *AccessError.
func (c *Client) Do(ctx context.Context, enc ipc.Encoding, payload []byte) ([]byte, error) {
	start := time.Now()
	reply, err := c.do(ctx, enc, payload)
	return reply, c.timeoutError(err, start)
}

func (c *Client) do(ctx context.Context, enc ipc.Encoding, payload []byte) ([]byte, error) {
	select {
	case c.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.slots }()
	if c.isClosed() {
		return nil, ErrClosed
	}
	for attempt := 0; ; attempt++ {
		cn, reused, err := c.take(ctx)
		if err != nil {
			return nil, err
		}
		reply, reusable, err := cn.roundTrip(ctx, enc, payload, c.cfg.MaxFrameSize)
		if err == nil && c.accessRequired(enc, reply) {
			cn.nc.Close() // the node closes it too
			return nil, c.errAccessRequired()
		}
		if err == nil {
			if reusable {
				c.put(cn)
			} else {
				cn.nc.Close()
			}
			return reply, nil
		}
		cn.nc.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		// A pooled connection the daemon closed while it sat idle (a
		// restart, say): try once more on a fresh one.
		if reused && attempt == 0 && IsBroken(err) {
			continue
		}
		return nil, err
	}
}

func (c *Client) take(ctx context.Context) (*conn, bool, error) {
	select {
	case cn := <-c.idle:
		return cn, true, nil
	default:
		cn, err := c.dial(ctx)
		return cn, false, err
	}
}

func (c *Client) put(cn *conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		cn.nc.Close()
		return
	}
	select {
	case c.idle <- cn:
	default:
		cn.nc.Close()
	}
}

func (c *Client) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// Close closes every idle connection; calls in progress finish and then close
// theirs.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for {
		select {
		case cn := <-c.idle:
			cn.nc.Close()
		default:
			return nil
		}
	}
}

// roundTrip writes one request and reads its reply into a new slice. It
// reports whether the connection may be reused: not if ctx's cancellation
// has already begun to move its deadline into the past.
func (cn *conn) roundTrip(ctx context.Context, enc ipc.Encoding, payload []byte, max uint32) (reply []byte, reusable bool, err error) {
	deadline, _ := ctx.Deadline()
	cn.nc.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { cn.nc.SetDeadline(time.Unix(1, 0)) })
	defer func() { reusable = stop() && err == nil }()

	cn.buf = ipc.AppendRequest(cn.buf[:0], enc, payload)
	if _, err := cn.nc.Write(cn.buf); err != nil {
		return nil, false, err
	}
	reply, err = ipc.ReadFrame(cn.br, max, nil)
	if err != nil {
		return nil, false, frameError(err, cn.nc)
	}
	if cap(cn.buf) > 64<<10 {
		cn.buf = nil
	}
	return reply, true, nil
}

// IsBroken reports whether err means the connection died under us (EOF,
// a reset or broken pipe, or a closed connection): the error of a pooled
// connection the node closed, which a caller may retry on a fresh one.
func IsBroken(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, net.ErrClosed)
}

// IsTimeout reports whether err is a deadline or I/O timeout.
func IsTimeout(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded)
}

// Legacy calls a legacy JSON RPC action (encoding 1) with params (any value
// that encodes to a JSON object, or nil) and returns the reply object.
// A reply of the form {"error": "..."} is returned as a *ServerError.
func (c *Client) Legacy(ctx context.Context, action string, params map[string]any) (json.RawMessage, error) {
	return c.LegacyEncoding(ctx, ipc.EncodingJSON, action, params)
}

// LegacyEncoding is Legacy with a choice of encoding 1 or 2 (unsafe).
func (c *Client) LegacyEncoding(ctx context.Context, enc ipc.Encoding, action string, params map[string]any) (json.RawMessage, error) {
	req := make(map[string]any, len(params)+1)
	for k, v := range params {
		req[k] = v
	}
	req["action"] = action
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("client: encode %s request: %w", action, err)
	}
	reply, err := c.Do(ctx, enc, body)
	if err != nil {
		return nil, err
	}
	return reply, LegacyError(reply)
}

// LegacyError returns a *ServerError if reply is a legacy error object.
func LegacyError(reply []byte) error {
	var e struct {
		Error *string `json:"error"`
	}
	if json.Unmarshal(reply, &e) == nil && e.Error != nil {
		return &ServerError{Text: *e.Error}
	}
	return nil
}

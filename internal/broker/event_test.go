package broker

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/fbjson"
	"github.com/nipc/nipc/ipc"
)

// renderKey is a test's key in an Event's cache.
type renderKey uint8

// writerConn is a fakeConn that takes confirmations as values: it renders
// each with render under its key and records the bytes (not a copy) and
// the Event.
type writerConn struct {
	*fakeConn
	key     renderKey
	render  func(*Event) []byte // nil: renderSmall
	written []*Event            // guarded by fakeConn.mu
}

func newWriter(enc ipc.Encoding, key renderKey, render func(*Event) []byte) *writerConn {
	if render == nil {
		render = func(ev *Event) []byte { return renderSmall(ev.Confirmation(), ev.Time()) }
	}
	return &writerConn{fakeConn: newConn(enc), key: key, render: render}
}

var _ Subscriber = (*writerConn)(nil)

func (c *writerConn) Dropped(error) { c.Close() }

func (c *writerConn) Deliver(ev *Event, _ *Options) error {
	if err := c.stall(); err != nil {
		return err
	}
	p := ev.Rendered(c.key, func() []byte { return c.render(ev) })
	c.mu.Lock()
	c.written = append(c.written, ev)
	c.mu.Unlock()
	c.record(p)
	return nil
}

// wait waits for n more events.
func (c *writerConn) wait(t *testing.T, n int) {
	t.Helper()
	for i := range n {
		select {
		case <-c.arrived:
		case <-time.After(5 * time.Second):
			t.Fatalf("waited 5s for event %d of %d", i+1, n)
		}
	}
}

// renderSmall is a small WebSocket-like message of a confirmation.
func renderSmall(c *fb.EventConfirmationT, at time.Time) []byte {
	type block struct {
		Type, Account, Previous, Representative, Balance, Link, Signature, Work string
	}
	msg := struct {
		Topic   string `json:"topic"`
		Time    string `json:"time"`
		Message struct {
			Account, Amount, Hash string
			Block                 *block `json:",omitempty"`
		} `json:"message"`
	}{Topic: "confirmation", Time: strconv.FormatInt(at.UnixMilli(), 10)}
	msg.Message.Account, msg.Message.Amount, msg.Message.Hash = c.Account, c.Amount, c.Hash
	if c.Block != nil {
		if st, ok := c.Block.Value.(*fb.BlockStateT); ok {
			msg.Message.Block = &block{"state", st.Account, st.Previous, st.Representative, st.Balance, st.Link, st.Signature, st.Work}
		}
	}
	out, _ := json.Marshal(msg)
	return out
}

// TestSubscribersShareRendering: Subscribers receive one *Event per
// confirmation, whose Confirmation (with block and election info) is one
// value for all, and whose Rendered runs once per key however many
// subscribers ask: those with the same key get the very same bytes.
func TestSubscribersShareRendering(t *testing.T) {
	const keys, perKey, events = 3, 20, 5
	b := New(nil, nil, 0)
	var renders atomic.Int64
	var conns []*writerConn
	for i := range keys * perKey {
		c := newWriter(ipc.EncodingFlatbuffers, renderKey(i%keys), func(ev *Event) []byte {
			renders.Add(1)
			return renderSmall(ev.Confirmation(), ev.Time())
		})
		defer c.Close()
		// Options do not matter to the Event.
		subscribe(t, b, c, &fb.TopicConfirmationOptionsT{IncludeBlock: i%2 == 0})
		conns = append(conns, c)
	}
	for i := range events {
		b.Publish(confirmation(alice, bob, uint64(i)))
	}
	for _, c := range conns {
		c.wait(t, events)
	}
	if n := renders.Load(); n != keys*events {
		t.Errorf("rendered %d times, want %d (once per event and key)", n, keys*events)
	}
	first := make(map[renderKey]*writerConn)
	for _, c := range conns {
		f, ok := first[c.key]
		if !ok {
			first[c.key] = c
			f = c
		}
		for i, p := range c.snapshot() {
			ev, fev := c.written[i], f.written[i]
			if ev != fev || ev.Confirmation() != fev.Confirmation() {
				t.Fatalf("event %d: subscribers got different Events", i)
			}
			if ev.Confirmation().Block == nil || ev.Confirmation().ElectionInfo == nil {
				t.Fatalf("event %d: confirmation without block or election info: %+v", i, ev.Confirmation())
			}
			if fp := f.snapshot()[i]; &p[0] != &fp[0] || !bytes.Equal(p, fp) {
				t.Fatalf("event %d: key %d's subscribers got different renderings", i, c.key)
			}
		}
	}
	if b.Delivered() != keys*perKey*events {
		t.Errorf("delivered %d, want %d", b.Delivered(), keys*perKey*events)
	}
}

// TestRenderedOncePerKey: concurrent callers with one key wait for one
// rendering; keys of different types never collide.
func TestRenderedOncePerKey(t *testing.T) {
	conf := &fb.EventConfirmationT{Hash: "H"}
	ev := NewEvent(conf, time.UnixMilli(1))
	if ev.Confirmation() != conf || !ev.Time().Equal(time.UnixMilli(1)) {
		t.Fatal("NewEvent's event does not give back its confirmation and time")
	}
	var calls [2]atomic.Int64
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if p := ev.Rendered(renderKey(1), func() []byte { calls[0].Add(1); return []byte("test") }); string(p) != "test" {
				t.Errorf("got %q", p)
			}
		})
		wg.Go(func() {
			if p := ev.Rendered(variant(1), func() []byte { calls[1].Add(1); return []byte("broker") }); string(p) != "broker" {
				t.Errorf("got %q", p)
			}
		})
	}
	wg.Wait()
	if calls[0].Load() != 1 || calls[1].Load() != 1 {
		t.Fatalf("render calls %d and %d, want 1 each", calls[0].Load(), calls[1].Load())
	}
}

// TestSubscriberServiceStop: a Subscriber on a connection gets confirmations through
// Deliver and EventServiceStop through Push, in its encoding.
func TestSubscriberServiceStop(t *testing.T) {
	b := New(nil, nil, 0)
	c := newWriter(ipc.EncodingFlatbuffersJSON, 0, nil)
	defer c.Close()
	subscribe(t, b, c, nil)
	b.RegisterService(c, "svc")
	b.SubscribeServiceStop(c, false)
	c.replied()
	b.Publish(confirmation(alice, bob, 1))
	c.wait(t, 1)
	b.StopService("svc")
	c.wait(t, 1)
	c.mu.Lock()
	written := len(c.written)
	c.mu.Unlock()
	if written != 1 {
		t.Fatalf("%d events written, want 1 (the confirmation)", written)
	}
	p := c.snapshot()[1]
	bin, err := fbjson.Parse(p, fbjson.Options{})
	if err != nil {
		t.Fatalf("the stop is not envelope JSON: %v\n%s", err, p)
	}
	env, err := api.Decode(bin)
	if err != nil || env.Message.Type != fb.MessageEventServiceStop {
		t.Fatalf("pushed %s (%v)", p, err)
	}
}

// BenchmarkFanOutWebSocket: one confirmation to 1,000 WebSocket-like
// subscribers that each write a small JSON message: as Push subscribers
// that decode the broker's envelope and render (what the gateway's
// sessions did), and as Subscribers that share one rendering.
func BenchmarkFanOutWebSocket(b *testing.B) {
	const subs = 1000
	kinds := []struct {
		name string
		new  func() testConn
		fake func(testConn) *fakeConn
	}{
		{"push-decode", func() testConn { return &decodeConn{fakeConn: newConn(ipc.EncodingFlatbuffers)} },
			func(c testConn) *fakeConn { return c.(*decodeConn).fakeConn }},
		{"event-writer", func() testConn { return &benchWriter{fakeConn: newConn(ipc.EncodingFlatbuffers)} },
			func(c testConn) *fakeConn { return c.(*benchWriter).fakeConn }},
	}
	for _, kind := range kinds {
		b.Run(kind.name, func(b *testing.B) {
			br := New(nil, nil, 0)
			conns := make([]*fakeConn, subs)
			for i := range conns {
				c := kind.new()
				subscribeHeld(br, c, OptionsFrom(nil))
				c.replied()
				conns[i] = kind.fake(c)
			}
			defer func() {
				for _, c := range conns {
					c.Close()
				}
			}()
			conf := confirmation(alice, bob, 1)
			b.ReportAllocs()
			for b.Loop() {
				br.Publish(conf)
				for _, c := range conns {
					<-c.arrived
				}
			}
		})
	}
}

// decodeConn decodes each pushed envelope and renders it.
type decodeConn struct {
	*fakeConn
	last []byte // written by the subscriber's goroutine only
}

func (c *decodeConn) Push(p []byte) error {
	env, err := api.Decode(p)
	if err != nil {
		return err
	}
	c.last = renderSmall(env.Message.Value.(*fb.EventConfirmationT), time.UnixMilli(int64(env.Time)))
	c.arrived <- struct{}{}
	return nil
}

// benchWriter renders each event in its cache.
type benchWriter struct {
	*fakeConn
	last []byte // written by the subscriber's goroutine only
}

func (c *benchWriter) Dropped(error) { c.Close() }

func (c *benchWriter) Deliver(ev *Event, _ *Options) error {
	c.last = ev.Rendered(renderKey(0), func() []byte { return renderSmall(ev.Confirmation(), ev.Time()) })
	c.arrived <- struct{}{}
	return nil
}

package broker

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/fbjson"
	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/ipc"
	"github.com/nipc/nipc/nano"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeConn records pushed events.
type fakeConn struct {
	enc     ipc.Encoding
	mu      sync.Mutex
	pushed  [][]byte
	after   []func()
	done    chan struct{}
	once    sync.Once
	block   chan struct{} // if set, Push waits on it (a consumer that never reads)
	arrived chan struct{}
}

func newConn(enc ipc.Encoding) *fakeConn {
	return &fakeConn{enc: enc, done: make(chan struct{}), arrived: make(chan struct{}, 1<<16)}
}

func (c *fakeConn) Push(p []byte) error {
	if err := c.stall(); err != nil {
		return err
	}
	c.record(p) // kept, not copied: like a session's Push, which writes the shared bytes as they are
	return nil
}

// stall waits on block, if set, as a consumer that does not read.
func (c *fakeConn) stall() error {
	if c.block != nil {
		select {
		case <-c.block:
		case <-c.done:
			return ipcClosed
		}
	}
	return nil
}

// record keeps a written payload and signals its arrival.
func (c *fakeConn) record(p []byte) {
	c.mu.Lock()
	c.pushed = append(c.pushed, p)
	c.mu.Unlock()
	c.arrived <- struct{}{}
}

var ipcClosed = &api.Error{Code: 1, Message: "closed"}

func (c *fakeConn) EventEncoding() ipc.Encoding { return c.enc }
func (c *fakeConn) AfterReply(f func())         { c.after = append(c.after, f) }
func (c *fakeConn) Done() <-chan struct{}       { return c.done }
func (c *fakeConn) Close()                      { c.once.Do(func() { close(c.done) }) }

// replied runs the AfterReply callbacks, as a session does once it has
// written the reply.
func (c *fakeConn) replied() {
	for _, f := range c.after {
		f()
	}
	c.after = nil
}

func (c *fakeConn) events(t *testing.T, n int) []*fb.EnvelopeT {
	t.Helper()
	for range n {
		select {
		case <-c.arrived:
		case <-time.After(5 * time.Second):
			t.Fatalf("waited 5s for event; have %d of %d", len(c.snapshot()), n)
		}
	}
	var out []*fb.EnvelopeT
	for _, p := range c.snapshot() {
		if c.enc == ipc.EncodingFlatbuffersJSON {
			bin, err := fbjson.Parse(p, fbjson.Options{})
			if err != nil {
				t.Fatalf("event is not envelope JSON: %v\n%s", err, p)
			}
			p = bin
		}
		env, err := api.Decode(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, env)
	}
	return out
}

func (c *fakeConn) snapshot() [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([][]byte(nil), c.pushed...)
}

// quiet asserts nothing more arrives for a moment.
func (c *fakeConn) quiet(t *testing.T) {
	t.Helper()
	select {
	case <-c.arrived:
		t.Fatalf("unexpected event: %s", c.snapshot()[len(c.snapshot())-1])
	case <-time.After(100 * time.Millisecond):
	}
}

var (
	alice = nano.DeriveKey(nano.Seed{1}, 0).PublicKey()
	bob   = nano.DeriveKey(nano.Seed{2}, 0).PublicKey()
	carol = nano.DeriveKey(nano.Seed{3}, 0).PublicKey()
)

// confirmation of a state send from `from` to `to`.
func confirmation(from, to nano.PublicKey, n uint64) *ledger.Confirmation {
	b := &nano.Block{Type: nano.BlockTypeState, Account: from, Representative: from, Balance: nano.NewAmount(1000 - n), Link: nano.Hash(to)}
	return &ledger.Confirmation{Account: from, Amount: nano.NewAmount(n), Hash: b.Hash(), Block: b, Subtype: ledger.SubtypeSend, ConfirmationType: "active_quorum",
		Election: ledger.ElectionInfo{Duration: time.Millisecond, Time: time.Now(), Tally: nano.NewAmount(5), RequestCount: 1, BlockCount: 1, VoterCount: 1}}
}

// testConn is a fake connection: a *fakeConn, or one that embeds it.
type testConn interface {
	peer.Conn
	replied()
}

// connSub is a connection as a Subscriber, as the v2 handlers adapt an
// IPC connection: the envelope in its event encoding, pushed.
type connSub struct{ conn peer.Conn }

func (s connSub) Deliver(ev *Event, o *Options) error {
	return s.conn.Push(ev.Envelope(s.conn.EventEncoding(), o.IncludeBlock, o.IncludeElectionInfo))
}

func (s connSub) Dropped(error) { s.conn.Close() }

// subscriberOf is c itself if it is a Subscriber, else c adapted.
func subscriberOf(c testConn) Subscriber {
	if s, ok := c.(Subscriber); ok {
		return s
	}
	return connSub{c}
}

// connCtx ends when c does.
func connCtx(c peer.Conn) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-c.Done()
		cancel()
	}()
	return ctx
}

// subscribeHeld subscribes c with the options, to start once c has
// replied.
func subscribeHeld(b *Broker, c testConn, opts Options) {
	sub := b.Subscribe(connCtx(c), opts, subscriberOf(c))
	c.AfterReply(sub.Start)
}

func subscribe(t *testing.T, b *Broker, c testConn, o *fb.TopicConfirmationOptionsT) {
	t.Helper()
	subscribeHeld(b, c, OptionsFrom(o))
	c.replied()
}

func TestAckBeforeFirstEvent(t *testing.T) {
	b := New(nil, nil, 0)
	c := newConn(ipc.EncodingFlatbuffers)
	defer c.Close()
	subscribeHeld(b, c, OptionsFrom(nil))
	// Confirmed between subscribing and writing the ack: held back.
	b.Publish(confirmation(alice, bob, 1))
	c.quiet(t)
	c.replied()
	evs := c.events(t, 1)
	ev := evs[0].Message.Value.(*fb.EventConfirmationT)
	if ev.Account != alice.Account() || ev.Amount != "1" || ev.Hash == "" || ev.Block == nil || ev.ElectionInfo == nil {
		t.Fatalf("event %+v", ev)
	}
	if evs[0].Time == 0 || evs[0].CorrelationId != "" {
		t.Fatalf("envelope time %d corr %q", evs[0].Time, evs[0].CorrelationId)
	}
}

func TestFilters(t *testing.T) {
	f := false
	tests := []struct {
		name string
		opts *fb.TopicConfirmationOptionsT
		want []bool // for alice→bob, bob→carol, carol→carol
	}{
		{"no options", nil, []bool{true, true, true}},
		{"account as sender", &fb.TopicConfirmationOptionsT{Accounts: []string{alice.Account()}, IncludeBlock: true, IncludeElectionInfo: true}, []bool{true, false, false}},
		{"account as destination", &fb.TopicConfirmationOptionsT{Accounts: []string{carol.Account()}, IncludeBlock: true}, []bool{false, true, true}},
		{"xrb_ form matches", &fb.TopicConfirmationOptionsT{Accounts: []string{"xrb_" + alice.Account()[5:]}, IncludeBlock: true}, []bool{true, false, false}},
		{"without the block, still filtered", &fb.TopicConfirmationOptionsT{Accounts: []string{bob.Account()}, IncludeBlock: f}, []bool{true, true, false}},
		{"all local accounts", &fb.TopicConfirmationOptionsT{AllLocalAccounts: true, IncludeBlock: true}, []bool{true, true, false}},
		{"type filter inactive", &fb.TopicConfirmationOptionsT{ConfirmationTypeFilter: fb.TopicConfirmationTypeFilterinactive}, []bool{false, false, false}},
		{"type filter active_quorum", &fb.TopicConfirmationOptionsT{ConfirmationTypeFilter: fb.TopicConfirmationTypeFilteractive_quorum}, []bool{true, true, true}},
	}
	isLocal := func(p nano.PublicKey) bool { return p == bob }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(nil, isLocal, 0)
			c := newConn(ipc.EncodingFlatbuffers)
			defer c.Close()
			subscribe(t, b, c, tt.opts)
			confs := []*ledger.Confirmation{confirmation(alice, bob, 1), confirmation(bob, carol, 2), confirmation(carol, carol, 3)}
			want := 0
			for i, conf := range confs {
				b.Publish(conf)
				if tt.want[i] {
					want++
				}
			}
			evs := c.events(t, want)
			c.quiet(t)
			j := 0
			for i, conf := range confs {
				if !tt.want[i] {
					continue
				}
				ev := evs[j].Message.Value.(*fb.EventConfirmationT)
				j++
				if ev.Hash != conf.Hash.String() {
					t.Errorf("event %d is %s, want %s", j, ev.Hash, conf.Hash)
				}
				if tt.opts != nil && (ev.Block != nil) != tt.opts.IncludeBlock {
					t.Errorf("block included = %v, want %v", ev.Block != nil, tt.opts.IncludeBlock)
				}
				if tt.opts != nil && (ev.ElectionInfo != nil) != tt.opts.IncludeElectionInfo {
					t.Errorf("election info included = %v, want %v", ev.ElectionInfo != nil, tt.opts.IncludeElectionInfo)
				}
			}
		})
	}
}

func TestJSONSessionsGetJSON(t *testing.T) {
	b := New(nil, nil, 0)
	c := newConn(ipc.EncodingFlatbuffersJSON)
	defer c.Close()
	subscribe(t, b, c, nil)
	b.Publish(confirmation(alice, bob, 7))
	c.events(t, 1) // decodes JSON, so a binary event fails here
	if p := c.snapshot()[0]; p[0] != '{' {
		t.Fatalf("event on a JSON session is not JSON: %q", p)
	}
}

func TestSubscribeTwiceReplacesAndUnsubscribe(t *testing.T) {
	b := New(nil, nil, 0)
	c := newConn(ipc.EncodingFlatbuffers)
	defer c.Close()
	subscribe(t, b, c, &fb.TopicConfirmationOptionsT{Accounts: []string{alice.Account()}})
	subscribe(t, b, c, &fb.TopicConfirmationOptionsT{Accounts: []string{carol.Account()}})
	b.Publish(confirmation(alice, bob, 1))
	b.Publish(confirmation(carol, carol, 2))
	if evs := c.events(t, 1); evs[0].Message.Value.(*fb.EventConfirmationT).Account != carol.Account() {
		t.Fatal("the second subscription did not replace the first")
	}
	c.quiet(t)
	b.Unsubscribe(subscriberOf(c))
	b.Publish(confirmation(carol, carol, 3))
	c.quiet(t)
	if b.Subscribers() != 0 {
		t.Fatalf("%d subscribers left after unsubscribing", b.Subscribers())
	}
}

// connKinds are the two ways a subscriber is written to: Push (envelopes)
// and Deliver (a Subscriber of its own).
var connKinds = []struct {
	name string
	new  func() (testConn, *fakeConn)
}{
	{"Push", func() (testConn, *fakeConn) {
		c := newConn(ipc.EncodingFlatbuffers)
		return c, c
	}},
	{"Subscriber", func() (testConn, *fakeConn) {
		w := newWriter(ipc.EncodingFlatbuffers, 0, nil)
		return w, w.fakeConn
	}},
}

func TestSlowConsumerDropped(t *testing.T) {
	for _, kind := range connKinds {
		t.Run(kind.name, func(t *testing.T) {
			slowConn, slow := kind.new()
			fastConn, fast := kind.new()
			testSlowConsumerDropped(t, slowConn, slow, fastConn, fast)
		})
	}
}

func testSlowConsumerDropped(t *testing.T, slowConn testConn, slow *fakeConn, fastConn testConn, fast *fakeConn) {
	b := New(nil, nil, 16)
	slow.block = make(chan struct{}) // never reads
	defer fast.Close()
	subscribe(t, b, slowConn, nil)
	subscribe(t, b, fastConn, nil)
	// The fast subscriber takes each event before the next is published;
	// the slow one's queue (16) overflows, and publishing never waits.
	const n = 50
	for i := range n {
		start := time.Now()
		b.Publish(confirmation(alice, bob, uint64(i)))
		if d := time.Since(start); d > time.Second {
			t.Fatalf("publishing waited for the slow consumer: %v", d)
		}
		select {
		case <-fast.arrived:
		case <-time.After(5 * time.Second):
			t.Fatalf("fast subscriber stalled at event %d", i)
		}
	}
	select {
	case <-slow.done:
	case <-time.After(5 * time.Second):
		t.Fatal("the slow consumer's connection was not closed")
	}
	if b.Dropped() != 1 {
		t.Fatalf("dropped = %d, want 1", b.Dropped())
	}
	deadline := time.Now().Add(5 * time.Second)
	for b.Subscribers() != 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if b.Subscribers() != 1 {
		t.Fatalf("%d subscribers, want only the fast one", b.Subscribers())
	}
}

func TestServices(t *testing.T) {
	b := New(nil, nil, 0)
	svc := newConn(ipc.EncodingFlatbuffersJSON)
	defer svc.Close()
	other := newConn(ipc.EncodingFlatbuffers)
	defer other.Close()
	b.RegisterService(svc, "svc")
	b.SubscribeServiceStop(svc, false)
	svc.replied()
	b.RegisterService(other, "other")
	b.SubscribeServiceStop(other, false)
	other.replied()
	if n := b.StopService("svc"); n != 1 {
		t.Fatalf("StopService reached %d, want 1", n)
	}
	evs := svc.events(t, 1)
	if evs[0].Message.Type != fb.MessageEventServiceStop {
		t.Fatalf("got %v", evs[0].Message.Type)
	}
	if p := svc.snapshot()[0]; p[0] != '{' {
		t.Fatalf("EventServiceStop on a JSON session is not JSON: %q", p)
	}
	other.quiet(t)
	if n := b.StopService("nobody"); n != 0 {
		t.Fatalf("StopService(nobody) = %d", n)
	}
}

func TestDisconnectLeavesNothing(t *testing.T) {
	b := New(nil, nil, 0)
	for range 20 {
		c := newConn(ipc.EncodingFlatbuffers)
		subscribe(t, b, c, nil)
		b.RegisterService(c, "x")
		c.Close()
	}
	deadline := time.Now().Add(5 * time.Second)
	for b.Subscribers() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if b.Subscribers() != 0 {
		t.Fatalf("%d subscribers left after their connections closed", b.Subscribers())
	}
}

func TestNoConnection(t *testing.T) {
	b := New(nil, nil, 0)
	if err := b.SubscribeServiceStop(nil, false); err != ErrNoConnection {
		t.Fatalf("got %v", err)
	}
}

// BenchmarkFanOut: one confirmation to 1,000 subscribers; the time until
// the last one has it, and allocations per delivered event.
func BenchmarkFanOut(b *testing.B) {
	const subs = 1000
	br := New(nil, nil, 0)
	conns := make([]*fakeConn, subs)
	for i := range conns {
		conns[i] = newConn(ipc.EncodingFlatbuffers)
		subscribeHeld(br, conns[i], OptionsFrom(nil))
		conns[i].replied()
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	conf := confirmation(alice, bob, 1)
	b.ReportAllocs()
	b.ResetTimer()
	var worst time.Duration
	for b.Loop() {
		start := time.Now()
		br.Publish(conf)
		for _, c := range conns {
			<-c.arrived
		}
		worst = max(worst, time.Since(start))
	}
	// ns/op is the mean time until the last subscriber has the event;
	// allocs/op divided by 1,000 is the allocations per delivered event
	// (the fake connections keep what they get, without copying it, as a
	// session's Push writes the shared bytes).
	b.ReportMetric(float64(worst.Microseconds()), "worst-µs-to-last")
}

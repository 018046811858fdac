package natsgw_test

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

// fanoutClients is BenchmarkFanout's WebSocket clients per gateway.
const fanoutClients = 1000

// BenchmarkFanout: one confirmation to 3 gateways × 1,000 WebSocket
// clients through NATS (an embedded server, file storage): each iteration
// processes one block on the node over IPC and measures until the last of
// the 3,000 clients has read its confirmation (p50 and p99 over the
// iterations; run with -benchtime 50x), and until the first has.
func BenchmarkFanout(b *testing.B) {
	s := testenv.NATS(b, b.TempDir(), 0)
	n := testenv.Start(b, testenv.Options{Access: access,
		Node: func(c *config.Node) { c.Node.NATS = natsConfig(s.ClientURL()) }})
	ipc := testenv.Dial(b, n, testenv.Transports[0])
	gws := []*gw{startGateway(b, s.ClientURL()), startGateway(b, s.ClientURL()), startGateway(b, s.ClientURL())}
	total := len(gws) * fanoutClients

	// arrivals[seq] counts the clients that have confirmation seq.
	const most = 1 << 16
	var arrivals [most]atomic.Int32
	var first, last [most]atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	var readers sync.WaitGroup
	defer func() { cancel(); readers.Wait() }()
	sem := make(chan struct{}, 64)
	var dialErr atomic.Value
	for i := range total {
		sem <- struct{}{}
		readers.Go(func() {
			dctx, dcancel := context.WithTimeout(ctx, 30*time.Second)
			c, _, err := websocket.Dial(dctx, gws[i%len(gws)].wsURL, nil)
			if err == nil {
				err = c.Write(dctx, websocket.MessageText, []byte(`{"action": "subscribe", "topic": "confirmation", "ack": true}`))
			}
			if err == nil {
				_, _, err = c.Read(dctx) // the ack
			}
			dcancel()
			<-sem
			if err != nil {
				dialErr.Store(err)
				return
			}
			defer c.CloseNow()
			key := []byte(`"sequence": "`)
			for {
				_, data, err := c.Read(ctx)
				if err != nil {
					return
				}
				at := bytes.LastIndex(data, key)
				if at < 0 {
					continue
				}
				rest := data[at+len(key):]
				seq, err := strconv.Atoi(string(rest[:bytes.IndexByte(rest, '"')]))
				if err != nil || seq >= most {
					continue
				}
				now := time.Now().UnixNano()
				switch arrivals[seq].Add(1) {
				case 1:
					first[seq].Store(now)
				case int32(total):
					last[seq].Store(now)
				}
			}
		})
	}
	for range cap(sem) {
		sem <- struct{}{}
	}
	if err := dialErr.Load(); err != nil {
		b.Fatal(err)
	}

	gk := nano.DevGenesisKey()
	prev, bal := nano.DevGenesisBlock().Hash(), nano.GenesisAmount
	to := nano.DeriveKey(nano.Seed{23}, 0).PublicKey()
	var toLast, toFirst []time.Duration
	seq := 1 // the genesis
	for b.Loop() {
		b.StopTimer()
		bal, _ = bal.Sub(nano.NewAmount(1))
		blk := signed(b, &nano.Block{Type: nano.BlockTypeState, Account: gk.PublicKey(), Previous: prev,
			Representative: gk.PublicKey(), Balance: bal, Link: nano.Hash(to)}, gk)
		prev = blk.Hash()
		seq++
		b.StartTimer()
		start := time.Now()
		if _, err := ipc.Legacy(ctx, "process", map[string]any{"json_block": true, "block": blk}); err != nil {
			b.Fatal(err)
		}
		for deadline := time.Now().Add(30 * time.Second); last[seq].Load() == 0; time.Sleep(100 * time.Microsecond) {
			if time.Now().After(deadline) {
				b.Fatalf("confirmation %d reached %d of %d clients in 30s", seq, arrivals[seq].Load(), total)
			}
		}
		toLast = append(toLast, time.Duration(last[seq].Load()-start.UnixNano()))
		toFirst = append(toFirst, time.Duration(first[seq].Load()-start.UnixNano()))
	}
	b.ReportMetric(percentile(toLast, 50), "p50-last-ms")
	b.ReportMetric(percentile(toLast, 99), "p99-last-ms")
	b.ReportMetric(percentile(toFirst, 50), "p50-first-ms")
	b.ReportMetric(float64(total), "clients")
}

// percentile is the p-th percentile of ds in milliseconds.
func percentile(ds []time.Duration, p int) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := min(len(s)-1, (len(s)*p+99)/100-1)
	return float64(s[max(i, 0)]) / float64(time.Millisecond)
}

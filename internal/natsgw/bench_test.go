package natsgw_test

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/natsbus"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

// fanoutClients is BenchmarkFanout's WebSocket clients per gateway.
const fanoutClients = 1000

// BenchmarkFanout: one confirmation to 3 gateways × 1,000 WebSocket
// clients through NATS (an embedded server, file storage): each iteration
// processes one block on the node over IPC and measures until the last of
// the 3,000 clients has read its confirmation (p50 and p99 over the
// iterations; run with -benchtime 30x or 50x), and until the first has.
// Both from the process request (ledger commit included) and from the
// confirmation's publishing (a core NATS subscriber in the benchmark has
// it: the outbox's publish plus one hop). The sub-benchmarks differ in
// the clients (bench_clients_test.go): lean, the least a client on its
// own host needs, and coder/websocket's.
func BenchmarkFanout(b *testing.B) {
	b.Run("client=lean", func(b *testing.B) { benchmarkFanout(b, leanClient) })
	b.Run("client=coder", func(b *testing.B) { benchmarkFanout(b, coderClient) })
}

func benchmarkFanout(b *testing.B, dial fanoutClient) {
	s := testenv.NATS(b, b.TempDir(), 0)
	n := testenv.Start(b, testenv.Options{Access: access,
		Node: func(c *config.Node) { c.Node.NATS = natsConfig(s.ClientURL()) }})
	ipc := testenv.Dial(b, n, testenv.Transports[0])
	gws := []*gw{startGateway(b, s.ClientURL()), startGateway(b, s.ClientURL()), startGateway(b, s.ClientURL())}
	total := len(gws) * fanoutClients
	t := &tally{total: int32(total)}

	// published[seq]: when the benchmark's core NATS subscriber had it.
	var published [fanoutMost]atomic.Int64
	nc, err := nats.Connect(s.ClientURL())
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	if _, err := nc.Subscribe(natsbus.SubjectsOf(natsConfig(s.ClientURL()).NATS).Confirmations(), func(m *nats.Msg) {
		now := time.Now().UnixNano()
		if seq, err := strconv.ParseUint(m.Header.Get(natsbus.HeaderSequence), 10, 64); err == nil && seq < fanoutMost {
			published[seq].Store(now)
		}
	}); err != nil {
		b.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		b.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var readers sync.WaitGroup
	defer func() { cancel(); readers.Wait() }()
	var failed atomic.Value
	sem := make(chan struct{}, 64)
	for i := range total {
		sem <- struct{}{}
		readers.Go(func() {
			dctx, dcancel := context.WithTimeout(ctx, 30*time.Second)
			read, err := dial(dctx, gws[i%len(gws)].wsURL)
			dcancel()
			<-sem
			if err == nil {
				err = read(ctx, t.arrived)
			}
			if err != nil {
				failed.Store(err)
			}
		})
	}
	for range cap(sem) {
		sem <- struct{}{}
	}
	if err := failed.Load(); err != nil {
		b.Fatal(err)
	}

	gk := nano.DevGenesisKey()
	prev, bal := nano.DevGenesisBlock().Hash(), nano.GenesisAmount
	to := nano.DeriveKey(nano.Seed{23}, 0).PublicKey()
	var fromProcess, fromPublish struct{ first, last []time.Duration }
	seq := 1 // the genesis
	cpu0 := cpuTime(b)
	for b.Loop() {
		b.StopTimer()
		bal, _ = bal.Sub(nano.NewAmount(1))
		blk := signed(b, &nano.Block{Type: nano.BlockTypeState, Account: gk.PublicKey(), Previous: prev,
			Representative: gk.PublicKey(), Balance: bal, Link: nano.Hash(to)}, gk)
		prev = blk.Hash()
		seq++
		if seq >= fanoutMost {
			b.Fatalf("more than %d iterations", fanoutMost-2)
		}
		b.StartTimer()
		start := time.Now().UnixNano()
		if _, err := ipc.Legacy(ctx, "process", map[string]any{"json_block": true, "block": blk}); err != nil {
			b.Fatal(err)
		}
		for deadline := time.Now().Add(30 * time.Second); t.last[seq].Load() == 0 || published[seq].Load() == 0; time.Sleep(100 * time.Microsecond) {
			if err := failed.Load(); err != nil {
				b.Fatal(err)
			}
			if time.Now().After(deadline) {
				b.Fatalf("confirmation %d reached %d of %d clients in 30s", seq, t.arrivals[seq].Load(), total)
			}
		}
		first, last, pub := t.first[seq].Load(), t.last[seq].Load(), published[seq].Load()
		fromProcess.first = append(fromProcess.first, time.Duration(first-start))
		fromProcess.last = append(fromProcess.last, time.Duration(last-start))
		fromPublish.first = append(fromPublish.first, time.Duration(first-pub))
		fromPublish.last = append(fromPublish.last, time.Duration(last-pub))
	}
	// The process's CPU time (all of it: node, NATS, gateways, clients)
	// per client delivered.
	b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/float64(b.N*total), "cpu-µs/client")
	b.ReportMetric(percentile(fromProcess.last, 50), "p50-last-ms")
	b.ReportMetric(percentile(fromProcess.last, 99), "p99-last-ms")
	b.ReportMetric(percentile(fromProcess.first, 50), "p50-first-ms")
	b.ReportMetric(percentile(fromPublish.last, 50), "pub-p50-last-ms")
	b.ReportMetric(percentile(fromPublish.last, 99), "pub-p99-last-ms")
	b.ReportMetric(percentile(fromPublish.first, 50), "pub-p50-first-ms")
	b.ReportMetric(float64(total), "clients")
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// percentile is the p-th percentile of ds in milliseconds.
func percentile(ds []time.Duration, p int) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := min(len(s)-1, (len(s)*p+99)/100-1)
	return float64(s[max(i, 0)]) / float64(time.Millisecond)
}

package natsgw_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkFanoutFloor is BenchmarkFanout's floor on this machine: no
// node, NATS, WebSocket or per-client goroutine on the sending side, only
// 3 senders (the gateways) each writing one 1,000-byte message to each of
// its 1,000 loopback TCP connections in turn, and 3,000 goroutines reading
// them (as the lean clients do). Per iteration, the time until the last
// reader has its message, and the process's CPU per client.
func BenchmarkFanoutFloor(b *testing.B) {
	const senders, size = 3, 1000
	total := senders * fanoutClients
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	conns := make([]net.Conn, 0, total)
	ctx, cancel := context.WithCancel(context.Background())
	var readers sync.WaitGroup
	var done atomic.Int32 // readers that have read the current message
	defer func() { cancel(); readers.Wait() }()
	for range total {
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		s, err := l.Accept()
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, s)
		stop := context.AfterFunc(ctx, func() { c.Close(); s.Close() })
		readers.Go(func() {
			defer stop()
			br := bufio.NewReader(c)
			buf := make([]byte, size)
			for {
				if _, err := io.ReadFull(br, buf); err != nil {
					return
				}
				done.Add(1)
			}
		})
	}
	msg := make([]byte, size)
	var toLast []time.Duration
	cpu0 := cpuTime(b)
	for b.Loop() {
		done.Store(0)
		start := time.Now()
		var wg sync.WaitGroup
		for g := range senders {
			wg.Go(func() {
				for _, c := range conns[g*fanoutClients : (g+1)*fanoutClients] {
					if _, err := c.Write(msg); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		for done.Load() < int32(total) {
			time.Sleep(50 * time.Microsecond)
		}
		toLast = append(toLast, time.Since(start))
		wg.Wait()
	}
	b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/float64(b.N*total), "cpu-µs/client")
	b.ReportMetric(percentile(toLast, 50), "p50-last-ms")
	b.ReportMetric(percentile(toLast, 99), "p99-last-ms")
}

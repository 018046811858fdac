package metrics_test

import (
	"context"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/metrics"
	"github.com/nipc/nipc/internal/observe"
	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/ipc"
)

// BenchmarkObserve is the metrics' share of every request: a request
// counted and timed, from parallel connections, over a few names.
func BenchmarkObserve(b *testing.B) {
	m := metrics.New()
	ctx := peer.With(context.Background(), &peer.Peer{Transport: peer.Unix})
	names := []string{"account_weight", "account_info", "block_count", observe.Unknown}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			m.Observe(ctx, "legacy", names[i%len(names)], ipc.EncodingJSON, observe.Answered, 30*time.Microsecond)
		}
	})
}

// BenchmarkHTTPRequest is the metrics' share of a gateway request.
func BenchmarkHTTPRequest(b *testing.B) {
	m := metrics.New()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.HTTPRequest("v2", "ok", 30*time.Microsecond)
		}
	})
}

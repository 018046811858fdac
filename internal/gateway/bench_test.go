package gateway_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/nipc/nipc/nano"
)

// BenchmarkGateway measures the gateway's throughput over keep-alive
// connections, with parallel clients (GOMAXPROCS × -cpu goroutines, see
// b.SetParallelism) posting a small request each, in process and as a
// separate gateway reaching the node over IPC: the difference between the
// two, in one run, is the cost of the separate-process hop.
func BenchmarkGateway(b *testing.B) {
	for _, m := range []mode{modes[0], modes[2]} {
		b.Run(m.name, func(b *testing.B) { benchGateway(b, m) })
	}
}

func benchGateway(b *testing.B, m mode) {
	cases := []struct{ name, path, body, want string }{
		{"legacy/block_count", "/", `{"action": "block_count"}`, `"count"`},
		{"legacy/account_weight", "/", `{"action": "account_weight", "account": "` + nano.DevGenesisAccount + `"}`, `"weight"`},
		{"v2/AccountWeight", "/api/v2/AccountWeight", `{"account": "` + nano.DevGenesisAccount + `"}`, `"voting_weight"`},
	}
	e := startEnv(b, m, envOptions{})
	e.http.Transport.(*http.Transport).MaxIdleConnsPerHost = 256
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetParallelism(4)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				body := []byte(c.body)
				var buf bytes.Buffer
				for pb.Next() {
					resp, err := e.http.Post(e.base+c.path, "application/json", bytes.NewReader(body))
					if err != nil {
						b.Error(err)
						return
					}
					buf.Reset()
					io.Copy(&buf, resp.Body)
					resp.Body.Close()
					if !strings.Contains(buf.String(), c.want) {
						b.Errorf("reply %s", buf.String())
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}

package gateway_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
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

// BenchmarkGatewayVsNetHTTP runs, in one benchmark run and with the same
// client, the in-process gateway answering a legacy account_weight from the
// ledger, and the peers harness's nethttp-tcp baseline (../shared/bench/peers:
// a bare net/http handler that reads the body, decodes it with
// encoding/json and encodes a fixed weight reply). The ratio of the two
// req/s is the gateway's figure against that baseline.
func BenchmarkGatewayVsNetHTTP(b *testing.B) {
	body := `{"action":"account_weight","account":"` + nano.DevGenesisAccount + `"}`
	e := startEnv(b, modes[0], envOptions{})
	e.http.Transport.(*http.Transport).MaxIdleConnsPerHost = 256

	// The baseline, as the peers harness builds it.
	mux := http.NewServeMux()
	mux.HandleFunc("POST /", netHTTPBaseline)
	base := httptest.NewServer(mux)
	defer base.Close()

	for _, target := range []struct{ name, url string }{{"nipc-gateway", e.base + "/"}, {"nethttp-baseline", base.URL + "/"}} {
		b.Run(target.name, func(b *testing.B) {
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				var buf bytes.Buffer
				for pb.Next() {
					resp, err := e.http.Post(target.url, "application/json", strings.NewReader(body))
					if err != nil {
						b.Error(err)
						return
					}
					buf.Reset()
					io.Copy(&buf, resp.Body)
					resp.Body.Close()
					if !strings.Contains(buf.String(), "weight") {
						b.Errorf("reply %s", buf.String())
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}

// netHTTPBaseline is the peers harness's nethttp-tcp handler
// (../shared/bench/peers, nethttpHandler and HandleJSON): read the body,
// decode it with encoding/json, check it, encode a fixed weight reply.
func netHTTPBaseline(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var req struct {
		Action  string `json:"action"`
		Account string `json:"account"`
	}
	var out []byte
	switch {
	case json.Unmarshal(data, &req) != nil:
		out, _ = json.Marshal(map[string]string{"error": "Unable to parse JSON"})
	case req.Action != "account_weight":
		out, _ = json.Marshal(map[string]string{"error": "Unknown command"})
	case len(req.Account) != 65 || !strings.HasPrefix(req.Account, "nano_"):
		out, _ = json.Marshal(map[string]string{"error": "Bad account number"})
	default:
		out, _ = json.Marshal(struct {
			Weight string `json:"weight"`
		}{"668657804547735335568510480612620716"})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(out)
}

// BenchmarkHandlerVsNetHTTP is BenchmarkGatewayVsNetHTTP without sockets,
// HTTP parsing or a client: each handler is called directly, with the same
// request (made once, its body rewound) and a ResponseWriter that
// discards, so the figures are the
// handlers' own cost per request (CPU and allocations), free of the
// client's share and of the noise of a loaded machine.
func BenchmarkHandlerVsNetHTTP(b *testing.B) {
	body := `{"action":"account_weight","account":"` + nano.DevGenesisAccount + `"}`
	e := startEnv(b, modes[0], envOptions{})
	for _, target := range []struct {
		name string
		h    http.Handler
	}{{"nipc-gateway", e.srv.Handler()}, {"nethttp-baseline", http.HandlerFunc(netHTTPBaseline)}} {
		b.Run(target.name, func(b *testing.B) { benchHandler(b, target.h, "/", body) })
	}
}

// benchHandler calls h directly with a POST of body to path, again and
// again.
func benchHandler(b *testing.B, h http.Handler, path, body string) {
	w := &discardWriter{h: make(http.Header)}
	rb := &resettableBody{}
	r := httptest.NewRequest(http.MethodPost, path, rb)
	r.ContentLength = int64(len(body))
	b.ReportAllocs()
	for b.Loop() {
		rb.Reset([]byte(body))
		clear(w.h)
		w.n = 0
		h.ServeHTTP(w, r)
		if w.n == 0 {
			b.Fatal("no reply")
		}
	}
}

// resettableBody is a request body to send again.
type resettableBody struct{ bytes.Reader }

func (*resettableBody) Close() error { return nil }

type discardWriter struct {
	h http.Header
	n int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(int)             {}
func (w *discardWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// BenchmarkHandlerV2 is the in-process gateway's handler, called directly
// (no sockets, no HTTP parsing), answering POST /api/v2/AccountWeight: the
// server's own share of a v2 request.
func BenchmarkHandlerV2(b *testing.B) {
	e := startEnv(b, modes[0], envOptions{})
	benchHandler(b, e.srv.Handler(), "/api/v2/AccountWeight", `{"account": "`+nano.DevGenesisAccount+`"}`)
}

// BenchmarkServerAllocs is the server's share of a keep-alive POST: each
// parallel client writes a prepared HTTP/1.1 request on its own raw
// connection and reads the reply by its Content-Length, allocating
// nothing per request, so allocs/op is what net/http's server and the
// handler allocate per request: the in-process gateway answering v2
// AccountWeight and legacy account_weight, and the net/http baseline.
func BenchmarkServerAllocs(b *testing.B) {
	e := startEnv(b, modes[0], envOptions{})
	base := httptest.NewServer(http.HandlerFunc(netHTTPBaseline))
	defer base.Close()
	legacy := `{"action":"account_weight","account":"` + nano.DevGenesisAccount + `"}`
	for _, c := range []struct{ name, base, path, body string }{
		{"gateway/v2/AccountWeight", e.base, "/api/v2/AccountWeight", `{"account":"` + nano.DevGenesisAccount + `"}`},
		{"gateway/legacy/account_weight", e.base, "/", legacy},
		{"nethttp-baseline/account_weight", base.URL, "/", legacy},
	} {
		b.Run(c.name, func(b *testing.B) {
			addr := strings.TrimPrefix(c.base, "http://")
			req := []byte("POST " + c.path + " HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/json\r\nContent-Length: " +
				strconv.Itoa(len(c.body)) + "\r\n\r\n" + c.body)
			b.SetParallelism(4)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				conn, err := net.Dial("tcp", addr)
				if err != nil {
					b.Error(err)
					return
				}
				defer conn.Close()
				r := bufio.NewReaderSize(conn, 8192)
				body := make([]byte, 0, 4096)
				for pb.Next() {
					if _, err := conn.Write(req); err != nil {
						b.Error(err)
						return
					}
					n := -1
					for {
						line, err := r.ReadSlice('\n')
						if err != nil {
							b.Error(err)
							return
						}
						if len(line) <= 2 {
							break
						}
						if v, ok := bytes.CutPrefix(line, []byte("Content-Length: ")); ok {
							n, _ = strconv.Atoi(string(bytes.TrimSpace(v)))
						}
					}
					if n < 0 || n > cap(body) {
						b.Errorf("reply without a usable Content-Length (%d)", n)
						return
					}
					if _, err := io.ReadFull(r, body[:n]); err != nil {
						b.Error(err)
						return
					}
					if !bytes.Contains(body[:n], []byte("weight")) {
						b.Errorf("reply %s", body[:n])
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}

package gateway_test

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/gateway"
)

// TestBodyDeadlineArithmetic: body_timeout plus body_timeout_per_mib for
// each MiB, never overflowing.
func TestBodyDeadlineArithmetic(t *testing.T) {
	tests := []struct {
		floor, perMiB, mib int64
		want               time.Duration
	}{
		{10, 2, 0, 10 * time.Second},
		{10, 2, 1, 12 * time.Second},
		{10, 2, 32, 74 * time.Second},
		{1, 0, 1 << 20, time.Second},
		{10, 1<<31 - 1, 1 << 20, (1<<31 - 1) * time.Second},
		{1<<31 - 1, 1<<31 - 1, 1 << 20, (1<<31 - 1) * time.Second},
	}
	for _, tt := range tests {
		if got := gateway.BodyDeadline(tt.floor, tt.perMiB, tt.mib); got != tt.want {
			t.Errorf("BodyDeadline(%d, %d, %d) = %v, want %v", tt.floor, tt.perMiB, tt.mib, got, tt.want)
		}
	}
}

// readReply reads one HTTP reply from c.
func readReply(t *testing.T, br *bufio.Reader) (*http.Response, string) {
	t.Helper()
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("reading the reply: %v", err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("reading the reply's body: %v", err)
	}
	return resp, string(b)
}

// expectClosed waits for the server to close c and says how long it took.
func expectClosed(t *testing.T, c net.Conn, br *bufio.Reader, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	c.SetReadDeadline(start.Add(within))
	_, err := br.ReadByte()
	if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) && !isReset(err) {
		t.Fatalf("the connection is still open after %v (read: %v)", within, err)
	}
	return time.Since(start)
}

func isReset(err error) bool { return err != nil && strings.Contains(err.Error(), "connection reset") }

// TestBodyTrickled: a body trickled a byte at a time, with a Content-Length
// or chunked, is cut at body_timeout (1 s here) with an error reply and
// the connection closed; a slow body that arrives in time is answered, and
// its connection kept alive.
func TestBodyTrickled(t *testing.T) {
	bodies := []struct {
		name, header, first, tick string
	}{
		{"content-length", "Content-Length: 100\r\n", "{", " "},
		{"chunked", "Transfer-Encoding: chunked\r\n", "1\r\n{\r\n", "1\r\n \r\n"},
	}
	for _, m := range []mode{modes[0], modes[1], modes[2]} {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, m, envOptions{rpc: func(r *config.RPC) { r.BodyTimeout = 1; r.BodyTimeoutPerMiB = 0 }})
			for _, b := range bodies {
				c := e.dial("http")
				defer c.Close()
				start := time.Now()
				fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n%s\r\n%s", b.header, b.first)
				done := make(chan struct{})
				var wg sync.WaitGroup
				wg.Go(func() {
					tick := time.NewTicker(200 * time.Millisecond)
					defer tick.Stop()
					for {
						select {
						case <-done:
							return
						case <-tick.C:
							if _, err := io.WriteString(c, b.tick); err != nil {
								return
							}
						}
					}
				})
				br := bufio.NewReader(c)
				c.SetReadDeadline(time.Now().Add(10 * time.Second))
				resp, reply := readReply(t, br)
				cut := time.Since(start)
				if reply != legacyErr(gateway.TextBodyTimeout) || !resp.Close {
					t.Errorf("%s: reply %q (close %v)", b.name, reply, resp.Close)
				}
				if cut < 900*time.Millisecond || cut > 3*time.Second {
					t.Errorf("%s: cut after %v, want about 1 s", b.name, cut)
				}
				expectClosed(t, c, br, 2*time.Second)
				close(done)
				wg.Wait()
			}

			// Slow, but in time: three pieces 200 ms apart; then the same
			// connection idles past body_timeout and is used again.
			c := e.dial("http")
			defer c.Close()
			br := bufio.NewReader(c)
			body := `{"action": "block_count"}`
			fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n", len(body))
			for _, piece := range []string{body[:5], body[5:15], body[15:]} {
				time.Sleep(200 * time.Millisecond)
				io.WriteString(c, piece)
			}
			c.SetReadDeadline(time.Now().Add(10 * time.Second))
			if _, reply := readReply(t, br); !strings.Contains(reply, `"count"`) {
				t.Errorf("slow body: %q", reply)
			}
			time.Sleep(1200 * time.Millisecond)
			fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
			c.SetReadDeadline(time.Now().Add(10 * time.Second))
			if _, reply := readReply(t, br); !strings.Contains(reply, `"count"`) {
				t.Errorf("second request: %q", reply)
			}
		})
	}
}

// TestIdleTimeout: a keep-alive connection left idle, on the HTTP port
// after a reply or on the WebSocket port after a 426, is closed after
// idle_timeout (1 s here), not before.
func TestIdleTimeout(t *testing.T) {
	for _, m := range []mode{modes[0], modes[2]} {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, m, envOptions{rpc: func(r *config.RPC) { r.IdleTimeout = 1 }})
			for _, port := range []struct {
				name, request string
				status        int
			}{
				{"http", "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 25\r\n\r\n{\"action\": \"block_count\"}", http.StatusOK},
				{"ws", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", http.StatusUpgradeRequired},
			} {
				c := e.dial(port.name)
				defer c.Close()
				io.WriteString(c, port.request)
				br := bufio.NewReader(c)
				c.SetReadDeadline(time.Now().Add(10 * time.Second))
				resp, _ := readReply(t, br)
				if resp.StatusCode != port.status || resp.Close {
					t.Fatalf("%s: status %d, close %v", port.name, resp.StatusCode, resp.Close)
				}
				if idle := expectClosed(t, c, br, 5*time.Second); idle < 800*time.Millisecond {
					t.Errorf("%s: closed after %v idle, before idle_timeout", port.name, idle)
				}
			}
		})
	}
}

// TestMaxConnections: with max_connections = 2, a third connection on
// either port is answered 503 and closed at once (over TLS: closed), and
// once one of the two closes a new one is served.
func TestMaxConnections(t *testing.T) {
	requests := map[string]string{
		"http": "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 25\r\n\r\n{\"action\": \"block_count\"}",
		"ws":   "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
	}
	// served reports whether a request on c is answered.
	served := func(c net.Conn, port string) bool {
		c.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.WriteString(c, requests[port]); err != nil {
			return false
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			return false
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode != http.StatusServiceUnavailable
	}
	for _, m := range []mode{modes[0], modes[1], modes[2]} {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, m, envOptions{rpc: func(r *config.RPC) { r.MaxConnections = 2 }})
			for _, port := range []string{"http", "ws"} {
				held := []net.Conn{e.dial(port), e.dial(port)}
				for _, c := range held {
					defer c.Close()
					if !served(c, port) {
						t.Fatalf("%s: a connection under the cap was not served", port)
					}
				}
				start := time.Now()
				if port == "http" && m.tls {
					addr := strings.TrimPrefix(e.base, "https://")
					if c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: e.pool}); err == nil {
						c.Close()
						t.Errorf("TLS: a third connection completed its handshake")
					}
				} else {
					c := e.dial(port)
					c.SetReadDeadline(time.Now().Add(5 * time.Second))
					got, _ := io.ReadAll(c)
					c.Close()
					if !strings.HasPrefix(string(got), "HTTP/1.1 503 ") || !strings.HasSuffix(string(got), gateway.TextTooManyConnections) {
						t.Errorf("%s: a third connection read %q", port, got)
					}
				}
				if d := time.Since(start); d > time.Second {
					t.Errorf("%s: refused after %v", port, d)
				}
				held[0].Close()
				deadline := time.Now().Add(5 * time.Second)
				for {
					if port == "http" && m.tls {
						break // the TLS dial above proved the cap; e.dial would fail the test while full
					}
					c := e.dial(port)
					ok := served(c, port)
					c.Close()
					if ok {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("%s: no connection served after one of the two closed", port)
					}
					time.Sleep(20 * time.Millisecond)
				}
				held[1].Close()
			}
		})
	}
}

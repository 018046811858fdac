package gateway_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/gateway"
	"github.com/nipc/nipc/internal/membudget"
	"github.com/nipc/nipc/internal/server"
	"github.com/nipc/nipc/internal/service"
	"github.com/nipc/nipc/ipc"
)

// okService answers "ok" to everything.
type okService struct{}

func (okService) Handle(_ context.Context, _ service.Request, dst []byte) ([]byte, error) {
	return append(dst, "ok"...), nil
}
func (okService) EnforcesControl() bool { return true }

func (okService) Subscribe(context.Context, service.SubscribeRequest, broker.Subscriber) (service.Subscription, error) {
	return nil, service.ErrNoSubscriptions
}

// sharedIPC is an IPC server on 127.0.0.1 charging the given budget, as
// the node's is: io_timeout 2 s (longer than body_timeout), 64 KiB frames; it answers "ok".
func sharedIPC(t *testing.T, b *membudget.Budget) net.Addr {
	t.Helper()
	h := service.IPCHandler{Service: okService{}}
	s, err := server.New(server.Config{
		TCP:                     server.TCPConfig{Enable: true, Address: "127.0.0.1", IOTimeout: 2 * time.Second},
		MaxFrameSize:            64 << 10,
		MaxRequestBytesInFlight: b.Limit(),
		Budget:                  b,
	}, h, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { s.Serve(); close(done) }()
	t.Cleanup(func() { s.Close(); <-done })
	return s.TCPAddr()
}

// waitUsed waits until b holds want bytes.
func waitUsed(t *testing.T, b *membudget.Budget, want int64) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); b.Used() != want; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the budget holds %d bytes, want %d", b.Used(), want)
		}
	}
}

// TestHTTPBudget: the gateway's request bodies and the IPC server share one
// budget of two chunks. A body within it is answered; while two IPC
// stallers hold it all, a body waits body_timeout (1 s) and is answered 503
// with Retry-After and a JSON error; while two HTTP stallers (each
// declaring 1 MiB) hold it, an IPC request waits io_timeout and is refused
// busy. Each side works again once the stallers leave, and the budget
// comes back to zero.
func TestHTTPBudget(t *testing.T) {
	const chunk = ipc.FrameChunk
	b := membudget.New(2 * chunk)
	e := startEnv(t, modes[0], envOptions{budget: b, rpc: func(r *config.RPC) { r.BodyTimeout = 1 }})
	ipcAddr := sharedIPC(t, b)
	body := `{"action": "block_count"}`
	if got := e.post("/", body, nil); !strings.Contains(got, `"count"`) {
		t.Fatalf("within the budget: %q", got)
	}
	big := ipc.AppendRequest(nil, ipc.EncodingJSON, make([]byte, 10<<10))

	t.Run("IPC fills it, HTTP waits and gets 503", func(t *testing.T) {
		var stallers []net.Conn
		for range 2 {
			c, err := net.Dial("tcp", ipcAddr.String())
			if err != nil {
				t.Fatal(err)
			}
			c.Write(binary.BigEndian.AppendUint32([]byte{'N', 1, 0, 0}, 60<<10)) // declares 60 KiB, sends nothing
			stallers = append(stallers, c)
		}
		waitUsed(t, b, 2*60<<10)
		// The rest (8 KiB) is less than this body's first chunk.
		long := `{"action": "block_count", "pad": "` + strings.Repeat("x", 9000) + `"}`
		start := time.Now()
		status, h, got := e.do("POST", "/", long, nil)
		waited := time.Since(start)
		var reply struct{ Error string }
		if status != 503 || h.Get("Retry-After") == "" || json.Unmarshal([]byte(got), &reply) != nil || reply.Error != gateway.TextBusy {
			t.Fatalf("status %d, Retry-After %q, body %q; want 503, a Retry-After and {\"error\": %q}", status, h.Get("Retry-After"), got, gateway.TextBusy)
		}
		if waited < 900*time.Millisecond || waited > 5*time.Second {
			t.Errorf("refused after %v, want after body_timeout (1 s)", waited)
		}
		for _, c := range stallers {
			c.Close()
		}
		waitUsed(t, b, 0)
		if got := e.post("/", long, nil); !strings.Contains(got, `"count"`) {
			t.Fatalf("with room again: %q", got)
		}
	})

	t.Run("HTTP fills it, IPC waits and is refused", func(t *testing.T) {
		var stallers []net.Conn
		for range 2 {
			c := e.dial("http")
			fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n{", 1<<20)
			stallers = append(stallers, c)
		}
		waitUsed(t, b, 2*chunk)
		c, err := net.Dial("tcp", ipcAddr.String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		start := time.Now()
		c.Write(big)
		if got := ipcReply(t, c); !strings.Contains(got, "Server busy") {
			t.Fatalf("IPC request while HTTP holds the budget: %q", got)
		}
		if waited := time.Since(start); waited < 1900*time.Millisecond {
			t.Errorf("refused after %v, before io_timeout", waited)
		}
		for _, s := range stallers {
			s.Close()
		}
		waitUsed(t, b, 0)
		c.Write(big)
		if got := ipcReply(t, c); got != "ok" {
			t.Fatalf("with room again: %q", got)
		}
	})
	if p := b.Peak(); p > b.Limit() {
		t.Fatalf("the budget peaked at %d, above its %d", p, b.Limit())
	}
}

// ipcReply reads one reply frame from c.
func ipcReply(t *testing.T, c net.Conn) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	p, err := ipc.ReadFrame(bufio.NewReader(c), 1<<20, nil)
	if err != nil && err != io.EOF {
		t.Fatal(err)
	}
	return string(p)
}

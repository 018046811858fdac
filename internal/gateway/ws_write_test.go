package gateway

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/broker"
)

// pipeHijacker is an http.ResponseWriter whose Hijack hands over one end
// of a net.Pipe: a write to it blocks until the other end reads, which a
// TCP socket does only once its buffers are full.
type pipeHijacker struct {
	http.ResponseWriter
	conn net.Conn
}

func (h pipeHijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return h.conn, bufio.NewReadWriter(bufio.NewReader(h.conn), bufio.NewWriter(h.conn)), nil
}

// pipeSession is a session on a net.Pipe with the given write timeout,
// and the pipe's client end (nothing read from it unless the test does).
func pipeSession(t *testing.T, timeout time.Duration) (*wsSession, net.Conn) {
	t.Helper()
	server, client := net.Pipe()
	r := httptest.NewRequest(http.MethodGet, "/websocket", nil)
	r.Header.Set("Connection", "Upgrade")
	r.Header.Set("Upgrade", "websocket")
	r.Header.Set("Sec-WebSocket-Version", "13")
	r.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	c, err := websocket.Accept(pipeHijacker{httptest.NewRecorder(), server}, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv := &Server{cfg: Config{WriteTimeout: timeout}, log: slog.New(slog.DiscardHandler)}
	s := &wsSession{srv: srv, c: c, ctx: ctx, cancel: cancel}
	t.Cleanup(func() { cancel(); c.CloseNow(); client.Close() })
	return s, client
}

// TestWebSocketWriteTimeout: a message the client does not read within
// the write timeout closes the connection and fails the write, which ends
// the session (Deliver); messages read in time are written, and the one
// timer bounds each of them.
func TestWebSocketWriteTimeout(t *testing.T) {
	const timeout = 200 * time.Millisecond
	tests := []struct {
		name    string
		read    bool // the client reads every byte
		wantErr bool
	}{
		{"client reads", true, false},
		{"client stalls", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, client := pipeSession(t, timeout)
			if tc.read {
				go io.Copy(io.Discard, client)
			}
			ev := broker.NewEvent(&fb.EventConfirmationT{Account: "nano_1", Amount: "1", Hash: "00"}, time.Now())
			o := &broker.Options{NodeWebSocket: true}
			start := time.Now()
			var err error
			for i := 0; i < 3 && err == nil; i++ {
				err = s.Deliver(ev, o)
				if tc.read {
					time.Sleep(timeout / 2) // the timer is stopped between writes
				}
			}
			took := time.Since(start)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Deliver: %v, want an error: %v", err, tc.wantErr)
			}
			if !tc.wantErr {
				if s.ctx.Err() != nil {
					t.Error("the session ended")
				}
				return
			}
			if took < timeout || took > timeout+5*time.Second {
				t.Errorf("the stalled write failed after %v, want about %v", took, timeout)
			}
			if s.ctx.Err() == nil {
				t.Error("a failed write did not end the session")
			}
			if err := s.write([]byte("{}")); err == nil {
				t.Error("a write on the closed connection succeeded")
			}
		})
	}
}

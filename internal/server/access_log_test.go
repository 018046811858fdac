package server

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/logthrottle"
	"github.com/nipc/nipc/ipc"
)

// recordHandler keeps the WARN records logged through it.
type recordHandler struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (h *recordHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (h *recordHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	h.recs = append(h.recs, r.Clone())
	h.mu.Unlock()
	return nil
}
func (h *recordHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordHandler) WithGroup(string) slog.Handler      { return h }

// warnings returns the messages logged so far and each one's "suppressed"
// count (0 when it has none).
func (h *recordHandler) warnings() (msgs []string, suppressed []int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range h.recs {
		var n int64
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "suppressed" {
				n = a.Value.Int64()
			}
			return true
		})
		msgs = append(msgs, r.Message)
		suppressed = append(suppressed, n)
	}
	return msgs, suppressed
}

// TestAccessCheckWarningsThrottled: a burst of failed access checks (wrong
// secrets, a request without the check) logs one WARN; the next one after
// the interval carries the count of those held back.
func TestAccessCheckWarningsThrottled(t *testing.T) {
	rec := &recordHandler{}
	cfg := testConfig(t)
	cfg.AccessSecret = secret
	s, err := New(cfg, checkedHandler, slog.New(rec))
	if err != nil {
		t.Fatal(err)
	}
	var now atomic.Int64 // nanoseconds after t0
	t0 := time.Now()
	s.accessWarn.Now = func() time.Time { return t0.Add(time.Duration(now.Load())) }
	serve(t, s)

	wrong := func() {
		c := dial(t, "tcp", s.TCPAddr().String())
		if err := handshake(c, []byte("wrong")); !errors.Is(err, ipc.ErrAccessDenied) {
			t.Fatalf("handshake: %v", err)
		}
		readAll(t, c) // closed after the server logged (or held back) its warning
	}
	unchecked := func() {
		c := dial(t, "tcp", s.TCPAddr().String())
		c.Write(ipc.AppendRequest(nil, ipc.EncodingJSON, []byte(`{"action":"version"}`)))
		readAll(t, c)
	}

	for _, f := range []func(){wrong, wrong, unchecked, wrong, wrong} {
		f()
	}
	msgs, n := rec.warnings()
	if len(msgs) != 1 || msgs[0] != "access check failed; closing connection" || n[0] != 0 {
		t.Fatalf("after a burst of 5: warnings %q (suppressed %v), want the first alone", msgs, n)
	}

	now.Store(int64(logthrottle.Every))
	wrong()
	msgs, n = rec.warnings()
	if len(msgs) != 2 || n[1] != 4 {
		t.Fatalf("after the interval: warnings %q (suppressed %v), want a second one with suppressed=4", msgs, n)
	}
}

package server

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/ipc"
)

// TestBusyRefusal: while a stalled frame holds the whole budget, a request
// that needs room waits io_timeout and is answered "Server busy" in its
// encoding, its payload dropped; the connection stays in step and open, and
// a small request on it (a frame that arrives whole) is answered at once.
func TestBusyRefusal(t *testing.T) {
	tests := []struct {
		enc   ipc.Encoding
		check func(t *testing.T, payload []byte)
	}{
		{ipc.EncodingJSON, legacyBusy},
		{ipc.EncodingJSONUnsafe, legacyBusy},
		{ipc.EncodingFlatbuffers, func(t *testing.T, p []byte) {
			env, err := api.Decode(p)
			if err != nil {
				t.Fatal(err)
			}
			if e, ok := env.Message.Value.(*fb.ErrorT); !ok || e.Code != 1 || e.Message != busyText {
				t.Fatalf("got %+v, want Error 1 %q", env.Message.Value, busyText)
			}
		}},
		{ipc.EncodingFlatbuffersJSON, func(t *testing.T, p []byte) {
			var env struct {
				Type    string         `json:"message_type"`
				Message map[string]any `json:"message"`
			}
			if err := json.Unmarshal(p, &env); err != nil {
				t.Fatalf("%v: %s", err, p)
			}
			if env.Type != "Error" || env.Message["code"] != 1.0 || env.Message["message"] != busyText {
				t.Fatalf("got %s", p)
			}
		}},
	}
	const frame = 64 << 10
	s := testServer(t, func(c *Config) {
		c.MaxFrameSize = frame
		c.MaxRequestBytesInFlight = frame
		c.TCP.IOTimeout = 10 * time.Second         // the staller, on TCP, holds the budget throughout
		c.Local.IOTimeout = 300 * time.Millisecond // the refused, on the socket, wait this long
	})
	staller := dial(t, "tcp", s.TCPAddr().String())
	staller.Write([]byte{'N', 1, 0, 0, 0, 1, 0, 0, 'x'}) // declares 64 KiB, sends 1 byte
	waitFor(t, func() bool { return s.budget.Used() == frame })

	c := dial(t, "unix", s.UnixPath())
	big := make([]byte, 10<<10) // more than arrives with a preamble: it needs room
	for _, tt := range tests {
		t.Run(tt.enc.String(), func(t *testing.T) {
			start := time.Now()
			c.Write(ipc.AppendRequest(nil, tt.enc, big))
			tt.check(t, []byte(readReply(t, c)))
			if d := time.Since(start); d < 300*time.Millisecond {
				t.Errorf("refused after %v, before io_timeout", d)
			}
			c.Write(ipc.AppendRequest(nil, tt.enc, []byte("small")))
			if got, want := readReply(t, c), fmt.Sprintf("%d:small", tt.enc); got != want {
				t.Fatalf("after the refusal: %q, want %q", got, want)
			}
		})
	}
	if s.budget.Used() != frame {
		t.Fatalf("budget used %d; refusals must take nothing", s.budget.Used())
	}
	staller.Close()
	waitFor(t, func() bool { return s.budget.Used() == 0 })
	c.Write(ipc.AppendRequest(nil, ipc.EncodingJSON, big))
	if got := readReply(t, c); len(got) != 2+len(big) {
		t.Fatalf("with room again: a reply of %d bytes, want the echo", len(got))
	}
}

func legacyBusy(t *testing.T, p []byte) {
	t.Helper()
	if want := "{\n    \"error\": \"" + busyText + "\"\n}\n"; string(p) != want {
		t.Fatalf("got %q, want %q", p, want)
	}
}

package server

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nipc/nipc/ipc"
)

const MiB = 1 << 20

// heapBytes is the heap's live and not yet swept objects plus goroutine
// stacks, as runtime/metrics counts them.
func heapBytes() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/stacks:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64() + s[1].Value.Uint64())
}

// liveBytes is heapBytes after a collection.
func liveBytes() int64 {
	runtime.GC()
	return heapBytes()
}

// smallHandler answers every request with "ok", so that replies cost
// nothing next to the requests.
var smallHandler = HandlerFunc(func(_ context.Context, _ ipc.Encoding, _, dst []byte) []byte {
	return append(dst, "ok"...)
})

// stalled is the campaign's request: legacy JSON, a declared length of
// 32 MiB, one byte of payload.
var stalled = []byte{0x4E, 0x01, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x7B}

// TestStalledFramesHoldLittle: 100 connections that each declare a 32 MiB
// frame and send one byte cost the node a few MiB, not 100 × 32 MiB, with
// the default frame size and budget: each holds its first chunk, and the
// budget is charged for that, not for what was declared. While they stall,
// a small request on another connection is still answered.
func TestStalledFramesHoldLittle(t *testing.T) {
	const conns = 100
	s := startServer(t, smallHandler, func(c *Config) {
		c.TCP.IOTimeout = 10 * time.Second // they stall for the whole measurement
	})
	base := liveBytes()
	for range conns {
		c := dial(t, "tcp", s.TCPAddr().String())
		if _, err := c.Write(stalled); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, func() bool { return s.budget.Used() == conns*ipc.FrameChunk && s.budget.Waiting() == 0 })
	grown := liveBytes() - base
	t.Logf("%d connections stalled inside 32 MiB frames: heap and stacks grew by %.1f MiB (the budget holds %.1f MiB)",
		conns, float64(grown)/MiB, float64(s.budget.Used())/MiB)
	if limit := int64(conns) * 256 << 10; grown > limit {
		t.Errorf("heap and stacks grew by %d bytes, want under %d (100 × 256 KiB; declaring would have been %d)", grown, limit, int64(conns)*32*MiB)
	}

	c := dial(t, "tcp", s.TCPAddr().String())
	c.Write(ipc.AppendRequest(nil, ipc.EncodingJSON, []byte(`{"action":"version"}`)))
	if got := readReply(t, c); got != "ok" {
		t.Fatalf("a small request while they stall: %q", got)
	}
}

// TestStallersDoNotBlockRequests: the 8 connections that each declare
// 32 MiB (9 bytes) and stall, which filled the 256 MiB budget when it was
// charged for declared lengths, hold 8 chunks of it: a 5,000-byte request
// (too large to arrive with its preamble, so it is charged) is answered at
// once, not after io_timeout.
func TestStallersDoNotBlockRequests(t *testing.T) {
	s := startServer(t, smallHandler, func(c *Config) {
		c.TCP.IOTimeout = 10 * time.Second
	})
	for range 8 {
		c := dial(t, "tcp", s.TCPAddr().String())
		if _, err := c.Write(stalled); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, func() bool { return s.budget.Used() == 8*ipc.FrameChunk })
	c := dial(t, "tcp", s.TCPAddr().String())
	start := time.Now()
	req := ipc.AppendRequest(nil, ipc.EncodingJSON, []byte(`{"action":"block_count","pad":"`+strings.Repeat("x", 5000-33)+`"}`))
	// Preamble first, then the rest: the frame does not arrive whole.
	c.Write(req[:4])
	time.Sleep(10 * time.Millisecond)
	c.Write(req[4:])
	if got := readReply(t, c); got != "ok" {
		t.Fatalf("reply %q", got)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("a 5,000-byte request behind 8 stallers took %v", d)
	}
	if p := s.budget.Peak(); p > 8*ipc.FrameChunk+5000 {
		t.Fatalf("the budget peaked at %d bytes, want at most 8 chunks and the request", p)
	}
}

// TestFullFramesHeldWithinBudget: 50 connections that each send a whole
// frame of max_frame_size - 1 bytes never have more than the budget (two
// frames here) read or being read at once: the budget's own count stays at
// or under it, and the heap grows by about that much, not by 50 frames.
// Every request is answered, "ok" or, if it waited past io_timeout, busy.
// The campaign's sizes (32 MiB frames) move 1.6 GB: -short and -race
// leave them out.
func TestFullFramesHeldWithinBudget(t *testing.T) {
	tests := []struct {
		name  string
		frame uint32 // max_frame_size; each request is one byte less
		slow  bool
	}{
		{"2 MiB frames, 4 MiB budget", 2 * MiB, false},
		{"32 MiB frames, 64 MiB budget", 32 * MiB, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.slow && (testing.Short() || raceEnabled) {
				t.Skip("moves 1.6 GB; run without -short and -race")
			}
			fullFrames(t, 50, tt.frame)
		})
	}
}

// fullFrames sends conns frames of frame-1 bytes at once to a server whose
// budget holds two frames, and checks what the server held.
func fullFrames(t *testing.T, conns int, frame uint32) {
	size, budget := frame-1, 2*int64(frame)
	s := startServer(t, smallHandler, func(c *Config) {
		c.MaxFrameSize = frame
		c.MaxRequestBytesInFlight = budget
		c.TCP.IOTimeout = 10 * time.Second
	})
	// Keep the heap close to what is live, so that the peak measures the
	// buffers held rather than the collector's slack.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	req := binary.BigEndian.AppendUint32([]byte{0x4E, 0x01, 0x00, 0x00}, size)
	payload := []byte(strings.Repeat("x", int(size)))
	base := liveBytes()

	var peak int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			peak = max(peak, heapBytes()-base)
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()

	start := time.Now()
	var wg sync.WaitGroup
	replies := make([]string, conns)
	for i := range conns {
		c := dial(t, "tcp", s.TCPAddr().String())
		wg.Go(func() {
			c.SetDeadline(time.Now().Add(60 * time.Second))
			bufs := net.Buffers{req, payload}
			if _, err := bufs.WriteTo(c); err != nil {
				t.Error(err)
				return
			}
			var l [4]byte
			if _, err := io.ReadFull(c, l[:]); err != nil {
				t.Error(err)
				return
			}
			b := make([]byte, binary.BigEndian.Uint32(l[:]))
			if _, err := io.ReadFull(c, b); err != nil {
				t.Error(err)
				return
			}
			replies[i] = string(b)
		})
	}
	wg.Wait()
	close(stop)
	<-sampled

	var ok, busy int
	for _, r := range replies {
		switch {
		case r == "ok":
			ok++
		case strings.Contains(r, busyText):
			busy++
		default:
			t.Errorf("reply %q", r)
		}
	}
	t.Logf("%d × %d bytes in %v: %d answered, %d refused busy; the budget's peak %.1f of %d MiB; heap and stacks peaked %.1f MiB above the start",
		conns, size, time.Since(start).Round(time.Millisecond), ok, busy, float64(s.budget.Peak())/MiB, budget/MiB, float64(peak)/MiB)
	if p := s.budget.Peak(); p > budget {
		t.Errorf("the budget's count peaked at %d bytes, above its %d", p, budget)
	}
	// A frame's buffer is briefly 1.5 times its size while it grows (the
	// last doubling copies half a frame into a whole one), the collector
	// lags a little, and 100 sockets and goroutines cost a little: 2 × the
	// budget + 4 MiB is the bound; 50 frames is what it bounds.
	if limit := 2*budget + 4*MiB; peak > limit {
		t.Errorf("heap and stacks peaked %d bytes above the start, want at most %d (2 × the budget + 4 MiB)", peak, limit)
	}
}

// TestIdleConnectionCost measures what an idle connection costs the node
// (the first factor of docs/CONFIG.md's arithmetic: this × max_connections
// + max_request_bytes_in_flight bounds the IPC port's memory), counting the
// client's end too, and holds it under 32 KiB. A connection that has been
// answered costs no more than a fresh one: buffers go back to a shared pool.
func TestIdleConnectionCost(t *testing.T) {
	const conns = 1000
	s := startServer(t, smallHandler, nil)
	base := liveBytes()
	for i := range conns {
		c := dial(t, "tcp", s.TCPAddr().String())
		if i%2 == 0 {
			// Half of them have served a request of 60 KiB.
			c.Write(ipc.AppendRequest(nil, ipc.EncodingJSON, make([]byte, 60<<10)))
			if got := readReply(t, c); got != "ok" {
				t.Fatalf("reply %q", got)
			}
		}
	}
	waitFor(t, func() bool { return s.active.Load() == conns })
	per := (liveBytes() - base) / conns
	t.Logf("an idle connection costs %.1f KiB of heap and stacks (both ends, %d connections)", float64(per)/1024, conns)
	if per > 32<<10 {
		t.Errorf("an idle connection costs %d bytes, want at most 32 KiB", per)
	}
}

package rpc

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/nano"
)

const unreachable = `"difficulty":"ffffffffffffffff"` // no work reaches it in a test's lifetime

func workLegacy(w *Work) *Legacy {
	reg := NewRegistry()
	RegisterKeyActionsWork(reg, nano.DevThresholds(), w, nil)
	return &Legacy{Registry: reg, EnableControl: true}
}

func call(l *Legacy, body string) map[string]string {
	ctx := peer.With(context.Background(), &peer.Peer{Transport: peer.Unix})
	return callCtx(ctx, l, body)
}

func callCtx(ctx context.Context, l *Legacy, body string) map[string]string {
	var m map[string]string
	out := l.Handle(ctx, 1, []byte(body), nil)
	if err := json.Unmarshal(out, &m); err != nil {
		panic(string(out))
	}
	return m
}

// TestWorkCancel: work_cancel stops a running work_generate on its root,
// and only on its root; the generate answers the node's error text.
func TestWorkCancel(t *testing.T) {
	l := workLegacy(NewWork(1))
	const root, other = "B0311EA55708D6A53C75CDBF88300259C6D018522FE3D4D0A242E431F9E8B6D0", "00000000000000000000000000000000000000000000000000000000000000AA"
	done := make(chan map[string]string, 2)
	for _, h := range []string{root, other} {
		go func() { done <- call(l, `{"action":"work_generate","hash":"`+h+`",`+unreachable+`}`) }()
	}
	time.Sleep(100 * time.Millisecond) // both running
	if got := call(l, `{"action":"work_cancel","hash":"`+root+`"}`); len(got) != 1 || got["success"] != "" {
		t.Fatalf("work_cancel = %v", got)
	}
	select {
	case got := <-done:
		if got["error"] != "Cancelled" {
			t.Fatalf("cancelled work_generate = %v", got)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("work_cancel did not stop work_generate")
	}
	select {
	case got := <-done:
		t.Fatalf("work_generate on another root stopped: %v", got)
	case <-time.After(100 * time.Millisecond):
	}
	call(l, `{"action":"work_cancel","hash":"`+other+`"}`)
	<-done
	// Nothing running is not an error; a bad hash is the node's error.
	if got := call(l, `{"action":"work_cancel","hash":"`+root+`"}`); got["success"] != "" {
		t.Errorf("work_cancel with nothing running = %v", got)
	}
	if got := call(l, `{"action":"work_cancel","hash":"xyz"}`); !strings.Contains(got["error"], "hash") {
		t.Errorf("work_cancel on a bad hash = %v", got)
	}
}

// TestWorkStops: a generation stops at once on the request's end and on
// Close, and none starts after Close.
func TestWorkStops(t *testing.T) {
	w := NewWork(0)
	l := workLegacy(w)
	ctx, cancel := context.WithTimeout(peer.With(context.Background(), &peer.Peer{Transport: peer.Unix}), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if got := callCtx(ctx, l, `{"action":"work_generate","hash":"`+strings.Repeat("1", 64)+`",`+unreachable+`}`); got["error"] != "Cancelled" || time.Since(start) > 2*time.Second {
		t.Fatalf("work_generate past its deadline = %v after %v", got, time.Since(start))
	}
	done := make(chan map[string]string, 1)
	go func() {
		done <- call(l, `{"action":"work_generate","hash":"`+strings.Repeat("2", 64)+`",`+unreachable+`}`)
	}()
	time.Sleep(100 * time.Millisecond)
	w.Close()
	select {
	case got := <-done:
		if got["error"] != "Cancelled" {
			t.Fatalf("work_generate on shutdown = %v", got)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not stop work_generate")
	}
	if _, err := w.Generate(context.Background(), nano.Hash{}, 1); err != errWorkShutdown {
		t.Fatalf("Generate after Close: %v", err)
	}
	// At a reachable difficulty the answer is real work, its difficulty and multiplier.
	got := call(workLegacy(NewWork(2)), `{"action":"work_generate","hash":"`+strings.Repeat("3", 64)+`","difficulty":"fff0000000000000"}`)
	work, _ := nano.ParseWork(got["work"])
	d := nano.Difficulty(nano.Hash{0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33}, work)
	if d < 0xfff0000000000000 || got["difficulty"] != nano.FormatWork(d) || got["multiplier"] != nano.FormatMultiplier(nano.Multiplier(d, nano.DevThresholds().Base())) {
		t.Fatalf("work_generate = %v (difficulty %x)", got, d)
	}
}

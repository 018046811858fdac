package server

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/peer"
	"github.com/nipc/nipc/ipc"
)

// countingObserver counts what the server tells it.
type countingObserver struct {
	mu             sync.Mutex
	opened, closed map[peer.Transport]int
	accessFailed   int
}

func newCountingObserver() *countingObserver {
	return &countingObserver{opened: map[peer.Transport]int{}, closed: map[peer.Transport]int{}}
}

func (o *countingObserver) ConnOpened(t peer.Transport) { o.mu.Lock(); o.opened[t]++; o.mu.Unlock() }
func (o *countingObserver) ConnClosed(t peer.Transport) { o.mu.Lock(); o.closed[t]++; o.mu.Unlock() }
func (o *countingObserver) AccessCheckFailed()          { o.mu.Lock(); o.accessFailed++; o.mu.Unlock() }

func (o *countingObserver) counts(t peer.Transport) (opened, closed, failed int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.opened[t], o.closed[t], o.accessFailed
}

// TestObserver: the observer hears of each connection when it is accepted
// and when it ends, on its transport, and of each failed access check.
func TestObserver(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			o := newCountingObserver()
			s := accessServer(t, func(c *Config) { c.Observer = o })
			tp := peer.Transport(tr.name)

			good := tr.dial(t, s)
			if err := handshake(good, secret); err != nil {
				t.Fatal(err)
			}
			bad := tr.dial(t, s)
			if err := handshake(bad, []byte("wrong")); !errors.Is(err, ipc.ErrAccessDenied) {
				t.Fatalf("handshake: %v", err)
			}
			readAll(t, bad) // the server closed it
			waitFor(t, func() bool { o, c, f := o.counts(tp); return o == 2 && c == 1 && f == 1 })

			good.Close()
			waitFor(t, func() bool { o, c, f := o.counts(tp); return o == 2 && c == 2 && f == 1 })
		})
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 5 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

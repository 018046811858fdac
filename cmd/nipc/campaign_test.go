package main

import (
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nipc/nipc/ipc"
)

// The outside reliability campaign's good figures, kept as tests against
// the real binary: they must stay true.

// campaignRequest sends one legacy request on c and checks its reply.
func campaignRequest(c net.Conn, buf []byte) ([]byte, error) {
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.Write(ipc.AppendRequest(nil, ipc.EncodingJSON, []byte(`{"action":"block_count"}`))); err != nil {
		return buf, err
	}
	p, err := ipc.ReadFrame(c, 1<<20, buf)
	if err != nil {
		return buf, err
	}
	if want := "{\n    \"count\": \"1\",\n    \"unchecked\": \"0\",\n    \"cemented\": \"1\"\n}\n"; string(p) != want {
		return p, fmt.Errorf("reply %q, want %q", p, want)
	}
	return p, nil
}

// TestCampaignManyConnections: 1,000 connections, half over TCP and half
// over the Unix socket, each with 100 requests in turn: every request is
// answered, correctly, none lost.
func TestCampaignManyConnections(t *testing.T) {
	const conns, requests = 1000, 100
	d := startNode(t)
	var answered atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for i := range conns {
		c, network := d.dialAlternating(t, i)
		defer c.Close()
		wg.Go(func() {
			var buf []byte
			for range requests {
				var err error
				if buf, err = campaignRequest(c, buf); err != nil {
					errs <- fmt.Errorf("%s connection %d: %w", network, i, err)
					return
				}
				answered.Add(1)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := answered.Load(); got != conns*requests {
		t.Fatalf("%d of %d requests answered", got, conns*requests)
	}
}

// TestCampaignIdleConnections: 10,000 connections open and idle at once are
// all held (the node closes none and refuses none), then each is answered.
func TestCampaignIdleConnections(t *testing.T) {
	const conns = 10000
	d := startNode(t)
	cs := make([]net.Conn, 0, conns)
	defer func() {
		for _, c := range cs {
			c.Close()
		}
	}()
	for i := range conns {
		c, _ := d.dialAlternating(t, i)
		cs = append(cs, c)
	}
	time.Sleep(500 * time.Millisecond) // idle: nothing sent
	var wg sync.WaitGroup
	var failed atomic.Int64
	for i := range 8 {
		wg.Go(func() {
			var buf []byte
			for j := i; j < conns; j += 8 {
				var err error
				if buf, err = campaignRequest(cs[j], buf); err != nil {
					if failed.Add(1) <= 5 {
						t.Errorf("idle connection %d: %v", j, err)
					}
				}
			}
		})
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		t.Fatalf("%d of %d idle connections not answered\n%s", n, conns, d.stderr)
	}
}

// dialAlternating opens connection i to d: over TCP when i is even, over
// the Unix socket when it is odd. It returns the connection and its network.
func (d *daemon) dialAlternating(t *testing.T, i int) (net.Conn, string) {
	t.Helper()
	network, addr := "tcp", fmt.Sprintf("127.0.0.1:%d", d.port)
	if i%2 == 1 {
		network, addr = "unix", d.sock
	}
	c, err := net.Dial(network, addr)
	if err != nil {
		t.Fatalf("%s connection %d: %v", network, i, err)
	}
	return c, network
}

package natsgw_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

// clusterSubmitters submit TestCluster's blocks concurrently, one chain
// (account) each.
const clusterSubmitters = 8

// TestCluster is issue 15's scale-out check: a 3-server JetStream cluster
// with an R3 stream, one node, three stateless gateways, clusterClients
// WebSocket clients spread over them (each subscribed with resume_after,
// with one of five account filters), and clusterBlocks blocks processed by
// 8 concurrent submitters through the gateways' HTTP (→ NATS → node).
// During the run one gateway is killed (its clients resume on the others
// after the last sequence they saw), one NATS server is killed, and the
// node is restarted; at the end every client holds every confirmation its
// filter matches exactly once, in sequence order. Sizes: 300 clients and
// 2,000 blocks; 60 and 400 under -race (race_on_test.go).
func TestCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("a NATS cluster, a node, three gateways and many clients")
	}
	servers := testenv.NATSCluster(t, 3)
	urls := make([]string, len(servers))
	for i, s := range servers {
		urls[i] = s.ClientURL()
	}
	dir := testenv.TempDir(t)
	startNode := func() *testenv.Node {
		return testenv.Start(t, testenv.Options{DataDir: dir, Access: access, Node: func(c *config.Node) {
			c.Node.NATS = natsConfig(urls[0])
			c.Node.NATS.Servers = urls
			c.Node.NATS.Replicas = 3
		}})
	}
	n := startNode()
	gws := []*gw{startGateway(t, urls...), startGateway(t, urls...), startGateway(t, urls...)}
	var gw0Dead atomic.Bool
	live := func(i int) *gw {
		if i%3 == 0 && gw0Dead.Load() {
			return gws[1+i%2]
		}
		return gws[i%3]
	}
	hc := &http.Client{Transport: &http.Transport{}, Timeout: 20 * time.Second}
	defer hc.CloseIdleConnections()

	setup, chains := clusterChains(t, clusterSubmitters, clusterBlocks/clusterSubmitters)
	for _, b := range setup {
		if err := processAt(hc, func() string { return gws[0].base }, b); err != nil {
			t.Fatal(err)
		}
	}
	start := uint64(1 + len(setup)) // the genesis, then the setup
	for deadline := time.Now().Add(30 * time.Second); n.NATSAcked() < start; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the stream holds %d confirmations after 30s, want %d", n.NATSAcked(), start)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	var clientsDone sync.WaitGroup
	clients := make([]*resumer, clusterClients)
	for i := range clients {
		r := &resumer{accounts: clusterFilter(i), last: start}
		r.pick = func(attempt int) string { return live(i + attempt).wsURL }
		clients[i] = r
		clientsDone.Go(func() { r.run(ctx) })
	}
	defer func() { cancel(); clientsDone.Wait() }()

	// Three events, at 20%, 40% and 60% of the blocks; no submitter goes
	// 20% further before the event is over.
	var processed atomic.Int64
	total := clusterSubmitters * len(chains[0])
	events := []struct {
		name string
		do   func()
	}{
		{"kill gateway 0", func() { gw0Dead.Store(true); gws[0].stop() }},
		{"kill NATS server n1", func() { servers[0].Shutdown(); servers[0].WaitForShutdown() }},
		{"restart the node", func() { n.Stop(t); n = startNode() }},
	}
	over := make([]chan struct{}, len(events))
	for i := range over {
		over[i] = make(chan struct{})
	}
	runStart := time.Now()
	go func() {
		for i, ev := range events {
			for processed.Load()*5 < int64(total*(i+1)) {
				time.Sleep(5 * time.Millisecond)
			}
			began := time.Now()
			ev.do()
			t.Logf("%s at %d blocks (%v into the run), in %v", ev.name, processed.Load(),
				began.Sub(runStart).Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
			close(over[i])
		}
	}()
	var submitters sync.WaitGroup
	for s, chain := range chains {
		submitters.Go(func() {
			for k, b := range chain {
				for i := range events {
					if k*5 >= len(chain)*(i+2) {
						<-over[i]
					}
				}
				if err := processAt(hc, func() string { return live(s + k).base }, b); err != nil {
					t.Error(err)
					return
				}
				processed.Add(1)
			}
		})
	}
	submitters.Wait()
	for _, o := range over {
		<-o
	}
	t.Logf("%d blocks by %d submitters in %v", total, clusterSubmitters, time.Since(runStart).Round(time.Millisecond))
	submitted := time.Now()
	if t.Failed() {
		return
	}

	want := expected(chains, len(clients))
	deadline := time.Now().Add(90 * time.Second)
	for i := 0; i < len(clients); {
		if clients[i].count() >= len(want[i]) {
			i++
			continue
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	clientsDone.Wait()
	t.Logf("the clients were complete %v after the last block", time.Since(submitted).Round(time.Millisecond))
	checkClients(t, clients, want, start)
}

// processAt processes b through the gateway at base(), retrying for up to
// a minute while a request fails (the node restarting, the stream's
// leader moving, the gateway killed: each try asks base again, so that a
// request that raced the kill goes to a live gateway); "Old block" is
// success (an earlier try that went through but whose reply was lost).
func processAt(hc *http.Client, base func() string, b *nano.Block) error {
	body, _ := json.Marshal(map[string]any{"action": "process", "json_block": true, "block": b})
	var last string
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		resp, err := hc.Post(base(), "application/json", strings.NewReader(string(body)))
		if err != nil {
			last = err.Error()
			continue
		}
		reply, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var r struct{ Hash, Error string }
		json.Unmarshal(reply, &r)
		switch {
		case r.Hash == b.Hash().String() || r.Error == "Old block":
			return nil
		case r.Error == "":
			return fmt.Errorf("process %s: %s", b.Hash(), reply)
		}
		last = string(reply)
	}
	return fmt.Errorf("process %s: still failing after a minute: %s", b.Hash(), last)
}

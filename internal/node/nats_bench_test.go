package node_test

import (
	"bufio"
	"net"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/natsbus"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
	"github.com/nipc/nipc/nano"
)

// BenchmarkAccountWeightNATS: legacy account_weight, one request at a time,
// over NATS request/reply (an embedded server, the node's micro service)
// next to the same request over IPC TCP, against one node in one run.
func BenchmarkAccountWeightNATS(b *testing.B) {
	s := testenv.NATS(b, b.TempDir(), 0)
	n := testenv.Start(b, testenv.Options{Node: func(c *config.Node) {
		c.Node.NATS.Enable = true
		c.Node.NATS.Servers = []string{s.ClientURL()}
	}})
	payload := []byte(`{"action":"account_weight","account":"` + nano.DevGenesisAccount + `"}`)
	b.Run("ipc_tcp", func(b *testing.B) {
		network, addr := testenv.Transports[0].Config(n).Network()
		c, err := net.Dial(network, addr)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		br := bufio.NewReader(c)
		req := ipc.AppendRequest(nil, ipc.EncodingJSON, payload)
		buf := make([]byte, 0, 1024)
		for b.Loop() {
			if _, err := c.Write(req); err != nil {
				b.Fatal(err)
			}
			if buf, err = ipc.ReadFrame(br, 1<<20, buf[:0]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("nats", func(b *testing.B) {
		nc, err := nats.Connect(s.ClientURL())
		if err != nil {
			b.Fatal(err)
		}
		defer nc.Close()
		subject := natsbus.SubjectsOf(config.DefaultNATS()).APILegacy()
		for b.Loop() {
			if _, err := nc.Request(subject, payload, 5*time.Second); err != nil {
				b.Fatal(err)
			}
		}
	})
}

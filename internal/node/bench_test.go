package node_test

import (
	"bufio"
	"net"
	"testing"

	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
)

// BenchmarkLegacyRoundTrip measures one legacy request and reply through the
// whole stack (framing, session, dispatch, action, rendering) on one
// persistent connection per transport, as a client would use it.
func BenchmarkLegacyRoundTrip(b *testing.B) {
	n := testenv.Start(b, testenv.Options{})
	req := ipc.AppendRequest(nil, ipc.EncodingJSON, []byte(`{"action":"account_key","account":"nano_3t6k35gi95xu6tergt6p69ck76ogmitsa8mnijtpxm9fkcm736xtoncuohr3"}`))
	for _, tr := range testenv.Transports {
		b.Run(tr.Name, func(b *testing.B) {
			network, addr := tr.Config(n).Network()
			c, err := net.Dial(network, addr)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			br := bufio.NewReader(c)
			buf := make([]byte, 0, 256)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Write(req); err != nil {
					b.Fatal(err)
				}
				if buf, err = ipc.ReadFrame(br, 1<<20, buf[:0]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

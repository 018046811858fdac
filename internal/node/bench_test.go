package node_test

import (
	"bufio"
	"net"
	"testing"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
	"github.com/nipc/nipc/nano"
)

// benchRoundTrip measures one request and reply through the whole stack
// (framing, session, dispatch, handler, rendering) on one persistent
// connection per transport, as a client would use it.
func benchRoundTrip(b *testing.B, enc ipc.Encoding, payload []byte) {
	n := testenv.Start(b, testenv.Options{})
	req := ipc.AppendRequest(nil, enc, payload)
	for _, tr := range testenv.Transports {
		b.Run(tr.Name, func(b *testing.B) {
			network, addr := tr.Config(n).Network()
			c, err := net.Dial(network, addr)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			br := bufio.NewReader(c)
			buf := make([]byte, 0, 1024)
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

// BenchmarkLegacyRoundTrip: account_key, a legacy action without the ledger.
func BenchmarkLegacyRoundTrip(b *testing.B) {
	benchRoundTrip(b, ipc.EncodingJSON, []byte(`{"action":"account_key","account":"nano_3t6k35gi95xu6tergt6p69ck76ogmitsa8mnijtpxm9fkcm736xtoncuohr3"}`))
}

// BenchmarkAccountWeight compares the same query in encodings 1, 3 and 4.
func BenchmarkAccountWeight(b *testing.B) {
	acct := nano.DevGenesisAccount
	b.Run("legacy", func(b *testing.B) {
		benchRoundTrip(b, ipc.EncodingJSON, []byte(`{"action":"account_weight","account":"`+acct+`"}`))
	})
	bin, err := api.Encode(api.NewEnvelope(&fb.AccountWeightT{Account: acct}, "", time.Time{}))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("flatbuffers", func(b *testing.B) { benchRoundTrip(b, ipc.EncodingFlatbuffers, bin) })
	b.Run("flatbuffers_json", func(b *testing.B) {
		benchRoundTrip(b, ipc.EncodingFlatbuffersJSON, []byte(`{"message_type":"AccountWeight","message":{"account":"`+acct+`"}}`))
	})
}

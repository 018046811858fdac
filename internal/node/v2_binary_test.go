package node_test

import (
	"encoding/hex"
	"encoding/json"
	"net"
	"testing"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/fbjson"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
	"github.com/nipc/nipc/nano"
)

// rawConn is one connection speaking the framing directly.
type rawConn struct {
	t *testing.T
	c net.Conn
}

func dialRaw(t *testing.T, n *testenv.Node, tr testenv.Transport) *rawConn {
	t.Helper()
	network, addr := tr.Config(n).Network()
	c, err := net.Dial(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawConn{t: t, c: c}
}

func (r *rawConn) call(enc ipc.Encoding, payload []byte) []byte {
	r.t.Helper()
	r.c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := r.c.Write(ipc.AppendRequest(nil, enc, payload)); err != nil {
		r.t.Fatal(err)
	}
	reply, err := ipc.ReadFrame(r.c, 1<<20, nil)
	if err != nil {
		r.t.Fatalf("reading reply to %q: %v", payload, err)
	}
	return reply
}

func (r *rawConn) binary(payload []byte) *fb.EnvelopeT {
	r.t.Helper()
	env, err := api.Decode(r.call(ipc.EncodingFlatbuffers, payload))
	if err != nil {
		r.t.Fatalf("reply does not decode: %v", err)
	}
	if env.Time == 0 {
		r.t.Error("reply without time")
	}
	return env
}

func mustHex(t *testing.T, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBinaryVectors: spec §2.2's byte-exact requests are accepted and their
// replies decode to the expected fields (§11.3 test 23).
func TestBinaryVectors(t *testing.T) {
	n := testenv.Start(t, testenv.Options{})
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			c := dialRaw(t, n, tr)
			env := c.binary(mustHex(t, "1400000000000e000c00000000000000070008000e00000000000003080000000400040004000000"))
			if env.Message == nil || env.Message.Type != fb.MessageIsAlive {
				t.Fatalf("IsAlive vector: reply %+v", env.Message)
			}
			env = c.binary(mustHex(t, "1400000000000e00120000000000080007000c000e00000000000006600000000c00000000000600080004000600000004000000410000006e616e6f5f3131313131313131313131313131313131313131313131313131313131313131313131313131313131313131313131313131313168696663386e70700000000200000034320000"))
			w, ok := env.Message.Value.(*fb.AccountWeightResponseT)
			if env.CorrelationId != "42" || !ok || w.VotingWeight != "0" {
				t.Fatalf("AccountWeight vector: corr %q, reply %#v", env.CorrelationId, env.Message.Value)
			}
			// ServiceRegister passes the verifier (its handling belongs to the broker).
			env = c.binary(mustHex(t, "1400000000000e00120000000800000007000c000e0000000000000a200000000c000000000006000800040006000000040000000300000073766300060000007365637265740000"))
			if e, ok := env.Message.Value.(*fb.ErrorT); ok && e.Message == api.ErrVerify.Message {
				t.Fatalf("ServiceRegister vector failed verification")
			}
		})
	}
}

// TestBinaryGarbage: a buffer that fails verification gets Error 1 and the
// connection stays usable (§11.3 test 24); a handled type without a body is
// "Invalid message" (test 25).
func TestBinaryGarbage(t *testing.T) {
	n := testenv.Start(t, testenv.Options{})
	noBody, err := fbjson.Parse([]byte(`{"correlation_id": "c9", "message_type": "AccountWeight"}`), fbjson.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			c := dialRaw(t, n, tr)
			for _, garbage := range [][]byte{[]byte("garbage!"), {0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4}, make([]byte, 3)} {
				env := c.binary(garbage)
				e, ok := env.Message.Value.(*fb.ErrorT)
				if !ok || e.Code != 1 || e.Message != "Envelope buffer did not pass verifier" {
					t.Fatalf("garbage %x: reply %#v", garbage, env.Message.Value)
				}
			}
			env := c.binary(noBody)
			if e, ok := env.Message.Value.(*fb.ErrorT); !ok || e.Code != 1 || e.Message != "Invalid message" || env.CorrelationId != "c9" {
				t.Fatalf("no body: reply %#v corr %q", env.Message.Value, env.CorrelationId)
			}
			isAlive, _ := fbjson.Parse([]byte(`{"message_type": "IsAlive", "message": {}}`), fbjson.Options{})
			if env := c.binary(isAlive); env.Message.Type != fb.MessageIsAlive {
				t.Fatal("connection not usable after bad buffers")
			}
		})
	}
}

// TestMixedEncodingsOneConnection: 1, then 4, then 3 on one connection, and
// the same account's weight is identical in every encoding (§11.3 test 7).
func TestMixedEncodingsOneConnection(t *testing.T) {
	n := testenv.Start(t, testenv.Options{})
	acct := nano.DevGenesisAccount
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			c := dialRaw(t, n, tr)
			var legacy struct{ Weight string }
			if err := json.Unmarshal(c.call(ipc.EncodingJSON, []byte(`{"action":"account_weight","account":"`+acct+`"}`)), &legacy); err != nil {
				t.Fatal(err)
			}
			var js struct {
				Message struct {
					VotingWeight string `json:"voting_weight"`
				}
			}
			if err := json.Unmarshal(c.call(ipc.EncodingFlatbuffersJSON, []byte(`{"message_type":"AccountWeight","message":{"account":"`+acct+`"}}`)), &js); err != nil {
				t.Fatal(err)
			}
			bin, _ := api.Encode(api.NewEnvelope(&fb.AccountWeightT{Account: acct}, "", time.Now()))
			env := c.binary(bin)
			w := env.Message.Value.(*fb.AccountWeightResponseT).VotingWeight
			want := nano.GenesisAmount.String()
			if legacy.Weight != want || js.Message.VotingWeight != want || w != want {
				t.Fatalf("weights differ: legacy %q, json %q, binary %q, want %q", legacy.Weight, js.Message.VotingWeight, w, want)
			}
		})
	}
}

package node_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/natsbus"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

// natsNode starts a node publishing to the NATS server at url, in dir
// ("" a new one), with enable_control as given.
func natsNode(t *testing.T, url, dir string, control bool) *testenv.Node {
	t.Helper()
	return testenv.Start(t, testenv.Options{
		DataDir: dir,
		Access:  brokerAccess,
		Node: func(c *config.Node) {
			c.Node.NATS.Enable = true
			c.Node.NATS.Servers = []string{url}
		},
		RPC: func(r *config.RPC) { r.EnableControl = control },
	})
}

// natsClient connects to url for the test.
func natsClient(t *testing.T, url string) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

var devSubjects = natsbus.SubjectsOf(config.DefaultNATS())

// waitStream waits until the stream holds n messages.
func waitStream(t *testing.T, js jetstream.JetStream, n uint64) jetstream.Stream {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err := js.Stream(context.Background(), devSubjects.Stream)
		if err == nil {
			info, err := st.Info(context.Background())
			if err == nil && info.State.Msgs >= n {
				return st
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stream did not reach %d messages in 30s (err %v)", n, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// streamMessage is what a test reads of one stored confirmation.
type streamMessage struct {
	subject, msgID string
	seq            uint64
	payload        struct {
		Topic    string `json:"topic"`
		Sequence string `json:"sequence"`
		Message  struct {
			Account  string                                  `json:"account"`
			Hash     string                                  `json:"hash"`
			Block    struct{ Subtype, LinkAsAccount string } `json:"block"`
			Sideband struct {
				Height         string `json:"height"`
				LocalTimestamp string `json:"local_timestamp"`
			} `json:"sideband"`
			ElectionInfo map[string]string `json:"election_info"`
		} `json:"message"`
	}
}

// readStream returns every message of the stream, and fails the test
// unless the stream holds exactly want, each once, in confirmation order
// (stream sequence i holds confirmation i, the genesis first), with the
// headers and payload that confirmation needs.
func readStream(t *testing.T, st jetstream.Stream, want uint64) []streamMessage {
	t.Helper()
	ctx := context.Background()
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != want || info.State.FirstSeq != 1 || info.State.LastSeq != want {
		t.Fatalf("stream holds %d messages, %d..%d; want 1..%d", info.State.Msgs, info.State.FirstSeq, info.State.LastSeq, want)
	}
	out := make([]streamMessage, 0, want)
	seen := map[string]bool{}
	for i := uint64(1); i <= want; i++ {
		m, err := st.GetMsg(ctx, i)
		if err != nil {
			t.Fatal(err)
		}
		var sm streamMessage
		sm.subject, sm.msgID = m.Subject, m.Header.Get("Nats-Msg-Id")
		sm.seq, _ = strconv.ParseUint(m.Header.Get("Nano-Sequence"), 10, 64)
		if err := json.Unmarshal(m.Data, &sm.payload); err != nil {
			t.Fatalf("message %d: %v: %s", i, err, m.Data)
		}
		p := &sm.payload
		switch {
		case sm.seq != i:
			t.Fatalf("stream message %d has Nano-Sequence %q", i, m.Header.Get("Nano-Sequence"))
		case p.Sequence != strconv.FormatUint(i, 10):
			t.Fatalf("stream message %d has sequence %q in its payload", i, p.Sequence)
		case sm.msgID != p.Message.Hash || len(sm.msgID) != 64:
			t.Fatalf("stream message %d: Nats-Msg-Id %q, hash %q", i, sm.msgID, p.Message.Hash)
		case seen[sm.msgID]:
			t.Fatalf("stream message %d repeats block %s", i, sm.msgID)
		case p.Topic != "confirmation" || p.Message.Sideband.Height == "" || p.Message.Sideband.LocalTimestamp == "" || p.Message.ElectionInfo["blocks"] != "1":
			t.Fatalf("stream message %d lacks the confirmation message's parts: %s", i, m.Data)
		}
		seen[sm.msgID] = true
		out = append(out, sm)
	}
	return out
}

// TestNATSConfirmations: every confirmation lands in the stream once, in
// order, with its headers, on a subject naming both accounts.
func TestNATSConfirmations(t *testing.T) {
	s := testenv.NATS(t, t.TempDir(), 0)
	n := natsNode(t, s.ClientURL(), "", true)
	_, js := natsClient(t, s.ClientURL())
	const sends = 20
	hashes := make([]string, sends)
	for i := range hashes {
		hashes[i] = sendFromGenesis(t, n, someAccount, "1")
	}
	st := waitStream(t, js, sends+1)
	msgs := readStream(t, st, sends+1)
	if msgs[0].subject != devSubjects.Prefix+".confirmation."+nano.DevGenesisAccount+"."+nano.DevGenesisAccount {
		t.Errorf("the genesis is on %s", msgs[0].subject)
	}
	for i, h := range hashes {
		m := msgs[i+1]
		if m.msgID != h {
			t.Errorf("confirmation %d is block %s, want %s", i+2, m.msgID, h)
		}
		if want := "nano.dev.confirmation." + nano.DevGenesisAccount + "." + someAccount; m.subject != want {
			t.Errorf("confirmation %d on %s, want %s", i+2, m.subject, want)
		}
		if m.payload.Message.Sideband.Height != strconv.Itoa(i+2) {
			t.Errorf("confirmation %d: sideband height %s", i+2, m.payload.Message.Sideband.Height)
		}
	}
	if lag := n.NATSLag(); lag != 0 {
		t.Errorf("lag %d after the stream has everything", lag)
	}
	// nats_status (nipc status) says the same.
	raw, err := testenv.Dial(t, n, testenv.Transports[0]).Legacy(context.Background(), "nats_status", nil)
	var status map[string]string
	if err != nil || json.Unmarshal(raw, &status) != nil {
		t.Fatalf("nats_status: %s %v", raw, err)
	}
	want := map[string]string{"confirmation_sequence": strconv.Itoa(sends + 1), "nats": "true", "connected": "true", "acked_sequence": strconv.Itoa(sends + 1), "lag": "0"}
	if !maps.Equal(status, want) {
		t.Errorf("nats_status = %v, want %v", status, want)
	}
}

// TestNATSOutage: with NATS away while 1,000 blocks are processed the node
// serves on; once NATS is back (the same store, the same port) the stream
// is complete, in order, without a duplicate. A restarted node resumes
// from its acknowledged mark.
func TestNATSOutage(t *testing.T) {
	store, dir := t.TempDir(), testenv.TempDir(t)
	port := testenv.FreePort(t)
	s := testenv.NATS(t, store, port)
	url := s.ClientURL()
	n := natsNode(t, url, dir, true)
	_, js := natsClient(t, url)
	sendFromGenesis(t, n, someAccount, "1")
	waitStream(t, js, 2)

	s.Shutdown()
	s.WaitForShutdown()
	const blocks = 1000
	if testing.Short() {
		t.Skip("1,000 blocks")
	}
	for range blocks {
		sendFromGenesis(t, n, someAccount, "1")
	}
	if lag := n.NATSLag(); lag != blocks {
		t.Errorf("lag %d while NATS is away, want %d", lag, blocks)
	}

	testenv.NATS(t, store, port)
	st := waitStream(t, js, blocks+2)
	readStream(t, st, blocks+2)
	deadline := time.Now().Add(10 * time.Second)
	for n.NATSLag() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if lag := n.NATSLag(); lag != 0 {
		t.Fatalf("lag %d once the stream has everything", lag)
	}

	// A restart resumes from the mark: nothing is published twice.
	n.Stop(t)
	if mark, err := natsbus.ReadMark(dir + "/" + natsbus.MarkFile); err != nil || mark != blocks+2 {
		t.Fatalf("mark after shutdown = %d, %v; want %d", mark, err, blocks+2)
	}
	n2 := natsNode(t, url, dir, true)
	n2.GenesisWallet = &n2.Genesis.Wallets[0] // created by the first start
	if n2.NATSAcked() != blocks+2 {
		t.Errorf("restarted node starts from %d, want %d", n2.NATSAcked(), blocks+2)
	}
	sendFromGenesis(t, n2, someAccount, "1")
	st = waitStream(t, js, blocks+3)
	readStream(t, st, blocks+3)
}

// TestNATSUnreachableAtStart: a node whose NATS server is away starts and
// serves; the stream fills once a server is there.
func TestNATSUnreachableAtStart(t *testing.T) {
	port := testenv.FreePort(t)
	url := fmt.Sprintf("nats://127.0.0.1:%d", port)
	n := natsNode(t, url, "", true)
	sendFromGenesis(t, n, someAccount, "1")
	s := testenv.NATS(t, t.TempDir(), port)
	_, js := natsClient(t, s.ClientURL())
	readStream(t, waitStream(t, js, 2), 2)
}

package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/natsbus"
	"github.com/nipc/nipc/internal/testenv"
)

// docs/SCALING.md's Go example, as the doc shows it
// (TestScalingDocSnippets checks that the doc's is this one).

// Consume hands process every confirmation sent to the account, in sequence
// order, and acknowledges each after process returns nil. process applies a
// confirmation and records its sequence in one transaction; for a sequence it
// has recorded already (a redelivery) it does nothing and returns nil; an
// error has the confirmation delivered again.
func Consume(ctx context.Context, js jetstream.JetStream, process func(seq uint64, payload []byte) error) error {
	cons, err := js.CreateOrUpdateConsumer(ctx, "NANO_DEV_CONFIRMATIONS", jetstream.ConsumerConfig{
		Durable:       "payments",
		FilterSubject: "nano.dev.confirmation.*.nano_1111111111111111111111111111111111111111111111111113b8661hfk",
		AckPolicy:     jetstream.AckExplicitPolicy,
		MaxAckPending: 1, // the next one only after this one's ack: sequence order
	})
	if err != nil {
		return err
	}
	msgs, err := cons.Messages()
	if err != nil {
		return err
	}
	defer func() {
		// What was pulled but not processed goes back now, for the next
		// run, rather than after the consumer's AckWait.
		msgs.Drain()
		for msg, err := msgs.Next(); err == nil; msg, err = msgs.Next() {
			msg.Nak()
		}
	}()
	for {
		msg, err := msgs.Next(jetstream.NextContext(ctx))
		if err != nil {
			return err // ctx is done, or the consumer was deleted
		}
		seq, err := strconv.ParseUint(msg.Headers().Get("Nano-Sequence"), 10, 64)
		if err != nil {
			msg.Term() // not a confirmation of nipc's: never again
			continue
		}
		if err := process(seq, msg.Data()); err != nil {
			msg.NakWithDelay(time.Second) // again in a second
			continue
		}
		// The ack goes out even when ctx is done meanwhile, so a restart
		// does not wait AckWait for what was processed. An ack that does
		// not arrive only means one more redelivery, which process
		// recognizes.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		msg.DoubleAck(actx)
		cancel()
	}
}

// TestScalingDocConsume runs Consume against a real server and a stream
// laid out as the node's: every confirmation sent to the account is
// processed exactly once, in sequence order, through a failure after the
// commit (redelivered, recognized), a message that is not a confirmation
// (terminated) and a restart of the backend (the durable consumer goes on
// where the acknowledgements left it).
func TestScalingDocConsume(t *testing.T) {
	srv := testenv.NATS(t, t.TempDir(), 0)
	nc, err := nats.Connect(srv.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := natsbus.EnsureStream(ctx, js, config.DefaultNodeNATS()); err != nil {
		t.Fatal(err)
	}
	const (
		genesis = "nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo"
		to      = "nano_1111111111111111111111111111111111111111111111111113b8661hfk"
		other   = "nano_1111111111111111111111111111111111111111111111111111hifc8npp"
	)
	publish := func(seq uint64, counterparty string) {
		t.Helper()
		msg := nats.NewMsg("nano.dev.confirmation." + genesis + "." + counterparty)
		msg.Header.Set("Nats-Msg-Id", strconv.FormatUint(seq, 10))
		msg.Header.Set("Nano-Sequence", strconv.FormatUint(seq, 10))
		msg.Data = []byte(`{"sequence": "` + strconv.FormatUint(seq, 10) + `"}`)
		if _, err := js.PublishMsg(ctx, msg); err != nil {
			t.Fatal(err)
		}
	}
	publish(1, genesis)
	publish(2, to)
	publish(3, to)
	publish(4, other)
	// Not nipc's: no Nano-Sequence.
	if _, err := js.Publish(ctx, "nano.dev.confirmation."+genesis+"."+to, []byte("{}")); err != nil {
		t.Fatal(err)
	}
	publish(5, to)

	// The backend's database: the effects and the sequences, committed
	// together; calls counts every call of process.
	var (
		mu       sync.Mutex
		applied  []uint64
		recorded = map[uint64]bool{}
		calls    = map[uint64]int{}
		failed   bool
	)
	cons := func() jetstream.Consumer {
		t.Helper()
		c, err := js.Consumer(ctx, "NANO_DEV_CONFIRMATIONS", "payments")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// run runs the backend until the stream sequence ackedTo is
	// acknowledged (the ack, not process, is the last step).
	run := func(ackedTo uint64) {
		t.Helper()
		rctx, stop := context.WithCancel(ctx)
		defer stop()
		go func() {
			defer stop()
			for rctx.Err() == nil {
				time.Sleep(10 * time.Millisecond)
				c, err := js.Consumer(rctx, "NANO_DEV_CONFIRMATIONS", "payments")
				if err != nil {
					continue // not created yet
				}
				if info, err := c.Info(rctx); err == nil && info.AckFloor.Stream >= ackedTo {
					return
				}
			}
		}()
		err := Consume(rctx, js, func(seq uint64, payload []byte) error {
			mu.Lock()
			defer mu.Unlock()
			calls[seq]++
			if want := `"` + strconv.FormatUint(seq, 10) + `"`; !strings.Contains(string(payload), want) {
				t.Errorf("confirmation %d: payload %s", seq, payload)
			}
			if !recorded[seq] {
				recorded[seq] = true
				applied = append(applied, seq)
			}
			if seq == 3 && !failed {
				// Committed, then the backend fails before its ack.
				failed = true
				return errors.New("lost before the ack")
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Consume: %v, want context.Canceled", err)
		}
	}
	run(3) // confirmation 3 is stream sequence 3
	// The backend restarts; one more confirmation meanwhile.
	publish(6, to)
	run(7) // confirmation 6 is stream sequence 7

	mu.Lock()
	defer mu.Unlock()
	if want := []uint64{2, 3, 5, 6}; !slices.Equal(applied, want) {
		t.Errorf("applied %v, want %v (each once, in order)", applied, want)
	}
	if calls[3] != 2 || calls[2] != 1 || calls[5] != 1 || calls[6] != 1 {
		t.Errorf("process calls %v, want 3 twice (redelivered), the others once", calls)
	}
	// Everything acknowledged: nothing pending, nothing to redeliver.
	info, err := cons().Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.NumPending != 0 || info.NumAckPending != 0 {
		t.Errorf("consumer: %d unprocessed, %d unacknowledged; want 0 and 0", info.NumPending, info.NumAckPending)
	}
}

// TestScalingDocSnippets: docs/SCALING.md's Go example is Consume above,
// and its config-node.toml and config-rpc.toml snippets load.
func TestScalingDocSnippets(t *testing.T) {
	doc, err := os.ReadFile("../../docs/SCALING.md")
	if err != nil {
		t.Fatal(err)
	}
	self, err := os.ReadFile("scaling_doc_test.go")
	if err != nil {
		t.Fatal(err)
	}
	blocks := func(lang string) []string {
		var out []string
		for _, m := range regexp.MustCompile("(?s)```"+lang+"\n(.*?)```").FindAllStringSubmatch(string(doc), -1) {
			out = append(out, m[1])
		}
		return out
	}
	goBlocks := blocks("go")
	if len(goBlocks) != 1 || !strings.Contains(string(self), "\n\n"+goBlocks[0]) {
		t.Errorf("docs/SCALING.md's go block is not Consume in scaling_doc_test.go (%d go blocks)", len(goBlocks))
	}
	tomls := blocks("toml")
	if len(tomls) != 2 {
		t.Fatalf("docs/SCALING.md has %d toml blocks, want 2 (config-node.toml, config-rpc.toml)", len(tomls))
	}
	dir := t.TempDir()
	for _, f := range []string{"nipc-node.creds", "nipc-gateway.creds"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("-----BEGIN NATS USER JWT-----\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	node, rpc := filepath.Join(dir, config.NodeFile), filepath.Join(dir, config.RPCFile)
	if err := os.WriteFile(node, []byte(tomls[0]), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rpc, []byte(tomls[1]), 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := config.ReadNode(node, nil)
	if err != nil {
		t.Fatalf("config-node.toml snippet: %v", err)
	}
	r, err := config.ReadRPC(rpc, nil)
	if err != nil {
		t.Fatalf("config-rpc.toml snippet: %v", err)
	}
	if !n.Node.NATS.Enable || n.Node.NATS.Replicas != 3 || !r.NATS.Enable || len(r.NATS.Servers) != 3 {
		t.Errorf("snippets read as %+v and %+v", n.Node.NATS, r.NATS)
	}
}

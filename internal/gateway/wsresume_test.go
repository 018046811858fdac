package gateway_test

import (
	"fmt"
	"strconv"
	"testing"
)

// TestWebSocketResume: in the node's process, "resume_after": N gives
// every confirmation after sequence N that passes the filters, from the
// ledger, in order, then the live ones; a point beyond the ledger is an
// error naming the range; a gateway over IPC, which has no history,
// refuses resume_after (a gateway with [nats] resumes from the stream:
// internal/natsgw).
func TestWebSocketResume(t *testing.T) {
	for _, m := range []mode{modes[0], modes[2]} {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, m, envOptions{enableControl: true, events: true})
			ws := e.dialWS(t, e.wsURL, nil)
			ws.send(`{"action": "subscribe", "topic": "confirmation", "ack": true}`)
			ws.expect(`"ack": "subscribe"`)
			var hashes []string
			for i := range 4 {
				hashes = append(hashes, e.sendOne(account(50+byte(i%2))))
			}
			var seqs []uint64
			for _, h := range hashes {
				msg := decodeWS(t, ws.next())
				if msg.Message.Hash != h {
					t.Fatalf("confirmation of %s, want %s", msg.Message.Hash, h)
				}
				n, err := strconv.ParseUint(msg.Sequence, 10, 64)
				if err != nil {
					t.Fatalf("sequence %q", msg.Sequence)
				}
				seqs = append(seqs, n)
			}

			r := e.dialWS(t, e.wsURL, nil)
			r.send(fmt.Sprintf(`{"action": "subscribe", "topic": "confirmation", "ack": true, "options": {"resume_after": %d, "accounts": [%q]}}`, seqs[0], account(51)))
			if m.ipc {
				r.expect(`"error": "resume_after is not available on this gateway`)
				return
			}
			r.expect(`"ack": "subscribe"`)
			r.expectHash(hashes[1]) // account(51)'s, after seqs[0]
			r.expectHash(hashes[3])
			live := e.sendOne(account(51))
			r.expectHash(live)
			r.quiet()

			top := seqs[3] + 1
			r.send(fmt.Sprintf(`{"action": "subscribe", "topic": "confirmation", "ack": true, "options": {"resume_after": "%d"}}`, top+5))
			r.expect(fmt.Sprintf(`"error": "resume_after %d is beyond the highest confirmation sequence, %d`, top+5, top))
			r.send(`{"action": "subscribe", "topic": "confirmation", "ack": true, "options": {"resume_after": "x"}}`)
			r.expect(`"error": "Invalid option resume_after: expected a confirmation sequence"`)
		})
	}
}

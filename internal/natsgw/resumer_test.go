package natsgw_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// received is one confirmation a WebSocket client got.
type received struct {
	seq  uint64
	hash string
}

// resumer is a WebSocket client that never misses a confirmation: it
// subscribes with resume_after (its filter, accounts, as given), and
// whenever its connection ends (its gateway killed, or dropped as slow)
// or its subscription is refused, it subscribes again on a gateway that
// pick names, resuming after the last sequence it saw.
type resumer struct {
	accounts []string // the filter; nil: every confirmation
	pick     func(attempt int) string

	mu         sync.Mutex
	got        []received
	last       uint64 // the sequence to resume after
	reconnects int
	refusals   []string // why subscriptions were refused (retried)
}

func (r *resumer) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

// run keeps r subscribed until ctx ends.
func (r *resumer) run(ctx context.Context) {
	for attempt := 0; ctx.Err() == nil; attempt++ {
		if attempt > 0 {
			r.mu.Lock()
			r.reconnects++
			r.mu.Unlock()
			select {
			case <-ctx.Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
		r.session(ctx, r.pick(attempt))
	}
}

// session is one connection to the gateway at url, until it ends.
func (r *resumer) session(ctx context.Context, url string) {
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	c, _, err := websocket.Dial(dctx, url, nil)
	cancel()
	if err != nil {
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(1 << 20)
	r.mu.Lock()
	after := r.last
	r.mu.Unlock()
	sub := map[string]any{"action": "subscribe", "topic": "confirmation", "ack": true,
		"options": map[string]any{"resume_after": after}}
	if r.accounts != nil {
		sub["options"].(map[string]any)["accounts"] = r.accounts
	}
	msg, _ := json.Marshal(sub)
	if c.Write(ctx, websocket.MessageText, msg) != nil {
		return
	}
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			return
		}
		var m struct {
			Error    string `json:"error"`
			Topic    string `json:"topic"`
			Sequence string `json:"sequence"`
			Message  struct {
				Hash string `json:"hash"`
			} `json:"message"`
		}
		if err := json.Unmarshal(data, &m); err != nil {
			r.refuse(fmt.Sprintf("not JSON: %s", data))
			return
		}
		switch {
		case m.Error != "":
			r.refuse(m.Error)
			return
		case m.Topic == "confirmation":
			seq, err := strconv.ParseUint(m.Sequence, 10, 64)
			if err != nil {
				r.refuse(fmt.Sprintf("sequence %q", m.Sequence))
				return
			}
			r.mu.Lock()
			r.got = append(r.got, received{seq, m.Message.Hash})
			r.last = max(r.last, seq)
			r.mu.Unlock()
		}
	}
}

func (r *resumer) refuse(why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refusals = append(r.refusals, why)
}

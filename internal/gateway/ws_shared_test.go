package gateway_test

import (
	"context"
	"testing"
	"time"

	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/gateway"
)

// eventProbe is a broker subscriber that hands over the *broker.Event of
// every confirmation: the one the WebSocket sessions share.
type eventProbe struct {
	events chan *broker.Event
}

func (p *eventProbe) Deliver(ev *broker.Event, _ *broker.Options) error {
	p.events <- ev
	return nil
}

func (p *eventProbe) Dropped(error) {}
func (p *eventProbe) next(t *testing.T) *broker.Event {
	t.Helper()
	select {
	case ev := <-p.events:
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
		return nil
	}
}

// TestWebSocketSharedRendering: sessions with the same options get
// byte-identical messages. In-process, a message is rendered once per
// event and option set, in the broker event's cache: what the sessions got
// is there under their options when the probe looks.
func TestWebSocketSharedRendering(t *testing.T) {
	groups := []struct {
		name            string
		options         string
		block, election bool
	}{
		{"defaults", ``, true, false},
		{"election info", `, "options": {"include_election_info": "true"}`, true, true},
		{"no block", `, "options": {"include_block": "false"}`, false, false},
	}
	const perGroup = 4
	for _, m := range []mode{modes[0], modes[2]} {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			e := startEnv(t, m, envOptions{enableControl: true, events: true})
			var probe *eventProbe
			if !m.ipc {
				probe = &eventProbe{events: make(chan *broker.Event, 16)}
				ctx, cancel := context.WithCancel(context.Background())
				t.Cleanup(cancel)
				e.stack.broker.Subscribe(ctx, broker.OptionsFrom(nil), probe).Start() // no reply to wait for
			}
			clients := make([][]*wsClient, len(groups))
			for g, gr := range groups {
				for range perGroup {
					ws := e.dialWS(t, e.wsURL, nil)
					ws.send(`{"action": "subscribe", "topic": "confirmation", "ack": true` + gr.options + `}`)
					ws.expect(`"ack": "subscribe"`)
					clients[g] = append(clients[g], ws)
				}
			}
			for range 3 {
				hash := e.sendOne(account(20))
				var ev *broker.Event
				if probe != nil {
					ev = probe.next(t)
					if got := ev.Confirmation().Hash; got != hash {
						t.Fatalf("the probe got %s, want %s", got, hash)
					}
				}
				for g, gr := range groups {
					want := clients[g][0].expect(hash)
					for _, ws := range clients[g][1:] {
						if got := ws.next(); got != want {
							t.Fatalf("%s: sessions got different messages:\n%s\n%s", gr.name, want, got)
						}
					}
					if ev == nil {
						continue
					}
					cached, ok := gateway.WebSocketRendering(ev, gr.block, gr.election)
					if !ok || string(cached) != want {
						t.Fatalf("%s: the event's cache has %q (%v), not the sessions' message:\n%s", gr.name, cached, ok, want)
					}
				}
			}
		})
	}
}

package gateway

import "github.com/nipc/nipc/internal/broker"

// WebSocketRendering is the confirmation message that WebSocket sessions
// with these options rendered of ev, found in ev's cache; false if none
// did.
func WebSocketRendering(ev *broker.Event, includeBlock, includeElection bool) ([]byte, bool) {
	o := wsOptions{includeBlock: includeBlock, includeElection: includeElection}
	missing := false
	msg := ev.Rendered(o.render(), func() []byte {
		missing = true
		return nil
	})
	return msg, !missing
}

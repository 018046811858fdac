package gateway

import "github.com/nipc/nipc/internal/broker"

// WebSocketRendering is the confirmation message that WebSocket sessions
// with these options rendered of ev, found in ev's cache; false if none
// did.
func WebSocketRendering(ev *broker.Event, includeBlock, includeElection bool) ([]byte, bool) {
	o := broker.Options{IncludeBlock: includeBlock, IncludeElectionInfo: includeElection}
	missing := false
	msg := ev.Rendered(renderOf(&o), func() []byte {
		missing = true
		return nil
	})
	return msg, !missing
}

package gateway

import (
	"strconv"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/internal/ptree"
)

// ErrResumeNeedsNATS refuses resume_after on a gateway that relays the
// node's confirmations over IPC: it has no history to replay. The node's
// own WebSocket, and a gateway with [nats], have one.
var ErrResumeNeedsNATS = &api.Error{Code: api.CodeGeneric, Message: "resume_after is not available on this gateway: configure [nats], or subscribe on the node"}

// parseResumeAfter reads the subscribe option "resume_after" (a nipc
// extension): every confirmation after that confirmation sequence first,
// then the live ones; absent or 0: live only. A string or a number, as
// boost's property tree has no types.
func parseResumeAfter(opts *ptree.Tree) (uint64, error) {
	if opts == nil {
		return 0, nil
	}
	v, ok := opts.Get("resume_after")
	if !ok {
		if opts.Has("resume_after") {
			return 0, wsErrorf("Invalid option resume_after: expected a confirmation sequence")
		}
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, wsErrorf("Invalid option resume_after: expected a confirmation sequence")
	}
	return n, nil
}

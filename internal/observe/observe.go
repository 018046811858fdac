package observe

import (
	"context"
	"time"

	"github.com/nipc/nipc/ipc"
)

// Outcome is how a request ended, for an Observer.
type Outcome uint8

const (
	// Answered: the request was handled and answered without an error.
	Answered Outcome = iota
	// Failed: the reply is an error (bad input, an action's error, an
	// internal error).
	Failed
	// Denied: refused for lack of permission (v2 Access denied, legacy
	// control actions with enable_control off, unsafe actions).
	Denied
)

func (o Outcome) String() string {
	switch o {
	case Answered:
		return "ok"
	case Failed:
		return "error"
	default:
		return "denied"
	}
}

// Observer is told of every request once its reply is ready: api is
// "legacy" or "v2", name the action or message type ("unknown" when the
// request names none that exists, so that the set of names stays bounded),
// and took the time from receiving the parsed request to the reply.
// Implementations must be safe for concurrent use and must not block.
type Observer interface {
	Observe(ctx context.Context, api, name string, enc ipc.Encoding, outcome Outcome, took time.Duration)
}

// Unknown is the name an Observer is given for a request that names no
// existing action or message.
const Unknown = "unknown"

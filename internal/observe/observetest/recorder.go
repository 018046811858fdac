// Package observetest records what an observe.Observer is told, for tests
// of the packages that report to one.
package observetest

import (
	"context"
	"sync"
	"time"

	"github.com/nipc/nipc/internal/observe"
	"github.com/nipc/nipc/ipc"
)

// Seen is one observation: "<api> <name>" and how the request ended.
type Seen struct {
	Name    string
	Outcome observe.Outcome
}

// Recorder is an observe.Observer that keeps every observation, in order.
type Recorder struct {
	mu   sync.Mutex
	Seen []Seen
}

var _ observe.Observer = (*Recorder)(nil)

// Observe implements observe.Observer.
func (r *Recorder) Observe(_ context.Context, api, name string, _ ipc.Encoding, o observe.Outcome, _ time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Seen = append(r.Seen, Seen{api + " " + name, o})
}

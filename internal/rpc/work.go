package rpc

import (
	"context"
	"errors"
	"sync"

	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/nano"
	"github.com/nipc/nipc/nano/pow"
)

// Why a generation stopped early, as context causes.
var (
	errWorkCancelled = errors.New("rpc: work_cancel")
	errWorkShutdown  = errors.New("rpc: shutting down")
)

// Work generates proof of work for work_generate, block_create and the
// wallet's sends and receives: with the best kernel of package pow on
// Threads goroutines (0: GOMAXPROCS), stopping at once when the request's
// ctx ends, when work_cancel names its root (Cancel) or when the node shuts
// down (Close). A nil *Work generates on every core and cannot be
// cancelled but through ctx.
type Work struct {
	threads int
	// OnGenerate, if set (before use), is told of each work_generate's
	// end (work_topic.go); it must not wait.
	OnGenerate func(*broker.Work)

	mu      sync.Mutex
	closed  bool
	running map[nano.Hash]map[*generation]struct{}
}

type generation struct{ cancel context.CancelCauseFunc }

// NewWork returns a Work using threads goroutines per generation (0 or
// less: GOMAXPROCS).
func NewWork(threads int) *Work {
	return &Work{threads: threads, running: make(map[nano.Hash]map[*generation]struct{})}
}

// Generate returns work on root reaching threshold. It fails with ctx's
// cause, or an error naming work_cancel or shutdown.
func (w *Work) Generate(ctx context.Context, root nano.Hash, threshold uint64) (uint64, error) {
	if w == nil {
		return nano.Generate(ctx, root, threshold)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	g := &generation{cancel: cancel}
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return 0, errWorkShutdown
	}
	gs := w.running[root]
	if gs == nil {
		gs = make(map[*generation]struct{})
		w.running[root] = gs
	}
	gs[g] = struct{}{}
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		delete(gs, g)
		if len(gs) == 0 { // gs is still w.running[root]: only an empty set leaves the map
			delete(w.running, root)
		}
		w.mu.Unlock()
	}()
	return pow.Search(ctx, root, threshold, w.threads)
}

// Cancel stops every generation running on root and returns how many
// there were (the node's work_cancel: nothing running is not an error).
func (w *Work) Cancel(root nano.Hash) int {
	if w == nil {
		return 0
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for g := range w.running[root] {
		g.cancel(errWorkCancelled)
	}
	return len(w.running[root])
}

// Close stops every running generation and fails those started later.
func (w *Work) Close() {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	for _, gs := range w.running {
		for g := range gs {
			g.cancel(errWorkShutdown)
		}
	}
}

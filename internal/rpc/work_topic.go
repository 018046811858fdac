package rpc

import (
	"time"

	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/nano"
)

// reportWork tells w's OnGenerate, if set, how a work_generate ended (the
// node's WebSocket "work" topic): generated here ("local", no peers), or
// cancelled. OnGenerate must not wait.
func (w workActions) reportWork(root nano.Hash, target uint64, start time.Time, work uint64, err error) {
	if w.work == nil || w.work.OnGenerate == nil {
		return
	}
	w.work.OnGenerate(&broker.Work{
		Version: "work_1", Root: root, Difficulty: target, Base: w.thresholds.Base(),
		Duration: time.Since(start), Success: err == nil, Cancelled: err != nil,
		Source: "local", Work: work,
	})
}

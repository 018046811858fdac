package nano

import (
	"context"
	"encoding/binary"
	"hash"
	"math"
	"strconv"

	"github.com/nipc/nipc/nano/pow"
	"golang.org/x/crypto/blake2b"
)

// Thresholds are a network's minimum work difficulties (the node's
// nano::work_thresholds): Epoch1 for every block before epoch 2, Epoch2 for
// epoch-2 sends and changes, Epoch2Receive for epoch-2 receives and epoch
// blocks.
type Thresholds struct {
	Epoch1        uint64
	Epoch2        uint64
	Epoch2Receive uint64
}

// The networks' thresholds, from nano/lib/config.cpp in nanocurrency/nano-node
// (work_thresholds::publish_full, publish_beta and publish_dev).
var (
	liveThresholds = Thresholds{Epoch1: 0xffffffc000000000, Epoch2: 0xfffffff800000000, Epoch2Receive: 0xfffffe0000000000}
	betaThresholds = Thresholds{Epoch1: 0xfffff00000000000, Epoch2: 0xfffff00000000000, Epoch2Receive: 0xffffe00000000000}
	devThresholds  = Thresholds{Epoch1: 0xfe00000000000000, Epoch2: 0xffc0000000000000, Epoch2Receive: 0xf000000000000000}
)

// DevThresholds returns the dev network's thresholds (publish_dev: epoch 1
// 0xfe00000000000000, epoch 2 0xffc0000000000000, epoch 2 receive
// 0xf000000000000000), low enough for tests to generate work in microseconds.
func DevThresholds() Thresholds { return devThresholds }

// LiveThresholds returns the live network's thresholds (publish_full).
func LiveThresholds() Thresholds { return liveThresholds }

// BetaThresholds returns the beta network's thresholds (publish_beta).
func BetaThresholds() Thresholds { return betaThresholds }

// Base returns the highest threshold, against which the node computes every
// multiplier and which work_generate targets by default.
func (t Thresholds) Base() uint64 { return max(t.Epoch1, t.Epoch2, t.Epoch2Receive) }

// Entry returns the lowest threshold: the least work a block may carry to be
// looked at at all.
func (t Thresholds) Entry() uint64 { return min(t.Epoch1, t.Epoch2, t.Epoch2Receive) }

// Epoch is a block's epoch as far as work is concerned.
type Epoch uint8

// The epochs. Epoch0 and Epoch1 share a threshold.
const (
	Epoch0 Epoch = iota
	Epoch1
	Epoch2
)

// Threshold returns the ledger's threshold for a block of the given epoch;
// receiveOrEpoch is whether it receives or is an epoch block (the node's
// work_thresholds::threshold over block_details).
func (t Thresholds) Threshold(epoch Epoch, receiveOrEpoch bool) uint64 {
	switch {
	case epoch < Epoch2:
		return t.Epoch1
	case receiveOrEpoch:
		return t.Epoch2Receive
	}
	return t.Epoch2
}

// workHasher computes difficulties on one root without allocating.
type workHasher struct {
	d   hash.Hash
	in  [8 + 32]byte // work (little-endian) || root
	out [8]byte
}

func newWorkHasher(root Hash) *workHasher {
	d, _ := blake2b.New(8, nil) // cannot fail: size in range, no key
	w := &workHasher{d: d}
	copy(w.in[8:], root[:])
	return w
}

func (w *workHasher) difficulty(work uint64) uint64 {
	binary.LittleEndian.PutUint64(w.in[:8], work)
	w.d.Reset()
	w.d.Write(w.in[:])
	w.d.Sum(w.out[:0])
	return binary.LittleEndian.Uint64(w.out[:])
}

// Difficulty returns the difficulty of work on root: the 8-byte blake2b
// digest of work (8 bytes little-endian) || root, read as a little-endian
// number (the node's work_thresholds::value). Higher is harder.
func Difficulty(root Hash, work uint64) uint64 {
	return newWorkHasher(root).difficulty(work)
}

// Validate reports whether work on root reaches threshold, i.e. whether its
// difficulty is at least threshold, as the node requires.
func Validate(root Hash, work, threshold uint64) bool {
	return Difficulty(root, work) >= threshold
}

// Generate searches for a work value on root whose difficulty reaches
// threshold with package pow's best kernel for this CPU (AVX-512, AVX2 or
// portable Go) on runtime.GOMAXPROCS(0) goroutines, each walking its own
// slice of the 64-bit space from a random start, and returns the first value
// found. It returns ctx's error (context.Cause) if ctx ends first. Every
// goroutine it starts has exited when it returns.
func Generate(ctx context.Context, root Hash, threshold uint64) (uint64, error) {
	return pow.Search(ctx, root, threshold, 0)
}

// Multiplier returns how many times harder difficulty is than base:
// (2^64 - base) / (2^64 - difficulty), computed as the node's
// nano::difficulty::to_multiplier does. It returns 0 for difficulty 0.
func Multiplier(difficulty, base uint64) float64 {
	if difficulty == 0 {
		return 0
	}
	return float64(-base) / float64(-difficulty)
}

// DifficultyFromMultiplier is the inverse of Multiplier, computed as the
// node's nano::difficulty::from_multiplier does (including its rounding and
// its edge cases: 0 for a non-positive multiplier or an underflow, and
// 2^64-1 when the result would wrap to zero).
func DifficultyFromMultiplier(multiplier float64, base uint64) uint64 {
	if !(multiplier > 0) { // also catches NaN
		return 0
	}
	reverse := float64(-base) / multiplier
	if reverse >= 1<<64 {
		return 0
	}
	r := uint64(reverse)
	if r != 0 || base == 0 || multiplier < 1 {
		return -r
	}
	return math.MaxUint64
}

// FormatMultiplier formats a multiplier as the node's RPC does
// (nano::to_string: fixed notation with 15 decimals).
func FormatMultiplier(multiplier float64) string {
	return strconv.FormatFloat(multiplier, 'f', 15, 64)
}

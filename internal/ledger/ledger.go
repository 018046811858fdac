package ledger

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/nipc/nipc/nano"
)

// Options configure a Ledger. The zero value is the dev network with the
// real clock, no logging and a synced write per block.
type Options struct {
	// Thresholds are the work thresholds; the zero value means
	// nano.DevThresholds().
	Thresholds nano.Thresholds
	// Now is the clock for local timestamps; nil means time.Now.
	Now func() time.Time
	// Log receives the ledger's few log lines; nil discards them.
	Log *slog.Logger
	// NoSync skips the fsync after each commit. Tests and benchmarks only:
	// the file stays consistent after a process crash but loses the last
	// blocks on power failure.
	NoSync bool
	// OnConfirm, if not nil, receives the confirmations of each committed
	// transaction (one per stored block, in sequence order), called by the
	// leader of the batch after the commit and before its callers are
	// answered, one call at a time, in commit order: the calls together
	// carry every sequence once, without a gap. It runs while the writer
	// slot is held, so it must not block (hand the events on without
	// waiting, as broker.Publish does) and must not call Process or Close;
	// it may read the ledger. The slice is the hook's to keep.
	OnConfirm ConfirmHook
	// MaxUnchecked bounds the unchecked store (blocks waiting for a
	// missing previous or source); the oldest are evicted beyond it. Zero
	// means DefaultMaxUnchecked.
	MaxUnchecked int
}

func (o Options) withDefaults() Options {
	if o.Thresholds == (nano.Thresholds{}) {
		o.Thresholds = nano.DevThresholds()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxUnchecked <= 0 {
		o.MaxUnchecked = DefaultMaxUnchecked
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o
}

// Ledger is an open ledger file. All methods are safe for concurrent use.
type Ledger struct {
	db   *bolt.DB
	opts Options

	// writer is a one-slot semaphore held by the leader of a batch (and by
	// Close) from taking the batch until its events are handed to OnConfirm and its
	// callers answered, so one batch runs at a time and events leave in
	// commit order (commit.go).
	writer chan struct{}
	closed atomic.Bool // set under qmu

	qmu   sync.Mutex
	queue []*request // blocks waiting for a batch, in arrival order; guarded by qmu

	// Group commit statistics, for tests.
	stats struct {
		batches atomic.Uint64 // batches run
		commits atomic.Uint64 // transactions committed (batches with a stored block)
		reruns  atomic.Uint64 // batches rerun without a block that wrote before rejecting
	}
	// testAfterRun, set by tests while no Process runs, is called inside
	// the batch transaction after each block's validation; an error it
	// returns fails the batch as a storage error would.
	testAfterRun func(w *writeTx, p *proc, r Result) error

	// writeErrors counts batches whose commit could not write the file.
	writeErrors atomic.Uint64

	// Counters mirrored from the meta bucket after each commit; seq is the
	// highest confirmation sequence.
	blocks, accounts, seq atomic.Uint64

	// weights mirrors the weights bucket, as the node keeps rep_weights in
	// memory: loaded by Open, updated by each batch after its commit and
	// before its callers are answered, read by Weight without a
	// transaction. An entry is absent at zero.
	weightsMu sync.RWMutex
	weights   map[nano.PublicKey]nano.Amount

	// onConfirm is Options.OnConfirm; tests set it while no Process runs.
	onConfirm ConfirmHook
	// unchecked keeps blocks waiting for a missing dependency (unchecked.go).
	unchecked *unchecked
}

// openLockWait is how long Open waits for another process's lock.
const openLockWait = time.Second

// Open opens the ledger file at path, creating it with the dev genesis if it
// does not exist. An existing file must hold this package's schema version
// (else ErrSchemaVersion) and the dev genesis (else ErrNotLedger). Only one
// Ledger may have a file open at a time; Open waits up to a second for
// another process's lock before failing with ErrLocked.
func Open(path string, opts Options) (*Ledger, error) {
	opts = opts.withDefaults()
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:        openLockWait,
		NoSync:         opts.NoSync,
		FreelistType:   bolt.FreelistMapType,
		NoFreelistSync: true,
	})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open ledger %s: %w (waited %v: is another nipc node running on this data directory?)", path, ErrLocked, openLockWait)
	}
	if err != nil {
		return nil, fmt.Errorf("open ledger %s: %w", path, err)
	}
	l := &Ledger{
		db:        db,
		opts:      opts,
		writer:    make(chan struct{}, 1),
		onConfirm: opts.OnConfirm,

		unchecked: newUnchecked(opts.MaxUnchecked),
	}
	var created bool
	err = db.Update(func(tx *bolt.Tx) error {
		var err error
		created, err = prepare(tx, opts.Now())
		if err != nil {
			return err
		}
		m := tx.Bucket(bucketMeta)
		blocks, err := decodeU64(m.Get(keyBlockCount))
		if err != nil {
			return err
		}
		accounts, err := decodeU64(m.Get(keyAccountCount))
		if err != nil {
			return err
		}
		seq, err := decodeU64(m.Get(keyConfirmationSeq))
		if err != nil {
			return err
		}
		l.blocks.Store(blocks)
		l.accounts.Store(accounts)
		l.seq.Store(seq)
		l.weights, err = loadWeights(tx.Bucket(bucketWeights))
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open ledger %s: %w", path, err)
	}
	opts.Log.Info("ledger open", "path", path, "created", created, "blocks", l.blocks.Load(), "accounts", l.accounts.Load())
	return l, nil
}

// Close stops accepting blocks (Process returns ErrClosed), waits for the
// batch being committed, if any, fails the blocks still queued with
// ErrClosed (none of them is applied) and closes the file. OnConfirm is
// not called after Close returns. Later calls return ErrClosed.
func (l *Ledger) Close() error {
	l.writer <- struct{}{}
	defer l.release()
	l.qmu.Lock()
	if l.closed.Swap(true) {
		l.qmu.Unlock()
		return ErrClosed
	}
	failed := l.failQueued()
	l.qmu.Unlock()
	for _, r := range failed {
		r.answer(0, ErrClosed)
	}
	return l.db.Close()
}

// WriteErrors returns how many commits could not write the file (each
// failed its blocks with a *WriteError) since Open.
func (l *Ledger) WriteErrors() uint64 { return l.writeErrors.Load() }

// view runs fn in a read-only transaction, mapping a closed database to
// ErrClosed.
func (l *Ledger) view(fn func(tx *bolt.Tx) error) error {
	if l.closed.Load() {
		return ErrClosed
	}
	err := l.db.View(fn)
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	return err
}

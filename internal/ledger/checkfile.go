package ledger

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// maxPageProblems caps the page problems CheckFile lists: a badly damaged
// file can have one per page.
const maxPageProblems = 50

// FileReport is what CheckFile found in a ledger file.
type FileReport struct {
	Blocks   uint64 // the block counter
	Accounts uint64 // the account counter
	Pages    uint64 // the file's pages (bbolt's high-water mark)
	// Problems lists what is wrong, empty when the file is consistent:
	// bbolt's page problems (at most maxPageProblems, then a count of the
	// rest), or else the first ledger invariant that does not hold.
	Problems []string
}

// CheckFile is the offline check an operator runs after a crash. It opens
// the ledger file at path read-only (it never creates or writes it), walks
// the page graph itself first (pagegraph.go: bbolt trusts its pages, and a
// damaged one makes it fault or loop for ever, so page ids, element bounds
// and key order are checked before bbolt reads them), then, in one read
// transaction, runs bbolt's page check (Tx.Check: every page reachable or
// free, none twice) and, if the pages are sound, the schema and genesis
// checks of Open and the invariants of Check.
//
// A running node holds the file's lock: CheckFile waits up to lockWait for
// it and then returns an error wrapping ErrLocked. A missing file is an
// error wrapping fs.ErrNotExist. A file that is not a ledger, or whose
// records cannot be read, is reported in Problems, not as an error: the
// error is for a check that could not run. ctx is checked between
// accounts.
func CheckFile(ctx context.Context, path string, lockWait time.Duration) (FileReport, error) {
	var rep FileReport
	if lockWait <= 0 {
		// bbolt reads a zero Timeout as "wait forever".
		lockWait = time.Millisecond
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		ReadOnly:     true,
		Timeout:      lockWait,
		FreelistType: bolt.FreelistMapType,
	})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return rep, fmt.Errorf("check ledger %s: %w (waited %v; is the node running?)", path, ErrLocked, lockWait)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrChecksum):
		rep.Problems = append(rep.Problems, fmt.Sprintf("not a readable bbolt file: %v", err))
		return rep, nil
	case err != nil:
		return rep, fmt.Errorf("check ledger %s: %w", path, err)
	}
	defer db.Close()
	// bbolt trusts its pages; check the graph it will walk first (the
	// shared lock taken by Open keeps a writer out meanwhile).
	if err := checkPagesOf(path); err != nil {
		if !errors.Is(err, errPageGraph) {
			return rep, fmt.Errorf("check ledger %s: %w", path, err)
		}
		rep.Problems = append(rep.Problems, "bbolt: "+err.Error())
		return rep, nil
	}
	// A damaged page can name a page beyond the file: reading it through
	// the mapping faults (SIGSEGV, SIGBUS), which recover cannot catch
	// unless the goroutine asked for a panic instead. The transaction's
	// reads happen in this goroutine (View runs its function here).
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	err = db.View(func(tx *bolt.Tx) error {
		rep.Pages = uint64(tx.Size()) / uint64(db.Info().PageSize)
		if err := walkPages(tx); err != nil {
			// Tx.Check would hit the same page in a goroutine of bbolt's
			// own, where its panic cannot be recovered.
			rep.Problems = append(rep.Problems, "bbolt: "+err.Error())
			return nil
		}
		n := 0
		for e := range tx.Check() {
			if n < maxPageProblems {
				rep.Problems = append(rep.Problems, "bbolt: "+e.Error())
			}
			n++
		}
		if n > maxPageProblems {
			rep.Problems = append(rep.Problems, fmt.Sprintf("bbolt: %d more page problems", n-maxPageProblems))
		}
		if n > 0 {
			// Records on damaged pages cannot be trusted, or even read safely.
			return nil
		}
		if err := recovered(func() error { return checkFileRecords(ctx, tx, &rep) }); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			rep.Problems = append(rep.Problems, err.Error())
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("check ledger %s: %w", path, err)
	}
	return rep, nil
}

// checkFileRecords runs Open's schema and genesis checks and Check's
// invariants in a read-only transaction, and fills the counters of rep.
func checkFileRecords(ctx context.Context, tx *bolt.Tx, rep *FileReport) error {
	m := tx.Bucket(bucketMeta)
	if m == nil {
		return fmt.Errorf("%w: no %s bucket", ErrNotLedger, bucketMeta)
	}
	// With the meta bucket present prepare only reads.
	if _, err := prepare(tx, time.Time{}); err != nil {
		return err
	}
	var err error
	if rep.Blocks, err = decodeU64(m.Get(keyBlockCount)); err != nil {
		return err
	}
	if rep.Accounts, err = decodeU64(m.Get(keyAccountCount)); err != nil {
		return err
	}
	return check(ctx, tx)
}

// recovered runs f and turns a panic (bbolt's on a damaged page, or a
// memory fault under SetPanicOnFault) into an error.
func recovered(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("damaged page: %v", r)
		}
	}()
	return f()
}

// walkPages reads every key of every bucket, so every branch and leaf page
// of the tree, and turns the panic bbolt raises on a damaged page (or the
// fault of reading a page beyond the file) into an error.
func walkPages(tx *bolt.Tx) error { return recovered(func() error { return walkAll(tx) }) }

func walkAll(tx *bolt.Tx) error {
	var walk func(b *bolt.Bucket) error
	walk = func(b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				if sub := b.Bucket(k); sub != nil {
					return walk(sub)
				}
			}
			return nil
		})
	}
	return tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return walk(b) })
}

// checkPagesOf runs the page graph check on the file at path.
func checkPagesOf(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	return checkPageGraph(f, st.Size())
}

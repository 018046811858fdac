package ledger

import (
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// HistoryQuery selects a page of an account's history, as the node's
// account_history action does.
type HistoryQuery struct {
	// Account whose history is read; ignored when Head is set.
	Account nano.PublicKey
	// Head, if not zero, is the block to start at (its account is read).
	Head nano.Hash
	// Offset blocks are skipped first; every block counts, listed or not.
	Offset uint64
	// Count is the most entries returned; <= 0 means no limit.
	Count int
	// Reverse walks from the open block (or Head) towards the frontier;
	// otherwise the walk goes from the frontier (or Head) towards the open
	// block, newest first.
	Reverse bool
	// Raw lists change blocks too. Without it they are skipped, as the node
	// skips them when not raw, and do not count towards Count.
	Raw bool
}

// HistoryPage is one page of history.
type HistoryPage struct {
	Account nano.PublicKey
	Entries []StoredBlock
	// Next is where the following page starts (the node's "previous", or
	// "next" when Reverse); zero when the walk reached the end of the chain.
	Next nano.Hash
}

// History returns a page of an account's blocks. It returns
// ErrBlockNotFound for an unknown Head and ErrAccountNotFound for an account
// with no blocks. Each entry is one lookup in the chain index, and Offset
// costs nothing.
func (l *Ledger) History(q HistoryQuery) (HistoryPage, error) {
	var page HistoryPage
	err := l.view(func(tx *bolt.Tx) error {
		var start uint64
		if !q.Head.IsZero() {
			sb, ok, err := getBlock(tx, q.Head)
			if err != nil {
				return err
			}
			if !ok {
				return ErrBlockNotFound
			}
			page.Account, start = sb.Account, sb.Height
		} else {
			ai, ok, err := getAccount(tx, q.Account)
			if err != nil {
				return err
			}
			if !ok {
				return ErrAccountNotFound
			}
			page.Account, start = q.Account, ai.BlockCount
			if q.Reverse {
				start = 1
			}
		}
		for h := range walk(tx, page.Account, start, q.Offset, q.Reverse) {
			if q.Count > 0 && len(page.Entries) >= q.Count {
				page.Next = h.hash
				break
			}
			sb, ok, err := getBlock(tx, h.hash)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("%w: chain index names missing block %s", ErrCorrupt, h.hash)
			}
			if !q.Raw && (sb.Subtype == SubtypeChange || sb.Subtype == SubtypeEpoch) {
				continue
			}
			page.Entries = append(page.Entries, sb)
		}
		return nil
	})
	return page, err
}

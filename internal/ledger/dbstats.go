package ledger

import bolt "go.etcd.io/bbolt"

// DatabaseStats are the ledger file's page statistics: the fields of the
// node's stats "database" reply for LMDB, summed over every bucket (Depth is
// the deepest bucket's).
type DatabaseStats struct {
	BranchPages, Depth, Entries, LeafPages, OverflowPages, PageSize int
}

// DatabaseStats reads the ledger file's page statistics.
func (l *Ledger) DatabaseStats() (DatabaseStats, error) {
	var s DatabaseStats
	err := l.view(func(tx *bolt.Tx) error {
		s.PageSize = tx.DB().Info().PageSize
		return tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
			bs := b.Stats()
			s.BranchPages += bs.BranchPageN
			s.LeafPages += bs.LeafPageN
			s.OverflowPages += bs.BranchOverflowN + bs.LeafOverflowN
			s.Entries += bs.KeyN
			s.Depth = max(s.Depth, bs.Depth)
			return nil
		})
	})
	return s, err
}

package authz

import (
	"sync"
	"sync/atomic"
)

// Store holds the live policy of one access file and reloads it.
//
// Current is a single atomic load and never blocks. Reload is parse →
// validate → swap: it builds a complete new policy from the file and
// publishes it with one atomic store; when the file is invalid it returns
// the error and the old policy stays live. Reloads are serialized by the
// store's mutex, the only lock in this package; nothing is called while
// it is held except the file read and the parse. Prepare splits a reload
// in two for a caller that swaps several things at once; such a caller
// serializes its reloads itself and does not mix them with Reload.
type Store struct {
	path string
	mu   sync.Mutex // serializes Reload
	cur  atomic.Pointer[Policy]
}

// NewStore loads the access file at path (a missing file gives [Default])
// and returns a store serving it; an invalid file is an error.
func NewStore(path string) (*Store, error) {
	p, err := Load(path)
	if err != nil {
		return nil, err
	}
	s := &Store{path: path}
	s.cur.Store(p)
	return s, nil
}

// Path returns the access file's path.
func (s *Store) Path() string { return s.path }

// Current returns the live policy. A request calls it once and decides
// with that policy until it ends, so a request in flight finishes under
// the policy it started with.
func (s *Store) Current() *Policy { return s.cur.Load() }

// Prepare reads the access file again and returns what makes it the live
// policy, changing nothing yet; on error the file is invalid (see [Load]).
// It is Reload's first half, for a caller that reloads several things and
// swaps all or none. The caller serializes Prepare/commit pairs with other
// reloads.
func (s *Store) Prepare() (commit func(), err error) {
	p, err := Load(s.path)
	if err != nil {
		return nil, err
	}
	return func() { s.cur.Store(p) }, nil
}

// Reload reads the access file again and, if it is valid, makes it the
// live policy. A missing file makes [Default] live. On error the old
// policy stays live and the error (see [Load]) is returned.
func (s *Store) Reload() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := Load(s.path)
	if err != nil {
		return err
	}
	s.cur.Store(p)
	return nil
}

package metrics

import (
	"maps"
	"sync"
	"sync/atomic"
)

// children caches the children of a metric vector by their label values,
// so that a hot path finds its counter or histogram with one lock-free map
// read instead of WithLabelValues (validate, hash, lock, look up) each
// time. A child is made on first use only, so no series appears in a
// scrape before something was recorded in it. Only for bounded label sets:
// the cache never forgets.
type children[K comparable, V any] struct {
	newChild func(K) V
	mu       sync.Mutex              // serializes additions
	m        atomic.Pointer[map[K]V] // replaced, never changed, on an addition
}

func newChildren[K comparable, V any](newChild func(K) V) *children[K, V] {
	return &children[K, V]{newChild: newChild}
}

// get returns the child for k, making it on first use.
func (c *children[K, V]) get(k K) V {
	if m := c.m.Load(); m != nil {
		if v, ok := (*m)[k]; ok {
			return v
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m := map[K]V{}
	if old := c.m.Load(); old != nil {
		if v, ok := (*old)[k]; ok {
			return v
		}
		m = maps.Clone(*old)
	}
	v := c.newChild(k)
	m[k] = v
	c.m.Store(&m)
	return v
}

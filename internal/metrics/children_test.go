package metrics

import (
	"sync"
	"sync/atomic"
	"testing"
)

// TestChildrenMadeOncePerKey: concurrent gets of the same keys see one
// child per key, made once, and keys do not share children.
func TestChildrenMadeOncePerKey(t *testing.T) {
	var made atomic.Int32
	c := newChildren(func(k string) *string {
		made.Add(1)
		return &k
	})
	keys := []string{"a", "b", "c", "d"}
	got := make([][]*string, 8)
	var wg sync.WaitGroup
	for g := range got {
		wg.Go(func() {
			for _, k := range keys {
				got[g] = append(got[g], c.get(k))
			}
		})
	}
	wg.Wait()
	if n := made.Load(); n != int32(len(keys)) {
		t.Errorf("%d children made for %d keys", n, len(keys))
	}
	for g := range got {
		for i, k := range keys {
			if got[g][i] != got[0][i] || *got[g][i] != k {
				t.Errorf("goroutine %d got %q for %q, not the shared child", g, *got[g][i], k)
			}
		}
	}
}

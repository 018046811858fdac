package node_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
)

// reloadPolicy returns an access file in which user "k" holds exactly one
// of api_block_count and api_version: the role grants one and the user
// denies the other. A policy made of one file's roles and the other's
// users would grant k neither, so a half-applied reload shows.
func reloadPolicy(grant, deny string) string {
	return fmt.Sprintf(`
[[role]]
id = "r"
allow = %q

[[user]]
id = "k"
roles = "r"
deny = %q

[[user]]
id = "admin"
allow = "unrestricted"
`, grant, deny)
}

// TestReloadUnderLoad: 200 reloads through the v2 Reload message while
// eight clients call without pause. Every call is answered (allowed or
// Access denied, nothing else), and after each reload user k holds exactly
// the new file's permission: no reload is half applied, none is lost.
func TestReloadUnderLoad(t *testing.T) {
	const reloads = 200
	policies := [2]string{
		reloadPolicy("api_block_count", "api_version"),
		reloadPolicy("api_version", "api_block_count"),
	}
	n := testenv.Start(t, testenv.Options{Access: policies[0]})
	path := filepath.Join(n.DataDir, config.AccessFile)
	admin := as(t, n, testenv.Transports[0], "admin")
	check := as(t, n, testenv.Transports[0], "k")

	stop := make(chan struct{})
	var calls, denied atomic.Int64
	var wg sync.WaitGroup
	for i := range 8 {
		cl := as(t, n, testenv.Transports[i%len(testenv.Transports)], "k")
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				var err error
				if i%2 == 0 {
					_, err = cl.Call(ctx(t), &fb.BlockCountT{})
				} else {
					_, err = cl.Call(ctx(t), &fb.VersionT{})
				}
				calls.Add(1)
				switch {
				case errors.Is(err, api.ErrAccessDenied):
					denied.Add(1)
				case err != nil:
					t.Errorf("client %d: %v", i, err)
					return
				}
			}
		})
	}
	for i := 1; i <= reloads; i++ {
		p := i % 2
		if err := os.WriteFile(path, []byte(policies[p]), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.Call(ctx(t), &fb.ReloadT{}); err != nil {
			t.Fatalf("reload %d: %v", i, err)
		}
		_, errBC := check.Call(ctx(t), &fb.BlockCountT{})
		_, errV := check.Call(ctx(t), &fb.VersionT{})
		for _, err := range []error{errBC, errV} {
			if err != nil && !errors.Is(err, api.ErrAccessDenied) {
				t.Fatalf("after reload %d: %v", i, err)
			}
		}
		wantBC := p == 0
		if (errBC == nil) != wantBC || (errV == nil) == wantBC {
			t.Fatalf("after reload %d (policy %d): BlockCount err %v, Version err %v", i, p, errBC, errV)
		}
	}
	close(stop)
	wg.Wait()
	if calls.Load() < reloads || denied.Load() == 0 || denied.Load() == calls.Load() {
		t.Fatalf("load: %d calls, %d denied: the clients did not run across the reloads", calls.Load(), denied.Load())
	}
	t.Logf("%d reloads under %d calls (%d denied)", reloads, calls.Load(), denied.Load())
}

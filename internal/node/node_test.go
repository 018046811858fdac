package node_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/ipc"
	"github.com/nipc/nipc/nano"
)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestVersion(t *testing.T) {
	n := testenv.Start(t, testenv.Options{})
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			cl := testenv.Dial(t, n, tr)
			raw, err := cl.Do(ctx(t), ipc.EncodingJSON, []byte(`{"action":"version"}`))
			if err != nil {
				t.Fatal(err)
			}
			// Spec §11.3 test 12: "/" is written as "\/" (build_info has GOOS/GOARCH).
			if !strings.Contains(string(raw), `linux\/`) {
				t.Errorf("reply does not escape '/': %s", raw)
			}
			var v map[string]string // every value a string
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatalf("reply is not an object of strings: %v\n%s", err, raw)
			}
			want := map[string]string{"rpc_version": "1", "network": "dev", "network_identifier": nano.DevGenesisHashHex, "node_vendor": "nipc V0.1.0"}
			for k, w := range want {
				if v[k] != w {
					t.Errorf("%s = %q, want %q", k, v[k], w)
				}
			}
			for _, k := range []string{"store_version", "protocol_version", "store_vendor", "build_info"} {
				if v[k] == "" {
					t.Errorf("%s missing", k)
				}
			}
		})
	}
}

func TestUptime(t *testing.T) {
	n := testenv.Start(t, testenv.Options{})
	cl := testenv.Dial(t, n, testenv.Transports[1])
	time.Sleep(1100 * time.Millisecond)
	raw, err := cl.Legacy(ctx(t), "uptime", nil)
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ Seconds string }
	json.Unmarshal(raw, &v)
	if s, err := strconv.Atoi(v.Seconds); err != nil || s < 1 {
		t.Fatalf("uptime after 1s = %q", v.Seconds)
	}
}

// TestStop: stop answers {"success": ""} first, then the node drains and
// stops, removing its socket.
func TestStop(t *testing.T) {
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			n := testenv.Start(t, testenv.Options{RPC: func(r *config.RPC) { r.EnableControl = true }})
			cl := testenv.Dial(t, n, tr)
			raw, err := cl.Legacy(ctx(t), "stop", nil)
			if err != nil {
				t.Fatal(err)
			}
			if string(raw) != "{\n    \"success\": \"\"\n}\n" {
				t.Fatalf("stop replied %q", raw)
			}
			select {
			case err := <-n.Stopped:
				n.Stopped <- err
				if err != nil {
					t.Fatalf("Run returned %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("node still running 5s after stop")
			}
			if _, err := os.Lstat(n.UnixPath()); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("socket still there after stop: %v", err)
			}
			if _, err := cl.Legacy(ctx(t), "uptime", nil); err == nil {
				t.Error("node still answers after stop")
			} else if _, ok := errors.AsType[*client.UnreachableError](err); !ok {
				t.Errorf("after stop: %v, want an UnreachableError", err)
			}
		})
	}
}

// TestGenesisWallet: the first start creates a wallet holding the dev
// genesis key; later starts on the same data directory do not add another.
func TestGenesisWallet(t *testing.T) {
	dir := testenv.TempDir(t)
	start := func(t *testing.T) *testenv.Node {
		return testenv.Start(t, testenv.Options{DataDir: dir})
	}
	var first string
	t.Run("first start", func(t *testing.T) {
		n := start(t)
		if n.GenesisWallet == nil {
			t.Fatal("no genesis wallet created")
		}
		first = n.GenesisWallet.String()
	})
	t.Run("second start", func(t *testing.T) {
		n := start(t)
		if n.GenesisWallet != nil {
			t.Fatalf("a second genesis wallet %s was created (first %s)", n.GenesisWallet, first)
		}
	})
}

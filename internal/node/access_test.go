package node_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

// as returns a client of n over tr that sends credentials.
func as(t *testing.T, n *testenv.Node, tr testenv.Transport, credentials string) *client.Client {
	t.Helper()
	cfg := tr.Config(n)
	cfg.APIKey = credentials
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cl, err := client.Dial(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	return cl
}

const accessFile = `
[[role]]
id = "reader"
allow = ["api_block_count", "api_version"]

[[user]]
id = ""
allow = "api_account_weight"

[[user]]
id = "admin"
allow = "unrestricted"

[[user]]
id = "bare-query"
allow = "account_query"
bare = true

[[user]]
id = "reader-no-version"
roles = "reader"
deny = "api_version"
`

func TestAccessOverSockets(t *testing.T) {
	n := testenv.Start(t, testenv.Options{Access: accessFile})
	acct := nano.DevGenesisAccount
	type check struct {
		who  string
		msg  any
		want error // nil: allowed
	}
	checks := []check{
		{"", &fb.AccountWeightT{Account: acct}, nil},
		{"", &fb.BlockCountT{}, api.ErrAccessDenied},
		{"nobody", &fb.AccountWeightT{Account: acct}, api.ErrAccessDenied},
		{"nobody", &fb.IsAliveT{}, nil},
		{"admin", &fb.BlockCountT{}, nil},
		{"admin", &fb.ServiceStopT{ServiceName: "svc"}, nil},
		{"bare-query", &fb.AccountWeightT{Account: acct}, nil},        // via account_query
		{"bare-query", &fb.AccountBalanceT{Account: acct}, nil},       // account_query allows it too
		{"bare-query", &fb.BlockCountT{}, api.ErrAccessDenied},        // bare: nothing else
		{"reader-no-version", &fb.BlockCountT{}, nil},                 // from the role
		{"reader-no-version", &fb.VersionT{}, api.ErrAccessDenied},    // the role grants, deny removes
		{"reader-no-version", &fb.AccountWeightT{Account: acct}, nil}, // inherited from the default user
	}
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			for _, c := range checks {
				cl := as(t, n, tr, c.who)
				_, err := cl.Call(ctx(t), c.msg)
				if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
					t.Errorf("%q %T: err %v, want %v", c.who, c.msg, err, c.want)
				}
			}
		})
	}
}

// TestAccessDeniedEchoesCorrelationID over encoding 4.
func TestAccessDeniedEchoesCorrelationID(t *testing.T) {
	n := testenv.Start(t, testenv.Options{Access: accessFile})
	for _, tr := range testenv.Transports {
		c := dialRaw(t, n, tr)
		reply := string(c.call(4, []byte(`{"credentials": "nobody", "correlation_id": "x1", "message_type": "AccountWeight", "message": {"account": "`+nano.DevGenesisAccount+`"}}`)))
		if !strings.Contains(reply, `"correlation_id": "x1"`) || !strings.Contains(reply, `"code": 3`) {
			t.Errorf("%s: %s", tr.Name, reply)
		}
	}
}

// TestReload: a reload that grants, one that revokes, and a broken file
// that leaves the policy in force, all through the v2 Reload message.
func TestReload(t *testing.T) {
	n := testenv.Start(t, testenv.Options{Access: accessFile})
	path := filepath.Join(n.DataDir, config.AccessFile)
	admin := as(t, n, testenv.Transports[1], "admin")
	anon := as(t, n, testenv.Transports[1], "")
	write := func(text string) {
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	reload := func() error { _, err := admin.Call(ctx(t), &fb.ReloadT{}); return err }

	if _, err := anon.Call(ctx(t), &fb.BlockCountT{}); !errors.Is(err, api.ErrAccessDenied) {
		t.Fatalf("before: %v", err)
	}
	write(`
[[user]]
id = ""
allow = "api_account_weight, api_block_count"

[[user]]
id = "admin"
allow = "unrestricted"
`)
	if err := reload(); err != nil {
		t.Fatalf("reload that grants: %v", err)
	}
	if _, err := anon.Call(ctx(t), &fb.BlockCountT{}); err != nil {
		t.Fatalf("after granting: %v", err)
	}
	write(`
[[user]]
id = "admin"
allow = "unrestricted"
`)
	if err := reload(); err != nil {
		t.Fatalf("reload that revokes: %v", err)
	}
	if _, err := anon.Call(ctx(t), &fb.BlockCountT{}); !errors.Is(err, api.ErrAccessDenied) {
		t.Fatalf("after revoking: %v", err)
	}
	write("[[user]]\nid = \"admin\"\nallow = \"unrestricted, api_acount_weight\"\n")
	err := reload()
	var e *api.Error
	if !errors.As(err, &e) || !strings.Contains(e.Message, "config-access.toml:3:") {
		t.Fatalf("reload of a broken file: %v, want an error naming the file and line", err)
	}
	// The previous policy is still in force.
	if _, err := admin.Call(ctx(t), &fb.BlockCountT{}); err != nil {
		t.Fatalf("admin after a failed reload: %v", err)
	}
	if _, err := anon.Call(ctx(t), &fb.BlockCountT{}); !errors.Is(err, api.ErrAccessDenied) {
		t.Fatalf("anonymous after a failed reload: %v", err)
	}
	// Reload needs its permission.
	if _, err := anon.Call(ctx(t), &fb.ReloadT{}); !errors.Is(err, api.ErrAccessDenied) {
		t.Fatalf("anonymous reload: %v", err)
	}
}

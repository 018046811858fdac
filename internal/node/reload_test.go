package node_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
)

// TestReloadAllOrNothing: a reload whose TLS certificate no longer loads
// fails as a whole: the access file it read is not applied either. Once
// the certificate is good again, the same reload applies both.
func TestReloadAllOrNothing(t *testing.T) {
	dir := testenv.TempDir(t)
	certFile, keyFile := testenv.WriteCert(t, dir)
	n := testenv.Start(t, testenv.Options{DataDir: dir,
		Node: func(c *config.Node) { c.RPC.Enable = true },
		RPC: func(r *config.RPC) {
			r.Port = testenv.FreePort(t)
			r.TLS = config.TLS{EnableHTTPS: true, ServerCertPath: certFile, ServerKeyPath: keyFile}
		},
	})
	cl := testenv.Dial(t, n, testenv.Transports[0])
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	blockCountAllowed := func() bool {
		_, err := cl.Call(ctx, &fb.BlockCountT{})
		return err == nil
	}
	if blockCountAllowed() {
		t.Fatal("BlockCount allowed before any access file")
	}

	pem, _ := os.ReadFile(certFile)
	os.WriteFile(certFile, []byte("not a certificate"), 0o600)
	os.WriteFile(filepath.Join(dir, config.AccessFile), []byte("[[user]]\nid = \"\"\nallow = \"api_account_weight, api_block_count\"\n"), 0o600)
	if err := n.Reload(); err == nil {
		t.Fatal("a reload with a broken certificate succeeded")
	}
	if blockCountAllowed() {
		t.Fatal("a failed reload applied the access file")
	}

	os.WriteFile(certFile, pem, 0o600)
	if err := n.Reload(); err != nil {
		t.Fatal(err)
	}
	if !blockCountAllowed() {
		t.Fatal("the reload did not apply the access file")
	}
}

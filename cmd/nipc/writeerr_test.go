package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/nano"
)

// TestLedgerWriteFailure runs the real node with a file size limit at its
// ledger's size (bash's ulimit -f), so bbolt's writes fail as on a full
// disk once the file must grow: process answers what failed ("ledger
// write failed: file too large", not "Internal server error in RPC"), the
// node keeps answering reads, and the ledger passes nipc ledger check.
func TestLedgerWriteFailure(t *testing.T) {
	dir := tempDir(t)
	d := startNodeIn(t, dir)
	d.cmd.Process.Signal(syscall.SIGTERM)
	d.wait(t, 20*time.Second)
	fi, err := os.Stat(filepath.Join(dir, "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	// ulimit -f counts KiB in bash.
	limit := fmt.Sprint((fi.Size() + 1023) / 1024)
	d = startNodeVia(t, dir, []string{"bash", "-c", `ulimit -f "$0" && exec "$@"`, limit})

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cl, err := client.Dial(ctx, client.Config{Path: d.sock})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	genesis := nano.DevGenesisKey()
	prev, balance := nano.DevGenesisBlock().Hash(), nano.GenesisAmount
	var failure error
	for i := range 500 {
		balance, _ = balance.Sub(nano.NewAmount(1))
		b := crashBlock(t, genesis, prev, genesis.PublicKey(), balance, nano.Hash(nano.DeriveKey(crashSeed, uint32(100+i)).PublicKey()))
		if _, err := processBlock(ctx, cl, b); err != nil {
			failure = err
			break
		}
		prev = b.Hash()
	}
	if failure == nil {
		t.Fatalf("500 blocks stored under a %s KiB file size limit", limit)
	}
	se, ok := failure.(*client.ServerError)
	if !ok || se.Text != "ledger write failed: file too large" {
		t.Fatalf("process on a full file: %v (%T), want the node's error 'ledger write failed: file too large'", failure, failure)
	}
	// Reads go on.
	if _, err := cl.Legacy(ctx, "account_info", map[string]any{"account": genesis.PublicKey().Account()}); err != nil {
		t.Errorf("account_info after the failed write: %v", err)
	}
	if _, err := cl.Legacy(ctx, "block_info", map[string]any{"hash": prev.String()}); err != nil {
		t.Errorf("block_info of the last stored block: %v", err)
	}
	if !strings.Contains(d.stderr.String(), "ledger write failed") {
		t.Errorf("no log line for the failed write:\n%s", d.stderr)
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	d.wait(t, 20*time.Second)
	if out, errOut, code := nipc(t, nil, "", "ledger", "check", "--data_path", dir); code != exitOK {
		t.Errorf("nipc ledger check after the failed write: exit %d\n%s%s", code, out, errOut)
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/nipc/nipc/nano"
)

// alterLedger opens a stopped node's ledger.db with bbolt directly and
// puts value under key in bucket.
func alterLedger(t *testing.T, dir, bucket string, key, value []byte) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, "ledger.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte(bucket)).Put(key, value) }); err != nil {
		t.Fatal(err)
	}
}

// copyDir copies the regular files of src into a new directory.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := tempDir(t)
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func TestLedgerCheckCLI(t *testing.T) {
	d := startNode(t)
	// While the node runs it holds the file: a bounded wait, then 75.
	start := time.Now()
	_, stderr, code := nipc(t, nil, "", "ledger", "check", "--data_path", d.dir, "--wait", "200ms")
	if code != exitTimeout || !strings.Contains(stderr, "is in use: stop the node first") {
		t.Errorf("check beside a running node: exit %d, stderr %q; want %d and 'in use'", code, stderr, exitTimeout)
	}
	if el := time.Since(start); el > 20*time.Second {
		t.Errorf("check beside a running node took %v", el)
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	if c := d.wait(t, 20*time.Second); c != 0 {
		t.Fatalf("node exit %d\n%s", c, d.stderr)
	}

	genesis := nano.DevGenesisKey().PublicKey()
	weight := nano.NewAmount(5).Bytes()
	for _, tc := range []struct {
		name     string
		alter    func(t *testing.T, dir string) // nil: the node's fresh ledger
		args     func(dir string) []string
		code     int
		inStdout string
		inStderr []string
	}{
		{"fresh ledger", nil, func(dir string) []string { return []string{"--data_path", dir} },
			exitOK, "ledger.db: consistent: 1 blocks, 1 accounts, ", nil},
		{"file argument", nil, func(dir string) []string { return []string{filepath.Join(dir, "ledger.db")} },
			exitOK, "consistent: 1 blocks", nil},
		{"weight altered", func(t *testing.T, dir string) {
			alterLedger(t, dir, "weights", genesis[:], weight[:])
		}, func(dir string) []string { return []string{"--data_path", dir} },
			exitServerError, "", []string{"is NOT consistent (1 problems):", "  ledger: corrupt: weight of "}},
		{"account record altered", func(t *testing.T, dir string) {
			alterLedger(t, dir, "accounts", genesis[:], []byte("not an account record"))
		}, func(dir string) []string { return []string{"--data_path", dir} },
			exitServerError, "", []string{"is NOT consistent", "account " + genesis.Account() + ": ledger: corrupt: account record of 21 bytes"}},
		{"no ledger", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "ledger.db"))
		}, func(dir string) []string { return []string{"--data_path", dir} },
			exitConfig, "", []string{"no ledger at "}},
		{"two files", nil, func(dir string) []string { return []string{"a", "b"} },
			exitUsage, "", []string{"unexpected arguments: b", "Run 'nipc ledger check --help' for usage."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, d.dir)
			if tc.alter != nil {
				tc.alter(t, dir)
			}
			stdout, stderr, code := nipc(t, nil, "", append([]string{"ledger", "check"}, tc.args(dir)...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tc.inStdout) || (tc.inStdout != "" && strings.Count(stdout, "\n") != 1) {
				t.Errorf("stdout %q, want one line containing %q", stdout, tc.inStdout)
			}
			for _, want := range tc.inStderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr %q, want %q", stderr, want)
				}
			}
		})
	}
}

func TestLedgerCheckUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"ledger"}, "check       check the ledger"},
		{[]string{"ledger", "verify"}, `unknown command "verify"`},
	} {
		_, stderr, code := nipc(t, nil, "", tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, "Run 'nipc ledger --help' for usage.") {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, stderr)
		}
	}
	stdout, _, code := nipc(t, nil, "", "help", "ledger", "check")
	if code != exitOK || !strings.Contains(stdout, "nipc ledger check [--data_path DIR] [--wait DURATION] [FILE]") {
		t.Errorf("help: exit %d, no ledger check in\n%s", code, stdout)
	}
}

package ledger

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/nipc/nipc/nano"
)

// TestWriteError makes bbolt's own file writes fail, as a full disk does:
// the process's file size limit is set to the ledger's current size, so the
// commit that must grow the file gets EFBIG. Every block of that commit
// fails with a *WriteError saying what failed, none is stored, reads go
// on, WriteErrors counts it, and once the limit is lifted blocks commit
// again and the file passes Check.
//
// The file size limit is the whole process's: while it is low, the testing
// package's own files (the test log go test keeps for its cache) cannot
// grow either. So the scenario runs in a child process of this test binary
// and the test checks that it passed.
func TestWriteError(t *testing.T) {
	if os.Getenv("NIPC_LEDGER_WRITEERR_CHILD") == "1" {
		writeErrorScenario(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestWriteError$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "NIPC_LEDGER_WRITEERR_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err == nil && strings.Contains(string(out), "--- SKIP: TestWriteError") {
		t.Skipf("child skipped:\n%s", out)
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: TestWriteError") {
		t.Fatalf("the write-error scenario (in a child process) failed: %v\n%s", err, out)
	}
}

func writeErrorScenario(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	l, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	limit := old
	limit.Cur = uint64(fi.Size())
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &limit); err != nil {
		t.Skipf("cannot lower the file size limit: %v", err)
	}
	lifted := false
	lift := func() {
		if !lifted {
			lifted = true
			if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
				t.Fatal(err)
			}
		}
	}
	defer lift()

	// Blocks until one needs the file to grow.
	bd := builder{t, l}
	var werr error
	var lost *nano.Block
	for i := range uint32(200) {
		b := bd.send(genesisKey, testKey(8000+i).PublicKey(), amt(1))
		if _, err := l.Process(context.Background(), b); err != nil {
			werr, lost = err, b
			break
		}
	}
	lift()
	if werr == nil {
		t.Fatalf("200 blocks committed under a %d-byte file size limit", fi.Size())
	}
	we, ok := errors.AsType[*WriteError](werr)
	if !ok || !errors.Is(werr, ErrWrite) {
		t.Fatalf("Process = %v, want a *WriteError wrapping ErrWrite", werr)
	}
	if got, want := we.Error(), "ledger write failed: file too large"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if n := l.WriteErrors(); n != 1 {
		t.Errorf("WriteErrors = %d, want 1", n)
	}
	if ok, err := l.BlockExists(lost.Hash()); ok || err != nil {
		t.Errorf("the failed block is stored (%v, %v)", ok, err)
	}
	if _, err := l.AccountInfo(genesisPub); err != nil {
		t.Errorf("a read after the failed write: %v", err)
	}
	mustProcess(t, l, lost, Progress)
	if err := l.Check(context.Background()); err != nil {
		t.Error(err)
	}
}

func TestWriteErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"page write on a full disk", &os.PathError{Op: "write", Path: "/data/ledger.db", Err: syscall.ENOSPC}, "ledger write failed: no space left on device"},
		{"fdatasync I/O error", &os.PathError{Op: "fdatasync", Path: "/data/ledger.db", Err: syscall.EIO}, "ledger write failed: input/output error"},
		{"bbolt's resize text", errors.New("file resize error: truncate /data/ledger.db: file too large"), "ledger write failed: file too large"},
		{"plain", errors.New("boom"), "ledger write failed: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := error(&WriteError{Err: tt.err})
			if got := err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if !errors.Is(err, ErrWrite) || !errors.Is(err, tt.err) {
				t.Errorf("%v does not wrap ErrWrite and its cause", err)
			}
		})
	}
}

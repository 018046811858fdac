package ledger

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCheckFileRandomDamage: a ledger file with random bytes overwritten
// is reported consistent or damaged, never a crash and never a hang. bbolt
// trusts its pages: a damaged page id once made the check read beyond the
// mapping (a fatal fault) or loop for ever on a branch leading back to
// itself; the page graph check now finds those first.
func TestCheckFileRandomDamage(t *testing.T) {
	good, err := os.ReadFile(checkFileLedger(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rounds := 300
	if testing.Short() {
		rounds = 50
	}
	damaged := 0
	for seed := range uint64(rounds) {
		r := rand.New(rand.NewPCG(seed, 42))
		b := append([]byte(nil), good...)
		for range 1 + r.IntN(24) {
			b[r.IntN(len(b))] = byte(r.IntN(256))
		}
		path := filepath.Join(dir, "ledger.db")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		var rep FileReport
		var cerr error
		go func() {
			defer close(done)
			rep, cerr = CheckFile(context.Background(), path, time.Second)
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("seed %d: CheckFile did not return within 20 s", seed)
		}
		if cerr != nil && !strings.Contains(cerr.Error(), "check ledger") {
			t.Fatalf("seed %d: %v", seed, cerr)
		}
		if len(rep.Problems) > 0 {
			damaged++
		}
	}
	t.Logf("%d of %d damaged files reported", damaged, rounds)
	if damaged == 0 {
		t.Fatal("no damage found in any round: the check finds nothing")
	}
}

// TestPageGraph: the damage the page graph check names, page by page.
func TestPageGraph(t *testing.T) {
	good, err := os.ReadFile(checkFileLedger(t))
	if err != nil {
		t.Fatal(err)
	}
	// The newest of the two metas is the one bbolt (and the check) uses.
	m, err := readMeta(strings.NewReader(string(good)), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if m1, err := readMeta(strings.NewReader(string(good)), 1, m.pageSize); err == nil && m1.txid > m.txid {
		m = m1
	}
	ps := int(m.pageSize)
	root := int(m.root)
	tests := []struct {
		name   string
		damage func(b []byte)
		want   string
	}{
		{"intact", func([]byte) {}, ""},
		{"root page id beyond the file", func(b []byte) {
			// the page header's own id no longer matches where it is
			b[root*ps] ^= 0xff
		}, "says it is page"},
		{"root page flags", func(b []byte) { b[root*ps+8] = 0 }, "where a branch or leaf page belongs"},
		{"element count beyond the page", func(b []byte) { b[root*ps+10], b[root*ps+11] = 0xff, 0x7f }, "do not fit"},
		{"overflow past the end", func(b []byte) { b[root*ps+12] = 0xff }, "past the file's end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := append([]byte(nil), good...)
			tt.damage(b)
			err := checkPageGraph(strings.NewReader(string(b)), int64(len(b)))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("intact file: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

// FuzzPageGraph: the page graph check reads any bytes as a bbolt file
// without panicking, looping or reading beyond what it was given.
func FuzzPageGraph(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 8192))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkPageGraph(strings.NewReader(string(b)), int64(len(b)))
	})
}

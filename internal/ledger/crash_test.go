package ledger

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nipc/nipc/nano"
)

// crashDirEnv names the directory TestCrashChild writes its ledger to; the
// child runs only when it is set.
const crashDirEnv = "NIPC_LEDGER_CRASH_DIR"

// TestCrashChild is the child process of TestCrashSafety: it processes a
// stream of blocks with fsync on and prints "ack <hash>" after each commit,
// until it is killed.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("run by TestCrashSafety")
	}
	l, err := Open(filepath.Join(dir, "ledger.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	bd := builder{t, l}
	ack := func(b *nano.Block) {
		mustProcess(t, l, b, Progress)
		os.Stdout.WriteString("ack " + b.Hash().String() + "\n")
	}
	for i := uint32(0); ; i++ {
		k := testKey(5000 + i%16)
		send := bd.send(genesisKey, k.PublicKey(), amt(uint64(1000+i)))
		ack(send)
		ack(bd.receive(k, send.Hash()))
		if i%3 == 0 {
			ack(bd.change(k, testKey(5000+(i+1)%16).PublicKey()))
		}
	}
}

// TestCrashChildConcurrent is the child process of
// TestCrashSafetyConcurrent: after opening a few accounts it has one
// goroutine per account submit that account's chain at once, so that
// blocks share commits, and prints "ack <hash>" after each Progress, until
// it is killed. An unexpected outcome is printed as "error ...".
func TestCrashChildConcurrent(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("run by TestCrashSafetyConcurrent")
	}
	l, err := Open(filepath.Join(dir, "ledger.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var outMu sync.Mutex
	say := func(line string) {
		outMu.Lock()
		defer outMu.Unlock()
		os.Stdout.WriteString(line + "\n")
	}
	const accounts = 8
	const funds = 1 << 30
	bd := builder{t, l}
	keys := make([]nano.PrivateKey, accounts)
	frontiers := make([]nano.Hash, accounts)
	for g := range keys {
		keys[g] = testKey(6000 + uint32(g))
		send := bd.send(genesisKey, keys[g].PublicKey(), amt(funds))
		mustProcess(t, l, send, Progress)
		say("ack " + send.Hash().String())
		open := bd.receive(keys[g], send.Hash())
		mustProcess(t, l, open, Progress)
		say("ack " + open.Hash().String())
		frontiers[g] = open.Hash()
	}
	var wg sync.WaitGroup
	for g, key := range keys {
		wg.Go(func() {
			prev := frontiers[g]
			for i := uint64(1); ; i++ {
				blk := stateBlock(t, key, prev, key.PublicKey(), amt(funds-i), nano.Hash(genesisPub))
				if i%5 == 0 {
					bad := stateBlock(t, key, prev, key.PublicKey(), amt(funds-i-1), nano.Hash(genesisPub))
					bad.Sign(genesisKey)
					if r, err := l.Process(context.Background(), bad); r != BadSignature || err != nil {
						say(fmt.Sprintf("error bad signature block: %v %v", r, err))
						return
					}
				}
				if r, err := l.Process(context.Background(), blk); r != Progress || err != nil {
					say(fmt.Sprintf("error block %s: %v %v", blk.Hash(), r, err))
					return
				}
				say("ack " + blk.Hash().String())
				prev = blk.Hash()
			}
		})
	}
	wg.Wait()
}

func TestCrashSafety(t *testing.T) { crashSafety(t, "TestCrashChild", 10) }

// TestCrashSafetyConcurrent is TestCrashSafety with concurrent submitters,
// whose blocks share commits: every acknowledged block must survive.
// It kills the child once the concurrent phase has begun (after the 16
// setup blocks).
func TestCrashSafetyConcurrent(t *testing.T) { crashSafety(t, "TestCrashChildConcurrent", 40) }

// crashSafety runs the child test named child, kills it with SIGKILL at a
// random moment once it has acknowledged minAcks blocks, and checks that the file
// passes CheckFile, reopens, passes Check and holds every acknowledged block.
func crashSafety(t *testing.T, child string, minAcks int) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	for iter := range 3 {
		dir := t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^"+child+"$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		acks := make(chan nano.Hash, 1<<16)
		done := make(chan struct{})
		var childErrs []string
		go func() {
			defer close(done)
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				if h, ok := strings.CutPrefix(sc.Text(), "ack "); ok && len(h) == 64 {
					hash, err := nano.ParseHash(h)
					if err == nil {
						acks <- hash
					}
				} else if strings.HasPrefix(sc.Text(), "error ") {
					childErrs = append(childErrs, sc.Text())
				}
			}
		}()
		// Kill at a random moment once the child is committing blocks.
		var acked []nano.Hash
		deadline := time.After(30 * time.Second)
		for len(acked) < minAcks {
			select {
			case h := <-acks:
				acked = append(acked, h)
			case <-deadline:
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("child acknowledged %d blocks in 30 s, want %d", len(acked), minAcks)
			}
		}
		time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-done
		cmd.Wait()
		for _, e := range childErrs {
			t.Errorf("iteration %d: child: %s", iter, e)
		}
		close(acks)
		for h := range acks {
			acked = append(acked, h)
		}

		rep, err := CheckFile(context.Background(), filepath.Join(dir, "ledger.db"), time.Second)
		if err != nil || len(rep.Problems) > 0 {
			t.Errorf("iteration %d: CheckFile after SIGKILL: %v %q", iter, err, rep.Problems)
		}
		l, err := Open(filepath.Join(dir, "ledger.db"), Options{})
		if err != nil {
			t.Fatalf("iteration %d: reopen after SIGKILL: %v", iter, err)
		}
		if err := l.Check(context.Background()); err != nil {
			t.Errorf("iteration %d: %v", iter, err)
		}
		for _, h := range acked {
			if ok, err := l.BlockExists(h); !ok || err != nil {
				t.Errorf("iteration %d: acknowledged block %s lost (%v)", iter, h, err)
			}
		}
		n, cemented := l.BlockCount()
		if n < uint64(len(acked))+1 || cemented != n {
			t.Errorf("iteration %d: %d blocks (%d cemented) after %d acknowledged", iter, n, cemented, len(acked))
		}
		t.Logf("iteration %d: killed after %d acknowledged blocks; ledger holds %d", iter, len(acked), n)
		l.Close()
	}
}

package ledger

import (
	"bufio"
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	for iter := range 3 {
		dir := t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
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
		go func() {
			defer close(done)
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				if h, ok := strings.CutPrefix(sc.Text(), "ack "); ok && len(h) == 64 {
					hash, err := nano.ParseHash(h)
					if err == nil {
						acks <- hash
					}
				}
			}
		}()

		// Kill at a random moment once the child is committing blocks.
		var acked []nano.Hash
		deadline := time.After(30 * time.Second)
		for len(acked) < 10 {
			select {
			case h := <-acks:
				acked = append(acked, h)
			case <-deadline:
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatal("child committed nothing in 30 s")
			}
		}
		time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-done
		cmd.Wait()
		close(acks)
		for h := range acks {
			acked = append(acked, h)
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

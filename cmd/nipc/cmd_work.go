package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/nipc/nipc/nano"
	"github.com/nipc/nipc/nano/pow"
)

// cmdWork is "nipc work bench [-d DURATION] [-threads N]": each proof-of-work
// kernel's hashes per second on one core, and the mean time one block's
// work takes at the live send and receive thresholds on threads cores.
func cmdWork(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	const usage = "usage: nipc work bench [-d DURATION] [-threads N]"
	if len(args) == 0 || args[0] != "bench" {
		return exitf(exitUsage, usage)
	}
	fs := newFlagSet("work bench", stderr)
	d := fs.Duration("d", time.Second, "how long to measure each kernel")
	threads := fs.Int("threads", runtime.GOMAXPROCS(0), "cores to assume for the expected times")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *d <= 0 || *threads <= 0 {
		return exitf(exitUsage, usage)
	}
	live := nano.LiveThresholds()
	fmt.Fprintf(stdout, "%-8s %5s %16s %22s %22s\n", "kernel", "lanes", "hashes/s/core",
		fmt.Sprintf("send %x", live.Epoch2), fmt.Sprintf("receive %x", live.Epoch2Receive))
	for _, r := range pow.Bench(context.Background(), *d) {
		fmt.Fprintf(stdout, "%-8s %5d %16.0f %22s %22s\n", r.Kernel, r.Lanes, r.Rate,
			r.ExpectedTime(live.Epoch2, *threads).Round(time.Millisecond),
			r.ExpectedTime(live.Epoch2Receive, *threads).Round(time.Millisecond))
	}
	_, err := fmt.Fprintf(stdout, "expected times are means on %d core(s); the first kernel is the one work generation uses\n", *threads)
	return err
}

package main

import (
	"fmt"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/nipc/nipc/nano"
	"github.com/nipc/nipc/nano/pow"
)

func newWorkCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "work",
		Short: "measure proof-of-work generation on this machine",
		Long: `Works with nipc's proof-of-work engine (nano/pow): the kernels this CPU runs (AVX-512,
AVX2, pure Go). No node needed.`,
		Example: `  nipc work bench
  nipc work bench -d 3s --threads 1`,
		GroupID: groupOffline,
		Args:    cobra.ArbitraryArgs,
		RunE:    groupRunE,
	}
	cmd.AddCommand(newWorkBenchCmd())
	return cmd
}

// newWorkBenchCmd: nipc work bench prints each proof-of-work kernel's
// hashes per second on one core, and the mean time one block's work takes
// at the live send and receive thresholds on --threads cores.
func newWorkBenchCmd() *cobra.Command {
	var d time.Duration
	var threads int
	cmd := &cobra.Command{
		Use:   "bench [-d DURATION] [--threads N]",
		Short: "each kernel's hashes/s per core, and the expected time of a live send and receive",
		Long: `Runs each proof-of-work kernel this CPU supports for DURATION on one core and prints its
hashes per second, and the mean time one block's work takes at the live network's send
(fffffff800000000) and receive (fffffe0000000000) thresholds on --threads cores (default:
every core Go may use). The first kernel listed is the one work generation uses.`,
		Example: `  nipc work bench
  nipc work bench -d 3s --threads 1`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if d <= 0 || threads <= 0 {
				return usageError(fmt.Errorf("-d and --threads must be positive"))
			}
			out := cmd.OutOrStdout()
			live := nano.LiveThresholds()
			fmt.Fprintf(out, "%-8s %5s %16s %22s %22s\n", "kernel", "lanes", "hashes/s/core",
				fmt.Sprintf("send %x", live.Epoch2), fmt.Sprintf("receive %x", live.Epoch2Receive))
			for _, r := range pow.Bench(cmd.Context(), d) {
				fmt.Fprintf(out, "%-8s %5d %16.0f %22s %22s\n", r.Kernel, r.Lanes, r.Rate,
					r.ExpectedTime(live.Epoch2, threads).Round(time.Millisecond),
					r.ExpectedTime(live.Epoch2Receive, threads).Round(time.Millisecond))
			}
			_, err := fmt.Fprintf(out, "expected times are means on %d core(s); the first kernel is the one work generation uses\n", threads)
			return err
		},
	}
	cmd.Flags().DurationVarP(&d, "duration", "d", time.Second, "how long to measure each kernel")
	cmd.Flags().IntVar(&threads, "threads", runtime.GOMAXPROCS(0), "cores to assume for the expected times")
	return cmd
}

package main

import (
	"context"
	"encoding/json"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/ipc"
)

// cmdBench is a load generator: CONNS workers, each with its own persistent
// connection and one request in flight, for REQUESTS requests in all or for
// DURATION. It records every round trip and prints percentiles and calls/s.
func cmdBench(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", stderr)
	var cf clientFlags
	cf.register(fs)
	conns := fs.Int("c", 8, "connections (one request in flight on each)")
	total := fs.Int("n", 0, "requests in all (0: run for -d)")
	dur := fs.Duration("d", 5*time.Second, "duration when -n is 0")
	action := fs.String("action", "uptime", "legacy action to call")
	req := fs.String("req", "", "whole legacy request JSON (beats -action)")
	encName := fs.String("encoding", "json", "json (1) or unsafe (2)")
	warm := fs.Int("warm", 200, "warm-up requests per connection, not measured")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *conns < 1 {
		return exitf(exitUsage, "-c must be at least 1")
	}
	enc := ipc.EncodingJSON
	switch *encName {
	case "json":
	case "unsafe":
		enc = ipc.EncodingJSONUnsafe
	default:
		return exitf(exitUsage, "-encoding must be json or unsafe")
	}
	body := []byte(*req)
	if len(body) == 0 {
		body, _ = json.Marshal(map[string]string{"action": *action})
	}
	cfg, err := cf.config()
	if err != nil {
		return err
	}
	cfg.PoolSize = 1
	ctx := context.Background()
	clients := make([]*client.Client, *conns)
	for i := range clients {
		if clients[i], err = client.Dial(ctx, cfg); err != nil {
			return err
		}
		defer clients[i].Close()
	}
	// Check the request once, so that a bench of an error is not mistaken
	// for a fast success.
	reply, err := clients[0].Do(ctx, enc, body)
	if err != nil {
		return err
	}
	if err := client.LegacyError(reply); err != nil {
		return err
	}

	var (
		next    atomic.Int64
		errs    atomic.Int64
		mu      sync.Mutex
		samples []time.Duration
		wg      sync.WaitGroup
	)
	for _, cl := range clients {
		wg.Go(func() {
			for range *warm {
				cl.Do(ctx, enc, body)
			}
		})
	}
	wg.Wait()
	start := time.Now()
	deadline := start.Add(*dur)
	for _, cl := range clients {
		wg.Go(func() {
			local := make([]time.Duration, 0, 4096)
			for {
				if *total > 0 {
					if next.Add(1) > int64(*total) {
						break
					}
				} else if time.Now().After(deadline) {
					break
				}
				t0 := time.Now()
				if _, err := cl.Do(ctx, enc, body); err != nil {
					errs.Add(1)
					continue
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			samples = append(samples, local...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	slices.Sort(samples)
	pct := func(p float64) float64 {
		if len(samples) == 0 {
			return 0
		}
		return float64(samples[min(len(samples)-1, int(p*float64(len(samples))))].Nanoseconds()) / 1e3
	}
	return writeJSON(stdout, map[string]any{
		"connections": *conns,
		"requests":    len(samples),
		"errors":      errs.Load(),
		"seconds":     elapsed.Seconds(),
		"calls_per_s": float64(len(samples)) / elapsed.Seconds(),
		"p50_us":      pct(0.50),
		"p90_us":      pct(0.90),
		"p99_us":      pct(0.99),
		"max_us":      pct(1),
	})
}

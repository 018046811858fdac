package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/ipc"
)

func newBenchCmd(cf *clientFlags) *cobra.Command {
	var o benchOptions
	cmd := &cobra.Command{
		Use:   "bench [-c CONNS] [-n REQUESTS | -d DURATION] [--action NAME | --req JSON] [--url URL]",
		Short: "load-test the node (or, with --url, an HTTP server such as the gateway)",
		Long: `A load generator: CONNS workers, each with its own persistent connection and one request
in flight, for REQUESTS requests in all or for DURATION. It records every round trip and
prints p50/p90/p99, the maximum and calls/s as JSON. The request is checked once first: a
bench of an error reply is an error, not a fast success.

With --url it POSTs the legacy request to an HTTP server instead (the gateway, or a server
to compare it with), each worker with its own keep-alive client.`,
		Example: `  nipc bench -c 16 -d 5s --action uptime
  nipc bench -n 10000 --req '{"action": "account_balance", "account": "nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo"}'
  nipc bench --url http://127.0.0.1:7076/ -c 8 --action block_count`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runBench(cmd, cf, &o) },
	}
	fs := cmd.Flags()
	fs.IntVarP(&o.conns, "connections", "c", 8, "connections (one request in flight on each)")
	fs.IntVarP(&o.total, "requests", "n", 0, "requests in all (0: run for -d)")
	fs.DurationVarP(&o.dur, "duration", "d", 5*time.Second, "duration when -n is 0")
	fs.StringVar(&o.action, "action", "uptime", "legacy action to call")
	fs.StringVar(&o.req, "req", "", "whole legacy request JSON (beats --action)")
	fs.StringVar(&o.encName, "encoding", "json", "json (1) or unsafe (2)")
	fs.IntVar(&o.warm, "warm", 200, "warm-up requests per connection, not measured")
	fs.StringVar(&o.target, "url", "", "POST the request to this HTTP URL (e.g. the gateway's http://127.0.0.1:7076/) instead of using IPC")
	cmd.RegisterFlagCompletionFunc("action", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return legacyActionNames(), cobra.ShellCompDirectiveNoFileComp
	})
	cmd.RegisterFlagCompletionFunc("encoding", fixedValues("json", "unsafe"))
	return clientVerb(cf, cmd)
}

type benchOptions struct {
	conns, total, warm           int
	dur                          time.Duration
	action, req, encName, target string
}

// runBench measures o.conns workers, each with its own persistent
// connection and one request in flight, for o.total requests in all or for
// o.dur, and prints percentiles and calls/s.
func runBench(cmd *cobra.Command, cf *clientFlags, o *benchOptions) error {
	if o.conns < 1 {
		return exitf(exitUsage, "-c must be at least 1")
	}
	enc := ipc.EncodingJSON
	switch o.encName {
	case "json":
	case "unsafe":
		enc = ipc.EncodingJSONUnsafe
	default:
		return exitf(exitUsage, "--encoding must be json or unsafe")
	}
	body := []byte(o.req)
	if len(body) == 0 {
		body, _ = json.Marshal(map[string]string{"action": o.action})
	}

	var calls []func() ([]byte, error)
	if o.target != "" {
		if err := checkBenchURL(cmd, o.target); err != nil {
			return err
		}
		for range o.conns {
			hc := &http.Client{Transport: newBenchTransport()}
			defer hc.CloseIdleConnections()
			calls = append(calls, (&httpBenchConn{hc: hc, url: o.target, body: body, buf: make([]byte, 0, 512)}).call)
		}
		// Check the request once, so that a bench of an error is not
		// mistaken for a fast success.
		reply, err := calls[0]()
		if errors.Is(err, io.EOF) {
			// What the node's IPC port does with an HTTP request.
			return exitf(exitProtocol, "%s closed the connection without an HTTP answer: is that the IPC port? --url wants an HTTP RPC port (the node's is %d); without --url nipc bench speaks IPC (%v)",
				o.target, config.DefaultRPC().Port, err)
		}
		if err != nil {
			return err
		}
		if se, ok := errors.AsType[*client.ServerError](client.LegacyError(reply)); ok {
			return exitf(exitServerError, "%s answered: %s", o.target, se.Text)
		}
	} else {
		cfg, err := cf.config()
		if err != nil {
			return err
		}
		cfg.PoolSize = 1
		ctx := context.Background()
		for range o.conns {
			cl, err := client.Dial(ctx, cfg)
			if err != nil {
				return err
			}
			defer cl.Close()
			calls = append(calls, func() ([]byte, error) { return cl.Do(ctx, enc, body) })
		}
		// Check the request once, so that a bench of an error is not mistaken
		// for a fast success.
		reply, err := calls[0]()
		if err != nil {
			return err
		}
		if err := client.LegacyError(reply); err != nil {
			if o.req == "" {
				return unknownActionHint(err, o.action)
			}
			return err
		}
	}
	return writeJSON(cmd.OutOrStdout(), measure(calls, o.total, o.dur, o.warm))
}

// measure runs each call on its own goroutine, first warm times unmeasured,
// then until total calls were made in all (total > 0) or for dur, and
// returns the report runBench prints. A call that fails counts as an error
// and is left out of the timings.
func measure(calls []func() ([]byte, error), total int, dur time.Duration, warm int) map[string]any {
	var (
		next    atomic.Int64
		errs    atomic.Int64
		mu      sync.Mutex
		samples []time.Duration
		wg      sync.WaitGroup
	)
	for _, call := range calls {
		wg.Go(func() {
			for range warm {
				call()
			}
		})
	}
	wg.Wait()
	start := time.Now()
	deadline := start.Add(dur)
	for _, call := range calls {
		wg.Go(func() {
			local := make([]time.Duration, 0, 4096)
			for {
				if total > 0 {
					if next.Add(1) > int64(total) {
						break
					}
				} else if time.Now().After(deadline) {
					break
				}
				t0 := time.Now()
				if _, err := call(); err != nil {
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
	return map[string]any{
		"connections": len(calls),
		"requests":    len(samples),
		"errors":      errs.Load(),
		"seconds":     elapsed.Seconds(),
		"calls_per_s": float64(len(samples)) / elapsed.Seconds(),
		"p50_us":      pct(0.50),
		"p90_us":      pct(0.90),
		"p99_us":      pct(0.99),
		"max_us":      pct(1),
	}
}

// checkBenchURL rejects a --url that is not an http(s) URL with a host, and
// the IPC flags given with it.
func checkBenchURL(cmd *cobra.Command, target string) error {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return exitf(exitUsage, "--url must be an http:// or https:// URL, got %q", target)
	}
	if set := changedFlags(cmd, "socket", "addr", "port", "access-file", "encoding"); set != "" {
		return exitf(exitUsage, "--url does not go with the IPC flags %s", set)
	}
	return nil
}

// newBenchTransport is the peers harness's newHTTPTransport
// (../shared/bench/peers/targets.go): no proxy, keep-alive, no
// compression.
func newBenchTransport() *http.Transport {
	return &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        1024,
		MaxIdleConnsPerHost: 1024,
		IdleConnTimeout:     5 * time.Minute,
		DisableCompression:  true,
	}
}

// httpBenchConn is one worker's HTTP client; call is the peers harness's
// netHTTPClient.Call without its reply check, which is specific to the
// account_weight request.
type httpBenchConn struct {
	hc   *http.Client
	url  string
	body []byte
	buf  []byte
}

// call POSTs the request and returns the whole reply body, which is valid
// until the next call. A reply whose status is not 200 is an error.
func (h *httpBenchConn) call() ([]byte, error) {
	req, err := http.NewRequest(http.MethodPost, h.url, bytes.NewReader(h.body))
	if err != nil {
		return nil, exitf(exitUsage, "%v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := h.hc.Do(req)
	if err != nil {
		if oe, ok := errors.AsType[*net.OpError](err); ok && oe.Op == "dial" {
			return nil, exitf(exitUnreachable, "no HTTP server answers: %v", err)
		}
		return nil, err
	}
	b := bytes.NewBuffer(h.buf[:0])
	_, err = b.ReadFrom(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		reply := bytes.TrimSpace(b.Bytes())
		if len(reply) > 200 {
			reply = append(reply[:200:200], "..."...)
		}
		return nil, exitf(exitServerError, "%s answered HTTP %s: %s", h.url, resp.Status, reply)
	}
	return b.Bytes(), nil
}

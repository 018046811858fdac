package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/fbjson"
)

func newSubCmd(cf *clientFlags) *cobra.Command {
	var o subOptions
	cmd := &cobra.Command{
		Use:   "sub confirmation [--from N] [--count N] [--accounts A,B] [--all-local] [--no-block] [--no-election]",
		Short: "print confirmations as they happen, one JSON object per line",
		Long: `Subscribes to a topic over IPC (TopicConfirmation, FlatBuffers) and prints each event as one
JSON line until --count events, Ctrl-C, or the node goes away. Each event carries the
block's confirmation sequence ("sequence": 1 for the genesis, one more per block, no gap),
so a gap in what you see means events were missed. --from N first prints every
confirmation after sequence N (from the node's ledger), then the live ones, with no gap
and no duplicate: resume with the last sequence you printed. Credentials come from
NIPC_API_KEY; the subscription needs api_topic_confirmation (exit 77 when denied).

Arguments:
  confirmation   the topic (the only one)`,
		Example: `  nipc sub confirmation
  NIPC_API_KEY=my-key nipc sub confirmation --count 1
  nipc sub confirmation --from 41
  nipc sub confirmation --accounts nano_3e3j5tkog48pnny9dmfzj1r16pg8t1e76dz5tmac6iq689wyjfpiij4txtdo --no-election`,
		ValidArgs: []string{"confirmation"},
		Args: func(cmd *cobra.Command, args []string) error {
			if err := positional(1, 1, "the topic: confirmation")(cmd, args); err != nil {
				return err
			}
			if args[0] != "confirmation" {
				return exitf(exitUsage, "unknown topic %q (confirmation is the only one)", args[0])
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return runSub(cmd, cf, &o) },
	}
	fs := cmd.Flags()
	fs.StringVar(&o.accounts, "accounts", "", "only blocks of or to these accounts (comma-separated)")
	fs.BoolVar(&o.allLocal, "all-local", false, "only blocks of or to accounts in this node's wallets")
	fs.Uint64Var(&o.from, "from", 0, "first every confirmation after this sequence, then the live ones (0: live only)")
	fs.IntVar(&o.count, "count", 0, "exit after this many events (0: run until interrupted)")
	fs.BoolVar(&o.noBlock, "no-block", false, "leave the block out of events")
	fs.BoolVar(&o.noElection, "no-election", false, "leave the election info out of events")
	return clientVerb(cf, cmd)
}

type subOptions struct {
	accounts                      string
	allLocal, noBlock, noElection bool
	count                         int
	from                          uint64
}

// runSub subscribes to confirmations and prints each event as one JSON
// line until o.count events, SIGINT, or the node goes away.
func runSub(cmd *cobra.Command, cf *clientFlags, o *subOptions) error {
	stdout := cmd.OutOrStdout()
	opts := &fb.TopicConfirmationOptionsT{
		AllLocalAccounts:    o.allLocal,
		IncludeBlock:        !o.noBlock,
		IncludeElectionInfo: !o.noElection,
		Accounts:            []string{},
		ResumeAfter:         o.from,
	}
	for _, a := range strings.Split(o.accounts, ",") {
		if a = strings.TrimSpace(a); a != "" {
			opts.Accounts = append(opts.Accounts, a)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cl, _, done, err := cf.dial()
	if err != nil {
		return err
	}
	defer done()
	sub, err := cl.Subscribe(ctx, opts)
	if err != nil {
		return err
	}
	defer sub.Close()
	for n := 0; o.count == 0 || n < o.count; n++ {
		env, err := sub.NextEnvelope(ctx)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return nil
			}
			return err
		}
		text, err := fbjson.RenderEnvelope(env)
		if err != nil {
			return err
		}
		var line bytes.Buffer
		if err := json.Compact(&line, text); err != nil {
			return err
		}
		line.WriteByte('\n')
		if _, err := stdout.Write(line.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/fbjson"
)

// cmdSub subscribes to a topic and prints each event as one JSON line
// until -count events, SIGINT, or the node goes away.
func cmdSub(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("sub", stderr)
	var cf clientFlags
	cf.register(fs)
	accounts := fs.String("accounts", "", "only blocks of or to these accounts (comma-separated)")
	allLocal := fs.Bool("all-local", false, "only blocks of or to accounts in this node's wallets")
	count := fs.Int("count", 0, "exit after this many events (0: run until interrupted)")
	noBlock := fs.Bool("no-block", false, "leave the block out of events")
	noElection := fs.Bool("no-election", false, "leave the election info out of events")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || fs.Arg(0) != "confirmation" {
		return exitf(exitUsage, "usage: nipc sub confirmation [-accounts A,B] [-all-local] [-count N] [-no-block] [-no-election]")
	}
	opts := &fb.TopicConfirmationOptionsT{
		AllLocalAccounts:    *allLocal,
		IncludeBlock:        !*noBlock,
		IncludeElectionInfo: !*noElection,
		Accounts:            []string{},
	}
	for _, a := range strings.Split(*accounts, ",") {
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
	for n := 0; *count == 0 || n < *count; n++ {
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

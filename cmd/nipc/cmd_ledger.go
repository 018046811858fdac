package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/ledger"
)

func newLedgerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ledger",
		Short: "check the ledger file offline (after a crash)",
		Long: `Works on the data directory's ledger file (ledger.db) with the node stopped.
No node needed.`,
		Example: `  nipc ledger check
  nipc ledger check --data_path /tmp/a`,
		GroupID: groupOffline,
		Args:    cobra.ArbitraryArgs,
		RunE:    groupRunE,
	}
	cmd.AddCommand(newLedgerCheckCmd())
	return cmd
}

// newLedgerCheckCmd: nipc ledger check [FILE] is the offline consistency
// check an operator runs after a crash (ledger.CheckFile) on the data
// directory's ledger.db or FILE. It exits 0 with a one-line summary when
// the ledger is consistent, 1 listing the problems when it is not, 75 when
// a running node holds the file past --wait, 78 when there is no file.
func newLedgerCheckCmd() *cobra.Command {
	var d dataFlags
	var wait time.Duration
	cmd := &cobra.Command{
		Use:   "check [--data_path DIR] [--wait DURATION] [FILE]",
		Short: "check the ledger: bbolt's pages and the ledger's invariants",
		Long: `Opens the ledger read-only and runs bbolt's page check, then the ledger's own invariants
(accounts, frontiers, weights, receivables, counters). Consistent: one line on stdout, exit 0.
Not consistent: the problems on stderr, exit 1. A running node holds the file: exit 75 after
--wait (stop the node first, or check a copy). No file: exit 78.

Arguments:
  FILE   the ledger file (default: ledger.db in the data directory)`,
		Example: `  nipc ledger check
  nipc ledger check --data_path /tmp/a
  nipc ledger check /backup/ledger.db`,
		Args: positional(0, 1, ""),
		RunE: func(cmd *cobra.Command, args []string) error {
			var path string
			if len(args) == 1 {
				path = args[0]
			} else {
				dir, err := d.dir()
				if err != nil {
					return err
				}
				path = filepath.Join(dir, config.LedgerFile)
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
			defer stop()
			rep, err := ledger.CheckFile(ctx, path, wait)
			switch {
			case errors.Is(err, ledger.ErrLocked):
				return exitf(exitTimeout, "%s is in use: stop the node first, or check a copy of the file (%v)", path, err)
			case errors.Is(err, fs.ErrNotExist):
				return exitf(exitConfig, "no ledger at %s", path)
			case err != nil:
				return &exitError{code: exitServerError, err: err}
			}
			if len(rep.Problems) > 0 {
				stderr := cmd.ErrOrStderr()
				fmt.Fprintf(stderr, "nipc ledger check: %s is NOT consistent (%d problems):\n", path, len(rep.Problems))
				for _, p := range rep.Problems {
					fmt.Fprintf(stderr, "  %s\n", p)
				}
				return &exitError{code: exitServerError, err: errors.New("")}
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s: consistent: %d blocks, %d accounts, %d pages\n", path, rep.Blocks, rep.Accounts, rep.Pages)
			return err
		},
	}
	cmd.Flags().StringVar(&d.dataPath, "data_path", "", "data directory whose "+config.LedgerFile+" to check (default ~/.nipc)")
	cmd.Flags().DurationVar(&wait, "wait", 2*time.Second, "how long to wait for the lock of a node that has the file open")
	return cmd
}

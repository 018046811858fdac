package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/ledger"
)

const ledgerUsage = "usage: nipc ledger check [--data_path DIR] [--wait DURATION] [FILE]"

// cmdLedger: nipc ledger check [FILE] is the offline consistency check an
// operator runs after a crash (ledger.CheckFile) on the data directory's
// ledger.db or FILE. It exits 0 with a one-line summary when the ledger is
// consistent, 1 listing the problems when it is not, 75 when a running
// node holds the file past --wait, 78 when there is no file to check.
func cmdLedger(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "check" {
		return exitf(exitUsage, ledgerUsage)
	}
	fset := newFlagSet("ledger check", stderr)
	dataPath := fset.String("data_path", "", "data directory whose "+config.LedgerFile+" to check (default ~/.nipc)")
	wait := fset.Duration("wait", 2*time.Second, "how long to wait for the lock of a node that has the file open")
	if err := parseFlags(fset, args[1:]); err != nil {
		return err
	}
	if fset.NArg() > 1 {
		return exitf(exitUsage, "%s (unexpected arguments: %s)", ledgerUsage, strings.Join(fset.Args()[1:], " "))
	}
	path := fset.Arg(0)
	if path == "" {
		dir := *dataPath
		if dir == "" {
			var err error
			if dir, err = config.DefaultDataDir(); err != nil {
				return exitf(exitConfig, "cannot find the home directory for the default data path: %v (use --data_path)", err)
			}
		}
		path = filepath.Join(dir, config.LedgerFile)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := ledger.CheckFile(ctx, path, *wait)
	switch {
	case errors.Is(err, ledger.ErrLocked):
		return exitf(exitTimeout, "%s is in use: stop the node first, or check a copy of the file (%v)", path, err)
	case errors.Is(err, fs.ErrNotExist):
		return exitf(exitConfig, "no ledger at %s", path)
	case err != nil:
		return &exitError{code: exitServerError, err: err}
	}
	if len(rep.Problems) > 0 {
		fmt.Fprintf(stderr, "nipc ledger check: %s is NOT consistent (%d problems):\n", path, len(rep.Problems))
		for _, p := range rep.Problems {
			fmt.Fprintf(stderr, "  %s\n", p)
		}
		return &exitError{code: exitServerError, err: errors.New("")}
	}
	_, err = fmt.Fprintf(stdout, "%s: consistent: %d blocks, %d accounts, %d pages\n", path, rep.Blocks, rep.Accounts, rep.Pages)
	return err
}

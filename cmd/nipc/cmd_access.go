package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/nipc/nipc/internal/authz"
	"github.com/nipc/nipc/internal/config"
)

func newAccessCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "access",
		Short: "validate an access file and print each user's permissions",
		Long: `Works on config-access.toml, the file that gives users their permissions
(docs/ACCESS.md). No node needed.`,
		Example: `  nipc access check
  nipc access check ~/.nipc/config-access.toml`,
		GroupID: groupOffline,
		Args:    cobra.ArbitraryArgs,
		RunE:    groupRunE,
	}
	cmd.AddCommand(newAccessCheckCmd())
	return cmd
}

// newAccessCheckCmd: nipc access check [FILE] validates an access file
// (default: the data directory's config-access.toml) and prints each
// user's effective permissions.
func newAccessCheckCmd() *cobra.Command {
	var d dataFlags
	cmd := &cobra.Command{
		Use:   "check [--data_path DIR] [FILE]",
		Short: "validate an access file and print each user's effective permissions",
		Long: `Loads an access file as the node would (strict: an unknown key or permission is an error
with file:line:col, exit 78) and prints each user's effective permissions.

Arguments:
  FILE   the access file; it must exist (default: config-access.toml in the data
         directory, and the built-in default policy when there is none)`,
		Example: `  nipc access check
  nipc access check ~/.nipc/config-access.toml
  nipc access check --data_path /tmp/a`,
		Args: positional(0, 1, ""),
		RunE: func(cmd *cobra.Command, args []string) error {
			var path string
			if len(args) == 1 {
				// A file named on the command line must exist: a misspelt
				// path is not the built-in default.
				path = args[0]
				if _, err := os.Stat(path); err != nil {
					return exitf(exitConfig, "%s: %v", path, statReason(err))
				}
			} else {
				dir, err := d.dir()
				if err != nil {
					return err
				}
				path = filepath.Join(dir, config.AccessFile)
				if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
					fmt.Fprintf(cmd.ErrOrStderr(), "no %s in %s: the built-in default\n", config.AccessFile, dir)
				}
			}
			p, err := authz.Load(path)
			if err != nil {
				return &exitError{code: exitConfig, err: err}
			}
			_, err = io.WriteString(cmd.OutOrStdout(), authz.Describe(p))
			return err
		},
	}
	cmd.Flags().StringVar(&d.dataPath, "data_path", "", "data directory whose config-access.toml to check (default ~/.nipc)")
	return cmd
}

// statReason is a stat error without the "stat PATH:" its message repeats.
func statReason(err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err
	}
	return err
}

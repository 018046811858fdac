package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/v2api"
)

// newReloadCmd asks the node to reload its access configuration (the v2
// Reload message, permission api_reload).
func newReloadCmd(cf *clientFlags) *cobra.Command {
	return clientVerb(cf, &cobra.Command{
		Use:   "reload",
		Short: "reload the node's access file and log level (needs api_reload; SIGHUP does the same)",
		Long: `Sends the v2 Reload message: the node re-reads config-access.toml, the config files' log level
and its TLS certificate, all or nothing. A refused reload (a broken file) exits 78 and
changes nothing. Keys of the config files that changed but wait for a restart are named on
stderr ("reloaded; waiting for a restart: KEYS"). Needs api_reload (credentials from
NIPC_API_KEY).`,
		Example: `  nipc reload
  NIPC_API_KEY=admin nipc reload -S /tmp/nano`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cl, ctx, done, err := cf.dial()
			if err != nil {
				return err
			}
			defer done()
			reply, err := cl.Call(ctx, &fb.ReloadT{})
			if e, ok := err.(*api.Error); ok {
				code := exitServerError
				switch {
				case e.Code == api.CodeAccessDenied:
					code = exitNoPerm
				case strings.HasPrefix(e.Message, v2api.TextReloadRefused):
					code = exitConfig
				}
				err := error(&exitError{code: code, err: fmt.Errorf("node: %s", e.Message)})
				if m, ok := api.LookupMessageName("Reload"); ok {
					err = deniedHint(cmd, err, m, cl.Config().APIKey)
				}
				return err
			}
			if err != nil {
				return err
			}
			if ok, _ := reply.(*fb.SuccessT); ok != nil && ok.Message != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "nipc reload: reloaded; %s\n", ok.Message)
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), `{"reloaded": true}`)
			return err
		},
	})
}

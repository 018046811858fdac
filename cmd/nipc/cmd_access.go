package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/authz"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/rpc"
)

// cmdAccess: nipc access check [FILE] validates an access file (default: the
// data directory's config-access.toml) and prints each user's effective
// permissions.
func cmdAccess(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "check" {
		return exitf(exitUsage, "usage: nipc access check [--data_path DIR] [FILE]")
	}
	fs := newFlagSet("access check", stderr)
	dataPath := fs.String("data_path", "", "data directory whose config-access.toml to check (default ~/.nipc)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	path := fs.Arg(0)
	if path == "" {
		dir := *dataPath
		if dir == "" {
			var err error
			if dir, err = config.DefaultDataDir(); err != nil {
				return exitf(exitConfig, "%v", err)
			}
		}
		path = filepath.Join(dir, config.AccessFile)
	}
	p, err := authz.Load(path)
	if err != nil {
		return &exitError{code: exitConfig, err: err}
	}
	_, err = io.WriteString(stdout, authz.Describe(p))
	return err
}

// cmdReload asks the node to reload its access configuration (the v2 Reload
// message, permission api_reload).
func cmdReload(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	cl, ctx, done, err := clientVerb("reload", args, stderr)
	if err != nil {
		return err
	}
	defer done()
	_, err = cl.Call(ctx, &fb.ReloadT{})
	if e, ok := err.(*api.Error); ok {
		code := exitServerError
		switch {
		case e.Code == api.CodeAccessDenied:
			code = exitNoPerm
		case strings.HasPrefix(e.Message, rpc.TextReloadRefused):
			code = exitConfig
		}
		return &exitError{code: code, err: fmt.Errorf("node: %s", e.Message)}
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, `{"reloaded": true}`)
	return err
}

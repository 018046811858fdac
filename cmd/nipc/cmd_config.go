package main

import (
	"fmt"
	"io"

	"github.com/nipc/nipc/internal/config"
)

func cmdConfig(args []string, _ io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return exitf(exitUsage, "usage: nipc config generate node|rpc|access | nipc config check [--data_path DIR]")
	}
	switch args[0] {
	case "generate":
		if len(args) != 2 {
			return exitf(exitUsage, "usage: nipc config generate node|rpc|access")
		}
		text, err := config.Generate(args[1])
		if err != nil {
			return exitf(exitUsage, "%v", err)
		}
		_, err = io.WriteString(stdout, text)
		return err
	case "check":
		fs := newFlagSet("config check", stderr)
		var d dataFlags
		d.register(fs)
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		dir, _, _, err := d.load()
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s: %s and %s are valid\n", dir, config.NodeFile, config.RPCFile)
		return err
	}
	return exitf(exitUsage, "unknown config command %q (generate or check)", args[0])
}

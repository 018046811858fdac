package main

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// normalizeArgs rewrites the long flags written with one dash, as nipc's
// stdlib flag package took them and old scripts and docs still write them
// (-count 1, -encoding=json, -access-file F), to the double-dash form
// pflag wants. Only a word that names a long flag of the verb it follows
// (or the root's client flags, or help) is rewritten; single-letter flags
// (-S, -P, -c, -n, -d), the value of a flag that takes one, arguments such
// as "-" and everything after "--" are left alone.
func normalizeArgs(root *cobra.Command, args []string) []string {
	out := make([]string, 0, len(args))
	cmd := root
	inVerbs := true // still reading verb names (nipc config check ...)
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || cmd.DisableFlagParsing {
			return append(out, args[i:]...)
		}
		if a == "-" || !strings.HasPrefix(a, "-") {
			if sub := subCommand(cmd, a); inVerbs && sub != nil {
				cmd = sub
			} else {
				inVerbs = false
			}
			out = append(out, a)
			continue
		}
		double := strings.HasPrefix(a, "--")
		name, _, attached := strings.Cut(strings.TrimLeft(a, "-"), "=")
		var f *pflag.Flag
		switch {
		case double:
			f = lookupFlag(cmd, name)
		case len(name) == 1:
			f = lookupShorthand(cmd, name)
		case name == "help":
			a = "-" + a
		default:
			if f = lookupFlag(cmd, name); f != nil {
				a = "-" + a
			}
		}
		out = append(out, a)
		// A flag that takes a value with none attached: the next word is
		// its value, whatever it looks like.
		if f != nil && f.NoOptDefVal == "" && !attached && i+1 < len(args) {
			i++
			out = append(out, args[i])
		}
	}
	return out
}

// subCommand is cmd's sub-verb called name, or nil.
func subCommand(cmd *cobra.Command, name string) *cobra.Command {
	for _, c := range cmd.Commands() {
		if c.Name() == name || c.HasAlias(name) {
			return c
		}
	}
	return nil
}

// lookupFlag finds a long flag of cmd, its own or a persistent one of it or
// an ancestor (before parsing, cobra has not merged them yet).
func lookupFlag(cmd *cobra.Command, name string) *pflag.Flag {
	if f := cmd.Flags().Lookup(name); f != nil {
		return f
	}
	for c := cmd; c != nil; c = c.Parent() {
		if f := c.PersistentFlags().Lookup(name); f != nil {
			return f
		}
	}
	return nil
}

// lookupShorthand is lookupFlag for a one-letter flag.
func lookupShorthand(cmd *cobra.Command, name string) *pflag.Flag {
	if f := cmd.Flags().ShorthandLookup(name); f != nil {
		return f
	}
	for c := cmd; c != nil; c = c.Parent() {
		if f := c.PersistentFlags().ShorthandLookup(name); f != nil {
			return f
		}
	}
	return nil
}

package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/nipc/nipc/internal/rpc"
)

// controlText says when an action needs enable_control: "yes", "no", or
// the parameters that make it need it.
func controlText(a rpc.ActionInfo) string {
	switch {
	case rpc.ControlSometimes[a.Name] != "":
		return "with " + rpc.ControlSometimes[a.Name]
	case a.Control:
		return "yes"
	}
	return "no"
}

// writeActionList prints nipc rpc --list: every legacy action and whether
// it needs enable_control.
func writeActionList(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "ACTION\tENABLE_CONTROL")
	for _, a := range legacyRegistry().Table() {
		fmt.Fprintf(tw, "%s\t%s\n", a.Name, controlText(a))
	}
	return tw.Flush()
}

// actionTableMarkdown is the same table for docs/PROTOCOL.md.
func actionTableMarkdown() string {
	var b strings.Builder
	b.WriteString("| Action | Needs `enable_control` |\n|---|---|\n")
	for _, a := range legacyRegistry().Table() {
		c := controlText(a)
		if p := rpc.ControlSometimes[a.Name]; p != "" {
			c = "with `" + p + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s |\n", a.Name, c)
	}
	return b.String()
}

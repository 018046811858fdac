package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/testenv"
)

// verbPaths lists every verb and sub-verb of the command tree, as the
// words after nipc ("config generate").
func verbPaths() [][]string {
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		for _, sub := range c.Commands() {
			if sub.Hidden {
				continue
			}
			p := append(slices.Clip(path), sub.Name())
			paths = append(paths, p)
			walk(sub, p)
		}
	}
	walk(newRootCmd(), nil)
	return paths
}

// TestEveryVerbHasHelp: nipc help VERB, VERB -h, VERB --help and VERB
// -help print the verb's usage and examples to stdout with exit 0, for
// every verb and sub-verb in the tree (a new verb is covered as soon as it
// is added).
func TestEveryVerbHasHelp(t *testing.T) {
	paths := verbPaths()
	if len(paths) < 18 {
		t.Fatalf("only %d verbs found: %q", len(paths), paths)
	}
	for _, p := range paths {
		name := strings.Join(p, " ")
		t.Run(name, func(t *testing.T) {
			for _, args := range [][]string{
				append([]string{"help"}, p...),
				append(slices.Clip(p), "-h"),
				append(slices.Clip(p), "--help"),
				append(slices.Clip(p), "-help"),
			} {
				out, errOut, code := nipc(t, nil, "", args...)
				if code != 0 {
					t.Fatalf("%q: exit %d\n%s", args, code, errOut)
				}
				for _, want := range []string{"Usage:\n  nipc " + name, "Examples:\n  ", "Exit codes:"} {
					if !strings.Contains(out, want) {
						t.Errorf("%q: stdout lacks %q:\n%s", args, want, out)
					}
				}
			}
		})
	}
	out, _, code := nipc(t, nil, "", "--help")
	if code != 0 || !strings.Contains(out, "Talk to a running node:") || !strings.Contains(out, "Exit codes:") {
		t.Errorf("nipc --help: exit %d\n%s", code, out)
	}
}

// TestArgumentsDocumented: a verb that takes arguments describes them in
// an Arguments section of its help.
func TestArgumentsDocumented(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			takesArgs := sub.Args == nil || sub.Args(sub, []string{"x"}) == nil || len(sub.ValidArgs) > 0 || sub.ValidArgsFunction != nil
			if !sub.HasSubCommands() && takesArgs && !strings.Contains(sub.Long, "\nArguments:\n") && sub.Name() != "help" {
				t.Errorf("%s takes arguments its Long does not describe", sub.CommandPath())
			}
			walk(sub)
		}
	}
	walk(newRootCmd())
}

// TestClientFlagsOnlyInClientHelp: the client flags show in the help of
// the verbs that take them and not in the others'.
func TestClientFlagsOnlyInClientHelp(t *testing.T) {
	for _, tt := range []struct {
		verb   string
		client bool
	}{{"rpc", true}, {"sub", true}, {"bench", true}, {"node", false}, {"list", false}, {"config", false}} {
		out, _, _ := nipc(t, nil, "", tt.verb, "--help")
		if got := strings.Contains(out, "--socket"); got != tt.client {
			t.Errorf("nipc %s --help shows the client flags: %v, want %v\n%s", tt.verb, got, tt.client, out)
		}
	}
}

// TestCompletion: the scripts for bash, zsh and fish, and what they ask
// nipc for: the legacy action names after rpc, v2 request names after
// call, any message name after describe.
func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		out, errOut, code := nipc(t, nil, "", "completion", shell)
		if code != 0 || !strings.Contains(out, "__complete") || !strings.Contains(out, "nipc") {
			t.Errorf("completion %s: exit %d\n%s", shell, code, errOut)
		}
	}
	var accActions []string
	for _, a := range legacyActionNames() {
		if strings.HasPrefix(a, "acc") {
			accActions = append(accActions, a)
		}
	}
	tests := []struct {
		name    string
		args    []string
		want    []string
		notWant []string
	}{
		{"verbs", []string{""}, []string{"rpc", "call", "sub", "config"}, nil},
		{"rpc actions", []string{"rpc", ""}, []string{"account_balance", "block_count", "version", "wallet_create", "work_generate"}, nil},
		{"rpc prefix", []string{"rpc", "acc"}, accActions, []string{"block_count"}},
		{"rpc after the action", []string{"rpc", "version", ""}, nil, []string{"block_count"}},
		{"call requests", []string{"call", "Account"}, []string{"AccountWeight", "AccountInfo"}, []string{"AccountWeightResponse"}},
		{"describe any message", []string{"describe", "AccountWeight"}, []string{"AccountWeight", "AccountWeightResponse"}, nil},
		{"sub topic", []string{"sub", ""}, []string{"confirmation"}, nil},
		{"config sub-verbs", []string{"config", ""}, []string{"generate", "check"}, nil},
		{"config generate kinds", []string{"config", "generate", ""}, []string{"node", "rpc", "access"}, nil},
		{"flags", []string{"sub", "confirmation", "--"}, []string{"--count", "--socket"}, nil},
		{"encoding values", []string{"call", "IsAlive", "--encoding", ""}, []string{"json", "flatbuffers"}, nil},
		{"bench actions", []string{"bench", "--action", "block_c"}, []string{"block_count"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := nipc(t, nil, "", append([]string{"__complete"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, errOut)
			}
			got := map[string]bool{}
			for _, l := range strings.Split(out, "\n") {
				name, _, _ := strings.Cut(l, "\t")
				got[name] = true
			}
			for _, w := range tt.want {
				if !got[w] {
					t.Errorf("completions lack %q:\n%s", w, out)
				}
			}
			for _, w := range tt.notWant {
				if got[w] {
					t.Errorf("completions hold %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestActionNamesMatchTheNode: the action names completion offers are the
// ones a running node answers (both come from internal/rpc's Register
// functions; this catches one the node adds and complete.go does not).
func TestActionNamesMatchTheNode(t *testing.T) {
	n := testenv.Start(t, testenv.Options{Node: func(c *config.Node) { c.RPC.Enable = false; c.Node.WebSocket.Enable = false }})
	if got, want := legacyActionNames(), n.LegacyActions(); !slices.Equal(got, want) {
		t.Errorf("completion's actions %q\nthe node's %q", got, want)
	}
}

package main

import (
	"slices"
	"testing"
)

// TestNormalizeArgs: long flags written with one dash become double-dash
// for the verb they follow; short flags, flag values, unknown words and
// everything after -- stay as typed.
func TestNormalizeArgs(t *testing.T) {
	tests := []struct {
		name     string
		in, want []string
	}{
		{"after the topic", []string{"sub", "confirmation", "-count", "1"}, []string{"sub", "confirmation", "--count", "1"}},
		{"before the verb", []string{"-timeout", "5s", "ping"}, []string{"--timeout", "5s", "ping"}},
		{"with =", []string{"call", "IsAlive", "-encoding=flatbuffers"}, []string{"call", "IsAlive", "--encoding=flatbuffers"}},
		{"short flags stay", []string{"bench", "-c", "16", "-d", "5s", "-action", "uptime"}, []string{"bench", "-c", "16", "-d", "5s", "--action", "uptime"}},
		{"a flag's value stays", []string{"rpc", "send", "-S", "-count"}, []string{"rpc", "send", "-S", "-count"}},
		{"a long flag's value stays", []string{"bench", "-req", "-warm"}, []string{"bench", "--req", "-warm"}},
		{"after --", []string{"rpc", "x", "--", "-count"}, []string{"rpc", "x", "--", "-count"}},
		{"unknown word", []string{"rpc", "-bogus", "x"}, []string{"rpc", "-bogus", "x"}},
		{"another verb's flag", []string{"rpc", "-count", "1"}, []string{"rpc", "-count", "1"}},
		{"bool flag takes no value", []string{"sub", "-no-block", "confirmation"}, []string{"sub", "--no-block", "confirmation"}},
		{"sub-verb flags", []string{"config", "check", "-data_path", "d"}, []string{"config", "check", "--data_path", "d"}},
		{"daemon flags", []string{"node", "-data_path", "d", "-config", "k=v"}, []string{"node", "--data_path", "d", "--config", "k=v"}},
		{"client flag after the verb", []string{"rpc", "uptime", "-access-file", "f"}, []string{"rpc", "uptime", "--access-file", "f"}},
		{"help", []string{"describe", "-help"}, []string{"describe", "--help"}},
		{"-h stays", []string{"rpc", "-h"}, []string{"rpc", "-h"}},
		{"short client flag before the verb", []string{"-P", "7177", "ping"}, []string{"-P", "7177", "ping"}},
		{"stdin argument", []string{"rpc", "-", "-timeout", "1s"}, []string{"rpc", "-", "--timeout", "1s"}},
		{"double dash stays", []string{"sub", "confirmation", "--count", "1"}, []string{"sub", "confirmation", "--count", "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := normalizeArgs(newRootCmd(), tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("normalizeArgs(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzNormalizeArgs: any argument list keeps its length and order of
// words, only ever gaining a dash, and never panics.
func FuzzNormalizeArgs(f *testing.F) {
	f.Add("sub\x00confirmation\x00-count\x001")
	f.Add("-P\x007177\x00ping")
	f.Add("rpc\x00-\x00--\x00-x")
	f.Fuzz(func(t *testing.T, joined string) {
		in := splitNUL(joined)
		out := normalizeArgs(newRootCmd(), in)
		if len(out) != len(in) {
			t.Fatalf("%q -> %q", in, out)
		}
		for i := range in {
			if out[i] != in[i] && out[i] != "-"+in[i] {
				t.Fatalf("%q -> %q", in, out)
			}
		}
	})
}

func splitNUL(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

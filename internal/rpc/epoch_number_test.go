package rpc

import (
	"strconv"
	"strings"
	"testing"
)

// TestPtreeUint8 is the node's request.get<uint8_t> on the texts a client
// may send as "epoch".
func TestPtreeUint8(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want uint8
		ok   bool
	}{
		{"1", 1, true},
		{"2", 2, true},
		{"0", 0, true},
		{"255", 255, true},
		{" 1 ", 1, true},
		{"\t2\n", 2, true},
		{"+1", 1, true},
		{"01", 1, true},
		{"-0", 0, true},
		{"-4294967295", 1, true}, // libstdc++ negates modulo 2^32
		{"256", 0, false},
		{"-1", 0, false},
		{"4294967297", 0, false}, // past unsigned int
		{"x", 0, false},
		{"", 0, false},
		{" ", 0, false},
		{"+", 0, false},
		{"1x", 0, false},
		{"1 x", 0, false},
		{"1.0", 0, false},
		{"0x1", 0, false},
		{"- 1", 0, false},
	} {
		got, ok := ptreeUint8(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ptreeUint8(%q) = %d, %t; want %d, %t", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// FuzzPtreeUint8: no panic, and a text without a sign is accepted exactly
// when, white space around it trimmed, it is decimal digits worth at most
// 255, and is then that number.
func FuzzPtreeUint8(f *testing.F) {
	for _, s := range []string{"1", " 2 ", "-1", "256", "x", "", "+01", "-4294967295"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ptreeUint8(s)
		if strings.ContainsAny(s, "+-") {
			return
		}
		trimmed := strings.Trim(s, " \t\n\v\f\r")
		want, err := strconv.ParseUint(trimmed, 10, 8)
		if wantOK := err == nil && trimmed != "" && trimmed[0] != '+'; ok != wantOK || (ok && uint64(got) != want) {
			t.Fatalf("ptreeUint8(%q) = %d, %t; strconv says %d, %v", s, got, ok, want, err)
		}
	})
}

package main

import (
	"strings"
	"testing"
)

// TestWorkBench: nipc work bench measures every kernel the CPU runs (the
// pure-Go one at least) and the expected times at the live thresholds.
func TestWorkBench(t *testing.T) {
	out, errOut, code := nipc(t, nil, "", "work", "bench", "-d", "50ms", "--threads", "2")
	if code != exitOK || !strings.Contains(out, "generic") || !strings.Contains(out, "send fffffff800000000") ||
		!strings.Contains(out, "on 2 core(s)") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if _, _, code := nipc(t, nil, "", "work", "bench", "-d", "0s"); code != exitUsage {
		t.Fatalf("a zero duration: exit %d, want %d", code, exitUsage)
	}
}

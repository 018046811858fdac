package config

import (
	"strings"
	"testing"
)

// TestWorkThreads: node.ledger.work_threads defaults to 0 (every CPU),
// loads what is in range and refuses the rest with file:line:col.
func TestWorkThreads(t *testing.T) {
	if got := DefaultNode().Node.Ledger.WorkThreads; got != 0 {
		t.Fatalf("default work_threads = %d", got)
	}
	for _, tt := range []struct {
		text    string
		want    int
		wantErr string
	}{
		{"[node.ledger]\nwork_threads = 0\n", 0, ""},
		{"[node.ledger]\nwork_threads = 2\n", 2, ""},
		{"node.ledger.work_threads = 1024\n", 1024, ""},
		{"[node.ledger]\nwork_threads = -1\n", 0, "2:16: node.ledger.work_threads: -1 is out of range 0..1024"},
		{"[node.ledger]\nwork_threads = 1025\n", 0, "2:16: node.ledger.work_threads: 1025 is out of range 0..1024"},
		{"[node.ledger]\nwork_threads = \"2\"\n", 0, "work_threads"},
	} {
		dir, path := writeFile(t, NodeFile, tt.text)
		n, err := LoadNode(dir, nil)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%q: %v", tt.text, err)
		case tt.wantErr == "" && n.Node.Ledger.WorkThreads != tt.want:
			t.Errorf("%q: work_threads = %d", tt.text, n.Node.Ledger.WorkThreads)
		case tt.wantErr != "" && (err == nil || !strings.Contains(errText(err), tt.wantErr) || !strings.HasPrefix(errText(err), path+":")):
			t.Errorf("%q: error %v, want %s:%s", tt.text, err, path, tt.wantErr)
		}
	}
}

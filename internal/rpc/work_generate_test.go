package rpc

import (
	"encoding/json"
	"testing"

	"github.com/nipc/nipc/nano"
)

// TestWorkGenerateOptions: work_generate's options and errors as the node
// has them (json_handler::work_generate).
func TestWorkGenerateOptions(t *testing.T) {
	key := nano.DeriveKey(nano.Seed{9}, 0)
	b := &nano.Block{Type: nano.BlockTypeState, Account: key.PublicKey(), Previous: nano.Hash{1}, Representative: key.PublicKey(), Balance: nano.NewAmount(5), Link: nano.Hash{2}}
	b.Sign(key)
	blockJSON, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	root := b.Root().String()
	// A block whose work is already enough for anything below ...ff.
	done := *b
	done.Work = findWork(t, done.Root(), nano.DevThresholds().Base())
	doneJSON, _ := json.Marshal(&done)

	const ledgerThreshold = 0xfff0000000000000 // what the stub ledger asks of the block
	reg := NewRegistry()
	RegisterKeyActionsWork(reg, nano.DevThresholds(), NewWork(1), func(*nano.Block) (uint64, error) { return ledgerThreshold, nil })
	l := &Legacy{Registry: reg, EnableControl: true}
	tests := []struct {
		name, body string
		wantErr    string
		minDiff    uint64 // the work found reaches at least this
	}{
		{"plain", `{"action":"work_generate","hash":"` + root + `"}`, "", nano.DevThresholds().Base()},
		{"version work_1", `{"action":"work_generate","hash":"` + root + `","version":"work_1"}`, "", nano.DevThresholds().Base()},
		{"bad version", `{"action":"work_generate","hash":"` + root + `","version":"work_2"}`, "Bad work version", 0},
		{"bad account", `{"action":"work_generate","hash":"` + root + `","account":"nano_1"}`, "Bad account number", 0},
		{"below the entry threshold", `{"action":"work_generate","hash":"` + root + `","difficulty":"0000000000000001"}`, "Difficulty above config limit or below publish threshold", 0},
		{"bad difficulty", `{"action":"work_generate","hash":"` + root + `","difficulty":"xyz"}`, "Bad difficulty", 0},
		{"bad multiplier", `{"action":"work_generate","hash":"` + root + `","multiplier":"-1"}`, "Bad multiplier", 0},
		{"block: its ledger threshold", `{"action":"work_generate","hash":"` + root + `","json_block":"true","block":` + string(blockJSON) + `}`, "", ledgerThreshold},
		{"block as a string", `{"action":"work_generate","hash":"` + root + `","block":` + quote(string(blockJSON)) + `}`, "", ledgerThreshold},
		{"block: root mismatch", `{"action":"work_generate","hash":"` + nano.Hash{7}.String() + `","json_block":"true","block":` + string(blockJSON) + `}`, "Root mismatch for block", 0},
		{"block: work already enough", `{"action":"work_generate","hash":"` + root + `","json_block":"true","difficulty":"` + nano.FormatWork(nano.DevThresholds().Entry()) + `","block":` + string(doneJSON) + `}`, "Provided work is already enough for given difficulty", 0},
		{"block: invalid", `{"action":"work_generate","hash":"` + root + `","json_block":"true","block":{"type":"state"}}`, "Block is invalid", 0},
		{"use_peers: generated here", `{"action":"work_generate","hash":"` + root + `","use_peers":"true"}`, "", nano.DevThresholds().Base()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := call(l, tt.body)
			if tt.wantErr != "" {
				if got["error"] != tt.wantErr || len(got) != 1 {
					t.Fatalf("got %v, want error %q", got, tt.wantErr)
				}
				return
			}
			if got["error"] != "" || got["hash"] != root {
				t.Fatalf("got %v", got)
			}
			w, err := nano.ParseWork(got["work"])
			if err != nil {
				t.Fatal(err)
			}
			if d := nano.Difficulty(b.Root(), w); d < tt.minDiff || nano.FormatWork(d) != got["difficulty"] {
				t.Fatalf("work %s has difficulty %x (reply %s), want >= %x", got["work"], d, got["difficulty"], tt.minDiff)
			}
		})
	}
}

func findWork(t *testing.T, root nano.Hash, target uint64) uint64 {
	t.Helper()
	for w := uint64(0); ; w++ {
		if nano.Difficulty(root, w) >= target {
			return w
		}
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

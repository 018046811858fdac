package rpc

import (
	"testing"
	"time"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/nano"
)

// Recent keeps the last size elections, oldest first, whether they come
// one by one or in a commit's batch.
func TestRecentKeepsTheLast(t *testing.T) {
	conf := func(i byte) ledger.Confirmation {
		return ledger.Confirmation{Hash: nano.Hash{i}, Election: ledger.ElectionInfo{
			Duration: time.Duration(i) * time.Millisecond, Time: time.UnixMilli(int64(i)), Tally: nano.NewAmount(uint64(i)),
			RequestCount: 1, BlockCount: 1, VoterCount: 1}}
	}
	tests := []struct {
		name  string
		size  int
		batch []int // sizes of successive Confirmed batches of 1, 2, 3, ...
		want  []byte
	}{
		{"empty", 3, nil, nil},
		{"below the bound", 3, []int{2}, []byte{1, 2}},
		{"at the bound", 3, []int{1, 2}, []byte{1, 2, 3}},
		{"oldest forgotten", 3, []int{2, 3}, []byte{3, 4, 5}},
		{"wraps twice", 2, []int{1, 1, 1, 1, 1}, []byte{4, 5}},
		{"size 0 is the default", 0, []int{4}, []byte{1, 2, 3, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRecent(tt.size)
			next := byte(1)
			for _, n := range tt.batch {
				var cs []ledger.Confirmation
				for range n {
					cs = append(cs, conf(next))
					next++
				}
				r.Confirmed(cs)
			}
			got := r.List()
			if len(got) != len(tt.want) {
				t.Fatalf("kept %d, want %d", len(got), len(tt.want))
			}
			for i, e := range got {
				c := conf(tt.want[i])
				if e != ElectionOf(&c) || e.FinalTally != e.Tally {
					t.Errorf("election %d = %+v, want that of %d", i, e, tt.want[i])
				}
			}
		})
	}
	if r := NewRecent(0); len(r.ring) != DefaultRecentElections {
		t.Errorf("default size %d, want %d", len(r.ring), DefaultRecentElections)
	}
}

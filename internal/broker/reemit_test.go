package broker

import (
	"testing"

	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/ipc"
)

// A confirmation published at its commit is active_quorum; the same block
// emitted again (block_confirm) is active_confirmation_height, without a
// sequence. Each type filter lets through exactly its types.
func TestReemitTypeFilters(t *testing.T) {
	tests := []struct {
		filter          fb.TopicConfirmationTypeFilter
		quorum, reemits bool
	}{
		{fb.TopicConfirmationTypeFilterall, true, true},
		{fb.TopicConfirmationTypeFilteractive, true, true},
		{fb.TopicConfirmationTypeFilteractive_quorum, true, false},
		{fb.TopicConfirmationTypeFilteractive_confirmation_height, false, true},
		{fb.TopicConfirmationTypeFilterinactive, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.filter.String(), func(t *testing.T) {
			b := New(nil, nil, 0)
			c := newConn(ipc.EncodingFlatbuffersJSON)
			defer c.Close()
			subscribe(t, b, c, &fb.TopicConfirmationOptionsT{ConfirmationTypeFilter: tt.filter, IncludeBlock: true})
			conf := confirmation(alice, bob, 1)
			conf.Sequence = 7
			b.Publish(conf)
			b.Reemit(*conf)
			if conf.ConfirmationType != TypeActiveQuorum || conf.Sequence != 7 {
				t.Fatalf("Reemit changed its argument: %+v", conf)
			}
			var want []fb.TopicConfirmationType
			if tt.quorum {
				want = append(want, fb.TopicConfirmationTypeactive_quorum)
			}
			if tt.reemits {
				want = append(want, fb.TopicConfirmationTypeactive_confirmation_height)
			}
			evs := c.events(t, len(want))
			c.quiet(t)
			for i, env := range evs {
				ev := env.Message.Value.(*fb.EventConfirmationT)
				if ev.ConfirmationType != want[i] || ev.Hash != conf.Hash.String() {
					t.Errorf("event %d: type %v hash %s, want %v %s", i, ev.ConfirmationType, ev.Hash, want[i], conf.Hash)
				}
				wantSeq := uint64(7)
				if want[i] == fb.TopicConfirmationTypeactive_confirmation_height {
					wantSeq = 0
				}
				if ev.Sequence != wantSeq {
					t.Errorf("event %d: sequence %d, want %d", i, ev.Sequence, wantSeq)
				}
			}
		})
	}
}

package natsgw

import "testing"

// TestPositionLag: the lag is the stream's last confirmation (from a
// delivered message's pending count or a poll of the stream's last
// sequence, stream and confirmation sequences following each other one for
// one) minus the last one offered.
func TestPositionLag(t *testing.T) {
	type step struct {
		offer      [3]uint64 // conf, stream, pending; zero: a poll
		poll       uint64
		last, lagN uint64
	}
	tests := []struct {
		name  string
		start [2]uint64 // conf, stream of the stream's last message at start
		steps []step
	}{
		{"empty stream", [2]uint64{0, 0}, []step{{poll: 0, last: 0, lagN: 0}, {poll: 3, last: 3, lagN: 3}, {offer: [3]uint64{1, 1, 2}, last: 3, lagN: 2}}},
		{"offset", [2]uint64{100, 40}, []step{{poll: 40, last: 100, lagN: 0}, {poll: 45, last: 105, lagN: 5}, {offer: [3]uint64{101, 41, 9}, last: 110, lagN: 9}, {offer: [3]uint64{110, 50, 0}, last: 110, lagN: 0}}},
		{"a stale poll never lowers it", [2]uint64{10, 10}, []step{{offer: [3]uint64{12, 12, 3}, last: 15, lagN: 3}, {poll: 11, last: 15, lagN: 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p position
			p.conf, p.stream, p.streamLast = tt.start[0], tt.start[1], tt.start[0]
			for i, s := range tt.steps {
				if s.offer != [3]uint64{} {
					p.offered(s.offer[0], s.offer[1], s.offer[2])
				} else {
					p.polled(s.poll)
				}
				if last, _, lag := p.lag(); last != s.last || lag != s.lagN {
					t.Errorf("step %d: stream's last %d, lag %d; want %d, %d", i, last, lag, s.last, s.lagN)
				}
			}
		})
	}
}

package rpc

import (
	"context"
	"strconv"

	"github.com/nipc/nipc/internal/ptree"
)

// NATSStatus is the node's NATS outbox ([node.nats]) as nats_status
// reports it.
type NATSStatus struct {
	Connected bool   // connected to a NATS server now
	Acked     uint64 // the highest confirmation sequence the stream acknowledged
	Lag       uint64 // the ledger's confirmation sequence minus Acked
}

// natsStatus is nats_status, a nipc extension (not control: it reveals
// counts only): the ledger's confirmation sequence (the highest one; a
// subscriber resumes after a sequence it saw) and, with [node.nats] on,
// whether the node is connected to NATS, the sequence the stream
// acknowledged and the lag between the two.
//
//	{"confirmation_sequence": "N", "nats": "false"}
//	{"confirmation_sequence": "N", "nats": "true", "connected": "true",
//	 "acked_sequence": "A", "lag": "L"}
func (d *DevNode) natsStatus(ctx context.Context, req *Request) (*ptree.Tree, error) {
	t := ptree.New()
	t.Put("confirmation_sequence", strconv.FormatUint(d.Backend.Ledger.ConfirmationSequence(), 10))
	if d.NATS == nil {
		return t.Put("nats", "false"), nil
	}
	s := d.NATS()
	return t.Put("nats", "true").
		Put("connected", strconv.FormatBool(s.Connected)).
		Put("acked_sequence", strconv.FormatUint(s.Acked, 10)).
		Put("lag", strconv.FormatUint(s.Lag, 10)), nil
}

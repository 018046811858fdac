package gateway

import (
	"math/big"
	"strconv"
	"time"

	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/nano"
)

// renderTopic is a topic event's message, as the node's message_builder
// writes it: {"topic": name, "time": ms, "message": {...}} (and, for
// new_unconfirmed_block, "hash" before "message"), every scalar a string.
// nil for a payload it does not know.
func renderTopic(ev *broker.Event) []byte {
	root := ptree.New()
	root.Put("topic", ev.Topic().String())
	root.Put("time", millis(ev.Time()))
	var m *ptree.Tree
	switch p := ev.Payload().(type) {
	case *broker.Vote:
		m = voteTree(p)
	case *broker.Election:
		m = ptree.New().Put("hash", p.Hash.String())
	case *broker.NewBlock:
		m = ptree.New()
		if err := p.Block.JSONFields(func(k, v string) { m.Put(k, v) }); err != nil {
			return nil
		}
		m.Put("subtype", p.Subtype)
		root.Put("hash", p.Hash.String())
	case *broker.Difficulty:
		m = ptree.New().
			Put("network_minimum", nano.FormatWork(p.Minimum)).
			Put("network_receive_minimum", nano.FormatWork(p.ReceiveMinimum)).
			Put("network_current", nano.FormatWork(p.Current)).
			Put("multiplier", nano.FormatMultiplier(p.Multiplier)).
			Put("network_receive_current", nano.FormatWork(p.ReceiveCurrent))
	case *broker.Work:
		m = workTree(p)
	case *broker.Telemetry:
		m = ptree.New()
		for k, v := range p.Data.All() {
			m.PutChild(k, v)
		}
		m.Put("address", p.Address)
		m.Put("port", strconv.Itoa(int(p.Port)))
	case *broker.Bootstrap:
		m = ptree.New().Put("reason", p.Reason).Put("id", p.ID).Put("mode", p.Mode)
		if p.Reason == "exited" {
			m.Put("total_blocks", strconv.FormatUint(p.TotalBlocks, 10))
			m.Put("duration", strconv.FormatInt(int64(p.Duration/time.Second), 10))
		}
	default:
		return nil
	}
	root.PutChild("message", m)
	return ptree.AppendPretty(nil, root)
}

// voteTree is the node's vote::serialize_json plus "type": the signature
// as a decimal number (uint512::number), "sequence" equal to "timestamp".
func voteTree(v *broker.Vote) *ptree.Tree {
	ts := strconv.FormatUint(v.Timestamp, 10)
	blocks := ptree.New()
	for _, h := range v.Hashes {
		blocks.PushValue(h.String())
	}
	return ptree.New().
		Put("account", v.Account.Account()).
		Put("signature", new(big.Int).SetBytes(v.Signature[:]).String()).
		Put("sequence", ts).
		Put("timestamp", ts).
		Put("duration", strconv.Itoa(int(v.Duration))).
		PutChild("blocks", blocks).
		Put("type", v.Type)
}

// workTree is the node's work_generation message: the result only on
// success; bad_peers an empty string when there are none (the node's
// write_json writes an empty child so), else a list.
func workTree(w *broker.Work) *ptree.Tree {
	reason := ""
	if !w.Success {
		reason = "failure"
		if w.Cancelled {
			reason = "cancelled"
		}
	}
	req := ptree.New().
		Put("version", w.Version).
		Put("hash", w.Root.String()).
		Put("difficulty", nano.FormatWork(w.Difficulty)).
		Put("multiplier", nano.FormatMultiplier(nano.Multiplier(w.Difficulty, w.Base)))
	m := ptree.New().
		Put("success", strconv.FormatBool(w.Success)).
		Put("reason", reason).
		Put("duration", strconv.FormatInt(w.Duration.Milliseconds(), 10)).
		PutChild("request", req)
	if w.Success {
		d := nano.Difficulty(w.Root, w.Work)
		m.PutChild("result", ptree.New().
			Put("source", w.Source).
			Put("work", nano.FormatWork(w.Work)).
			Put("difficulty", nano.FormatWork(d)).
			Put("multiplier", nano.FormatMultiplier(nano.Multiplier(d, w.Base))))
	}
	if len(w.BadPeers) == 0 {
		m.Put("bad_peers", "")
	} else {
		peers := ptree.New()
		for _, p := range w.BadPeers {
			peers.PushValue(p)
		}
		m.PutChild("bad_peers", peers)
	}
	return m
}

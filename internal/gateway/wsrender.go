package gateway

import (
	"strconv"
	"time"

	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/nano"
)

// The WebSocket's messages are boost property trees written by write_json,
// as the node writes them: 4-space pretty JSON, every scalar a string.

func millis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// renderAck is {"ack": action, "time": ms, ["id": id]}.
func renderAck(action, id string, now time.Time) []byte {
	t := ptree.New()
	t.Put("ack", action)
	t.Put("time", millis(now))
	if id != "" {
		t.Put("id", id)
	}
	return ptree.AppendPretty(nil, t)
}

// renderError is the node's WebSocket error message (its send_error):
// {["ack": action], "time": ms, "error": text, "error_code": code, ["id": id]}.
func renderError(action, id string, code int32, text string, now time.Time) []byte {
	t := ptree.New()
	if action != "" {
		t.Put("ack", action)
	}
	t.Put("time", millis(now))
	t.Put("error", text)
	t.Put("error_code", strconv.Itoa(int(code)))
	if id != "" {
		t.Put("id", id)
	}
	return ptree.AppendPretty(nil, t)
}

// renderConfirmation is a "confirmation" topic message:
//
//	{"topic": "confirmation", "time": ms, "message": {account, amount, hash,
//	 confirmation_type, [election_info], [block]}, "sequence": n}
//
// "sequence" (nipc's, absent when the event has none) is the block's
// confirmation sequence, a top-level key after the node's three: the
// message object keeps the node's shape.
// with the block as the node's legacy JSON block plus "subtype" for state
// blocks, and election_info {duration, time, tally, final, blocks, voters,
// request_count}.
func renderConfirmation(ev *fb.EventConfirmationT, at time.Time, includeBlock, includeElection bool) []byte {
	m := ptree.New()
	m.Put("account", ev.Account)
	m.Put("amount", ev.Amount)
	m.Put("hash", ev.Hash)
	m.Put("confirmation_type", confirmationTypeName(ev.ConfirmationType))
	if e := ev.ElectionInfo; includeElection && e != nil {
		t := ptree.New()
		t.Put("duration", strconv.FormatUint(e.Duration, 10))
		t.Put("time", strconv.FormatUint(e.Time, 10))
		t.Put("tally", e.Tally)
		// The final-vote tally: on a single-node network the node's own
		// final vote is the whole tally.
		t.Put("final", e.Tally)
		t.Put("blocks", strconv.FormatUint(e.BlockCount, 10))
		t.Put("voters", strconv.FormatUint(e.VoterCount, 10))
		t.Put("request_count", strconv.FormatUint(e.RequestCount, 10))
		m.PutChild("election_info", t)
	}
	if includeBlock && ev.Block != nil {
		if b := blockTree(ev.Block); b != nil {
			m.PutChild("block", b)
		}
	}
	root := ptree.New()
	root.Put("topic", "confirmation")
	root.Put("time", millis(at))
	root.PutChild("message", m)
	if ev.Sequence != 0 {
		root.Put("sequence", strconv.FormatUint(ev.Sequence, 10))
	}
	return ptree.AppendPretty(nil, root)
}

func confirmationTypeName(t fb.TopicConfirmationType) string {
	if s, ok := fb.EnumNamesTopicConfirmationType[t]; ok {
		return s
	}
	return strconv.Itoa(int(t))
}

// blockTree is a block as the node's serialize_json writes it (the key order
// of nano.Block.MarshalJSON), plus "subtype" for a state block.
func blockTree(b *fb.BlockT) *ptree.Tree {
	t := ptree.New()
	switch v := b.Value.(type) {
	case *fb.BlockStateT:
		t.Put("type", "state")
		t.Put("account", v.Account)
		t.Put("previous", v.Previous)
		t.Put("representative", v.Representative)
		t.Put("balance", v.Balance)
		t.Put("link", v.Link)
		t.Put("link_as_account", v.LinkAsAccount)
		t.Put("signature", v.Signature)
		t.Put("work", v.Work)
		t.Put("subtype", fb.EnumNamesBlockSubType[v.Subtype])
	case *fb.BlockSendT:
		t.Put("type", "send")
		t.Put("previous", v.Previous)
		t.Put("destination", v.Destination)
		t.Put("balance", hexBalance(v.Balance))
		t.Put("work", v.Work)
		t.Put("signature", v.Signature)
	case *fb.BlockReceiveT:
		t.Put("type", "receive")
		t.Put("previous", v.Previous)
		t.Put("source", v.Source)
		t.Put("work", v.Work)
		t.Put("signature", v.Signature)
	case *fb.BlockOpenT:
		t.Put("type", "open")
		t.Put("source", v.Source)
		t.Put("representative", v.Representative)
		t.Put("account", v.Account)
		t.Put("work", v.Work)
		t.Put("signature", v.Signature)
	case *fb.BlockChangeT:
		t.Put("type", "change")
		t.Put("previous", v.Previous)
		t.Put("representative", v.Representative)
		t.Put("work", v.Work)
		t.Put("signature", v.Signature)
	default:
		return nil
	}
	return t
}

// hexBalance turns a legacy send's decimal balance into the 32 hex digits
// the node's JSON has.
func hexBalance(dec string) string {
	a, err := nano.ParseAmount(dec)
	if err != nil {
		return dec
	}
	return a.Hex()
}

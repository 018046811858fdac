package gateway

import (
	"strconv"
	"time"

	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/apiconv"
	"github.com/nipc/nipc/internal/ptree"
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
// message object keeps the node's shape, with the block as the node's legacy JSON block plus "subtype" for state
// blocks, and election_info {duration, time, tally, final, blocks, voters,
// request_count}.
func renderConfirmation(ev *fb.EventConfirmationT, at time.Time, includeBlock, includeElection bool) []byte {
	root := ptree.New()
	root.Put("topic", "confirmation")
	root.Put("time", millis(at))
	root.PutChild("message", confirmationMessage(ev, includeBlock, includeElection))
	if ev.Sequence != 0 {
		root.Put("sequence", strconv.FormatUint(ev.Sequence, 10))
	}
	return ptree.AppendPretty(nil, root)
}

// Sideband is a confirmation message's "sideband" (the WebSocket's
// include_sideband_info): the block's height in its account and its local
// timestamp in seconds.
type Sideband struct {
	Height         uint64
	LocalTimestamp uint64
}

// RenderConfirmation is the "confirmation" topic message with block,
// election info and sideband (all of include_block,
// include_election_info and include_sideband_info), and the top-level
// "sequence" (the confirmation sequence): what nipc publishes to NATS
// (package natsbus).
func RenderConfirmation(ev *fb.EventConfirmationT, at time.Time, sequence uint64, sb Sideband) []byte {
	m := confirmationMessage(ev, true, true)
	t := ptree.New()
	t.Put("height", strconv.FormatUint(sb.Height, 10))
	t.Put("local_timestamp", strconv.FormatUint(sb.LocalTimestamp, 10))
	m.PutChild("sideband", t)
	root := ptree.New()
	root.Put("topic", "confirmation")
	root.Put("time", millis(at))
	root.PutChild("message", m)
	root.Put("sequence", strconv.FormatUint(sequence, 10))
	return ptree.AppendPretty(nil, root)
}

// confirmationMessage is the "message" of a confirmation topic message.
func confirmationMessage(ev *fb.EventConfirmationT, includeBlock, includeElection bool) *ptree.Tree {
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
	return m
}

func confirmationTypeName(t fb.TopicConfirmationType) string {
	if s, ok := fb.EnumNamesTopicConfirmationType[t]; ok {
		return s
	}
	return strconv.Itoa(int(t))
}

// blockTree is a block as the node's serialize_json writes it (the members
// of nano.Block.JSONFields), plus "subtype" for a state block. A block that
// does not read back as a nano.Block (never one the node sent) is left out.
func blockTree(b *fb.BlockT) *ptree.Tree {
	nb, err := apiconv.BlockFromTable(b)
	if err != nil {
		return nil
	}
	t := ptree.New()
	if err := nb.JSONFields(func(k, v string) { t.Put(k, v) }); err != nil {
		return nil
	}
	if v, ok := b.Value.(*fb.BlockStateT); ok {
		t.Put("subtype", fb.EnumNamesBlockSubType[v.Subtype])
	}
	return t
}

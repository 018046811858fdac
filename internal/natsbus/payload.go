package natsbus

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/apiconv"
	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/nano"
)

// payload is a stream message's payload as JSON (every scalar a string).
type payload struct {
	Time     string `json:"time"`
	Sequence string `json:"sequence"`
	Message  struct {
		Account          string            `json:"account"`
		Amount           string            `json:"amount"`
		Hash             string            `json:"hash"`
		ConfirmationType string            `json:"confirmation_type"`
		ElectionInfo     map[string]string `json:"election_info"`
		Block            map[string]string `json:"block"`
		Sideband         map[string]string `json:"sideband"`
	} `json:"message"`
}

// Confirmation is a stream message's payload read back: the v2 event (with
// its block, election info and sequence), its time, and its sideband
// (Height 0 when the payload has none).
type Confirmation struct {
	Event                  *fb.EventConfirmationT
	Time                   time.Time
	Height, LocalTimestamp uint64
}

// BrokerEvent is the confirmation as a broker.Event, sideband included,
// for a gateway's subscriptions.
func (c Confirmation) BrokerEvent() *broker.Event {
	return broker.NewEventWithSideband(c.Event, c.Time, c.Height, c.LocalTimestamp)
}

// ParseConfirmation reads a stream message's payload back into the v2
// event (with its block, election info and sequence), its time and its
// sideband, so that a gateway fans it out with each WebSocket client's
// options as if the node had sent it. Anything that is not such a payload
// is an error.
func ParseConfirmation(data []byte) (Confirmation, error) {
	var p payload
	if err := json.Unmarshal(data, &p); err != nil {
		return Confirmation{}, fmt.Errorf("natsbus: confirmation payload: %w", err)
	}
	seq, err := strconv.ParseUint(p.Sequence, 10, 64)
	if err != nil || seq == 0 {
		return Confirmation{}, fmt.Errorf("natsbus: confirmation payload: bad sequence %q", p.Sequence)
	}
	ms, err := strconv.ParseInt(p.Time, 10, 64)
	if err != nil {
		return Confirmation{}, fmt.Errorf("natsbus: confirmation payload: bad time %q", p.Time)
	}
	m := &p.Message
	if _, err := nano.ParseAccount(m.Account); err != nil {
		return Confirmation{}, fmt.Errorf("natsbus: confirmation payload: account: %w", err)
	}
	hash, err := nano.ParseHash(m.Hash)
	if err != nil {
		return Confirmation{}, fmt.Errorf("natsbus: confirmation payload: hash: %w", err)
	}
	typ, ok := fb.EnumValuesTopicConfirmationType[m.ConfirmationType]
	if !ok {
		return Confirmation{}, fmt.Errorf("natsbus: confirmation payload: confirmation_type %q", m.ConfirmationType)
	}
	ev := &fb.EventConfirmationT{ConfirmationType: typ, Account: m.Account, Amount: m.Amount, Hash: m.Hash, Sequence: seq}
	if m.Block != nil {
		b, err := nano.ParseBlockMap(m.Block)
		if err != nil {
			return Confirmation{}, fmt.Errorf("natsbus: confirmation payload: block: %w", err)
		}
		ev.Block = apiconv.BlockTable(b, hash, subtypeOf(m.Block["subtype"]))
	}
	if e := m.ElectionInfo; e != nil {
		n := func(k string) uint64 { v, _ := strconv.ParseUint(e[k], 10, 64); return v }
		ev.ElectionInfo = &fb.ElectionInfoT{Duration: n("duration"), Time: n("time"), Tally: e["tally"],
			BlockCount: n("blocks"), VoterCount: n("voters"), RequestCount: n("request_count")}
	}
	c := Confirmation{Event: ev, Time: time.UnixMilli(ms)}
	if sb := m.Sideband; sb != nil {
		c.Height, _ = strconv.ParseUint(sb["height"], 10, 64)
		c.LocalTimestamp, _ = strconv.ParseUint(sb["local_timestamp"], 10, 64)
	}
	return c, nil
}

func subtypeOf(s string) ledger.Subtype {
	for _, t := range []ledger.Subtype{ledger.SubtypeSend, ledger.SubtypeReceive, ledger.SubtypeChange, ledger.SubtypeEpoch} {
		if t.String() == s {
			return t
		}
	}
	return ledger.SubtypeUnknown
}

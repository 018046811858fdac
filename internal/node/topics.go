package node

import (
	"encoding/binary"

	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/rpc"
	"github.com/nipc/nipc/nano"
	"golang.org/x/crypto/blake2b"
)

// publishTopics publishes, for each block of a commit and before its
// confirmation, the events a single node really has for it
// (docs/GATEWAY.md): the block arriving (new_unconfirmed_block), its
// election starting (started_election) and the final vote this node's
// representative, the dev genesis one, casts for it (vote, type "vote").
// Its election is confirmed by that vote, so stopped_election (an
// election dropped or lost) never fires. Nothing is built for a topic
// nobody subscribes to; nothing waits.
func (n *Node) publishTopics(cs []ledger.Confirmation) {
	b := n.broker
	blocks, elections, votes := b.Wants(broker.TopicNewUnconfirmedBlock), b.Wants(broker.TopicStartedElection), b.Wants(broker.TopicVote)
	if !blocks && !elections && !votes {
		return
	}
	var rep nano.PrivateKey
	var repPub nano.PublicKey
	if votes {
		rep = nano.DevGenesisKey()
		repPub = rep.PublicKey()
	}
	for i := range cs {
		c := &cs[i]
		if blocks && c.Block != nil {
			b.PublishTopic(broker.TopicNewUnconfirmedBlock, &broker.NewBlock{Hash: c.Hash, Block: c.Block, Subtype: c.Subtype.String()})
		}
		if elections {
			b.PublishTopic(broker.TopicStartedElection, &broker.Election{Hash: c.Hash})
		}
		if votes {
			b.PublishTopic(broker.TopicVote, finalVote(rep, repPub, c.Hash))
		}
	}
}

// finalVote is a final vote for hash signed with rep, whose public key is
// pub (derived once per commit, not per vote): the signature is
// over the node's vote hash, blake2b-256("vote " || hashes || timestamp
// as 8 little-endian bytes).
func finalVote(rep nano.PrivateKey, pub nano.PublicKey, hash nano.Hash) *broker.Vote {
	h, _ := blake2b.New256(nil)
	h.Write([]byte("vote "))
	h.Write(hash[:])
	h.Write(binary.LittleEndian.AppendUint64(nil, broker.VoteFinal))
	return &broker.Vote{Account: pub, Signature: nano.Sign(rep, h.Sum(nil)),
		Timestamp: broker.VoteFinal, Duration: 15, Hashes: []nano.Hash{hash}, Type: "vote"}
}

// setTopicState gives the broker the current state of the topics that
// report state rather than events: active_difficulty (the dev thresholds,
// which never change here, so it is sent once, on subscribing) and
// telemetry (this node's own, the only node it hears from, sent once on
// subscribing). The work topic is fed by work_generate (rpc.Work's
// OnGenerate).
func (n *Node) setTopicState(dev *rpc.DevNode) {
	th := n.thresholds()
	n.broker.SetCurrent(broker.TopicActiveDifficulty, func() any {
		return &broker.Difficulty{Minimum: th.Base(), ReceiveMinimum: th.Epoch2Receive,
			Current: th.Base(), ReceiveCurrent: th.Epoch2Receive, Multiplier: 1}
	})
	n.broker.SetCurrent(broker.TopicTelemetry, func() any {
		return &broker.Telemetry{Data: dev.LocalTelemetry(), Address: "::1", Port: 0}
	})
	n.work.OnGenerate = func(w *broker.Work) { n.broker.PublishTopic(broker.TopicWork, w) }
}

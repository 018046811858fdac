package rpc

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/nano"
)

// textConfirmationNotFound is the node's error_rpc::confirmation_not_found.
const textConfirmationNotFound = "Active confirmation not found"

// RegisterConfirmationActions adds the election actions of a single dev
// node, where every block is confirmed by its own election in the commit
// that stores it, so no election is ever active when a request is
// answered: block_confirm (emits a confirmed block's confirmation again),
// confirmation_history (d.Recent), confirmation_active and
// election_statistics (no active election), confirmation_info (never
// finds an active one).
func RegisterConfirmationActions(r *Registry, d *DevNode) {
	r.Register(Action{Name: "block_confirm", Func: ledgerAction(d.blockConfirm)})
	r.Register(Action{Name: "confirmation_history", Func: ledgerAction(d.confirmationHistory)})
	r.Register(Action{Name: "confirmation_active", Func: confirmationActive})
	r.Register(Action{Name: "confirmation_info", Func: confirmationInfo})
	r.Register(Action{Name: "election_statistics", Func: electionStatistics})
}

// blockConfirm is the node's block_confirm on a confirmed block (every
// stored block is): it records an election in the confirmation history as
// the node does (ended now, no duration, tally or voters, one block) and
// hands the block's confirmation to d.Reemit, which publishes it again.
func (d *DevNode) blockConfirm(c *ledgerCall) error {
	h, err := c.hash("hash", textInvalidBlockHash)
	if err != nil {
		return err
	}
	sb, err := d.Backend.Ledger.Block(h)
	if errors.Is(err, ledger.ErrBlockNotFound) {
		return Errorf(textBlockNotFound)
	}
	if err != nil {
		return err
	}
	cs, err := d.Backend.Ledger.ConfirmationsFrom(sb.Sequence, 1)
	if err != nil {
		return err
	}
	if len(cs) != 1 || cs[0].Hash != h {
		return errors.New("rpc: block_confirm: the ledger's confirmation sequence does not name the block")
	}
	conf := cs[0]
	conf.Election = ledger.ElectionInfo{Time: time.Now(), BlockCount: 1}
	if d.Recent != nil {
		d.Recent.Put(ElectionOf(&conf))
	}
	if d.Reemit != nil {
		d.Reemit(conf)
	}
	c.out.Put("started", "1")
	return nil
}

// confirmationHistory lists the recent elections, oldest first, or only
// those of "hash": hash, duration (ms), time (ms since the epoch), tally,
// final, blocks, voters, request_count; confirmation_stats has their count
// and, with at least one, their average duration in ms.
func (d *DevNode) confirmationHistory(c *ledgerCall) error {
	var only nano.Hash // zero: every election, as the node's
	if _, ok := c.req.Get("hash"); ok {
		h, err := c.hash("hash", textInvalidBlockHash)
		if err != nil {
			return err
		}
		only = h
	}
	var list []Election
	if d.Recent != nil {
		list = d.Recent.List()
	}
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	elections := ptree.New()
	var n, total uint64
	for _, e := range list {
		if !only.IsZero() && e.Hash != only {
			continue
		}
		ms := uint64(e.Duration.Milliseconds())
		n++
		total += ms
		elections.Push(ptree.New().
			Put("hash", e.Hash.String()).
			Put("duration", u(ms)).
			Put("time", u(uint64(e.End.UnixMilli()))).
			Put("tally", e.Tally.String()).
			Put("final", e.FinalTally.String()).
			Put("blocks", u(uint64(e.BlockCount))).
			Put("voters", u(uint64(e.VoterCount))).
			Put("request_count", u(uint64(e.RequestCount))))
	}
	stats := ptree.New().Put("count", u(n))
	if n > 0 {
		stats.Put("average", u(total/n))
	}
	c.out.PutChild("confirmation_stats", stats).PutChild("confirmations", elections)
	return nil
}

// confirmationActive lists the active elections' roots: none. The node's
// "announcements" option (a minimum request count) leaves none out of
// none, so it is not read.
func confirmationActive(ctx context.Context, req *Request) (*ptree.Tree, error) {
	return ptree.New().PutChild("confirmations", ptree.New()).Put("unconfirmed", "0").Put("confirmed", "0"), nil
}

// confirmationInfo answers about the active election of "root": a root
// that parses names none (the node answers the same for an election that
// has ended), so its options (contents, json_block, representatives)
// change nothing.
func confirmationInfo(ctx context.Context, req *Request) (*ptree.Tree, error) {
	s, err := req.Require("root")
	if err != nil {
		return nil, err
	}
	if _, err := nano.ParseQualifiedRoot(s); err != nil {
		return nil, Errorf("%s", err.Error())
	}
	return nil, Errorf(textConfirmationNotFound)
}

// electionStatistics counts the active elections by kind, in the
// documentation's names: none of any kind, so the container is 0.00% used
// and the oldest and average ages are 0 ms.
func electionStatistics(ctx context.Context, req *Request) (*ptree.Tree, error) {
	return ptree.New().
		Put("normal", "0").
		Put("priority", "0").
		Put("hinted", "0").
		Put("optimistic", "0").
		Put("total", "0").
		Put("aec_utilization_percentage", "0.00").
		Put("max_election_age", "0").
		Put("average_election_age", "0"), nil
}

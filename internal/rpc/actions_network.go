package rpc

import (
	"context"
	"net/netip"
	"strconv"

	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/nano"
)

// The node's error texts of the network actions.
const (
	textInvalidPort        = "Invalid port"
	textInvalidIPAddress   = "Invalid IP address"
	textTrackingNotEnabled = "Database transaction tracking is not enabled in the config"
)

// RegisterNetworkActions adds the actions about the peer-to-peer network,
// answered with the truth of a single dev node that has no network (see
// docs/PROTOCOL.md, "A single dev node"), in the node's shapes:
//
//	peers                      {"peers": ""}: no peers (peer_details too)
//	work_peers (control)       {"work_peers": ""}: nipc never asks peers for work
//	work_peer_add (control)    {"success": ""} for a valid port; no peer is kept
//	work_peers_clear (control) {"success": ""}
//	keepalive (control)        {"started": "1"} for a valid port
//	bootstrap                  {"success": ""} for an IPv6 address and a port
//	bootstrap_any              {"success": ""}
//	bootstrap_lazy (control)   {"started": "0", "key_inserted": "0"}: nothing to pull from
//	bootstrap_priorities (c.)  {"priorities": "", "blocking": ""}
//	bootstrap_reset (control)  {"success": ""}
//	bootstrap_status           no attempts, every count "0"
//	active_difficulty          the ledger's thresholds, multiplier 1
//	populate_backlog (control) {"success": ""}: every block is confirmed already
//	database_txn_tracker (c.)  the node's "not enabled" error: nipc tracks none
func RegisterNetworkActions(r *Registry, thresholds nano.Thresholds) {
	r.Register(Action{Name: "peers", Func: func(ctx context.Context, req *Request) (*ptree.Tree, error) {
		return ptree.New().Put("peers", ""), nil
	}})
	r.Register(Action{Name: "work_peers", Func: func(ctx context.Context, req *Request) (*ptree.Tree, error) {
		return ptree.New().Put("work_peers", ""), nil
	}})
	r.Register(Action{Name: "work_peer_add", Func: func(ctx context.Context, req *Request) (*ptree.Tree, error) {
		if _, err := req.Require("address"); err != nil {
			return nil, err
		}
		if err := portParam(req); err != nil {
			return nil, err
		}
		return success(), nil
	}})
	r.Register(Action{Name: "work_peers_clear", Func: successAction})
	r.Register(Action{Name: "keepalive", Func: func(ctx context.Context, req *Request) (*ptree.Tree, error) {
		if _, err := req.Require("address"); err != nil {
			return nil, err
		}
		if err := portParam(req); err != nil {
			return nil, err
		}
		return ptree.New().Put("started", "1"), nil
	}})
	r.Register(Action{Name: "bootstrap", Func: bootstrap})
	r.Register(Action{Name: "bootstrap_any", Func: ledgerAction(func(c *ledgerCall) error {
		if _, _, err := c.optionalAccount("account", textBadAccount); err != nil {
			return err
		}
		c.out.Put("success", "")
		return nil
	})})
	r.Register(Action{Name: "bootstrap_lazy", Func: ledgerAction(func(c *ledgerCall) error {
		if _, err := c.hash("hash", textInvalidBlockHash); err != nil {
			return err
		}
		c.out.Put("started", "0").Put("key_inserted", "0")
		return nil
	})})
	r.Register(Action{Name: "bootstrap_priorities", Func: func(ctx context.Context, req *Request) (*ptree.Tree, error) {
		return ptree.New().Put("priorities", "").Put("blocking", ""), nil
	}})
	r.Register(Action{Name: "bootstrap_reset", Func: successAction})
	r.Register(Action{Name: "bootstrap_status", Func: bootstrapStatus})
	r.Register(Action{Name: "active_difficulty", Func: func(ctx context.Context, req *Request) (*ptree.Tree, error) {
		return activeDifficulty(thresholds, req.Bool("include_trend", false)), nil
	}})
	r.Register(Action{Name: "populate_backlog", Func: successAction})
	r.Register(Action{Name: "database_txn_tracker", Func: func(ctx context.Context, req *Request) (*ptree.Tree, error) {
		return nil, Errorf(textTrackingNotEnabled)
	}})
}

func success() *ptree.Tree { return ptree.New().Put("success", "") }

func successAction(ctx context.Context, req *Request) (*ptree.Tree, error) { return success(), nil }

// portParam checks the required "port" as the node's parse_port does: a
// decimal number from 0 to 65535.
func portParam(req *Request) error {
	s, err := req.Require("port")
	if err != nil {
		return err
	}
	if _, err := strconv.ParseUint(s, 10, 16); err != nil {
		return Errorf(textInvalidPort)
	}
	return nil
}

// bootstrap checks its address (an IPv6 address, as the node's
// make_address_v6: "::ffff:192.168.0.1", not "192.168.0.1") and port.
func bootstrap(ctx context.Context, req *Request) (*ptree.Tree, error) {
	a, err := req.Require("address")
	if err != nil {
		return nil, err
	}
	p, err := req.Require("port")
	if err != nil {
		return nil, err
	}
	if addr, err := netip.ParseAddr(a); err != nil || !addr.Is6() {
		return nil, Errorf(textInvalidIPAddress)
	}
	if _, err := strconv.ParseUint(p, 10, 16); err != nil {
		return nil, Errorf(textInvalidPort)
	}
	return success(), nil
}

// bootstrapStatus is the node's reply with no bootstrap thread, connection
// or attempt.
func bootstrapStatus(ctx context.Context, req *Request) (*ptree.Tree, error) {
	conns := ptree.New().Put("clients", "0").Put("connections", "0").Put("idle", "0").
		Put("target_connections", "0").Put("pulls", "0")
	return ptree.New().Put("bootstrap_threads", "0").Put("running_attempts_count", "0").
		Put("total_attempts_count", "0").PutChild("connections", conns).Put("attempts", ""), nil
}

// activeDifficulty is the node's constant reply (V22+): the minimum is the
// highest threshold (work_thresholds::base), the receive minimum the epoch-2
// receive threshold, and the "current" values equal them.
func activeDifficulty(th nano.Thresholds, trend bool) *ptree.Tree {
	base := max(th.Epoch1, th.Epoch2, th.Epoch2Receive)
	out := ptree.New().Put("deprecated", "1").
		Put("network_minimum", nano.FormatWork(base)).
		Put("network_receive_minimum", nano.FormatWork(th.Epoch2Receive)).
		Put("network_current", nano.FormatWork(base)).
		Put("network_receive_current", nano.FormatWork(th.Epoch2Receive)).
		Put("multiplier", "1")
	if trend {
		t := ptree.New()
		t.PushValue(nano.FormatMultiplier(1))
		out.PutChild("difficulty_trend", t)
	}
	return out
}

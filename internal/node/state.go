package node

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/nipc/nipc/internal/broker"
	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/rpc"
	"github.com/nipc/nipc/internal/wallet"
	"github.com/nipc/nipc/nano"
)

// WalletsFile is the wallet store in the data directory.
const WalletsFile = "wallets.db"

// thresholds are the dev network's, with the base threshold every block of
// this ledger needs taken from config (node.ledger.work_threshold).
func (n *Node) thresholds() nano.Thresholds {
	t := nano.DevThresholds()
	if v := n.opts.Node.Node.Ledger.Threshold(); v != 0 {
		t.Epoch1 = v
	}
	return t
}

// openState makes the broker, opens the ledger and the wallets, and on
// first start creates the wallet holding the dev genesis key. The ledger's
// OnConfirm hook hands every committed block, in sequence order, from the
// first commit on, to the broker (PublishConfirmations), to the recent
// elections (rpc.Recent, for confirmation_history) and to the wallets'
// auto-receive (AutoReceiver.Confirmed), and wakes the NATS outbox; none
// waits.
func (n *Node) openState() error {
	// Both made after the ledger, before any block can be processed.
	var ws *wallet.Store
	var recv *wallet.AutoReceiver
	n.broker = broker.New(n.log, func(a nano.PublicKey) bool { return ws.IsLocal(a) }, 0)
	n.recent = rpc.NewRecent(rpc.DefaultRecentElections)
	onConfirm := func(cs []ledger.Confirmation) {
		n.publishTopics(cs) // topics.go
		n.broker.PublishConfirmations(cs)
		n.recent.Confirmed(cs)
		if recv != nil {
			for _, c := range cs {
				recv.Confirmed(c)
			}
		}
		n.notifyOutbox()
	}
	led, err := ledger.Open(filepath.Join(n.opts.DataDir, config.LedgerFile), ledger.Options{
		Thresholds:   n.thresholds(),
		Log:          n.log,
		OnConfirm:    onConfirm,
		MaxUnchecked: n.opts.Node.Node.Ledger.MaxUncheckedBlocks,
	})
	if err != nil {
		return fmt.Errorf("node: %w", err)
	}
	ws, err = wallet.Open(filepath.Join(n.opts.DataDir, WalletsFile))
	if err != nil {
		led.Close()
		return fmt.Errorf("node: %w", err)
	}
	n.ledger, n.wallets = led, ws
	n.broker.SetHistory(led) // resume_after replays from the ledger
	recv = n.newAutoReceiver()
	n.receiver = recv
	if err := n.ensureGenesisWallet(n.opts.Node.Node.Ledger.EnableGenesisWallet); err != nil {
		n.closeState()
		return err
	}
	return nil
}

// Genesis says which wallets hold the dev genesis key, for the banner
// printed on every start.
type Genesis struct {
	// Wallets hold the genesis key now (usually one).
	Wallets []wallet.ID
	// Created: the node created Wallets[0] on this start.
	Created bool
	// Destroyed is the genesis wallet the node created earlier, if it has
	// since been destroyed (wallet_destroy).
	Destroyed *wallet.ID
}

// ensureGenesisWallet finds the wallets holding the dev genesis key and, if
// none does and create is set (enable_genesis_wallet), creates one and
// records it as the genesis wallet.
func (n *Node) ensureGenesisWallet(create bool) error {
	genesis := nano.DevGenesisKey()
	var g Genesis
	for _, id := range n.wallets.Wallets() {
		if ok, _ := n.wallets.Contains(id, genesis.PublicKey()); ok {
			g.Wallets = append(g.Wallets, id)
		}
	}
	if rec, ok := n.wallets.RecordedGenesis(); ok && !n.wallets.Exists(rec) {
		g.Destroyed = &rec
	}
	if len(g.Wallets) > 0 || !create {
		n.Genesis = g
		return nil
	}
	id, err := n.wallets.Create(nil, genesis.PublicKey())
	if err != nil {
		return fmt.Errorf("node: create the genesis wallet: %w", err)
	}
	if _, err := n.wallets.AddKey(id, genesis); err != nil {
		return fmt.Errorf("node: add the genesis key: %w", err)
	}
	if err := n.wallets.SetGenesis(id); err != nil {
		return fmt.Errorf("node: record the genesis wallet: %w", err)
	}
	g.Wallets, g.Created = []wallet.ID{id}, true
	n.Genesis = g
	n.GenesisWallet = &id
	n.log.Info("created a wallet holding the dev genesis key", "wallet", id.String(), "account", nano.DevGenesisAccount)
	return nil
}

// closeState stops NATS, closes the ledger, then the wallets: once the ledger is
// closed no commit calls the broker, which asks the wallets.
func (n *Node) closeState() {
	n.stopNATS() // it reads the ledger
	var errs []error
	if n.ledger != nil {
		errs = append(errs, n.ledger.Close())
		n.ledger = nil
	}
	if n.wallets != nil {
		errs = append(errs, n.wallets.Close())
		n.wallets = nil
	}
	if err := errors.Join(errs...); err != nil {
		n.log.Error("closing state", "err", err)
	}
}

// reemit publishes a confirmed block's confirmation again (block_confirm):
// to the subscribers (broker.Reemit) and, as the node's block observers
// do, to the wallets' auto-receive.
func (n *Node) reemit(c ledger.Confirmation) {
	n.broker.Reemit(c)
	if n.receiver != nil {
		n.receiver.Confirmed(c)
	}
}

// Backend is what the ledger and wallet actions answer from.
func (n *Node) backend() *rpc.Backend {
	return &rpc.Backend{Ledger: n.ledger, Wallets: n.wallets, Thresholds: n.thresholds(), EnableSignHash: n.opts.Node.RPC.EnableSignHash, Work: n.work,
		Receiver: n.receiver}
}

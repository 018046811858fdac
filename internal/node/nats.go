package node

import (
	"context"
	"path/filepath"
	"sync"

	"github.com/nats-io/nats.go"

	"github.com/nipc/nipc/internal/apiconv"
	"github.com/nipc/nipc/internal/gateway"
	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/natsbus"
	"github.com/nipc/nipc/internal/rpc"
	"github.com/nipc/nipc/internal/service"
)

// natsPart is the node's side of [node.nats]: the connection, the outbox
// publisher (every confirmation into the stream) and the API service.
type natsPart struct {
	conn   *nats.Conn
	outbox *natsbus.Outbox
	api    *natsbus.API
	cancel context.CancelFunc
	done   sync.WaitGroup
}

// startNATS connects (in the background when no server answers yet),
// serves the API and makes the outbox; runNATS starts publishing.
func (n *Node) startNATS(svc service.Service) error {
	c := n.opts.Node.Node.NATS
	nc, js, err := natsbus.Connect(context.Background(), c.NATS, "nipc node", n.log)
	if err != nil {
		return err
	}
	ob, err := natsbus.NewOutbox(natsbus.OutboxConfig{
		Conn:     nc,
		JS:       js,
		NATS:     c,
		Source:   n.ledger,
		Render:   renderConfirmation,
		MarkPath: filepath.Join(n.opts.DataDir, natsbus.MarkFile),
		Log:      n.log,
	})
	if err != nil {
		nc.Close()
		return err
	}
	api, err := natsbus.ServeAPI(natsbus.APIConfig{
		Conn:          nc,
		Subjects:      natsbus.SubjectsOf(c.NATS),
		Service:       svc,
		EnableControl: n.opts.RPC.EnableControl,
		Version:       Version,
		Log:           n.log,
	})
	if err != nil {
		nc.Close()
		return err
	}
	n.nats = &natsPart{conn: nc, outbox: ob, api: api}
	n.outbox.Store(ob)
	return nil
}

// runNATS starts the outbox publisher.
func (n *Node) runNATS() {
	if n.nats == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	n.nats.cancel = cancel
	n.nats.done.Go(func() { n.nats.outbox.Run(ctx) })
}

// stopNATS stops the API and the publisher (which writes its mark) and
// closes the connection, flushing what it has sent. Call it before the
// ledger closes.
func (n *Node) stopNATS() {
	p := n.nats
	if p == nil {
		return
	}
	p.api.Stop()
	if p.cancel != nil {
		p.cancel()
	}
	p.done.Wait()
	p.conn.Close()
	n.nats = nil
}

// notifyOutbox is part of the ledger's OnConfirm hook: it never blocks.
func (n *Node) notifyOutbox() {
	if ob := n.outbox.Load(); ob != nil {
		ob.Notify()
	}
}

// renderConfirmation is a confirmation's NATS payload: the WebSocket's
// confirmation message with block, election info and sideband, and its
// sequence.
func renderConfirmation(c *ledger.Confirmation) []byte {
	ev := apiconv.ConfirmationEvent(c, true, true)
	t := c.Election.Time
	return gateway.RenderConfirmation(ev, t, c.Sequence, gateway.Sideband{Height: c.Height, LocalTimestamp: uint64(t.Unix())})
}

// natsStatus is the outbox's state for the nats_status action.
func (n *Node) natsStatus() rpc.NATSStatus {
	ob := n.outbox.Load()
	if ob == nil {
		return rpc.NATSStatus{}
	}
	return rpc.NATSStatus{Connected: ob.Connected(), Acked: ob.Acked(), Lag: ob.Lag()}
}

// NATSAcked is the outbox's acknowledged mark (0 without [node.nats]).
func (n *Node) NATSAcked() uint64 {
	if ob := n.outbox.Load(); ob != nil {
		return ob.Acked()
	}
	return 0
}

// NATSLag is the ledger's confirmation sequence minus NATSAcked (0
// without [node.nats]).
func (n *Node) NATSLag() uint64 {
	if ob := n.outbox.Load(); ob != nil {
		return ob.Lag()
	}
	return 0
}

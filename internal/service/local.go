package service

import (
	"context"

	"github.com/nipc/nipc/internal/rpc"
)

// Local is the node's own service, in its process: the legacy action set
// and the v2 handlers (which decide permissions with authz.Permitted).
type Local struct {
	Legacy *rpc.Legacy // its EnableControl is enforced here
	V2     *rpc.V2
}

var _ Service = (*Local)(nil)

// Handle implements Service; it never fails.
func (l *Local) Handle(ctx context.Context, req Request, dst []byte) ([]byte, error) {
	switch {
	case req.Tree != nil:
		return l.Legacy.HandleParsed(ctx, req.Encoding, req.Tree, dst), nil
	case req.Encoding.Legacy():
		return l.Legacy.Handle(ctx, req.Encoding, req.Body, dst), nil
	}
	return l.V2.Handle(ctx, req.Encoding, req.Body, dst), nil
}

// EnforcesControl implements Service: the legacy action set refuses
// control actions itself when enable_control is off.
func (l *Local) EnforcesControl() bool { return true }

package client

import (
	"context"
	"fmt"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/ipc"
)

// Call sends a v2 request message (a *fb.XxxT request table, e.g.
// &fb.AccountWeightT{Account: ...}) in the binary encoding, with the
// client's APIKey as credentials, and returns the reply message (e.g.
// *fb.AccountWeightResponseT). An Error reply is returned as *api.Error
// (use errors.AsType and compare Code, or errors.Is with api.ErrAccessDenied).
// A msg that is not a message table panics (a programming error).
func (c *Client) Call(ctx context.Context, msg any) (any, error) {
	env := api.NewEnvelope(msg, "", time.Now())
	env.Time = 0 // requests carry no time
	env.Credentials = c.cfg.APIKey
	reply, err := c.CallEnvelope(ctx, env)
	if err != nil {
		return nil, err
	}
	if reply.Message == nil {
		return nil, &ProtocolError{Err: fmt.Errorf("reply envelope without a message")}
	}
	if e, ok := reply.Message.Value.(*fb.ErrorT); ok {
		return nil, &api.Error{Code: e.Code, Message: e.Message}
	}
	return reply.Message.Value, nil
}

// CallEnvelope sends a whole request envelope in the binary encoding and
// returns the reply envelope as it came (Error replies included).
func (c *Client) CallEnvelope(ctx context.Context, env *fb.EnvelopeT) (*fb.EnvelopeT, error) {
	buf, err := api.Encode(env)
	if err != nil {
		return nil, fmt.Errorf("client: encode envelope: %w", err)
	}
	raw, err := c.Do(ctx, ipc.EncodingFlatbuffers, buf)
	if err != nil {
		return nil, err
	}
	reply, err := api.Decode(raw)
	if err != nil {
		return nil, &ProtocolError{Err: fmt.Errorf("reply envelope: %w", err)}
	}
	return reply, nil
}

// callAs is Call with the reply's type checked.
func callAs[T any](ctx context.Context, c *Client, msg any) (*T, error) {
	reply, err := c.Call(ctx, msg)
	if err != nil {
		return nil, err
	}
	r, ok := reply.(*T)
	if !ok {
		return nil, &ProtocolError{Err: fmt.Errorf("unexpected reply %T", reply)}
	}
	return r, nil
}

// IsAlive asks whether the node is alive.
func (c *Client) IsAlive(ctx context.Context) error {
	_, err := callAs[fb.IsAliveT](ctx, c, &fb.IsAliveT{})
	return err
}

// AccountWeight returns an account's voting weight in raw.
func (c *Client) AccountWeight(ctx context.Context, account string) (string, error) {
	r, err := callAs[fb.AccountWeightResponseT](ctx, c, &fb.AccountWeightT{Account: account})
	if err != nil {
		return "", err
	}
	return r.VotingWeight, nil
}

// AccountBalance returns an account's balance and receivable amount.
func (c *Client) AccountBalance(ctx context.Context, account string) (*fb.AccountBalanceResponseT, error) {
	return callAs[fb.AccountBalanceResponseT](ctx, c, &fb.AccountBalanceT{Account: account})
}

// AccountInfo returns an account's ledger entry.
func (c *Client) AccountInfo(ctx context.Context, req *fb.AccountInfoT) (*fb.AccountInfoResponseT, error) {
	return callAs[fb.AccountInfoResponseT](ctx, c, req)
}

// AccountHistory returns a page of an account's blocks.
func (c *Client) AccountHistory(ctx context.Context, req *fb.AccountHistoryT) (*fb.AccountHistoryResponseT, error) {
	return callAs[fb.AccountHistoryResponseT](ctx, c, req)
}

// BlockInfo returns a block and where it stands in the ledger.
func (c *Client) BlockInfo(ctx context.Context, hash string) (*fb.BlockInfoT, error) {
	return callAs[fb.BlockInfoT](ctx, c, &fb.BlockInfoQueryT{Hash: hash})
}

// BlockCount returns the ledger's block counts.
func (c *Client) BlockCount(ctx context.Context) (*fb.BlockCountResponseT, error) {
	return callAs[fb.BlockCountResponseT](ctx, c, &fb.BlockCountT{})
}

// Representatives returns representatives by weight, heaviest first (count 0: all).
func (c *Client) Representatives(ctx context.Context, count uint64) ([]*fb.RepresentativeT, error) {
	r, err := callAs[fb.RepresentativesResponseT](ctx, c, &fb.RepresentativesT{Count: count})
	if err != nil {
		return nil, err
	}
	return r.Representatives, nil
}

// Receivable returns the blocks waiting to be received by an account.
func (c *Client) Receivable(ctx context.Context, req *fb.ReceivableT) ([]*fb.ReceivableBlockT, error) {
	r, err := callAs[fb.ReceivableResponseT](ctx, c, req)
	if err != nil {
		return nil, err
	}
	return r.Blocks, nil
}

// Version returns the node's version information.
func (c *Client) Version(ctx context.Context) (*fb.VersionResponseT, error) {
	return callAs[fb.VersionResponseT](ctx, c, &fb.VersionT{})
}

package v2api

import (
	"context"
	"errors"
	"sort"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/apiconv"
	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/nodeinfo"
	"github.com/nipc/nipc/nano"
)

// Queries returns the handlers of the v2 queries: IsAlive and
// AccountWeight as the node has them, and the messages nipc appended.
// (TopicHandlers and ReloadHandler give the subscription, service and
// Reload messages.)
func Queries(l *ledger.Ledger, info nodeinfo.Info) map[fb.Message]Handler {
	q := queries{l: l, info: info}
	return map[fb.Message]Handler{
		fb.MessageIsAlive:         typed(func(ctx context.Context, _ *fb.IsAliveT) (any, error) { return &fb.IsAliveT{}, nil }),
		fb.MessageAccountWeight:   typed(q.accountWeight),
		fb.MessageAccountBalance:  typed(q.accountBalance),
		fb.MessageAccountInfo:     typed(q.accountInfo),
		fb.MessageAccountHistory:  typed(q.accountHistory),
		fb.MessageBlockInfoQuery:  typed(q.blockInfo),
		fb.MessageBlockCount:      typed(q.blockCount),
		fb.MessageRepresentatives: typed(q.representatives),
		fb.MessageReceivable:      typed(q.receivable),
		fb.MessageVersion:         typed(q.version),
	}
}

// typed adapts a handler of one message type; a body of another type is an
// invalid message.
func typed[T any](f func(context.Context, *T) (any, error)) Handler {
	return func(ctx context.Context, msg any) (any, error) {
		m, ok := msg.(*T)
		if !ok || m == nil {
			return nil, api.ErrInvalidMessage
		}
		return f(ctx, m)
	}
}

type queries struct {
	l    *ledger.Ledger
	info nodeinfo.Info
}

// parseAccount parses a nano_/xrb_ account: empty or bad is Error 7.
func parseAccount(s string) (nano.PublicKey, error) {
	pub, err := nano.ParseAccount(s)
	if err != nil {
		return pub, api.ErrBadAccountNumber
	}
	return pub, nil
}

// ledgerError maps the ledger's not-found errors to wire codes.
func ledgerError(err error) error {
	switch {
	case errors.Is(err, ledger.ErrAccountNotFound):
		return api.NewError(api.CodeAccountNotFound)
	case errors.Is(err, ledger.ErrBlockNotFound):
		return api.NewError(api.CodeBlockNotFound)
	}
	return err
}

func (q queries) accountWeight(ctx context.Context, m *fb.AccountWeightT) (any, error) {
	pub, err := parseAccount(m.Account)
	if err != nil {
		return nil, err
	}
	w, err := q.l.Weight(pub)
	if err != nil {
		return nil, err
	}
	return &fb.AccountWeightResponseT{VotingWeight: w.String()}, nil
}

func (q queries) accountBalance(ctx context.Context, m *fb.AccountBalanceT) (any, error) {
	pub, err := parseAccount(m.Account)
	if err != nil {
		return nil, err
	}
	balance, err := q.l.Balance(pub)
	if err != nil {
		return nil, err
	}
	recv, err := q.l.ReceivableTotal(pub)
	if err != nil {
		return nil, err
	}
	return &fb.AccountBalanceResponseT{Balance: balance.String(), Receivable: recv.String()}, nil
}

func (q queries) accountInfo(ctx context.Context, m *fb.AccountInfoT) (any, error) {
	pub, err := parseAccount(m.Account)
	if err != nil {
		return nil, err
	}
	info, err := q.l.AccountInfo(pub)
	if err != nil {
		return nil, ledgerError(err)
	}
	r := &fb.AccountInfoResponseT{
		Frontier:                   info.Frontier.String(),
		OpenBlock:                  info.OpenBlock.String(),
		RepresentativeBlock:        info.RepresentativeBlock.String(),
		Balance:                    info.Balance.String(),
		ModifiedTimestamp:          uint64(info.Modified.Unix()),
		BlockCount:                 info.BlockCount,
		AccountVersion:             uint64(info.Epoch),
		ConfirmationHeight:         info.ConfirmationHeight,
		ConfirmationHeightFrontier: info.ConfirmationFrontier.String(),
	}
	if m.IncludeRepresentative {
		r.Representative = info.Representative.Account()
	}
	if m.IncludeWeight {
		w, err := q.l.Weight(pub)
		if err != nil {
			return nil, err
		}
		r.Weight = w.String()
	}
	if m.IncludeReceivable {
		recv, err := q.l.ReceivableTotal(pub)
		if err != nil {
			return nil, err
		}
		r.Receivable = recv.String()
	}
	return r, nil
}

// maxHistory bounds one AccountHistory page.
const maxHistory = 4096

func (q queries) accountHistory(ctx context.Context, m *fb.AccountHistoryT) (any, error) {
	query := ledger.HistoryQuery{Offset: m.Offset, Reverse: m.Reverse}
	if m.Count == 0 || m.Count > maxHistory {
		return nil, api.NewError(api.CodeInvalidCount)
	}
	query.Count = int(m.Count)
	if m.Head != "" {
		h, err := nano.ParseHash(m.Head)
		if err != nil {
			return nil, api.NewError(api.CodeBadHashNumber)
		}
		query.Head = h
	} else {
		pub, err := parseAccount(m.Account)
		if err != nil {
			return nil, err
		}
		query.Account = pub
	}
	page, err := q.l.History(query)
	if err != nil {
		return nil, ledgerError(err)
	}
	r := &fb.AccountHistoryResponseT{Account: page.Account.Account(), History: []*fb.HistoryEntryT{}}
	for _, e := range page.Entries {
		r.History = append(r.History, &fb.HistoryEntryT{
			Type:           e.Block.Type.String(),
			Subtype:        e.Subtype.String(),
			Account:        e.Counterpart.Account(),
			Amount:         e.Amount.String(),
			LocalTimestamp: uint64(e.Timestamp.Unix()),
			Height:         e.Height,
			Hash:           e.Hash.String(),
			Confirmed:      e.Confirmed,
		})
	}
	if !page.Next.IsZero() {
		if m.Reverse {
			r.Next = page.Next.String()
		} else {
			r.Previous = page.Next.String()
		}
	}
	return r, nil
}

func (q queries) blockInfo(ctx context.Context, m *fb.BlockInfoQueryT) (any, error) {
	h, err := nano.ParseHash(m.Hash)
	if err != nil {
		return nil, api.NewError(api.CodeBadHashNumber)
	}
	sb, err := q.l.Block(h)
	if err != nil {
		return nil, ledgerError(err)
	}
	r := &fb.BlockInfoT{
		Block:          apiconv.BlockTable(sb.Block, sb.Hash, sb.Subtype),
		BlockAccount:   sb.Account.Account(),
		Amount:         sb.Amount.String(),
		Balance:        sb.Balance.String(),
		Height:         sb.Height,
		LocalTimestamp: uint64(sb.Timestamp.Unix()),
		Confirmed:      sb.Confirmed,
	}
	if next, err := q.l.Successor(h); err == nil && !next.IsZero() {
		r.Successor = next.String()
	}
	return r, nil
}

func (q queries) blockCount(ctx context.Context, m *fb.BlockCountT) (any, error) {
	count, cemented := q.l.BlockCount()
	return &fb.BlockCountResponseT{Count: count, Cemented: cemented}, nil
}

func (q queries) representatives(ctx context.Context, m *fb.RepresentativesT) (any, error) {
	reps, err := q.l.Representatives()
	if err != nil {
		return nil, err
	}
	list := make([]*fb.RepresentativeT, 0, len(reps))
	keys := make([]nano.PublicKey, 0, len(reps))
	for k := range reps {
		keys = append(keys, k)
	}
	// Heaviest first; ties by account, so the answer is deterministic.
	sort.Slice(keys, func(i, j int) bool {
		if c := reps[keys[i]].Cmp(reps[keys[j]]); c != 0 {
			return c > 0
		}
		return keys[i].Account() < keys[j].Account()
	})
	for _, k := range keys {
		if m.Count > 0 && uint64(len(list)) >= m.Count {
			break
		}
		list = append(list, &fb.RepresentativeT{Account: k.Account(), Weight: reps[k].String()})
	}
	return &fb.RepresentativesResponseT{Representatives: list}, nil
}

func (q queries) receivable(ctx context.Context, m *fb.ReceivableT) (any, error) {
	pub, err := parseAccount(m.Account)
	if err != nil {
		return nil, err
	}
	var threshold nano.Amount
	if m.Threshold != "" {
		if threshold, err = nano.ParseAmount(m.Threshold); err != nil {
			return nil, api.NewError(api.CodeBadThreshold)
		}
	}
	count := int(min(m.Count, maxHistory))
	if m.Count == 0 {
		count = maxHistory
	}
	entries, err := q.l.Receivable(pub, threshold, count)
	if err != nil {
		return nil, err
	}
	r := &fb.ReceivableResponseT{Blocks: []*fb.ReceivableBlockT{}}
	for _, e := range entries {
		r.Blocks = append(r.Blocks, &fb.ReceivableBlockT{Hash: e.Hash.String(), Amount: e.Amount.String(), Source: e.Source.Account()})
	}
	return r, nil
}

func (q queries) version(ctx context.Context, m *fb.VersionT) (any, error) {
	return &fb.VersionResponseT{
		RpcVersion:        2,
		StoreVersion:      uint64(q.info.StoreVersion),
		ProtocolVersion:   uint64(q.info.ProtocolVersion),
		NodeVendor:        q.info.NodeVendor(),
		StoreVendor:       q.info.StoreVendor,
		Network:           "dev",
		NetworkIdentifier: q.info.NetworkIdentifier,
		BuildInfo:         q.info.BuildInfo(),
	}, nil
}

package rpc

import (
	"context"
	"errors"
	"runtime"
	"sort"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/apiconv"
	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/nano"
)

// V2Handlers returns the handlers of the v2 queries: IsAlive and
// AccountWeight as the node has them, and the messages nipc appended.
// (TopicConfirmation, TopicServiceStop, ServiceRegister, ServiceStop and
// Reload are added by the broker and the access-control parts.)
func V2Handlers(b *Backend, info NodeInfo) map[fb.Message]V2Func {
	q := v2Queries{b: b, info: info}
	return map[fb.Message]V2Func{
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
func typed[T any](f func(context.Context, *T) (any, error)) V2Func {
	return func(ctx context.Context, msg any) (any, error) {
		m, ok := msg.(*T)
		if !ok || m == nil {
			return nil, api.ErrInvalidMessage
		}
		return f(ctx, m)
	}
}

type v2Queries struct {
	b    *Backend
	info NodeInfo
}

// account parses a nano_/xrb_ account: empty or bad is Error 7.
func v2Account(s string) (nano.PublicKey, error) {
	pub, err := nano.ParseAccount(s)
	if err != nil {
		return pub, api.ErrBadAccountNumber
	}
	return pub, nil
}

// v2LedgerError maps the ledger's not-found errors to wire codes.
func v2LedgerError(err error) error {
	switch {
	case errors.Is(err, ledger.ErrAccountNotFound):
		return api.NewError(api.CodeAccountNotFound)
	case errors.Is(err, ledger.ErrBlockNotFound):
		return api.NewError(api.CodeBlockNotFound)
	}
	return err
}

func (q v2Queries) accountWeight(ctx context.Context, m *fb.AccountWeightT) (any, error) {
	pub, err := v2Account(m.Account)
	if err != nil {
		return nil, err
	}
	w, err := q.b.Ledger.Weight(pub)
	if err != nil {
		return nil, err
	}
	return &fb.AccountWeightResponseT{VotingWeight: w.String()}, nil
}

func (q v2Queries) accountBalance(ctx context.Context, m *fb.AccountBalanceT) (any, error) {
	pub, err := v2Account(m.Account)
	if err != nil {
		return nil, err
	}
	balance, err := q.b.Balance(pub)
	if err != nil {
		return nil, err
	}
	recv, err := q.b.ReceivableTotal(pub)
	if err != nil {
		return nil, err
	}
	return &fb.AccountBalanceResponseT{Balance: balance.String(), Receivable: recv.String()}, nil
}

func (q v2Queries) accountInfo(ctx context.Context, m *fb.AccountInfoT) (any, error) {
	pub, err := v2Account(m.Account)
	if err != nil {
		return nil, err
	}
	info, err := q.b.Ledger.AccountInfo(pub)
	if err != nil {
		return nil, v2LedgerError(err)
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
		w, err := q.b.Ledger.Weight(pub)
		if err != nil {
			return nil, err
		}
		r.Weight = w.String()
	}
	if m.IncludeReceivable {
		recv, err := q.b.ReceivableTotal(pub)
		if err != nil {
			return nil, err
		}
		r.Receivable = recv.String()
	}
	return r, nil
}

// maxHistory bounds one AccountHistory page.
const maxHistory = 4096

func (q v2Queries) accountHistory(ctx context.Context, m *fb.AccountHistoryT) (any, error) {
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
		pub, err := v2Account(m.Account)
		if err != nil {
			return nil, err
		}
		query.Account = pub
	}
	page, err := q.b.Ledger.History(query)
	if err != nil {
		return nil, v2LedgerError(err)
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

func (q v2Queries) blockInfo(ctx context.Context, m *fb.BlockInfoQueryT) (any, error) {
	h, err := nano.ParseHash(m.Hash)
	if err != nil {
		return nil, api.NewError(api.CodeBadHashNumber)
	}
	sb, err := q.b.Ledger.Block(h)
	if err != nil {
		return nil, v2LedgerError(err)
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
	if next, err := q.b.Ledger.Successor(h); err == nil && !next.IsZero() {
		r.Successor = next.String()
	}
	return r, nil
}

func (q v2Queries) blockCount(ctx context.Context, m *fb.BlockCountT) (any, error) {
	count, cemented := q.b.Ledger.BlockCount()
	return &fb.BlockCountResponseT{Count: count, Cemented: cemented}, nil
}

func (q v2Queries) representatives(ctx context.Context, m *fb.RepresentativesT) (any, error) {
	reps, err := q.b.Ledger.Representatives()
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

func (q v2Queries) receivable(ctx context.Context, m *fb.ReceivableT) (any, error) {
	pub, err := v2Account(m.Account)
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
	entries, err := q.b.Ledger.Receivable(pub, threshold, count)
	if err != nil {
		return nil, err
	}
	r := &fb.ReceivableResponseT{Blocks: []*fb.ReceivableBlockT{}}
	for _, e := range entries {
		r.Blocks = append(r.Blocks, &fb.ReceivableBlockT{Hash: e.Hash.String(), Amount: e.Amount.String(), Source: e.Source.Account()})
	}
	return r, nil
}

func (q v2Queries) version(ctx context.Context, m *fb.VersionT) (any, error) {
	return &fb.VersionResponseT{
		RpcVersion:        2,
		StoreVersion:      uint64(q.info.StoreVersion),
		ProtocolVersion:   uint64(q.info.ProtocolVersion),
		NodeVendor:        "nipc V" + q.info.Version,
		StoreVendor:       q.info.StoreVendor,
		Network:           "dev",
		NetworkIdentifier: q.info.NetworkIdentifier,
		BuildInfo:         "nipc " + q.info.Version + " " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
	}, nil
}

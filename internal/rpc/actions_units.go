package rpc

import (
	"context"

	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/nano"
)

// The deprecated unit ratios of the node's krai_*, mrai_* and rai_*
// actions: 10^27, 10^30 and 10^24 raw.
var (
	raiRatio  = pow10Amount(24)
	kraiRatio = pow10Amount(27)
	mraiRatio = nano.RawPerNano // 1 Mrai is 1 nano
)

func pow10Amount(n int) nano.Amount {
	a := nano.NewAmount(1)
	for range n {
		a, _ = a.Mul(nano.NewAmount(10))
	}
	return a
}

// RegisterUnitActions adds the node's deprecated unit conversions:
// krai_from_raw, krai_to_raw, mrai_from_raw, mrai_to_raw, rai_from_raw and
// rai_to_raw. Each reply is {"deprecated": "1", "amount": "<decimal>"} as
// the node's (V27) writes it; *_from_raw divides (rounding down),
// *_to_raw multiplies and answers "Amount too big" when the product does not
// fit in 128 bits. A bad amount is "Invalid amount number", a missing one
// "Unable to parse JSON".
//
// Unlike the node, whose overflow check is "the product modulo 2^128 is
// larger than the amount", "0" converts to "0" (the node says "Amount too
// big") and an overflowing product is always refused (the node answers some
// of them with the wrapped value); nipc's nano_to_raw does the same.
func RegisterUnitActions(r *Registry) {
	for name, ratio := range map[string]nano.Amount{"rai": raiRatio, "krai": kraiRatio, "mrai": mraiRatio} {
		r.Register(Action{Name: name + "_from_raw", Func: fromRaw(ratio)})
		r.Register(Action{Name: name + "_to_raw", Func: toRaw(ratio)})
	}
}

func fromRaw(ratio nano.Amount) ActionFunc {
	return func(ctx context.Context, req *Request) (*ptree.Tree, error) {
		a, err := req.amountParam("amount")
		if err != nil {
			return nil, err
		}
		q, _ := a.Div(ratio) // ratio is not zero
		return ptree.New().Put("deprecated", "1").Put("amount", q.String()), nil
	}
}

func toRaw(ratio nano.Amount) ActionFunc {
	return func(ctx context.Context, req *Request) (*ptree.Tree, error) {
		a, err := req.amountParam("amount")
		if err != nil {
			return nil, err
		}
		p, ok := a.Mul(ratio)
		if !ok {
			return nil, Errorf("Amount too big")
		}
		return ptree.New().Put("deprecated", "1").Put("amount", p.String()), nil
	}
}

package apiconv

import (
	"errors"
	"fmt"

	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/nano"
)

// BlockFromTable is the reverse of BlockTable: the block a schema Block
// holds, so that a front end given a block in the schema's form (the
// separate gateway relaying the node's events) renders it through package
// nano like every other block. Each field is read by its nano parser; the
// hash and the state subtype, which are not block fields, are left to the
// caller. A missing block, an unknown member or a field that does not
// parse is an error naming the field.
func BlockFromTable(t *fb.BlockT) (*nano.Block, error) {
	if t == nil {
		return nil, errors.New("apiconv: no block")
	}
	var r fieldReader
	b := &nano.Block{}
	switch v := t.Value.(type) {
	case *fb.BlockStateT:
		b.Type = nano.BlockTypeState
		b.Account = r.account("account", v.Account)
		b.Previous = r.hash("previous", v.Previous)
		b.Representative = r.account("representative", v.Representative)
		b.Balance = r.amount("balance", v.Balance)
		b.Link = r.hash("link", v.Link)
		b.Signature, b.Work = r.signature(v.Signature), r.work(v.Work)
	case *fb.BlockSendT:
		b.Type = nano.BlockTypeSend
		b.Previous = r.hash("previous", v.Previous)
		b.Destination = r.account("destination", v.Destination)
		b.Balance = r.amount("balance", v.Balance)
		b.Signature, b.Work = r.signature(v.Signature), r.work(v.Work)
	case *fb.BlockReceiveT:
		b.Type = nano.BlockTypeReceive
		b.Previous = r.hash("previous", v.Previous)
		b.Source = r.hash("source", v.Source)
		b.Signature, b.Work = r.signature(v.Signature), r.work(v.Work)
	case *fb.BlockOpenT:
		b.Type = nano.BlockTypeOpen
		b.Account = r.account("account", v.Account)
		b.Source = r.hash("source", v.Source)
		b.Representative = r.account("representative", v.Representative)
		b.Signature, b.Work = r.signature(v.Signature), r.work(v.Work)
	case *fb.BlockChangeT:
		b.Type = nano.BlockTypeChange
		b.Previous = r.hash("previous", v.Previous)
		b.Representative = r.account("representative", v.Representative)
		b.Signature, b.Work = r.signature(v.Signature), r.work(v.Work)
	default:
		return nil, fmt.Errorf("apiconv: block of union type %d", t.Type)
	}
	if r.err != nil {
		return nil, r.err
	}
	return b, nil
}

// fieldReader parses a block's fields and keeps the first failure.
type fieldReader struct{ err error }

func (r *fieldReader) fail(key, s string, err error) {
	if r.err == nil {
		r.err = fmt.Errorf("apiconv: block %s %q: %w", key, s, err)
	}
}

func (r *fieldReader) account(key, s string) nano.PublicKey {
	k, err := nano.ParseAccount(s)
	if err != nil {
		r.fail(key, s, err)
	}
	return k
}

func (r *fieldReader) hash(key, s string) nano.Hash {
	h, err := nano.ParseHash(s)
	if err != nil {
		r.fail(key, s, err)
	}
	return h
}

func (r *fieldReader) amount(key, s string) nano.Amount {
	a, err := nano.ParseAmount(s)
	if err != nil {
		r.fail(key, s, err)
	}
	return a
}

func (r *fieldReader) signature(s string) nano.Signature {
	sig, err := nano.ParseSignature(s)
	if err != nil {
		r.fail("signature", s, err)
	}
	return sig
}

func (r *fieldReader) work(s string) uint64 {
	w, err := nano.ParseWork(s)
	if err != nil {
		r.fail("work", s, err)
	}
	return w
}

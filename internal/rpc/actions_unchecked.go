package rpc

import (
	"math"
	"strconv"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/nano"
)

// textBadKey is the node's error_rpc::bad_key (unchecked_keys "key").
const textBadKey = "Bad key"

// RegisterUncheckedActions adds the actions on the ledger's unchecked
// store (blocks waiting for a missing previous or source), in the node's
// shapes: unchecked, unchecked_get, unchecked_keys and unchecked_clear
// (control).
func RegisterUncheckedActions(r *Registry, b *Backend) {
	l := &ledgerRPC{b: b}
	for name, f := range map[string]func(*ledgerCall) error{
		"unchecked":       l.unchecked,
		"unchecked_get":   l.uncheckedGet,
		"unchecked_keys":  l.uncheckedKeys,
		"unchecked_clear": l.uncheckedClear,
	} {
		r.Register(Action{Name: name, Func: ledgerAction(f)})
	}
}

// uncheckedLimit is the node's count_optional_impl for these actions
// (every entry when "count" is absent, none for 0) as the ledger's count.
func (c *ledgerCall) uncheckedLimit() (count int, none bool, err error) {
	n, err := c.optionalCount(math.MaxInt)
	if err != nil || n == 0 {
		return 0, true, err
	}
	return int(min(n, math.MaxInt)), false, nil
}

// unchecked lists kept blocks, oldest first: {"blocks": {hash: block}}.
func (l *ledgerRPC) unchecked(c *ledgerCall) error {
	count, none, err := c.uncheckedLimit()
	if err != nil {
		return err
	}
	blocks := ptree.New()
	if !none {
		for _, e := range l.b.Ledger.Unchecked(count) {
			if err := c.putBlock(blocks, e.Hash.String(), e.Block); err != nil {
				return err
			}
		}
	}
	c.out.PutChild("blocks", blocks)
	return nil
}

// uncheckedGet answers one kept block: modified_timestamp and contents,
// or "Block not found".
func (l *ledgerRPC) uncheckedGet(c *ledgerCall) error {
	h, err := c.hash("hash", textInvalidBlockHash)
	if err != nil {
		return err
	}
	e, ok := l.b.Ledger.UncheckedGet(h)
	if !ok {
		return Errorf(textBlockNotFound)
	}
	c.out.Put("modified_timestamp", modified(e))
	return c.putBlock(c.out, "contents", e.Block)
}

// uncheckedKeys lists kept blocks from "key" on in key order:
// {"unchecked": [{key, hash, modified_timestamp, contents}]}.
func (l *ledgerRPC) uncheckedKeys(c *ledgerCall) error {
	count, none, err := c.uncheckedLimit()
	if err != nil {
		return err
	}
	var start nano.Hash
	if s, ok := c.req.Get("key"); ok {
		if start, err = nano.ParseHash(s); err != nil {
			return Errorf(textBadKey)
		}
	}
	list := ptree.New()
	if !none {
		for _, e := range l.b.Ledger.UncheckedKeys(start, count) {
			t := ptree.New()
			t.Put("key", e.Key.String())
			t.Put("hash", e.Hash.String())
			t.Put("modified_timestamp", modified(e))
			if err := c.putBlock(t, "contents", e.Block); err != nil {
				return err
			}
			list.Push(t)
		}
	}
	c.out.PutChild("unchecked", list)
	return nil
}

// uncheckedClear empties the store: {"success": ""}.
func (l *ledgerRPC) uncheckedClear(c *ledgerCall) error {
	l.b.Ledger.UncheckedClear()
	c.out.Put("success", "")
	return nil
}

func modified(e ledger.UncheckedEntry) string { return strconv.FormatInt(e.Modified.Unix(), 10) }

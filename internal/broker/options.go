package broker

import (
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/nano"
)

// Options are a confirmation subscription's filters (spec §7.3).
type Options struct {
	TypeFilter          fb.TopicConfirmationTypeFilter
	AllLocalAccounts    bool
	Accounts            map[nano.PublicKey]bool
	IncludeBlock        bool
	IncludeElectionInfo bool
}

// OptionsFrom reads TopicConfirmation's options; nil means everything, with
// block and election info. Accounts that do not parse are ignored, as the
// node ignores accounts it never sees; xrb_ and nano_ forms of one account
// are the same account (the node compares the strings).
func OptionsFrom(o *fb.TopicConfirmationOptionsT) Options {
	if o == nil {
		return Options{IncludeBlock: true, IncludeElectionInfo: true}
	}
	opts := Options{
		TypeFilter:          o.ConfirmationTypeFilter,
		AllLocalAccounts:    o.AllLocalAccounts,
		IncludeBlock:        o.IncludeBlock,
		IncludeElectionInfo: o.IncludeElectionInfo,
	}
	for _, a := range o.Accounts {
		if pub, err := nano.ParseAccount(a); err == nil {
			if opts.Accounts == nil {
				opts.Accounts = make(map[nano.PublicKey]bool)
			}
			opts.Accounts[pub] = true
		}
	}
	return opts
}

// matches reports whether c passes the filters. isLocal tells whether a
// wallet of this node holds an account.
//
// The account filter looks at the block's account and at its counterpart
// (a state block's link as an account, a legacy send's destination); unlike
// the node's, it works with include_block false and for legacy blocks too.
func (o *Options) matches(c *ledger.Confirmation, isLocal func(nano.PublicKey) bool) bool {
	if !typeSelected(o.TypeFilter, c.ConfirmationType) {
		return false
	}
	if !o.AllLocalAccounts && len(o.Accounts) == 0 {
		return true
	}
	accounts := [2]nano.PublicKey{c.Account}
	n := 1
	if b := c.Block; b != nil {
		switch b.Type {
		case nano.BlockTypeState:
			accounts[1], n = nano.PublicKey(b.Link), 2
		case nano.BlockTypeSend:
			accounts[1], n = b.Destination, 2
		}
	}
	for _, a := range accounts[:n] {
		if o.Accounts[a] || o.AllLocalAccounts && isLocal != nil && isLocal(a) {
			return true
		}
	}
	return false
}

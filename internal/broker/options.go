package broker

import (
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/apiconv"
	"github.com/nipc/nipc/nano"
)

// Options are a confirmation subscription's filters (spec §7.3) and what
// its events include. The broker matches them; front ends only say which
// rules apply.
//
// The IPC's rules (the default): TypeFilter inactive passes inactive
// confirmations only, all passes every one, and the active ones every one
// but inactive; with Accounts or AllLocalAccounts, the confirmation's
// account or its counterpart (a state block's link as an account, a legacy
// send's destination) must be in Accounts or (AllLocalAccounts) held by a
// wallet of the node; unlike the node's, this works with IncludeBlock
// false and for legacy blocks too.
//
// With NodeWebSocket, the Nano node's WebSocket rules (its
// confirmation_options): TypeFilter passes exactly the types it names
// (active: active_quorum and active_confirmation_height); accounts are
// filtered when AccountFilter is set (the message gave "accounts" or
// "all_local_accounts", even empty or false), and then only a state block,
// with IncludeBlock, whose account or link as an account is in Accounts
// or (AllLocalAccounts) local passes.
//
// Accounts are public keys, so the xrb_ and nano_ forms of one account are
// the same account (the node compares the strings).
type Options struct {
	TypeFilter          fb.TopicConfirmationTypeFilter
	AllLocalAccounts    bool
	Accounts            map[nano.PublicKey]bool
	IncludeBlock        bool
	IncludeElectionInfo bool
	NodeWebSocket       bool // the node's WebSocket rules, above
	AccountFilter       bool // with NodeWebSocket: accounts are filtered

	// nipc's WebSocket additions (topics.go): the topic (its zero value
	// is confirmations), a vote's filters, the least amount a
	// confirmation must move (nil: any), and the sideband.
	Topic                Topic
	Representatives      map[nano.PublicKey]bool
	IncludeReplays       bool
	IncludeIndeterminate bool
	MinAmount            *nano.Amount
	IncludeSideband      bool
}

// OptionsFrom reads TopicConfirmation's options; nil means everything, with
// block and election info. Accounts that do not parse are ignored, as the
// node ignores accounts it never sees.
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

// subject is what the filters look at in a confirmation.
type subject struct {
	typ      fb.TopicConfirmationType
	accounts [2]nano.PublicKey // the account, then the counterpart
	n        int
	state    bool // a state block
	amount   nano.Amount
}

func (s *subject) add(a nano.PublicKey) {
	s.accounts[s.n] = a
	s.n++
}

// subjectOf reads ev's confirmation: the ledger's (without building the
// v2 one), or (an event made by NewEvent) the v2 one, whose accounts are
// parsed.
func subjectOf(ev *Event) subject {
	if c := ev.conf; c != nil {
		s := subject{typ: apiconv.ConfirmationType(c.ConfirmationType)}
		s.add(c.Account)
		s.amount = c.Amount
		if b := c.Block; b != nil {
			switch b.Type {
			case nano.BlockTypeState:
				s.state = true
				s.add(nano.PublicKey(b.Link))
			case nano.BlockTypeSend:
				s.add(b.Destination)
			}
		}
		return s
	}
	c := ev.Confirmation()
	s := subject{typ: c.ConfirmationType}
	if pub, err := nano.ParseAccount(c.Account); err == nil {
		s.add(pub)
	}
	s.amount, _ = nano.ParseAmount(c.Amount)
	var other string
	if c.Block != nil {
		switch b := c.Block.Value.(type) {
		case *fb.BlockStateT:
			s.state, other = true, b.LinkAsAccount
		case *fb.BlockSendT:
			other = b.Destination
		}
	}
	if pub, err := nano.ParseAccount(other); err == nil {
		s.add(pub)
	}
	return s
}

// Matches reports whether ev passes the filters. isLocal tells whether a
// wallet of the node holds an account (all_local_accounts; nil: none
// does).
func (o *Options) Matches(ev *Event, isLocal func(nano.PublicKey) bool) bool {
	return o.match(ev.subject(), isLocal)
}

func (o *Options) match(s *subject, isLocal func(nano.PublicKey) bool) bool {
	if o.Topic != TopicConfirmation || !o.selects(s.typ) || !o.passesMinAmount(s) {
		return false
	}
	if o.NodeWebSocket {
		if !o.AccountFilter {
			return true
		}
		if !o.IncludeBlock || !s.state {
			return false
		}
	} else if !o.AllLocalAccounts && len(o.Accounts) == 0 {
		return true
	}
	for _, a := range s.accounts[:s.n] {
		if o.Accounts[a] || o.AllLocalAccounts && isLocal != nil && isLocal(a) {
			return true
		}
	}
	return false
}

// selects reports whether TypeFilter passes a confirmation of type t, as
// the node's WebSocket filter decides it, for every front end: all passes
// every type, active both active types, and each of active_quorum,
// active_confirmation_height and inactive only its own. (The node's IPC v2
// broker makes no difference between the active filters, but it also
// sends every event as active_quorum; nipc sends the real type, so it
// filters on it the WebSocket's way.)
func (o *Options) selects(t fb.TopicConfirmationType) bool {
	switch o.TypeFilter {
	case fb.TopicConfirmationTypeFilterall:
		return true
	case fb.TopicConfirmationTypeFilteractive:
		return t == fb.TopicConfirmationTypeactive_quorum || t == fb.TopicConfirmationTypeactive_confirmation_height
	case fb.TopicConfirmationTypeFilteractive_quorum:
		return t == fb.TopicConfirmationTypeactive_quorum
	case fb.TopicConfirmationTypeFilteractive_confirmation_height:
		return t == fb.TopicConfirmationTypeactive_confirmation_height
	case fb.TopicConfirmationTypeFilterinactive:
		return t == fb.TopicConfirmationTypeinactive
	}
	return false
}

package rpc

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/nano"
)

// RegisterLedgerActions adds the legacy actions that answer from the ledger
// (the node's json_handler shapes, member order and error texts):
//
//	accounts:   account_balance, account_block_count, account_info,
//	            account_representative, account_weight, accounts_balances,
//	            accounts_frontiers, accounts_representatives, delegators,
//	            delegators_count, frontiers, frontier_count (= account_count),
//	            available_supply, representatives, representatives_online,
//	            confirmation_quorum
//	history:    account_history, history (deprecated: hash → head)
//	blocks:     block_info (= block), blocks, blocks_info, block_account,
//	            block_count, chain, successors
//	receivable: receivable (= pending), accounts_receivable
//	            (= accounts_pending), receivable_exists (= pending_exists)
//	blocks in:  process, sign, block_create (control)
//
// The deprecated aliases add "deprecated": "1" first, as the node does.
func RegisterLedgerActions(r *Registry, b *Backend) {
	l := &ledgerRPC{b: b}
	for name, f := range map[string]func(*ledgerCall) error{
		"account_balance":          l.accountBalance,
		"account_block_count":      l.accountBlockCount,
		"account_info":             l.accountInfo,
		"account_representative":   l.accountRepresentative,
		"account_weight":           l.accountWeight,
		"accounts_balances":        l.accountsBalances,
		"accounts_frontiers":       l.accountsFrontiers,
		"accounts_representatives": l.accountsRepresentatives,
		"delegators":               l.delegators,
		"delegators_count":         l.delegatorsCount,
		"frontiers":                l.frontiers,
		"frontier_count":           l.accountCount,
		"account_count":            l.accountCount,
		"available_supply":         l.availableSupply,
		"representatives":          l.representatives,
		"representatives_online":   l.representativesOnline,
		"confirmation_quorum":      l.confirmationQuorum,

		"account_history": l.accountHistory,
		"history":         deprecated(l.history),

		"block_info":    l.blockInfo,
		"block":         l.blockInfo,
		"blocks":        l.blocks,
		"blocks_info":   l.blocksInfo,
		"block_account": l.blockAccount,
		"block_count":   l.blockCount,
		"chain":         func(c *ledgerCall) error { return l.chain(c, false) },
		"successors":    func(c *ledgerCall) error { return l.chain(c, true) },

		"receivable":          l.receivable,
		"pending":             deprecated(l.receivable),
		"accounts_receivable": l.accountsReceivable,
		"accounts_pending":    deprecated(l.accountsReceivable),
		"receivable_exists":   l.receivableExists,
		"pending_exists":      deprecated(l.receivableExists),

		"process":      l.process,
		"sign":         l.sign,
		"block_create": l.blockCreate,
	} {
		r.Register(Action{Name: name, Func: ledgerAction(f)})
	}
}

// ledgerRPC holds the ledger actions' state.
type ledgerRPC struct{ b *Backend }

// ledgerCall is one call of a ledger action: the request and the reply
// under construction (some parameters add members, e.g. an account in the
// deprecated nano- form adds "deprecated_account_format").
type ledgerCall struct {
	ctx context.Context
	req *Request
	out *ptree.Tree
}

// ledgerAction adapts a ledger action to an ActionFunc.
func ledgerAction(f func(*ledgerCall) error) ActionFunc {
	return func(ctx context.Context, req *Request) (*ptree.Tree, error) {
		c := &ledgerCall{ctx: ctx, req: req, out: ptree.New()}
		if err := f(c); err != nil {
			return nil, err
		}
		return c.out, nil
	}
}

// deprecated wraps an action that the node also answers under an old name,
// putting "deprecated": "1" first.
func deprecated(f func(*ledgerCall) error) func(*ledgerCall) error {
	return func(c *ledgerCall) error {
		c.out.Set("deprecated", "1")
		return f(c)
	}
}

// The node's error texts used by the ledger actions.
const (
	textBadAccount         = "Bad account number"
	textAccountNotFound    = "Account not found"
	textBlockNotFound      = "Block not found"
	textBadHashNumber      = "Bad hash number"    // error_blocks::bad_hash_number: blocks, blocks_info, account_history head
	textInvalidBlockHash   = "Invalid block hash" // error_blocks::invalid_block_hash: every hash_impl parameter
	textInvalidBlock       = "Block is invalid"
	textInvalidCount       = "Invalid count"
	textInvalidOffset      = "Invalid offset"
	textBadThreshold       = "Bad threshold number"
	textBadPrivateKey      = "Bad private key"
	textInvalidAmount      = "Invalid amount number"
	textInsufficientFunds  = "Insufficient balance"
	textKeyRequired        = "Private key or local wallet and account required"
	textWorkFailure        = "Work generation cancellation or failure"
	textInvalidBlockType   = "Invalid block type"
	textBadRepresentative  = "Bad representative number" // error_rpc::bad_representative_number
	textBadDestination     = "Bad destination account"
	textUnreceivable       = "Unreceivable"
	textRequirementsOpen   = "Representative account and source hash required"
	textRequirementsChange = "Representative account and previous hash required"
)

// accountText decodes an account given as text (nano_, xrb_, or the
// deprecated nano-/xrb- forms, which add "deprecated_account_format": "1"
// to the reply, as the node's account_impl does). A bad one is bad.
func (c *ledgerCall) accountText(s, bad string) (nano.PublicKey, error) {
	pub, err := nano.ParseAccount(s)
	if err != nil {
		return pub, Errorf("%s", bad)
	}
	if nano.IsDeprecatedFormat(s) {
		c.out.Set("deprecated_account_format", "1")
	}
	return pub, nil
}

// account reads a required account parameter.
func (c *ledgerCall) account(key string) (nano.PublicKey, error) {
	s, err := c.req.Require(key)
	if err != nil {
		return nano.PublicKey{}, err
	}
	return c.accountText(s, textBadAccount)
}

// optionalAccount reads an account parameter that may be absent.
func (c *ledgerCall) optionalAccount(key, bad string) (pub nano.PublicKey, present bool, err error) {
	s, ok := c.req.Get(key)
	if !ok {
		return pub, false, nil
	}
	pub, err = c.accountText(s, bad)
	return pub, true, err
}

// hash reads a required hash parameter; a bad one answers bad (the node's
// hash_impl says "Invalid block hash", other readers "Bad hash number").
func (c *ledgerCall) hash(key, bad string) (nano.Hash, error) {
	s, err := c.req.Require(key)
	if err != nil {
		return nano.Hash{}, err
	}
	h, err := nano.ParseHash(s)
	if err != nil {
		return h, Errorf("%s", bad)
	}
	return h, nil
}

// list returns a required array (or object) parameter; each element's
// Value is its text. A scalar is an empty list, as with boost's get_child.
func (c *ledgerCall) list(key string) (*ptree.Tree, error) {
	t, ok := c.req.Params.Child(key)
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrMissingParam, key)
	}
	return t, nil
}

// count reads the required "count": an unsigned number above zero (the
// node's count_impl).
func (c *ledgerCall) count() (uint64, error) {
	s, err := c.req.Require("count")
	if err != nil {
		return 0, err
	}
	n, ok := decodeUnsigned(s)
	if !ok || n == 0 {
		return 0, Errorf(textInvalidCount)
	}
	return n, nil
}

// optionalCount reads an optional "count" (the node's count_optional_impl):
// def when absent, any unsigned number (0 included) when present.
func (c *ledgerCall) optionalCount(def uint64) (uint64, error) {
	return optionalUnsigned(c.req, "count", def, textInvalidCount)
}

// optionalOffset reads "offset", 0 when absent.
func (c *ledgerCall) optionalOffset() (uint64, error) {
	return optionalUnsigned(c.req, "offset", 0, textInvalidOffset)
}

// optionalUnsigned reads an optional unsigned number (decodeUnsigned), def
// when absent; a bad one answers bad.
func optionalUnsigned(req *Request, key string, def uint64, bad string) (uint64, error) {
	s, ok := req.Get(key)
	if !ok {
		return def, nil
	}
	n, ok := decodeUnsigned(s)
	if !ok {
		return 0, Errorf("%s", bad)
	}
	return n, nil
}

// threshold reads an optional decimal "threshold", zero when absent.
func (c *ledgerCall) threshold() (nano.Amount, error) {
	s, ok := c.req.Get("threshold")
	if !ok {
		return nano.Amount{}, nil
	}
	a, err := nano.ParseAmount(s)
	if err != nil {
		return a, Errorf(textBadThreshold)
	}
	return a, nil
}

// decodeUnsigned parses a count as the node's decode_unsigned does with
// std::stoull: leading white space, an optional sign (a '-' wraps modulo
// 2^64, as strtoull does), at least one decimal digit, nothing after, and no
// overflow.
func decodeUnsigned(s string) (uint64, bool) {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] >= '\t' && s[i] <= '\r') {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if i == len(s) {
		return 0, false
	}
	var n uint64
	for ; i < len(s); i++ {
		d := s[i]
		if d < '0' || d > '9' {
			return 0, false
		}
		if n > (math.MaxUint64-uint64(d-'0'))/10 {
			return 0, false
		}
		n = n*10 + uint64(d-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// clampCount converts a requested count to an int limit for the ledger.
func clampCount(n uint64) int {
	if n > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(n)
}

// ledgerError turns the ledger's not-found errors into their node texts;
// anything else is an internal error.
func ledgerError(err error) error {
	switch {
	case errors.Is(err, ledger.ErrAccountNotFound):
		return Errorf(textAccountNotFound)
	case errors.Is(err, ledger.ErrBlockNotFound):
		return Errorf(textBlockNotFound)
	}
	return err
}

// trueFalse is how boost writes a bool put into a ptree.
func trueFalse(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// blockTree is a block as the node's serialize_json(ptree) writes it: the
// members nano.Block.JSONFields lists.
func blockTree(b *nano.Block) (*ptree.Tree, error) {
	t := ptree.New()
	if err := b.JSONFields(func(k, v string) { t.Put(k, v) }); err != nil {
		return nil, err
	}
	return t, nil
}

// putBlock adds a block under key: as an object with json_block true,
// else as the string the node's serialize_json(std::string) writes (its
// pretty JSON, newlines included).
func (c *ledgerCall) putBlock(dst *ptree.Tree, key string, b *nano.Block) error {
	t, err := blockTree(b)
	if err != nil {
		return err
	}
	if c.req.Bool("json_block", false) {
		dst.PutChild(key, t)
	} else {
		dst.Put(key, string(ptree.AppendPretty(nil, t)))
	}
	return nil
}

// setChild is boost's put_child: it replaces the first child with key (in
// place) or appends one.
func setChild(t *ptree.Tree, key string, c *ptree.Tree) {
	old, ok := t.Child(key)
	if !ok {
		t.PutChild(key, c)
		return
	}
	t.Set(key, "")
	for k, v := range c.All() {
		old.PutChild(k, v)
	}
}

// genesisHash is the dev genesis block's hash.
var genesisHash = nano.DevGenesisBlock().Hash()

// linkedAccount is the node's ledger::linked_account: a send's destination,
// a receive's source account, nothing otherwise (the genesis open has no
// source block, so nothing either).
func linkedAccount(sb *ledger.StoredBlock) (nano.PublicKey, bool) {
	switch {
	case sb.Subtype == ledger.SubtypeSend:
		return sb.Counterpart, true
	case sb.Subtype == ledger.SubtypeReceive && sb.Hash != genesisHash:
		return sb.Counterpart, true
	}
	return nano.PublicKey{}, false
}

// mulDiv returns a*m/d with a 256-bit intermediate, saturated to 2^128-1.
func mulDiv(a nano.Amount, m, d uint64) nano.Amount {
	b := a.Bytes()
	x := new(big.Int).SetBytes(b[:])
	x.Mul(x, new(big.Int).SetUint64(m))
	x.Quo(x, new(big.Int).SetUint64(d))
	if x.BitLen() > 128 {
		return nano.MaxAmount
	}
	var out [16]byte
	x.FillBytes(out[:])
	return nano.AmountFromBytes(out)
}

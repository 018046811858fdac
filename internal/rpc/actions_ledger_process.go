package rpc

import (
	"context"
	"errors"
	"fmt"

	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/internal/wallet"
	"github.com/nipc/nipc/nano"
)

// More of the node's error texts, for process, sign and block_create.
const (
	textWorkLow             = "Block work is less than threshold"
	textNotStateBlock       = "Must be a state block"
	textGapPrevious         = "Gap previous block"
	textSubtypeBalance      = "Invalid block balance for given subtype"
	textSubtypePrevious     = "Invalid previous block for given subtype"
	textSubtypeEpochLink    = "Invalid epoch link"
	textSubtype             = "Invalid block subtype"
	textSignHashDisabled    = "Signing by block hash is disabled"
	textBadWorkVersion      = "Bad work version"
	textBadDifficulty       = "Bad difficulty"
	textBadWalletNumber     = "Bad wallet number"
	textWalletNotFound      = "Wallet not found"
	textBadSource           = "Bad source"
	textBadWork             = "Bad work"
	textBadPrevious         = "Bad previous"
	textInvalidBalance      = "Invalid balance number"
	textBadLink             = "Bad link number"
	textCreateBalance       = "Balance mismatch for previous block"
	textCreateKeyMismatch   = "Incorrect key for given account"
	textRequirementsState   = "Previous, representative, final balance and link (source or destination) are required"
	textRequirementsReceive = "Previous hash and source hash required"
	textRequirementsSend    = "Destination account, previous hash, current balance and amount required"
)

// blockParam reads the required "block" (an object, or a string holding
// one with json_block false). An absent block is a missing parameter, as
// in the node; one that does not parse is "Block is invalid".
func (c *ledgerCall) blockParam() (*nano.Block, error) {
	if !c.req.Params.Has("block") {
		return nil, fmt.Errorf("%w: block", ErrMissingParam)
	}
	return c.req.BlockParam()
}

// process validates a block against the ledger and stores it: {"hash"} on
// success, else the ledger Result's Message as the error. A state block may
// carry the node's "subtype" check. "force" (control-gated by dispatch)
// cannot resolve a fork here: every block is cemented as it is stored, so
// a fork answers "Fork" with or without it. "async" processes the block
// and answers {"started": "1"} without its result, as the node does.
func (l *ledgerRPC) process(c *ledgerCall) error {
	async := c.req.Bool("async", false)
	blk, err := c.blockParam()
	if err != nil {
		return err
	}
	if blk.Type == nano.BlockTypeState {
		if subtype, _ := c.req.Get("subtype"); subtype != "" {
			if err := l.checkSubtype(blk, subtype); err != nil {
				return err
			}
		}
	}
	// The node's work_thresholds::validate_entry: the lowest threshold for
	// state blocks, epoch 1 for legacy ones.
	entry := l.b.Thresholds.Epoch1
	if blk.Type == nano.BlockTypeState {
		entry = l.b.Thresholds.Entry()
	}
	if blk.Difficulty() < entry {
		return Errorf(textWorkLow)
	}
	if async && blk.Type != nano.BlockTypeState {
		return Errorf(textNotStateBlock)
	}
	res, err := l.b.Ledger.Process(c.ctx, blk)
	if err != nil {
		return err
	}
	if async {
		c.out.Put("started", "1")
		return nil
	}
	if res != ledger.Progress {
		return Errorf("%s", res.Message())
	}
	c.out.Put("hash", blk.Hash().String())
	return nil
}

// checkSubtype is the node's process "subtype" check of a state block
// against the account's current balance.
func (l *ledgerRPC) checkSubtype(b *nano.Block, subtype string) error {
	if !b.Previous.IsZero() {
		ok, err := l.b.Ledger.BlockExists(b.Previous)
		if err != nil {
			return err
		}
		if !ok {
			return Errorf(textGapPrevious)
		}
	}
	balance, err := l.b.Ledger.Balance(b.Account)
	if err != nil {
		return err
	}
	cmp := balance.Cmp(b.Balance)
	switch subtype {
	case "send":
		if cmp <= 0 {
			return Errorf(textSubtypeBalance)
		}
	case "receive":
		if cmp > 0 {
			return Errorf(textSubtypeBalance)
		}
	case "open":
		if !b.Previous.IsZero() {
			return Errorf(textSubtypePrevious)
		}
	case "change":
		if cmp != 0 {
			return Errorf(textSubtypeBalance)
		}
		if b.Previous.IsZero() {
			return Errorf(textSubtypePrevious)
		}
	case "epoch":
		if cmp != 0 {
			return Errorf(textSubtypeBalance)
		}
		if !nano.IsEpochLink(b.Link) {
			return Errorf(textSubtypeEpochLink)
		}
	default:
		return Errorf(textSubtype)
	}
	return nil
}

// ledgerWalletID reads a wallet id as the node's wallet_id::decode_hex
// does: 1 to 64 hex digits, right-aligned.
func ledgerWalletID(s string) (wallet.ID, error) {
	h, err := nano.ParseHash(s)
	if err != nil {
		return wallet.ID{}, Errorf(textBadWalletNumber)
	}
	return wallet.ID(h), nil
}

// walletKey fetches the private key of a wallet's account for sign and
// block_create, with the node's error texts.
func (l *ledgerRPC) walletKey(id wallet.ID, account nano.PublicKey) (nano.PrivateKey, error) {
	if l.b.Wallets == nil || !l.b.Wallets.Exists(id) {
		return nano.PrivateKey{}, Errorf(textWalletNotFound)
	}
	priv, err := l.b.Wallets.PrivateKey(id, account)
	for _, known := range []error{wallet.ErrWalletNotFound, wallet.ErrAccountNotFound, wallet.ErrWalletLocked} {
		if errors.Is(err, known) {
			return priv, Errorf("%s", known.Error())
		}
	}
	return priv, err
}

// sign signs a block (or, with enable_sign_hash, a bare hash) with "key",
// or with the key of "account" in "wallet": {signature, [block]}.
func (l *ledgerRPC) sign(c *ledgerCall) error {
	var h nano.Hash
	var err error
	if _, ok := c.req.Get("hash"); ok {
		if h, err = c.hash("hash", textInvalidBlockHash); err != nil {
			return err
		}
	}
	var blk *nano.Block
	if c.req.Params.Has("block") {
		if blk, err = c.req.BlockParam(); err != nil {
			return err
		}
		h = blk.Hash()
	}
	if h.IsZero() {
		return Errorf(textInvalidBlock)
	}
	if blk == nil && !l.b.EnableSignHash {
		return Errorf(textSignHashDisabled)
	}
	var priv nano.PrivateKey
	if s, ok := c.req.Get("key"); ok {
		if priv, err = nano.ParsePrivateKey(s); err != nil {
			return Errorf(textBadPrivateKey)
		}
	} else if c.req.Params.Has("wallet") && c.req.Params.Has("account") {
		account, err := c.account("account")
		if err != nil {
			return err
		}
		ws, _ := c.req.Get("wallet")
		id, err := ledgerWalletID(ws)
		if err != nil {
			return err
		}
		if priv, err = l.walletKey(id, account); err != nil {
			return err
		}
	}
	if priv == (nano.PrivateKey{}) {
		return Errorf(textKeyRequired)
	}
	sig := nano.Sign(priv, h[:])
	c.out.Put("signature", sig.String())
	if blk != nil {
		blk.Signature = sig
		return c.putBlock(c.out, "block", blk)
	}
	return nil
}

// optionalHex reads an optional hash-like parameter (1 to 64 hex digits).
func (c *ledgerCall) optionalHash(key, bad string) (h nano.Hash, present bool, err error) {
	s, ok := c.req.Get(key)
	if !ok {
		return h, false, nil
	}
	if h, err = nano.ParseHash(s); err != nil {
		return h, true, Errorf("%s", bad)
	}
	return h, true, nil
}

// optionalAmount reads an optional decimal amount parameter.
func (c *ledgerCall) optionalAmount(key, bad string) (a nano.Amount, present bool, err error) {
	s, ok := c.req.Get(key)
	if !ok {
		return a, false, nil
	}
	if a, err = nano.ParseAmount(s); err != nil {
		return a, true, Errorf("%s", bad)
	}
	return a, true, nil
}

// head returns an account's frontier and balance, zero for an account
// without blocks.
func (l *ledgerRPC) head(account nano.PublicKey) (nano.Hash, nano.Amount, error) {
	ai, _, err := l.b.Ledger.Account(account)
	return ai.Frontier, ai.Balance, err
}

// blockCreate builds, signs and works a block as the node's block_create
// does (control): "type" state (or the legacy open, receive, change,
// send), the key from "key" or from "wallet" + "account", and previous,
// representative, balance, link (or destination/source), amount (legacy
// send) and work as given; without previous and balance they come from the
// ledger. Work, when not given, is generated at "difficulty" or at the
// ledger's threshold (Thresholds.Epoch1: no account has an epoch upgrade).
// Answers {hash, difficulty, block}.
func (l *ledgerRPC) blockCreate(c *ledgerCall) error {
	typ, err := c.req.Require("type")
	if err != nil {
		return err
	}
	if v, ok := c.req.Get("version"); ok && v != "work_1" {
		return Errorf(textBadWorkVersion)
	}
	var difficulty uint64
	ds, diffGiven := c.req.Get("difficulty")
	if diffGiven {
		if difficulty, err = nano.ParseWork(ds); err != nil {
			return Errorf(textBadDifficulty)
		}
	}
	var wid wallet.ID
	ws, walletGiven := c.req.Get("wallet")
	if walletGiven {
		if wid, err = ledgerWalletID(ws); err != nil {
			return err
		}
	}
	account, accountGiven, err := c.optionalAccount("account", textBadAccount)
	if err != nil {
		return err
	}
	rep, _, err := c.optionalAccount("representative", textBadRepresentative)
	if err != nil {
		return err
	}
	dest, _, err := c.optionalAccount("destination", textBadDestination)
	if err != nil {
		return err
	}
	source, _, err := c.optionalHash("source", textBadSource)
	if err != nil {
		return err
	}
	amount, _, err := c.optionalAmount("amount", textInvalidAmount)
	if err != nil {
		return err
	}
	var work uint64
	if s, ok := c.req.Get("work"); ok {
		if work, err = nano.ParseWork(s); err != nil {
			return Errorf(textBadWork)
		}
	}
	var priv nano.PrivateKey
	var previous nano.Hash
	var balance nano.Amount
	if wid != (wallet.ID{}) && !account.IsZero() {
		if priv, err = l.walletKey(wid, account); err != nil {
			return err
		}
		if previous, balance, err = l.head(account); err != nil {
			return err
		}
	}
	if s, ok := c.req.Get("key"); ok {
		if priv, err = nano.ParsePrivateKey(s); err != nil {
			return Errorf(textBadPrivateKey)
		}
	}
	p, prevGiven, err := c.optionalHash("previous", textBadPrevious)
	if err != nil {
		return err
	}
	if prevGiven {
		previous = p
	}
	bal, balGiven, err := c.optionalAmount("balance", textInvalidBalance)
	if err != nil {
		return err
	}
	if balGiven {
		balance = bal
	}
	var link nano.Hash
	ls, linkGiven := c.req.Get("link")
	switch {
	case linkGiven:
		if k, err := nano.ParseAccount(ls); err == nil {
			link = nano.Hash(k)
		} else if link, err = nano.ParseHash(ls); err != nil {
			return Errorf(textBadLink)
		}
	case !source.IsZero():
		link = source
	default:
		link = nano.Hash(dest)
	}
	if priv == (nano.PrivateKey{}) {
		return Errorf(textKeyRequired)
	}
	pub := priv.PublicKey()
	switch {
	case !prevGiven && !balGiven:
		if previous, balance, err = l.head(pub); err != nil {
			return err
		}
	case prevGiven && balGiven && typ == "send":
		sb, err := l.b.Ledger.Block(previous)
		if err == nil && sb.Balance != balance {
			return Errorf(textCreateBalance)
		} else if err != nil && !errors.Is(err, ledger.ErrBlockNotFound) {
			return err
		}
	}
	if accountGiven && account != pub {
		return Errorf(textCreateKeyMismatch)
	}
	var blk *nano.Block
	switch typ {
	case "state":
		if !prevGiven || rep.IsZero() || (link.IsZero() && !linkGiven) {
			return Errorf(textRequirementsState)
		}
		blk = &nano.Block{Type: nano.BlockTypeState, Account: pub, Previous: previous, Representative: rep, Balance: balance, Link: link}
	case "open":
		if rep.IsZero() || source.IsZero() {
			return Errorf(textRequirementsOpen)
		}
		blk = &nano.Block{Type: nano.BlockTypeOpen, Account: pub, Source: source, Representative: rep}
	case "receive":
		if source.IsZero() || previous.IsZero() {
			return Errorf(textRequirementsReceive)
		}
		blk = &nano.Block{Type: nano.BlockTypeReceive, Previous: previous, Source: source}
	case "change":
		if rep.IsZero() || previous.IsZero() {
			return Errorf(textRequirementsChange)
		}
		blk = &nano.Block{Type: nano.BlockTypeChange, Previous: previous, Representative: rep}
	case "send":
		if dest.IsZero() || previous.IsZero() || balance.IsZero() || amount.IsZero() {
			return Errorf(textRequirementsSend)
		}
		rest, ok := balance.Sub(amount)
		if !ok {
			return Errorf(textInsufficientFunds)
		}
		blk = &nano.Block{Type: nano.BlockTypeSend, Previous: previous, Destination: dest, Balance: rest}
	default:
		return Errorf(textInvalidBlockType)
	}
	blk.Sign(priv)
	if work == 0 {
		if !diffGiven {
			if difficulty, err = l.b.Ledger.WorkThreshold(blk); err != nil {
				return err
			}
		}
		if work, err = l.b.Work.Generate(c.ctx, blk.Root(), difficulty); err != nil {
			return Errorf(textWorkFailure)
		}
	}
	blk.Work = work
	c.out.Put("hash", blk.Hash().String())
	c.out.Put("difficulty", nano.FormatWork(blk.Difficulty()))
	return c.putBlock(c.out, "block", blk)
}

// StateBlockParams are the inputs of BuildStateBlock. Which are used
// depends on the kind.
type StateBlockParams struct {
	// Destination and Amount (not zero) of a "send".
	Destination nano.PublicKey
	Amount      nano.Amount
	// Source is the send block a "receive" or "open" receives.
	Source nano.Hash
	// Representative is required for "change" and for a receive that opens
	// the account; otherwise zero keeps the account's representative.
	Representative nano.PublicKey
	// Work, if not zero, is used as is; else work is generated at the
	// ledger's threshold.
	Work uint64
}

// BuildStateBlock builds, signs and works a state block for priv's account
// from the ledger's current state, as the node's wallet does for send,
// receive and account_representative_set:
//
//	"send":    balance - Amount to Destination (the account must be open;
//	           "Insufficient balance" when Amount exceeds it)
//	"receive": the receivable send Source ("Block not found" if it is not
//	           in the ledger, "Unreceivable" if it is not waiting for this
//	           account); opens the account if it has no block yet
//	"open":    the same as "receive"
//	"change":  Representative (the account must be open)
//
// Errors are *Error values carrying the node's texts ("Account not found",
// "Invalid amount number" for a zero send, ...) except for a failing store
// or an ended ctx. The block is not processed: pass it to Ledger.Process,
// which may still refuse it (e.g. Fork) if the account moved meanwhile.
func (b *Backend) BuildStateBlock(ctx context.Context, priv nano.PrivateKey, kind string, p StateBlockParams) (*nano.Block, error) {
	pub := priv.PublicKey()
	ai, opened, err := b.Ledger.Account(pub)
	if err != nil {
		return nil, err
	}
	blk := &nano.Block{Type: nano.BlockTypeState, Account: pub}
	if opened {
		blk.Previous, blk.Representative, blk.Balance = ai.Frontier, ai.Representative, ai.Balance
	}
	switch kind {
	case "send":
		if !opened {
			return nil, Errorf(textAccountNotFound)
		}
		if p.Amount.IsZero() {
			return nil, Errorf(textInvalidAmount)
		}
		rest, ok := ai.Balance.Sub(p.Amount)
		if !ok {
			return nil, Errorf(textInsufficientFunds)
		}
		blk.Balance, blk.Link = rest, nano.Hash(p.Destination)
	case "receive", "open":
		sb, err := b.Ledger.Block(p.Source)
		if err != nil {
			return nil, ledgerError(err)
		}
		waiting := false
		if sb.Subtype == ledger.SubtypeSend && sb.Counterpart == pub {
			if waiting, err = b.Ledger.ReceivableExists(p.Source); err != nil {
				return nil, err
			}
		}
		if !waiting {
			return nil, Errorf(textUnreceivable)
		}
		if !opened && p.Representative.IsZero() {
			return nil, Errorf(textRequirementsOpen)
		}
		sum, ok := blk.Balance.Add(sb.Amount)
		if !ok {
			return nil, Errorf(textInvalidAmount)
		}
		blk.Balance, blk.Link = sum, p.Source
	case "change":
		if !opened {
			return nil, Errorf(textAccountNotFound)
		}
		if p.Representative.IsZero() {
			return nil, Errorf(textRequirementsChange)
		}
	default:
		return nil, Errorf(textInvalidBlockType)
	}
	if !p.Representative.IsZero() {
		blk.Representative = p.Representative
	}
	blk.Sign(priv)
	blk.Work = p.Work
	if blk.Work == 0 {
		threshold, err := b.Ledger.WorkThreshold(blk)
		if err != nil {
			return nil, err
		}
		if blk.Work, err = b.Work.Generate(ctx, blk.Root(), threshold); err != nil {
			return nil, fmt.Errorf("%w: %v", Errorf(textWorkFailure), err)
		}
	}
	return blk, nil
}

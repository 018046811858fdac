package rpc

import (
	"context"
	"strconv"
	"time"

	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/nano"
)

// RegisterKeyActions adds the actions that work on keys, accounts, amounts
// and blocks without a ledger: key_create, key_expand, deterministic_key,
// account_key, account_get, validate_account_number, nano_to_raw,
// raw_to_nano, block_hash, work_validate, work_generate and work_cancel
// (both control), generating with a Work of its own on every core.
func RegisterKeyActions(r *Registry, thresholds nano.Thresholds) {
	RegisterKeyActionsWork(r, thresholds, NewWork(0), nil)
}

// RegisterKeyActionsWork is RegisterKeyActions generating with work, which
// the node shares with its Backend so that work_cancel and shutdown stop
// every generation.
//
// blockThreshold, if not nil, is the threshold the ledger asks of a block's
// work (ledger.WorkThreshold): work_generate with a block and no
// difficulty generates at it. Without it, at the base threshold.
func RegisterKeyActionsWork(r *Registry, thresholds nano.Thresholds, work *Work, blockThreshold func(*nano.Block) (uint64, error)) {
	r.Register(Action{Name: "key_create", Func: keyCreate})
	r.Register(Action{Name: "key_expand", Func: keyExpand})
	r.Register(Action{Name: "deterministic_key", Func: deterministicKey})
	r.Register(Action{Name: "account_key", Func: accountKey})
	r.Register(Action{Name: "account_get", Func: accountGet})
	r.Register(Action{Name: "validate_account_number", Func: validateAccountNumber})
	r.Register(Action{Name: "nano_to_raw", Func: nanoToRaw})
	r.Register(Action{Name: "raw_to_nano", Func: rawToNano})
	r.Register(Action{Name: "block_hash", Func: blockHash})
	w := workActions{thresholds: thresholds, work: work, blockThreshold: blockThreshold}
	r.Register(Action{Name: "work_validate", Func: w.validate})
	r.Register(Action{Name: "work_generate", Func: w.generate})
	r.Register(Action{Name: "work_cancel", Func: w.cancel})
}

// keyPair renders a private key as the node does.
func keyPair(priv nano.PrivateKey) *ptree.Tree {
	pub := priv.PublicKey()
	return ptree.New().Put("private", priv.Hex()).Put("public", pub.String()).Put("account", pub.Account())
}

func keyCreate(ctx context.Context, req *Request) (*ptree.Tree, error) {
	seed, err := nano.GenerateSeed()
	if err != nil {
		return nil, err
	}
	return keyPair(nano.DeriveKey(seed, 0)), nil
}

func keyExpand(ctx context.Context, req *Request) (*ptree.Tree, error) {
	priv, err := req.privateKeyParam("key")
	if err != nil {
		return nil, err
	}
	return keyPair(priv), nil
}

func deterministicKey(ctx context.Context, req *Request) (*ptree.Tree, error) {
	seed, err := req.seedParam("seed")
	if err != nil {
		return nil, err
	}
	is, err := req.Require("index")
	if err != nil {
		return nil, err
	}
	index, err := strconv.ParseUint(is, 10, 32)
	if err != nil {
		return nil, Errorf("Invalid index")
	}
	return keyPair(nano.DeriveKey(seed, uint32(index))), nil
}

// seedParam reads a required seed parameter; a bad one is "Bad seed".
func (r *Request) seedParam(key string) (nano.Seed, error) {
	s, err := r.Require(key)
	if err != nil {
		return nano.Seed{}, err
	}
	seed, err := nano.ParseSeed(s)
	if err != nil {
		return seed, Errorf("Bad seed")
	}
	return seed, nil
}

// privateKeyParam reads a required private key parameter; a bad one is
// "Bad private key".
func (r *Request) privateKeyParam(key string) (nano.PrivateKey, error) {
	s, err := r.Require(key)
	if err != nil {
		return nano.PrivateKey{}, err
	}
	priv, err := nano.ParsePrivateKey(s)
	if err != nil {
		return priv, Errorf(textBadPrivateKey)
	}
	return priv, nil
}

// Account reads a required account parameter; a bad one is "Bad account number".
func (r *Request) Account(key string) (nano.PublicKey, error) {
	s, err := r.Require(key)
	if err != nil {
		return nano.PublicKey{}, err
	}
	pub, err := nano.ParseAccount(s)
	if err != nil {
		return pub, Errorf("Bad account number")
	}
	return pub, nil
}

func accountKey(ctx context.Context, req *Request) (*ptree.Tree, error) {
	pub, err := req.Account("account")
	if err != nil {
		return nil, err
	}
	return ptree.New().Put("key", pub.String()), nil
}

func accountGet(ctx context.Context, req *Request) (*ptree.Tree, error) {
	s, err := req.Require("key")
	if err != nil {
		return nil, err
	}
	pub, err := nano.ParsePublicKey(s)
	if err != nil {
		return nil, Errorf("Bad public key")
	}
	return ptree.New().Put("account", pub.Account()), nil
}

func validateAccountNumber(ctx context.Context, req *Request) (*ptree.Tree, error) {
	s, err := req.Require("account")
	if err != nil {
		return nil, err
	}
	valid := "0"
	if _, err := nano.ParseAccount(s); err == nil {
		valid = "1"
	}
	return ptree.New().Put("valid", valid), nil
}

// amountParam reads a required decimal amount; a bad one is the node's
// "Invalid amount number".
func (r *Request) amountParam(key string) (nano.Amount, error) {
	s, err := r.Require(key)
	if err != nil {
		return nano.Amount{}, err
	}
	a, err := nano.ParseAmount(s)
	if err != nil {
		return a, Errorf("Invalid amount number")
	}
	return a, nil
}

func nanoToRaw(ctx context.Context, req *Request) (*ptree.Tree, error) {
	a, err := req.amountParam("amount")
	if err != nil {
		return nil, err
	}
	raw, err := nano.NanoToRaw(a)
	if err != nil {
		return nil, Errorf("Amount too big")
	}
	return ptree.New().Put("amount", raw.String()), nil
}

func rawToNano(ctx context.Context, req *Request) (*ptree.Tree, error) {
	a, err := req.amountParam("amount")
	if err != nil {
		return nil, err
	}
	return ptree.New().Put("amount", nano.RawToNano(a).String()), nil
}

// BlockParam reads the "block" parameter: a JSON object, or with
// json_block false a string holding one (the node's default before V19).
func (r *Request) BlockParam() (*nano.Block, error) {
	if c, ok := r.Params.Child("block"); ok && !c.IsLeaf() {
		b, err := nano.ParseBlockFields(c.Get)
		if err != nil {
			return nil, Errorf("Block is invalid")
		}
		return b, nil
	}
	s, ok := r.Params.Get("block")
	if !ok {
		return nil, Errorf("Block is invalid")
	}
	b, err := nano.ParseBlockJSON([]byte(s))
	if err != nil {
		return nil, Errorf("Block is invalid")
	}
	return b, nil
}

func blockHash(ctx context.Context, req *Request) (*ptree.Tree, error) {
	b, err := req.BlockParam()
	if err != nil {
		return nil, err
	}
	return ptree.New().Put("hash", b.Hash().String()), nil
}

// workActions validate and generate proof of work against the dev thresholds.
type workActions struct {
	thresholds     nano.Thresholds
	work           *Work
	blockThreshold func(*nano.Block) (uint64, error) // nil: the base threshold
}

// workVersionParam reads "version": absent or "work_1" (the only version
// there is), else "Bad work version".
func workVersionParam(req *Request) error {
	if v, ok := req.Get("version"); ok && v != "work_1" {
		return Errorf("Bad work version")
	}
	return nil
}

// difficultyParam reads "difficulty" (hex) or "multiplier" (of the base),
// defaulting to the base threshold.
func (w workActions) difficultyParam(req *Request) (uint64, bool, error) {
	if s, ok := req.Get("difficulty"); ok {
		d, err := nano.ParseWork(s)
		if err != nil {
			return 0, false, Errorf("Bad difficulty")
		}
		return d, true, nil
	}
	if s, ok := req.Get("multiplier"); ok {
		m, err := strconv.ParseFloat(s, 64)
		if err != nil || !(m > 0) {
			return 0, false, Errorf("Bad multiplier")
		}
		return nano.DifficultyFromMultiplier(m, w.thresholds.Base()), true, nil
	}
	return w.thresholds.Base(), false, nil
}

func (r *Request) hashParam(key string) (nano.Hash, error) {
	s, err := r.Require(key)
	if err != nil {
		return nano.Hash{}, err
	}
	h, err := nano.ParseHash(s)
	if err != nil {
		return h, Errorf("Invalid block hash")
	}
	return h, nil
}

func (w workActions) validate(ctx context.Context, req *Request) (*ptree.Tree, error) {
	ws, err := req.Require("work")
	if err != nil {
		return nil, err
	}
	work, err := nano.ParseWork(ws)
	if err != nil {
		return nil, Errorf("Bad work")
	}
	root, err := req.hashParam("hash")
	if err != nil {
		return nil, err
	}
	target, explicit, err := w.difficultyParam(req)
	if err != nil {
		return nil, err
	}
	d := nano.Difficulty(root, work)
	t := ptree.New()
	if explicit {
		t.Put("valid", boolText(d >= target))
	}
	t.Put("valid_all", boolText(d >= w.thresholds.Epoch2))
	t.Put("valid_receive", boolText(d >= w.thresholds.Epoch2Receive))
	t.Put("difficulty", nano.FormatWork(d))
	t.Put("multiplier", nano.FormatMultiplier(nano.Multiplier(d, w.thresholds.Base())))
	return t, nil
}

// generate is work_generate, with the node's options: version (work_1),
// difficulty or multiplier, block / json_block (its root must be hash; its
// ledger threshold is the default difficulty; work already enough is
// refused), account (checked), use_peers (accepted: nipc has no work
// peers, so the work is generated here, as the node does without any).
func (w workActions) generate(ctx context.Context, req *Request) (*ptree.Tree, error) {
	if err := workVersionParam(req); err != nil {
		return nil, err
	}
	if _, ok := req.Get("account"); ok {
		if _, err := req.Account("account"); err != nil {
			return nil, err
		}
	}
	root, err := req.hashParam("hash")
	if err != nil {
		return nil, err
	}
	target, explicit, err := w.difficultyParam(req)
	if err != nil {
		return nil, err
	}
	// No upper limit (the node's max_work_generate_multiplier): clients
	// ask a dev node for the live network's difficulty (docs/PROTOCOL.md).
	if target < w.thresholds.Entry() {
		return nil, Errorf("Difficulty above config limit or below publish threshold")
	}
	if req.Params.Has("block") {
		b, err := req.BlockParam()
		if err != nil {
			return nil, err
		}
		if b.Root() != root {
			return nil, Errorf("Root mismatch for block")
		}
		if !explicit && w.blockThreshold != nil {
			if target, err = w.blockThreshold(b); err != nil {
				return nil, err
			}
		}
		if b.Difficulty() >= target {
			return nil, Errorf("Provided work is already enough for given difficulty")
		}
	}
	start := time.Now()
	work, err := w.work.Generate(ctx, root, target)
	w.reportWork(root, target, start, work, err)
	if err != nil { // cancelled by work_cancel, the request's end or shutdown
		return nil, Errorf("Cancelled")
	}
	d := nano.Difficulty(root, work)
	return ptree.New().
		Put("work", nano.FormatWork(work)).
		Put("difficulty", nano.FormatWork(d)).
		Put("multiplier", nano.FormatMultiplier(nano.Multiplier(d, w.thresholds.Base()))).
		Put("hash", root.String()), nil
}

// cancel is work_cancel: it stops every generation running on hash (none
// is not an error) and answers {"success": ""} as the node does.
func (w workActions) cancel(ctx context.Context, req *Request) (*ptree.Tree, error) {
	root, err := req.hashParam("hash")
	if err != nil {
		return nil, err
	}
	w.work.Cancel(root)
	return ptree.New().Put("success", ""), nil
}

func boolText(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

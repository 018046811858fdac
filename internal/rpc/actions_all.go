package rpc

import (
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/nano"
)

// LegacySet is what the legacy actions answer from. Every field may be
// zero to build a registry only to list it (nipc rpc --list, completion,
// docs/PROTOCOL.md); such actions must not be called.
type LegacySet struct {
	Info       NodeInfo
	Thresholds nano.Thresholds
	Work       *Work
	Backend    *Backend
	Dev        *DevNode
}

// RegisterLegacy adds every legacy action nipc answers: the one place that
// lists them.
func RegisterLegacy(r *Registry, s LegacySet) {
	if s.Dev == nil {
		s.Dev = &DevNode{}
	}
	RegisterNodeActions(r, s.Info)
	var blockThreshold func(*nano.Block) (uint64, error)
	if s.Backend != nil && s.Backend.Ledger != nil {
		blockThreshold = s.Backend.Ledger.WorkThreshold
	}
	RegisterKeyActionsWork(r, s.Thresholds, s.Work, blockThreshold)
	RegisterLedgerActions(r, s.Backend)
	RegisterEpochActions(r, s.Backend)
	RegisterUncheckedActions(r, s.Backend)
	RegisterWalletActions(r, s.Backend)
	RegisterUnitActions(r)
	RegisterNetworkActions(r, s.Thresholds)
	RegisterLedgerScanActions(r, s.Backend)
	RegisterNodeInfoActions(r, s.Dev)
	RegisterConfirmationActions(r, s.Dev)
}

// ActionInfo is one row of the legacy action table.
type ActionInfo struct {
	Name    string
	Control bool // needs enable_control (always, or with some parameters)
	Unsafe  bool // needs encoding 2 on a transport with allow_unsafe
}

// ControlSometimes names the actions that need enable_control only with
// some parameters (IsControl), and which.
var ControlSometimes = map[string]string{
	"stats":   `"type": "objects"`,
	"process": `"force": true`,
	"sign":    `"wallet"`,
}

// Table lists the registered actions, sorted, with what each needs.
func (r *Registry) Table() []ActionInfo {
	var out []ActionInfo
	for _, n := range r.Names() {
		a := r.actions[n]
		out = append(out, ActionInfo{Name: n, Control: IsControl(n, ptree.New()) || ControlSometimes[n] != "", Unsafe: a.Unsafe})
	}
	return out
}

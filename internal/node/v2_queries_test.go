package node_test

import (
	"testing"

	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

// TestV2Queries drives every appended v2 query through real sockets, after
// a send from genesis, as a user holding every permission.
func TestV2Queries(t *testing.T) {
	n := startBrokerNode(t)
	hash := sendFromGenesis(t, n, someAccount, "1000")
	g := nano.DevGenesisAccount
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			cl := as(t, n, tr, "admin")
			c := ctx(t)
			bal, err := cl.AccountBalance(c, someAccount)
			if err != nil || bal.Balance != "0" || bal.Receivable != "1000" {
				t.Errorf("AccountBalance = %+v, %v", bal, err)
			}
			info, err := cl.AccountInfo(c, &fb.AccountInfoT{Account: g, IncludeRepresentative: true, IncludeWeight: true, IncludeReceivable: true})
			if err != nil || info.Frontier != hash || info.BlockCount != 2 || info.Representative != g || info.Receivable != "0" || info.Weight == "" {
				t.Errorf("AccountInfo = %+v, %v", info, err)
			}
			if _, err := cl.AccountInfo(c, &fb.AccountInfoT{Account: someAccount}); err == nil {
				t.Error("AccountInfo of an unopened account succeeded")
			}
			hist, err := cl.AccountHistory(c, &fb.AccountHistoryT{Account: g, Count: 10})
			if err != nil || len(hist.History) != 2 || hist.History[0].Hash != hash || hist.History[0].Subtype != "send" || hist.History[0].Account != someAccount {
				t.Errorf("AccountHistory = %+v, %v", hist, err)
			}
			bi, err := cl.BlockInfo(c, hash)
			if err != nil || bi.BlockAccount != g || bi.Amount != "1000" || bi.Height != 2 || !bi.Confirmed || bi.Block == nil {
				t.Errorf("BlockInfo = %+v, %v", bi, err)
			}
			bc, err := cl.BlockCount(c)
			if err != nil || bc.Count != 2 || bc.Cemented != 2 {
				t.Errorf("BlockCount = %+v, %v", bc, err)
			}
			reps, err := cl.Representatives(c, 0)
			if err != nil || len(reps) != 1 || reps[0].Account != g {
				t.Errorf("Representatives = %+v, %v", reps, err)
			}
			recv, err := cl.Receivable(c, &fb.ReceivableT{Account: someAccount})
			if err != nil || len(recv) != 1 || recv[0].Hash != hash || recv[0].Amount != "1000" || recv[0].Source != g {
				t.Errorf("Receivable = %+v, %v", recv, err)
			}
			v, err := cl.Version(c)
			if err != nil || v.Network != "dev" || v.NetworkIdentifier != nano.DevGenesisHashHex {
				t.Errorf("Version = %+v, %v", v, err)
			}
		})
	}
}

package client_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/client"
	"github.com/nipc/nipc/internal/testenv"
	"github.com/nipc/nipc/nano"
)

func TestV2Calls(t *testing.T) {
	n := testenv.Start(t, testenv.Options{})
	for _, tr := range testenv.Transports {
		t.Run(tr.Name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			cl := testenv.Dial(t, n, tr)
			if err := cl.IsAlive(ctx); err != nil {
				t.Fatalf("IsAlive: %v", err)
			}
			w, err := cl.AccountWeight(ctx, nano.DevGenesisAccount)
			if err != nil || w != nano.GenesisAmount.String() {
				t.Fatalf("AccountWeight = %q, %v", w, err)
			}
			if _, err := cl.AccountWeight(ctx, "nano_bad"); !errors.Is(err, api.ErrBadAccountNumber) {
				t.Fatalf("bad account: %v, want Bad account number", err)
			}
			// The default user holds only api_account_weight.
			if _, err := cl.BlockCount(ctx); !errors.Is(err, api.ErrAccessDenied) {
				t.Fatalf("BlockCount as the default user: %v, want Access denied", err)
			}
			// Unknown credentials are denied everything but IsAlive.
			cfg := tr.Config(n)
			cfg.APIKey = "nobody"
			other, err := client.Dial(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			if _, err := other.AccountWeight(ctx, nano.DevGenesisAccount); !errors.Is(err, api.ErrAccessDenied) {
				t.Fatalf("unknown credentials: %v, want Access denied", err)
			}
			if err := other.IsAlive(ctx); err != nil {
				t.Fatalf("IsAlive with unknown credentials: %v", err)
			}
		})
	}
}

package wallet

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/nipc/nipc/nano"
)

func TestInsertDeterministicAndSummarize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wallets.db")
	s := openStore(t, path)
	var seed nano.Seed
	id, err := s.Create(&seed, genesis())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateAccounts(id, 2); err != nil {
		t.Fatal(err)
	}
	pub, err := s.InsertDeterministic(id, 7)
	if err != nil {
		t.Fatal(err)
	}
	if want := nano.DeriveKey(seed, 7).PublicKey(); pub != want {
		t.Fatalf("index 7 gave %s, want %s", pub.Account(), want.Account())
	}
	if priv, err := s.PrivateKey(id, pub); err != nil || priv != nano.DeriveKey(seed, 7) {
		t.Fatalf("PrivateKey of index 7: %v", err)
	}
	// An ad-hoc key that is also deterministic index 8 becomes deterministic.
	if _, err := s.AddKey(id, nano.DeriveKey(seed, 8)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddKey(id, nano.DevGenesisKey()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.InsertDeterministic(id, 8); err != nil {
		t.Fatal(err)
	}
	sum, err := s.Summarize(id)
	if err != nil {
		t.Fatal(err)
	}
	if sum != (Summary{Deterministic: 4, Adhoc: 1, DeterministicIndex: 2}) {
		t.Fatalf("summary %+v", sum)
	}
	var unknown ID
	if _, err := s.Summarize(unknown); !errors.Is(err, ErrWalletNotFound) {
		t.Fatalf("Summarize of an unknown wallet: %v", err)
	}
	if _, err := s.InsertDeterministic(unknown, 1); !errors.Is(err, ErrWalletNotFound) {
		t.Fatalf("InsertDeterministic into an unknown wallet: %v", err)
	}
}

func TestStateBlock(t *testing.T) {
	priv := nano.DeriveKey(nano.Seed{}, 0)
	b := StateBlock(priv, nano.Hash{1}, genesis(), nano.NewAmount(5), nano.Hash{2})
	if b.Type != nano.BlockTypeState || b.Account != priv.PublicKey() || !b.VerifySignature(priv.PublicKey()) {
		t.Fatalf("block %+v is not a state block signed by its account", b)
	}
	if b.Work != 0 {
		t.Fatal("StateBlock set work")
	}
}

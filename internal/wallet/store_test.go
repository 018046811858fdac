package wallet

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"

	"github.com/nipc/nipc/nano"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func openStore(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func genesis() nano.PublicKey { return nano.DevGenesisKey().PublicKey() }

func TestCreateDeriveAndReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wallets.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	seed, _ := nano.ParseSeed("0000000000000000000000000000000000000000000000000000000000000001")
	id, err := s.Create(&seed, genesis())
	if err != nil {
		t.Fatal(err)
	}
	accts, err := s.CreateAccounts(id, 3)
	if err != nil || len(accts) != 3 {
		t.Fatalf("CreateAccounts = %v, %v", accts, err)
	}
	for i, a := range accts {
		if want := nano.DeriveKey(seed, uint32(i)).PublicKey(); a != want {
			t.Errorf("account %d = %s, want %s", i, a.Account(), want.Account())
		}
	}
	s.Close()

	// Everything survives a restart, and the empty password unlocks it.
	s = openStore(t, path)
	got, err := s.Seed(id)
	if err != nil || got != seed {
		t.Fatalf("Seed after reopen = %x, %v", got, err)
	}
	list, _ := s.Accounts(id)
	if len(list) != 3 {
		t.Fatalf("Accounts after reopen = %d", len(list))
	}
	priv, err := s.PrivateKey(id, accts[2])
	if err != nil || priv != nano.DeriveKey(seed, 2) {
		t.Fatalf("PrivateKey = %v", err)
	}
	more, _ := s.CreateAccounts(id, 1)
	if more[0] != nano.DeriveKey(seed, 3).PublicKey() {
		t.Fatal("the next index was not kept")
	}
}

func TestAdHocKeys(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "w.db"))
	id, _ := s.Create(nil, genesis())
	priv := nano.DevGenesisKey()
	pub, err := s.AddKey(id, priv)
	if err != nil || pub != genesis() {
		t.Fatalf("AddKey = %v, %v", pub, err)
	}
	if ok, _ := s.Contains(id, pub); !ok {
		t.Fatal("Contains = false")
	}
	if !s.IsLocal(pub) {
		t.Fatal("IsLocal = false")
	}
	got, err := s.PrivateKey(id, pub)
	if err != nil || got != priv {
		t.Fatalf("PrivateKey = %v", err)
	}
	// The key is not stored in the clear.
	s.Close()
	raw, _ := os.ReadFile(s.db.Path())
	if containsBytes(raw, priv[:]) {
		t.Fatal("the private key is in the file in the clear")
	}
}

func containsBytes(hay, needle []byte) bool {
	for i := 0; i+len(needle) <= len(hay); i++ {
		if string(hay[i:i+len(needle)]) == string(needle) {
			return true
		}
	}
	return false
}

func TestErrors(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "w.db"))
	var missing ID
	missing[0] = 1
	if _, err := ParseID("xyz"); !errors.Is(err, ErrBadWalletNumber) {
		t.Errorf("ParseID = %v", err)
	}
	if _, err := ParseID("ZZ" + string(make([]byte, 62))); !errors.Is(err, ErrBadWalletNumber) {
		t.Errorf("ParseID = %v", err)
	}
	for name, err := range map[string]error{
		"Seed":           func() error { _, e := s.Seed(missing); return e }(),
		"Accounts":       func() error { _, e := s.Accounts(missing); return e }(),
		"Destroy":        s.Destroy(missing),
		"CreateAccount":  func() error { _, e := s.CreateAccounts(missing, 1); return e }(),
		"AddKey":         func() error { _, e := s.AddKey(missing, nano.DevGenesisKey()); return e }(),
		"Representative": func() error { _, e := s.Representative(missing); return e }(),
	} {
		if !errors.Is(err, ErrWalletNotFound) {
			t.Errorf("%s on a missing wallet = %v, want Wallet not found", name, err)
		}
	}
	id, _ := s.Create(nil, genesis())
	if _, err := s.PrivateKey(id, genesis()); !errors.Is(err, ErrAccountNotFound) {
		t.Errorf("PrivateKey of a foreign account = %v", err)
	}
}

func TestDestroyAndIDs(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "w.db"))
	a, _ := s.Create(nil, genesis())
	b, _ := s.Create(nil, genesis())
	if len(s.Wallets()) != 2 {
		t.Fatal("want 2 wallets")
	}
	if err := s.Destroy(a); err != nil {
		t.Fatal(err)
	}
	if s.Exists(a) || !s.Exists(b) {
		t.Fatal("Destroy removed the wrong wallet")
	}
	parsed, err := ParseID(b.String())
	if err != nil || parsed != b {
		t.Fatalf("ParseID(String()) = %v, %v", parsed, err)
	}
}

func TestRepresentativeAndSends(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "w.db"))
	id, _ := s.Create(nil, genesis())
	other := nano.DeriveKey(nano.Seed{}, 0).PublicKey()
	if err := s.SetRepresentative(id, other); err != nil {
		t.Fatal(err)
	}
	if rep, _ := s.Representative(id); rep != other {
		t.Fatal("representative not set")
	}
	if _, ok := s.SentBlock(id, "x"); ok {
		t.Fatal("unknown send id found")
	}
	h := nano.Hash{1, 2, 3}
	s.RecordSend(id, "x", h)
	if got, ok := s.SentBlock(id, "x"); !ok || got != h {
		t.Fatal("send id not recorded")
	}
}

func TestWrongPasswordLeavesWalletLocked(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "w.db"))
	id, _ := s.Create(nil, genesis())
	s.mu.Lock()
	delete(s.key, id)
	s.mu.Unlock()
	if err := s.unlockAll("not the password"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Seed(id); !errors.Is(err, ErrWalletLocked) {
		t.Fatalf("Seed with a wrong password = %v, want Wallet is locked", err)
	}
}

package natsbus

import (
	"path/filepath"
	"testing"

	"github.com/nipc/nipc/internal/config"
	"github.com/nipc/nipc/internal/ledger"
	"github.com/nipc/nipc/nano"
)

func TestSubjects(t *testing.T) {
	a, b := nano.DeriveKey(nano.Seed{1}, 0).PublicKey(), nano.DeriveKey(nano.Seed{2}, 0).PublicKey()
	s := SubjectsOf(config.DefaultNATS())
	if s.Prefix != "nano.dev" || s.Stream != "NANO_DEV_CONFIRMATIONS" {
		t.Fatalf("derived %+v", s)
	}
	tests := []struct {
		name string
		c    ledger.Confirmation
		want string
	}{
		{"send", ledger.Confirmation{Account: a, Counterpart: b, Subtype: ledger.SubtypeSend}, a.Account() + "." + b.Account()},
		{"send to burn", ledger.Confirmation{Account: a, Subtype: ledger.SubtypeSend}, a.Account() + "." + nano.PublicKey{}.Account()},
		{"receive", ledger.Confirmation{Account: b, Counterpart: a, Subtype: ledger.SubtypeReceive}, b.Account() + "." + a.Account()},
		{"change", ledger.Confirmation{Account: a, Subtype: ledger.SubtypeChange}, a.Account() + "." + a.Account()},
	}
	for _, tt := range tests {
		if got := s.Confirmation(&tt.c); got != "nano.dev.confirmation."+tt.want {
			t.Errorf("%s: %s", tt.name, got)
		}
	}
	c := config.DefaultNATS()
	c.SubjectPrefix, c.Stream = "x.y", "S"
	if s := SubjectsOf(c); s.APIV2Message("IsAlive") != "x.y.api.v2.IsAlive" || s.APILegacy() != "x.y.api.legacy" || s.Stream != "S" {
		t.Errorf("configured %+v", s)
	}
}

func TestMark(t *testing.T) {
	p := filepath.Join(t.TempDir(), MarkFile)
	if n, err := ReadMark(p); n != 0 || err != nil {
		t.Fatalf("missing mark = %d, %v", n, err)
	}
	for _, n := range []uint64{1, 12345, 1<<64 - 1} {
		if err := WriteMark(p, n); err != nil {
			t.Fatal(err)
		}
		if got, err := ReadMark(p); got != n || err != nil {
			t.Errorf("mark %d read back as %d, %v", n, got, err)
		}
	}
	if err := WriteMark(filepath.Join(t.TempDir(), "no", MarkFile), 1); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}

package nano

import (
	"errors"
	"strings"
	"testing"
)

// Seed, index, private key, public key. The seed-0 rows are the feeless
// crate's keys test (docs.rs/crate/feeless 0.1.11, src/keys/mod.rs); the dev
// genesis key pair is dev_private_key_data / dev_public_key_data in
// nano/secure/common.cpp.
var keyVectors = []struct {
	name        string
	seed        string
	index       uint32
	private     string
	public      string
	fromSeedToo bool
}{
	{"seed 0 index 0", strings.Repeat("0", 64), 0,
		"9F0E444C69F77A49BD0BE89DB92C38FE713E0963165CCA12FAF5712D7657120F",
		"C008B814A7D269A1FA3C6528B19201A24D797912DB9996FF02A1FF356E45552B", true},
	{"seed 0 index 987654321", strings.Repeat("0", 64), 987654321,
		"DDAC3042CAADD9DC480FE3DFB03C21C7144CED51964F33F74B1E79DA727FFAAF",
		"93F2893AB61DD7D76B0C9AD081B73946014E382EA87699EC15982A9E468F740A", true},
	{"dev genesis", "", 0, DevGenesisPrivateKeyHex, DevGenesisPublicKeyHex, false},
}

func TestKeyVectors(t *testing.T) {
	for _, v := range keyVectors {
		t.Run(v.name, func(t *testing.T) {
			priv, err := ParsePrivateKey(v.private)
			if err != nil {
				t.Fatal(err)
			}
			if v.fromSeedToo {
				seed, err := ParseSeed(v.seed)
				if err != nil {
					t.Fatal(err)
				}
				if got := DeriveKey(seed, v.index); got != priv {
					t.Fatalf("DeriveKey = %s, want %s", got.Hex(), v.private)
				}
			}
			if got := priv.PublicKey().String(); got != v.public {
				t.Fatalf("PublicKey() = %s, want %s", got, v.public)
			}
			if priv.Hex() != v.private {
				t.Fatalf("Hex() = %s", priv.Hex())
			}
		})
	}
}

func TestSeedAndKeyParsing(t *testing.T) {
	if _, err := ParseSeed("xyz"); !errors.Is(err, ErrBadSeed) {
		t.Errorf("ParseSeed: %v", err)
	}
	if _, err := ParsePrivateKey(strings.Repeat("A", 65)); !errors.Is(err, ErrBadPrivateKey) {
		t.Errorf("ParsePrivateKey: %v", err)
	}
	s1, err := GenerateSeed()
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := GenerateSeed()
	if s1 == s2 || s1 == (Seed{}) {
		t.Fatal("GenerateSeed is not random")
	}
	if back, err := ParseSeed(s1.Hex()); err != nil || back != s1 {
		t.Fatalf("seed hex round trip: %v", err)
	}
}
